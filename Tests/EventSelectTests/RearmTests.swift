// docs/SEMANTICS.md rule 13, event mode: a re-issued eventSelect leaves a reported condition quiet,
// but the next arrival (new data, a new connection) records the event again although it was not
// re-enabled (Wine tests test_read_events, test_accept_events: event mode, after select /
// select(0) / select). FD_OOB is not re-armed (ReselectTests: reported FD_OOB stays suppressed). Without a re-selection an arrival records nothing
// (rule 9), and message mode never re-records on arrival.
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct RearmTests {
    @Test(arguments: testBackends, PairKind.allCases)
    func rule13_newDataAfterReselectRecordsFDReadAgain(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        #expect(try rawSend(b, count: 4) == 4)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        // What already holds stays quiet across a re-selection and a cancel (rule 13).
        try n.eventSelect(a, e, [.read])
        try expectNothing(n, a, e)
        try n.eventSelect(a, e, [])
        try n.eventSelect(a, e, [.read])
        try expectNothing(n, a, e)
        // The next arrival records FD_READ again, once.
        #expect(try rawSend(b, count: 4) == 4)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        #expect(try rawSend(b, count: 4) == 4)
        waitQueued(a, bytes: 12)
        try expectNothing(n, a, e)
        // A partial receive re-enables and re-records (rule 10); draining leaves nothing.
        #expect(try receive(n, a, count: 2) == 2)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        #expect(try receive(n, a, count: 64) == 10)
        try expectNothing(n, a, e)
    }

    @Test(arguments: testBackends, PairKind.allCases)
    func rule9_newDataWithoutReselectRecordsNothing(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        #expect(try rawSend(b, count: 4) == 4)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        #expect(try rawSend(b, count: 4) == 4)
        waitQueued(a, bytes: 8)
        try expectNothing(n, a, e)
    }

    @Test(arguments: testBackends)
    func rule13_newConnectionAfterReselectRecordsFDAcceptAgain(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (listener, address) = try owned.listener()
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(listener, e, [.accept])
        try owned.connectedClient(address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        try n.eventSelect(listener, e, [.accept])
        try expectNothing(n, listener, e)
        try n.eventSelect(listener, e, [])
        try n.eventSelect(listener, e, [.accept])
        try expectNothing(n, listener, e)
        try owned.connectedClient(address)
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        // accept re-enables; the other connection still waits, so FD_ACCEPT comes again (rule 10).
        owned.own(try n.accept(listener))
        #expect(try waitAndEnum(n, listener, e).events == [.accept])
        owned.own(try n.accept(listener))
        try expectNothing(n, listener, e)
    }

    /// How the test below leaves one of two descriptors of a re-armed socket.
    enum Handover: CaseIterable, Sendable {
        /// The selection is re-made through a socket(from:) copy, which is then closed.
        case closeReselectingImport
        /// The same through a Glibc dup.
        case closeReselectingDup
        /// The original selects again and is closed; the import stays, unused since.
        case closeSelectingKeepImport
    }

    /// Found by the model-based test: the descriptor a selection was last made through is closed
    /// while another descriptor of the socket remains here. A wake-up of the socket that brings no
    /// data (here: room to send) must be told from an arrival by asking the remaining descriptor,
    /// not taken for one.
    @Test(arguments: testBackends, Handover.allCases)
    func rule13_closingTheSelectingDescriptorKeepsArrivalsCounted(
        backend: NotifierBackend, handover: Handover
    ) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(.unix)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        #expect(try rawSend(b, count: 4) == 4)
        try n.eventSelect(a, e, [.read])
        #expect(try waitAndEnum(n, a, e).events == [.read])
        let copy =
            handover == .closeReselectingDup
            ? FileDescriptor(rawValue: dup(a.rawValue))
            : try n.socket(from: try n.duplicateSocket(a, for: getpid()))
        try #require(copy.rawValue >= 0)
        owned.own(copy)
        let (closing, remaining) = handover == .closeSelectingKeepImport ? (a, copy) : (copy, a)
        try n.eventSelect(closing, e, [.read])  // FD_READ reported: re-armed for the next arrival
        try expectNothing(n, closing, e)
        owned.release(closing)
        try n.close(closing)
        // A wake-up that is not an arrival: the peer reads what the socket sent.
        #expect(Glibc.send(remaining.rawValue, "x", 1, 0) == 1)
        var byte: UInt8 = 0
        #expect(Glibc.recv(b.rawValue, &byte, 1, 0) == 1)
        try expectNothing(n, remaining, e)
        // The next arrival records FD_READ again, once.
        #expect(try rawSend(b, count: 4) == 4)
        waitQueued(remaining, bytes: 8)
        #expect(try waitAndEnum(n, remaining, e).events == [.read])
    }

    @Test(arguments: testBackends, PairKind.allCases)
    func rule13_messageModeNeverRepostsOnArrival(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let queue = try MessageQueue()
        try n.asyncSelect(a, queue, message: wmSocket, [.read])
        #expect(try rawSend(b, count: 4) == 4)
        try expectTake(queue, [message(wmSocket, a, .read)])
        // Re-selecting in message mode posts what holds now (rule 13)...
        try n.asyncSelect(a, queue, message: wmSocket, [.read])
        try expectTake(queue, [message(wmSocket, a, .read)])
        // ...and an arrival while FD_READ is posted and not re-enabled posts nothing.
        #expect(try rawSend(b, count: 4) == 4)
        waitQueued(a, bytes: 8)
        #expect(drain(queue) == [])
    }
}

/// Waits (bounded) until `bytes` are queued for reading on `fd` (FIONREAD), so that a check that
/// nothing was recorded comes after the arrival it is about.
private func waitQueued(_ fd: FileDescriptor, bytes: CInt, sourceLocation: SourceLocation = #_sourceLocation) {
    let deadline = ContinuousClock.now + mustHappen
    var count: CInt = 0
    while ContinuousClock.now < deadline {
        if ioctl(fd.rawValue, UInt(FIONREAD), &count) == 0, count >= bytes { return }
        sched_yield()
    }
    Issue.record("only \(count) of \(bytes) bytes arrived", sourceLocation: sourceLocation)
}
