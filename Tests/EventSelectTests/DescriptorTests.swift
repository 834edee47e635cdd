// docs/SEMANTICS.md rule 17 (event mode): close closes one descriptor; the socket lives until its last
// descriptor closes; a registration made through a closed descriptor stays while another descriptor
// remains, and ends with the socket (docs/SEMANTICS.md rule 17); FD_CLOSE is never recorded for the local close
// (docs/SEMANTICS.md rule 17). A descriptor number reused after close must not inherit the old registration.
import EventSelect
import Glibc
import SystemPackage
import Testing

enum EvCloseWay: CaseIterable, CustomStringConvertible {
    case notifier, glibc
    var description: String { self == .notifier ? "Notifier.close" : "Glibc.close" }

    func close(_ n: Notifier, _ fd: FileDescriptor, _ owned: EvOwned) throws {
        switch self {
        case .notifier:
            owned.release(fd)
            try n.close(fd)
        case .glibc:
            owned.close(fd)
        }
    }
}

@Suite struct DescriptorTests {
    /// Selected through a dup which is then closed: the registration stays (events recorded and the
    /// event set), readable and re-enabled through the remaining descriptor; the peer sees no EOF.
    @Test(arguments: testBackends, EvCloseWay.allCases)
    func rule17_RegistrationSurvivesClosingTheDescriptorItWasMadeThrough(
        backend: NotifierBackend, way: EvCloseWay
    ) throws {
        for kind in PairKind.allCases {
            let owned = EvOwned()
            defer { owned.closeAll() }
            let (a, b) = try owned.pair(kind)
            let d = owned.own(try evDup(a))
            let n = try Notifier(backend: backend)
            let e = try SocketEvent()
            try n.eventSelect(d, e, [.read, .write, .close])
            #expect(try waitAndEnum(n, a, e).events == [.write], "\(kind)")
            try way.close(n, d, owned)
            // The local close of one descriptor is not FD_CLOSE, and the peer sees no EOF.
            try expectNothing(n, a, e)
            #expect(!evSeesEOF(b, timeout: .zero), "\(kind)")
            try rawSend(b, count: 4)
            #expect(try waitAndEnum(n, a, e).events == [.read], "\(kind)")
            #expect(try receive(n, a, count: 2) == 2)
            #expect(try waitAndEnum(n, a, e, timeout: .zero).events == [.read], "\(kind)")
            #expect(try receive(n, a, count: 2) == 2)
            owned.close(b)
            #expect(try evCollect(n, a, e, [.close]).events == [.close], "\(kind)")
        }
    }

    /// Selected through the original, the original closed, the dup remains: same.
    @Test(arguments: testBackends, EvCloseWay.allCases)
    func rule17_RegistrationSurvivesClosingTheOriginal(backend: NotifierBackend, way: EvCloseWay) throws {
        for kind in PairKind.allCases {
            let owned = EvOwned()
            defer { owned.closeAll() }
            let (a, b) = try owned.pair(kind)
            let d = owned.own(try evDup(a))
            let n = try Notifier(backend: backend)
            let e = try SocketEvent()
            try n.eventSelect(a, e, [.read])
            try way.close(n, a, owned)
            try expectNothing(n, d, e)
            try rawSend(b, count: 1)
            #expect(try waitAndEnum(n, d, e).events == [.read], "\(kind)")
            // Still the one registration: selecting through the dup replaces it, and
            // setBlocking(true) is refused until a cancel.
            #expect(throws: Errno.invalidArgument) { try n.setBlocking(d, true) }
        }
    }

    /// The socket ends with its last descriptor: the peer sees EOF only then, and nothing is
    /// recorded for the local close.
    @Test(arguments: testBackends, EvCloseWay.allCases)
    func rule17_SocketEndsWithItsLastDescriptor(backend: NotifierBackend, way: EvCloseWay) throws {
        for kind in PairKind.allCases {
            let owned = EvOwned()
            defer { owned.closeAll() }
            let (a, b) = try owned.pair(kind)
            let d1 = owned.own(try evDup(a))
            let d2 = owned.own(try evDup(a))
            let n = try Notifier(backend: backend)
            let e = try SocketEvent()
            try n.eventSelect(d1, e, [.read, .close])
            try way.close(n, d1, owned)
            #expect(!evSeesEOF(b, timeout: .zero), "\(kind)")
            try way.close(n, a, owned)
            #expect(!evSeesEOF(b, timeout: .zero), "\(kind)")
            try expectNothing(n, d2, e)
            try way.close(n, d2, owned)
            #expect(evSeesEOF(b), "\(kind): the peer sees EOF after the last close")
            #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil, "\(kind): no FD_CLOSE for a local close")
        }
    }

    /// After its socket is gone, a descriptor number reused for a new socket starts with no
    /// registration: events on the new socket do not set the old object, enumNetworkEvents returns
    /// empty, and a new selection records afresh (FD_WRITE is not suppressed by the old socket's
    /// reported FD_WRITE).
    @Test(arguments: testBackends, EvCloseWay.allCases)
    func rule17_ReusedDescriptorNumberDoesNotInheritRegistration(backend: NotifierBackend, way: EvCloseWay) throws {
        for kind in PairKind.allCases {
            let owned = EvOwned()
            defer { owned.closeAll() }
            let (a0, b) = try makePair(kind)
            let a = owned.own(try evMoveHigh(a0))
            owned.own(b)
            let number = a.rawValue
            let n = try Notifier(backend: backend)
            let e1 = try SocketEvent()
            try n.eventSelect(a, e1, [.read, .write, .close])
            #expect(try waitAndEnum(n, a, e1).events == [.write], "\(kind)")
            try way.close(n, a, owned)
            // Put a new socket at the same number (dup2 makes the reuse certain under parallel tests).
            let (c, f) = try makePair(kind)
            owned.own(f)
            #expect(dup2(c.rawValue, number) == number)
            _ = Glibc.close(c.rawValue)
            let reused = owned.own(FileDescriptor(rawValue: number))
            #expect(!evIsNonBlocking(reused), "\(kind): the new socket is untouched")
            try rawSend(f, count: 2)
            #expect(evPoll(reused))
            #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil, "\(kind)")
            #expect(try n.enumNetworkEvents(reused, resetting: nil).events == [], "\(kind)")
            // The old peer closing is nothing to anyone now.
            owned.close(b)
            #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil, "\(kind)")
            // A new selection records what holds, FD_WRITE included.
            let e2 = try SocketEvent()
            try n.eventSelect(reused, e2, [.read, .write, .close])
            #expect(try waitAndEnum(n, reused, e2).events == [.read, .write], "\(kind)")
            #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil, "\(kind)")
        }
    }

    /// The number of a closed descriptor reused while the old socket lives on through a dup: the
    /// new socket at that number gets nothing of the old registration, and the old socket's events
    /// still reach its object through the dup.
    @Test(arguments: testBackends, EvCloseWay.allCases)
    func rule17_ReusedNumberWhileOldSocketLivesOn(backend: NotifierBackend, way: EvCloseWay) throws {
        for kind in PairKind.allCases {
            let owned = EvOwned()
            defer { owned.closeAll() }
            let (a0, b) = try makePair(kind)
            let a = owned.own(try evMoveHigh(a0))
            owned.own(b)
            let d = owned.own(try evDup(a))
            let number = a.rawValue
            let n = try Notifier(backend: backend)
            let e1 = try SocketEvent()
            try n.eventSelect(a, e1, [.read, .close])
            try way.close(n, a, owned)
            let (c, f) = try makePair(kind)
            owned.own(f)
            #expect(dup2(c.rawValue, number) == number)
            _ = Glibc.close(c.rawValue)
            let reused = owned.own(FileDescriptor(rawValue: number))
            // Data on the new socket: not the old registration's business.
            try rawSend(f, count: 1)
            #expect(evPoll(reused))
            #expect(try SocketEvent.waitAny([e1], timeout: .zero) == nil, "\(kind)")
            #expect(try n.enumNetworkEvents(d, resetting: nil).events == [], "\(kind)")
            #expect(try n.enumNetworkEvents(reused, resetting: nil).events == [], "\(kind)")
            // Data on the old socket: recorded for the old registration, read through the dup.
            try rawSend(b, count: 1)
            #expect(try waitAndEnum(n, d, e1).events == [.read], "\(kind)")
            #expect(try receive(n, d, count: 1) == 1)
            // The new socket's peer closing: nothing; the old peer closing: FD_CLOSE.
            owned.close(f)
            #expect(evPoll(reused, CInt(POLLIN) | evPOLLRDHUP))
            try expectNothing(n, d, e1)
            owned.close(b)
            #expect(try evCollect(n, d, e1, [.close]).events == [.close], "\(kind)")
        }
    }

    /// receive through one descriptor re-enables FD_READ for the registration made through another.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule17_ReceiveThroughDupReenablesFDRead(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let d = owned.own(try evDup(a))
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try rawSend(b, count: 3)
        #expect(try waitAndEnum(n, d, e).events == [.read])
        #expect(try receive(n, d, count: 1, flags: CInt(MSG_PEEK)) == 1)
        #expect(try waitAndEnum(n, a, e, timeout: .zero).events == [.read])
        #expect(try receive(n, d, count: 3) == 3)
        try expectNothing(n, a, e)
        try rawSend(b, count: 1)
        #expect(try waitAndEnum(n, a, e).events == [.read])
    }
}
