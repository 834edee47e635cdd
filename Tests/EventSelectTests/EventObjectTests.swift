// docs/SEMANTICS.md rule 11 (event object set when recorded, stays set until reset() or
// enumNetworkEvents(resetting:), waiting never resets: docs/SEMANTICS.md rule 11, docs/SEMANTICS.md rule 11) and rule 22 (waitAny returns the
// lowest set index or nil on timeout, timeout zero only tests, waitAll, no 64-event limit, empty
// array EINVAL: docs/SEMANTICS.md rule 22).
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct EventObjectTests {
    @Test func rule11_NewEventIsUnsetAndManualReset() throws {
        let e = try SocketEvent()
        #expect(!e.isSet)
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil)
        e.set()
        #expect(e.isSet)
        // Manual reset: waiting any number of times leaves it set.
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
        #expect(try SocketEvent.waitAll([e], timeout: .zero))
        #expect(e.isSet)
        e.reset()
        #expect(!e.isSet)
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil)
    }

    /// The event is set when an event is recorded and stays set through waits until reset() —
    /// which does not clear the record.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule11_EventSetWhenRecordedStaysSetUntilReset(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil)
        try rawSend(b, count: 3)
        #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
        // Waiting never resets (docs/SEMANTICS.md rule 11).
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        #expect(try SocketEvent.waitAll([e], timeout: .zero))
        #expect(e.isSet)
        e.reset()
        #expect(!e.isSet)
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil)
        // reset() leaves the record alone.
        #expect(try n.enumNetworkEvents(a, resetting: nil).events == [.read])
    }

    /// enumNetworkEvents(resetting: e) resets e; with nil it clears the record but leaves the event
    /// set (docs/SEMANTICS.md rule 12).
    @Test(arguments: testBackends, PairKind.allCases)
    func rule11_EnumResettingResetsEventAndNilDoesNot(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .write])
        #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
        #expect(try n.enumNetworkEvents(a, resetting: nil).events == [.write])
        #expect(e.isSet)
        #expect(try n.enumNetworkEvents(a, resetting: nil).events == [])
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == 0)
        try rawSend(b, count: 1)
        // The event is still set from before; the record fills anyway.
        let record = try evCollect(n, a, e, [.read])
        #expect(record.events == [.read])
        #expect(!e.isSet)
    }

    /// docs/SEMANTICS.md rule 14: one event object may serve several sockets; each socket keeps its own record.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule11_OneEventServesSeveralSockets(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a1, b1) = try makePair(kind)
        let (a2, b2) = try makePair(kind)
        [a1, b1, a2, b2].forEach { owned.own($0) }
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a1, e, [.read])
        try n.eventSelect(a2, e, [.read])
        try expectNothing(n, a1, e)
        try rawSend(b2, count: 1)
        #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
        #expect(try n.enumNetworkEvents(a1, resetting: nil).events == [])
        #expect(try n.enumNetworkEvents(a2, resetting: e).events == [.read])
        try rawSend(b1, count: 1)
        #expect(try waitAndEnum(n, a1, e).events == [.read])
        #expect(try n.enumNetworkEvents(a2, resetting: nil).events == [])
    }

    @Test func rule22_WaitAnyReturnsLowestSetIndex() throws {
        let events = try (0..<5).map { _ in try SocketEvent() }
        #expect(try SocketEvent.waitAny(events, timeout: .zero) == nil)
        events[3].set()
        #expect(try SocketEvent.waitAny(events, timeout: .zero) == 3)
        events[1].set()
        #expect(try SocketEvent.waitAny(events, timeout: .zero) == 1)
        #expect(try SocketEvent.waitAny(events, timeout: mustHappen) == 1)
        events[4].set()
        events[0].set()
        #expect(try SocketEvent.waitAny(events, timeout: .zero) == 0)
        events[0].reset()
        #expect(try SocketEvent.waitAny(events, timeout: .zero) == 1)
        // The order is the array's, not creation order.
        #expect(try SocketEvent.waitAny([events[2], events[4], events[3]], timeout: .zero) == 1)
        // Nothing was reset by any of these waits.
        #expect(events.map(\.isSet) == [false, true, false, true, true])
    }

    /// Timeout zero only tests: returns nil at once; a short timeout returns nil after about that
    /// long.
    @Test func rule22_TimeoutZeroOnlyTestsAndTimeoutReturnsNil() throws {
        let events = try (0..<3).map { _ in try SocketEvent() }
        let clock = ContinuousClock()
        var start = clock.now
        #expect(try SocketEvent.waitAny(events, timeout: .zero) == nil)
        #expect(try SocketEvent.waitAll(events, timeout: .zero) == false)
        let zero = start.duration(to: clock.now)
        #expect(zero < .seconds(1))
        start = clock.now
        #expect(try SocketEvent.waitAny(events, timeout: .milliseconds(100)) == nil)
        let short = start.duration(to: clock.now)
        #expect(short >= .milliseconds(90))
        #expect(short < mustHappen)
        events[0].set()
        start = clock.now
        #expect(try SocketEvent.waitAll(events, timeout: .milliseconds(100)) == false)
        let shortAll = start.duration(to: clock.now)
        #expect(shortAll >= .milliseconds(90))
    }

    @Test func rule22_WaitAllTrueOnlyWhenAllSet() throws {
        let events = try (0..<4).map { _ in try SocketEvent() }
        #expect(try SocketEvent.waitAll(events, timeout: .zero) == false)
        events[0].set()
        events[1].set()
        events[3].set()
        #expect(try SocketEvent.waitAll(events, timeout: .zero) == false)
        events[2].set()
        #expect(try SocketEvent.waitAll(events, timeout: .zero))
        #expect(try SocketEvent.waitAll(events, timeout: mustHappen))
        // Waiting reset nothing.
        #expect(events.allSatisfy { $0.isSet })
        events[1].reset()
        #expect(try SocketEvent.waitAll(events, timeout: .zero) == false)
    }

    /// waitAll completes when the last event is set by a network event delivered during the wait.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule22_WaitAllCompletesWhenSocketEventArrives(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let manual = try SocketEvent()
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        manual.set()
        #expect(try SocketEvent.waitAll([manual, e], timeout: .zero) == false)
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAll([manual, e], timeout: mustHappen))
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read])
    }

    /// No 64-event limit (Windows: WSA_MAXIMUM_WAIT_EVENTS).
    @Test func rule22_MoreThan64Events() throws {
        let events = try (0..<200).map { _ in try SocketEvent() }
        #expect(try SocketEvent.waitAny(events, timeout: .zero) == nil)
        events[150].set()
        #expect(try SocketEvent.waitAny(events, timeout: .zero) == 150)
        #expect(try SocketEvent.waitAny(events, timeout: mustHappen) == 150)
        events[70].set()
        #expect(try SocketEvent.waitAny(events, timeout: .zero) == 70)
        for event in events where event !== events[199] { event.set() }
        #expect(try SocketEvent.waitAll(events, timeout: .zero) == false)
        events[199].set()
        #expect(try SocketEvent.waitAll(events, timeout: .zero))
        #expect(try SocketEvent.waitAll(events, timeout: mustHappen))
    }

    /// 100 sockets on 100 events: the right index comes back past 64.
    @Test(arguments: testBackends)
    func rule22_MoreThan64SocketEvents(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let n = try Notifier(backend: backend)
        var pairs: [(FileDescriptor, FileDescriptor)] = []
        var events: [SocketEvent] = []
        for _ in 0..<100 {
            let (a, b) = try owned.pair(.unix)
            let e = try SocketEvent()
            try n.eventSelect(a, e, [.read])
            pairs.append((a, b))
            events.append(e)
        }
        #expect(try SocketEvent.waitAny(events, timeout: .zero) == nil)
        try rawSend(pairs[97].1, count: 1)
        #expect(try SocketEvent.waitAny(events, timeout: mustHappen) == 97)
        try rawSend(pairs[80].1, count: 1)
        #expect(try SocketEvent.waitAny(events, timeout: mustHappen) == 80)
        #expect(try n.enumNetworkEvents(pairs[80].0, resetting: events[80]).events == [.read])
        #expect(try SocketEvent.waitAny(events, timeout: .zero) == 97)
    }

    /// Socket events: with event 1 set, data arriving for the socket of event 0 makes waitAny
    /// return 0, the lowest set index, not the index that was set first.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule22_WaitAnyLowestIndexAmongSocketEvents(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a0, b0) = try makePair(kind)
        let (a1, b1) = try makePair(kind)
        [a0, b0, a1, b1].forEach { owned.own($0) }
        let n = try Notifier(backend: backend)
        let e0 = try SocketEvent()
        let e1 = try SocketEvent()
        try n.eventSelect(a0, e0, [.read])
        try n.eventSelect(a1, e1, [.read])
        try rawSend(b1, count: 1)
        #expect(try SocketEvent.waitAny([e0, e1], timeout: mustHappen) == 1)
        try rawSend(b0, count: 1)
        #expect(evPoll(a0))
        #expect(try SocketEvent.waitAny([e0, e1], timeout: mustHappen) == 0)
        #expect(try SocketEvent.waitAny([e0, e1], timeout: .zero) == 0)
    }

    @Test func rule22_EmptyArrayThrowsEINVAL() throws {
        #expect(throws: Errno.invalidArgument) { try SocketEvent.waitAny([], timeout: .zero) }
        #expect(throws: Errno.invalidArgument) { try SocketEvent.waitAny([], timeout: mustHappen) }
        #expect(throws: Errno.invalidArgument) { try SocketEvent.waitAll([], timeout: .zero) }
        #expect(throws: Errno.invalidArgument) { try SocketEvent.waitAll([], timeout: mustHappen) }
    }
}
