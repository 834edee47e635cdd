// docs/SEMANTICS.md rules 9-10 (event mode): once recorded, an event is not recorded again until its
// re-enabling call (docs/SEMANTICS.md rule 9): FD_READ by receive (MSG_PEEK too, docs/SEMANTICS.md rule 9), FD_OOB by receive(MSG_OOB) (docs/SEMANTICS.md rule 9),
// FD_ACCEPT by accept (docs/SEMANTICS.md rule 9), FD_WRITE only by a send failing with EWOULDBLOCK (docs/SEMANTICS.md rule 9);
// FD_CONNECT/FD_CLOSE never. A failing re-enabling call re-enables (docs/SEMANTICS.md rule 9). Right after a
// re-enabling call the event is recorded again if its condition still holds (docs/SEMANTICS.md rule 10).
// New data arriving while FD_READ is reported: RearmTests (docs/SEMANTICS.md rule 13).
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct ReenableTests {
    /// While FD_READ is reported and the data sits unread, nothing is recorded again; a receive
    /// that drains the data re-enables, so the next data records FD_READ.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule9_FDReadReenabledByReceive(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .write])
        #expect(try waitAndEnum(n, a, e).events == [.write])
        try rawSend(b, count: 8)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        try expectNothing(n, a, e)
        #expect(try receive(n, a, count: 8) == 8)
        try expectNothing(n, a, e)
        try rawSend(b, count: 2)
        #expect(try waitAndEnum(n, a, e).events == [.read])
    }

    /// docs/SEMANTICS.md rule 9: receive with MSG_PEEK re-enables FD_READ; the data is still there, so FD_READ is
    /// recorded again at once (rule 10).
    @Test(arguments: testBackends, PairKind.allCases)
    func rule9_PeekReenablesFDRead(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try rawSend(b, count: 10)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        try expectNothing(n, a, e)
        #expect(try receive(n, a, count: 10, flags: CInt(MSG_PEEK)) == 10)
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read])
    }

    /// docs/SEMANTICS.md rule 9: a receive that fails (EFAULT: unmapped buffer) still re-enables FD_READ; the data is
    /// still queued, so FD_READ is recorded again.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule9_FailedReceiveStillReenablesFDRead(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try rawSend(b, count: 10)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        try expectNothing(n, a, e)
        #expect(throws: Errno.badAddress) { try n.receive(a, into: evBadBuffer(), flags: 0) }
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read])
        #expect(try receive(n, a, count: 10) == 10)
    }

    /// docs/SEMANTICS.md rule 9: a receive failing with EWOULDBLOCK is a re-enabling call too: after the data was taken
    /// behind EventSelect's back (Glibc recv), it re-enables, and new data records FD_READ.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule9_WouldBlockReceiveReenablesFDRead(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try rawSend(b, count: 4)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        #expect(try rawReceive(a, count: 4) == 4)
        #expect(throws: Errno.wouldBlock) { try receive(n, a, count: 4) }
        try expectNothing(n, a, e)
        try rawSend(b, count: 4)
        #expect(try waitAndEnum(n, a, e).events == [.read])
    }

    /// docs/SEMANTICS.md rule 9: only receive(MSG_OOB) re-enables FD_OOB; a normal receive does not. receive with
    /// MSG_OOB|MSG_PEEK leaves the urgent byte, so FD_OOB is recorded again at once (rule 10).
    /// (Two normal bytes precede the urgent one: a normal receive of one byte stops before the mark;
    /// on Linux a normal receive that passes the mark discards the urgent byte.)
    @Test(arguments: testBackends)
    func rule9_FDOOBReenabledOnlyByReceiveWithMSGOOB(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(.tcp)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .oob])
        try rawSend(b, count: 2)
        try rawSend(b, count: 1, flags: CInt(MSG_OOB))
        #expect(evPoll(a, CInt(POLLPRI)))
        #expect(try evCollect(n, a, e, [.read, .oob]).events == [.read, .oob])
        // A normal receive re-enables FD_READ only: FD_READ again (a byte is left), not FD_OOB.
        #expect(try receive(n, a, count: 1) == 1)
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read])
        try expectNothing(n, a, e)
        #expect(try receive(n, a, count: 1, flags: CInt(MSG_OOB | MSG_PEEK)) == 1)
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.oob])
        #expect(try receive(n, a, count: 1, flags: CInt(MSG_OOB)) == 1)
        try expectNothing(n, a, e)
    }

    /// docs/SEMANTICS.md rule 9: FD_ACCEPT stays reported while the connection waits; accept re-enables it.
    @Test(arguments: testBackends)
    func rule9_FDAcceptReenabledByAccept(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.accept])
        try owned.connectedClient(address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        try expectNothing(n, listener, e)
        owned.own(try n.accept(listener))
        try expectNothing(n, listener, e)
        try owned.connectedClient(address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
    }

    /// docs/SEMANTICS.md rule 9: an accept that fails (EWOULDBLOCK) re-enables FD_ACCEPT: a connection accepted
    /// behind EventSelect's back, then a failed accept, then a new connection records FD_ACCEPT.
    @Test(arguments: testBackends)
    func rule9_FailedAcceptReenablesFDAccept(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.accept])
        try owned.connectedClient(address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        let raw = Glibc.accept(listener.rawValue, nil, nil)
        #expect(raw >= 0)
        owned.own(FileDescriptor(rawValue: raw))
        #expect(throws: Errno.wouldBlock) { owned.own(try n.accept(listener)) }
        try expectNothing(n, listener, e)
        try owned.connectedClient(address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
    }

    /// docs/SEMANTICS.md rule 9: FD_WRITE is re-enabled only by a send that fails with EWOULDBLOCK; it is recorded
    /// again once the peer makes room.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule9_FDWriteReenabledOnlyByWouldBlockSend(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.write])
        #expect(try waitAndEnum(n, a, e).events == [.write])
        let sent = try evFillSendBuffer(n, a)
        #expect(sent > 0)
        // The failed send re-enabled FD_WRITE, but the socket cannot send yet: nothing recorded.
        try expectNothing(n, a, e)
        try evDrain(b, count: sent)
        #expect(try waitAndEnum(n, a, e).events == [.write])
        try expectNothing(n, a, e)
    }

    /// docs/SEMANTICS.md rule 9: a successful send re-enables nothing: after FD_WRITE was reported, sending and the peer
    /// reading it all (the socket becomes writable again) records nothing.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule9_SuccessfulSendReenablesNothing(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.write])
        #expect(try waitAndEnum(n, a, e).events == [.write])
        #expect(try send(n, a, count: 5) == 5)
        try evDrain(b, count: 5)
        try expectNothing(n, a, e)
        // Even a large successful send that the peer drains records nothing.
        let big = try send(n, a, count: 100_000)
        try evDrain(b, count: big)
        try expectNothing(n, a, e)
    }

    /// FD_CONNECT and FD_CLOSE have no re-enabling call: receive, send and accept-like calls after
    /// they were reported record neither again.
    @Test(arguments: testBackends)
    func rule9_FDConnectNeverReenabled(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (_, address) = try owned.listener()
        let s = owned.own(try tcpSocket())
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(s, e, [.connect])
        try connect(n, s, address)
        #expect(try waitAndEnum(n, s, e).events == [.connect])
        #expect(throws: Errno.wouldBlock) { try receive(n, s, count: 4) }
        #expect(try send(n, s, count: 4) == 4)
        try expectNothing(n, s, e)
        try n.eventSelect(s, e, [.connect])
        try expectNothing(n, s, e)
    }

    @Test(arguments: testBackends, PairKind.allCases)
    func rule9_FDCloseNeverReenabled(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.close])
        #expect(Glibc.shutdown(b.rawValue, CInt(SHUT_WR)) == 0)
        #expect(try evCollect(n, a, e, [.close]).events == [.close])
        #expect(try receive(n, a, count: 4) == 0)
        #expect(try receive(n, a, count: 4, flags: CInt(MSG_PEEK)) == 0)
        #expect(try send(n, a, count: 4) == 4)
        try expectNothing(n, a, e)
    }

    /// docs/SEMANTICS.md rule 10: a partial receive leaves data, so FD_READ is recorded again at once; one byte at a
    /// time, FD_READ after each receive while data remains, nothing after the last byte.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule10_PartialReceiveRecordsFDReadAgain(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try rawSend(b, count: 5)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        for left in (0..<5).reversed() {
            #expect(try receive(n, a, count: 1) == 1)
            if left > 0 {
                #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0, "\(left) bytes left")
                #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read], "\(left) bytes left")
            } else {
                try expectNothing(n, a, e)
            }
        }
    }

    /// docs/SEMANTICS.md rule 10: after accept, FD_ACCEPT is recorded again at once while another connection waits;
    /// after the last accept, nothing.
    @Test(arguments: testBackends)
    func rule10_AcceptWithAnotherConnectionWaitingRecordsFDAcceptAgain(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let c1 = owned.own(try tcpSocket())
        let c2 = owned.own(try tcpSocket())
        try connectBlocking(c1, address)
        try connectBlocking(c2, address)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.accept])
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        owned.own(try n.accept(listener))
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try n.enumNetworkEvents(listener, resetting: e).events == [.accept])
        owned.own(try n.accept(listener))
        try expectNothing(n, listener, e)
    }
}
