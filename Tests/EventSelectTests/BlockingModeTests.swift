// docs/SEMANTICS.md rule 15: selecting, even with an empty set, makes the socket non-blocking (docs/SEMANTICS.md rule 15);
// setBlocking(true) fails with EINVAL while a selection is active and works after a cancel;
// setBlocking(false) always works; after a cancel the socket stays non-blocking (docs/SEMANTICS.md rule 15).
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct BlockingModeTests {
    @Test(arguments: testBackends, PairKind.allCases)
    func rule15_SelectingMakesSocketNonBlocking(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, _) = try owned.pair(kind)
        #expect(!evIsNonBlocking(a))
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try #require(evIsNonBlocking(a))
        // A receive with nothing to read fails at once instead of blocking.
        #expect(throws: Errno.wouldBlock) { try receive(n, a, count: 1) }
    }

    /// docs/SEMANTICS.md rule 15: even an empty set (a cancel of a socket never selected) makes it non-blocking.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule15_EmptySetMakesSocketNonBlocking(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, _) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [])
        #expect(evIsNonBlocking(a))
        // And an empty set on a never-connected socket, and on a listener.
        let s = owned.own(try evUnconnectedStreamSocket(kind))
        try n.eventSelect(s, e, [])
        #expect(evIsNonBlocking(s))
        let (listener, _) = try owned.listener()
        try n.eventSelect(listener, e, [])
        #expect(evIsNonBlocking(listener))
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil)
    }

    /// docs/SEMANTICS.md rule 15: blocking is refused while selected, allowed after a cancel; the cancel itself
    /// leaves the socket non-blocking.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule15_SetBlockingRefusedWhileSelectedAllowedAfterCancel(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        #expect(throws: Errno.invalidArgument) { try n.setBlocking(a, true) }
        #expect(evIsNonBlocking(a))
        // setBlocking(false) always works.
        try n.setBlocking(a, false)
        #expect(evIsNonBlocking(a))
        // The selection is untouched by the refused call.
        try rawSend(b, count: 1)
        #expect(try waitAndEnum(n, a, e).events == [.read])
        try n.eventSelect(a, e, [])
        #expect(evIsNonBlocking(a))
        try n.setBlocking(a, true)
        #expect(!evIsNonBlocking(a))
        try n.setBlocking(a, false)
        #expect(evIsNonBlocking(a))
        try n.setBlocking(a, true)
        #expect(!evIsNonBlocking(a))
        // Selecting again makes it non-blocking again, and blocking is refused again.
        try n.eventSelect(a, e, [.write])
        #expect(evIsNonBlocking(a))
        #expect(throws: Errno.invalidArgument) { try n.setBlocking(a, true) }
    }

    /// setBlocking works on a socket never selected, both ways.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule15_SetBlockingOnUnselectedSocket(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, _) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        try n.setBlocking(a, false)
        #expect(evIsNonBlocking(a))
        try n.setBlocking(a, true)
        #expect(!evIsNonBlocking(a))
    }

    /// The selection is per socket: a selection made through one descriptor refuses
    /// setBlocking(true) through another (dup), and a cancel through either allows it.
    @Test(arguments: testBackends, PairKind.allCases)
    func rule15_BlockingRuleAppliesThroughEveryDescriptor(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, _) = try owned.pair(kind)
        let d = owned.own(try evDup(a))
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        #expect(evIsNonBlocking(d))
        #expect(throws: Errno.invalidArgument) { try n.setBlocking(d, true) }
        try n.eventSelect(d, e, [])
        try n.setBlocking(a, true)
        #expect(!evIsNonBlocking(d))
    }
}
