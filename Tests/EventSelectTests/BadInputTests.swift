// docs/SEMANTICS.md, "Bad input": every call on a closed or never-opened descriptor (including -1)
// throws EBADF; on a non-socket (pipe, /dev/null) ENOTSOCK, leaving it open; event bits outside
// FD_READ...FD_CLOSE (incl. 0x40, 0x80, 0x100, 0x200) throw EINVAL; a bad descriptor is reported
// before bad bits; a rejected call changes nothing, for the socket and for every other socket;
// enumNetworkEvents on a socket never selected returns an empty record.
import EventSelect
import Glibc
import SystemPackage
import Testing

/// Every descriptor-taking call of the API, applied to `fd`; each must throw `expected`.
private func expectEveryCallThrows(
    _ expected: Errno, _ n: Notifier, _ fd: FileDescriptor, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let e = try SocketEvent()
    let queue = try MessageQueue()
    let address = try refusedAddress()
    func check(_ call: String, _ body: () throws -> Void) {
        #expect(throws: expected, "\(call) on \(what)", sourceLocation: sourceLocation) { try body() }
    }
    check("eventSelect(.read)") { try n.eventSelect(fd, e, [.read]) }
    check("eventSelect(.all)") { try n.eventSelect(fd, e, .all) }
    check("eventSelect([])") { try n.eventSelect(fd, e, []) }
    check("asyncSelect") { try n.asyncSelect(fd, queue, message: 1, [.read]) }
    check("enumNetworkEvents") { _ = try n.enumNetworkEvents(fd, resetting: e) }
    check("enumNetworkEvents(nil)") { _ = try n.enumNetworkEvents(fd, resetting: nil) }
    check("receive") { _ = try receive(n, fd, count: 4) }
    check("receive(MSG_OOB)") { _ = try receive(n, fd, count: 4, flags: CInt(MSG_OOB)) }
    check("send") { _ = try send(n, fd, count: 4) }
    check("accept") {
        let accepted = try n.accept(fd)
        _ = Glibc.close(accepted.rawValue)
    }
    check("connect") { try connect(n, fd, address) }
    check("setBlocking(true)") { try n.setBlocking(fd, true) }
    check("setBlocking(false)") { try n.setBlocking(fd, false) }
    check("duplicateSocket") { _ = try n.duplicateSocket(fd, for: getpid()) }
    check("close") { try n.close(fd) }
    // Nothing was set by any of it.
    #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil, sourceLocation: sourceLocation)
    #expect(queue.poll() == nil, sourceLocation: sourceLocation)
}

@Suite struct BadInputTests {
    @Test(arguments: testBackends)
    func badInput_ClosedDescriptorThrowsEBADF(backend: NotifierBackend) throws {
        let n = try Notifier(backend: backend)
        try expectEveryCallThrows(.badFileDescriptor, n, try evClosedDescriptor(), "a closed descriptor")
    }

    /// A socket descriptor that was selected, then closed: EBADF too (no stale cache answers).
    @Test(arguments: testBackends)
    func badInput_ClosedSelectedSocketThrowsEBADF(backend: NotifierBackend) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a0, b) = try makePair(.unix)
        owned.own(b)
        let a = try evMoveHigh(a0)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read, .write])
        #expect(try waitAndEnum(n, a, e).events == [.write])
        _ = Glibc.close(a.rawValue)
        try expectEveryCallThrows(.badFileDescriptor, n, a, "a closed, formerly selected socket")
    }

    @Test(arguments: testBackends)
    func badInput_MinusOneThrowsEBADF(backend: NotifierBackend) throws {
        let n = try Notifier(backend: backend)
        try expectEveryCallThrows(.badFileDescriptor, n, FileDescriptor(rawValue: -1), "-1")
    }

    @Test(arguments: testBackends)
    func badInput_NeverOpenedDescriptorThrowsEBADF(backend: NotifierBackend) throws {
        let n = try Notifier(backend: backend)
        try expectEveryCallThrows(.badFileDescriptor, n, evNeverOpened, "a never-opened descriptor")
    }

    /// A pipe is not a socket: ENOTSOCK from every call, and the pipe stays open, working and
    /// blocking (the rejected calls changed nothing).
    @Test(arguments: testBackends)
    func badInput_PipeThrowsENOTSOCKAndStaysOpen(backend: NotifierBackend) throws {
        var fds: [CInt] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { fds.forEach { _ = Glibc.close($0) } }
        let n = try Notifier(backend: backend)
        for fd in fds.map(FileDescriptor.init(rawValue:)) {
            try expectEveryCallThrows(.notSocket, n, fd, "a pipe end")
            #expect(evIsOpen(fd))
            #expect(!evIsNonBlocking(fd))
        }
        var byte: UInt8 = 7
        #expect(write(fds[1], &byte, 1) == 1)
        byte = 0
        #expect(read(fds[0], &byte, 1) == 1)
        #expect(byte == 7)
    }

    @Test(arguments: testBackends)
    func badInput_DevNullThrowsENOTSOCKAndStaysOpen(backend: NotifierBackend) throws {
        let fd = Glibc.open("/dev/null", O_RDWR)
        try #require(fd >= 0)
        defer { _ = Glibc.close(fd) }
        let n = try Notifier(backend: backend)
        try expectEveryCallThrows(.notSocket, n, FileDescriptor(rawValue: fd), "/dev/null")
        #expect(evIsOpen(FileDescriptor(rawValue: fd)))
        #expect(!evIsNonBlocking(FileDescriptor(rawValue: fd)))
        var byte: UInt8 = 1
        #expect(write(fd, &byte, 1) == 1)
    }

    /// Winsock 2 bits EventSelect does not model, and any other bit outside FD_ALL, alone or with
    /// valid bits: EINVAL.
    @Test(arguments: testBackends, PairKind.allCases)
    func badInput_UnknownEventBitsThrowEINVAL(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        let queue = try MessageQueue()
        for bits: UInt32 in [0x40, 0x80, 0x100, 0x200, 0x400, 0x8000_0000, 0x3FF] {
            for extra in [NetworkEvents(), .read, .all] {
                let events = NetworkEvents(rawValue: bits).union(extra)
                #expect(throws: Errno.invalidArgument, "eventSelect \(events)") { try n.eventSelect(a, e, events) }
                #expect(throws: Errno.invalidArgument, "asyncSelect \(events)") {
                    try n.asyncSelect(a, queue, message: 1, events)
                }
            }
        }
        // None of it selected anything or made the socket non-blocking.
        #expect(!evIsNonBlocking(a))
        try rawSend(b, count: 1)
        #expect(evPoll(a))
        #expect(try SocketEvent.waitAny([e], timeout: .zero) == nil)
        #expect(queue.poll() == nil)
        #expect(try n.enumNetworkEvents(a, resetting: nil).events == [])
    }

    /// A bad descriptor is reported before bad bits.
    @Test(arguments: testBackends)
    func badInput_BadDescriptorReportedBeforeBadBits(backend: NotifierBackend) throws {
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        let queue = try MessageQueue()
        let bad = NetworkEvents(rawValue: 0x40 | 0x01)
        for fd in [FileDescriptor(rawValue: -1), evNeverOpened, try evClosedDescriptor()] {
            #expect(throws: Errno.badFileDescriptor) { try n.eventSelect(fd, e, bad) }
            #expect(throws: Errno.badFileDescriptor) { try n.asyncSelect(fd, queue, message: 1, bad) }
        }
        var fds: [CInt] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { fds.forEach { _ = Glibc.close($0) } }
        #expect(throws: Errno.notSocket) { try n.eventSelect(FileDescriptor(rawValue: fds[0]), e, bad) }
        #expect(throws: Errno.notSocket) { try n.asyncSelect(FileDescriptor(rawValue: fds[0]), queue, message: 1, bad) }
    }

    /// A rejected eventSelect on a selected socket leaves its selection as it was: same event
    /// object, same events, same record; no cancel.
    @Test(arguments: testBackends, PairKind.allCases)
    func badInput_RejectedCallLeavesTheSocketsRegistration(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e1 = try SocketEvent()
        let e2 = try SocketEvent()
        try n.eventSelect(a, e1, [.read, .close])
        try rawSend(b, count: 2)
        #expect(try SocketEvent.waitAny([e1], timeout: mustHappen) == 0)
        // Rejected: bad bits with another event object, alone (would cancel if taken as 0) and
        // with valid bits.
        #expect(throws: Errno.invalidArgument) { try n.eventSelect(a, e2, NetworkEvents(rawValue: 0x100)) }
        #expect(throws: Errno.invalidArgument) { try n.eventSelect(a, e2, NetworkEvents(rawValue: 0x41)) }
        #expect(throws: Errno.invalidArgument) {
            try n.asyncSelect(a, try MessageQueue(), message: 1, NetworkEvents(rawValue: 0x80 | 0x02))
        }
        #expect(throws: Errno.invalidArgument) { try n.setBlocking(a, true) }
        // Rejected enumNetworkEvents on other descriptors neither reset e1 nor touched the record.
        #expect(throws: Errno.badFileDescriptor) {
            _ = try n.enumNetworkEvents(FileDescriptor(rawValue: -1), resetting: e1)
        }
        #expect(e1.isSet)
        #expect(try SocketEvent.waitAny([e2], timeout: .zero) == nil)
        #expect(try n.enumNetworkEvents(a, resetting: e1).events == [.read])
        // Still the same selection: FD_CLOSE (not FD_WRITE) goes to e1.
        owned.close(b)
        #expect(try evCollect(n, a, e1, [.close]).events == [.close])
        #expect(try SocketEvent.waitAny([e2], timeout: .zero) == nil)
        #expect(throws: Errno.invalidArgument) { try n.setBlocking(a, true) }
    }

    /// Rejected calls on bad descriptors leave every other socket's registration alone, and a
    /// rejected enumNetworkEvents does not reset the event it was given (docs/SEMANTICS.md rule 12).
    @Test(arguments: testBackends, PairKind.allCases)
    func badInput_RejectedCallsLeaveOtherSocketsAlone(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        let e = try SocketEvent()
        try n.eventSelect(a, e, [.read])
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAny([e], timeout: mustHappen) == 0)
        var fds: [CInt] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { fds.forEach { _ = Glibc.close($0) } }
        let bads: [(FileDescriptor, Errno)] = [
            (FileDescriptor(rawValue: -1), .badFileDescriptor), (evNeverOpened, .badFileDescriptor),
            (try evClosedDescriptor(), .badFileDescriptor), (FileDescriptor(rawValue: fds[0]), .notSocket),
        ]
        for (fd, error) in bads {
            #expect(throws: error) { try n.eventSelect(fd, e, []) }
            #expect(throws: error) { try n.eventSelect(fd, e, [.write]) }
            #expect(throws: error) { _ = try n.enumNetworkEvents(fd, resetting: e) }
            #expect(throws: error) { try n.close(fd) }
        }
        #expect(e.isSet)
        #expect(try n.enumNetworkEvents(a, resetting: e).events == [.read])
        #expect(try receive(n, a, count: 1) == 1)
        try rawSend(b, count: 1)
        #expect(try waitAndEnum(n, a, e).events == [.read])
    }

    /// enumNetworkEvents on a socket never selected: an empty record, even with conditions that a
    /// selection would record (data queued, writable, peer closed).
    @Test(arguments: testBackends, PairKind.allCases)
    func badInput_EnumOnNeverSelectedSocketIsEmpty(backend: NotifierBackend, kind: PairKind) throws {
        let owned = EvOwned()
        defer { owned.closeAll() }
        let (a, b) = try owned.pair(kind)
        let n = try Notifier(backend: backend)
        #expect(try n.enumNetworkEvents(a, resetting: nil) == NetworkEventRecord(events: [], errors: [:]))
        try rawSend(b, count: 1)
        owned.close(b)
        #expect(evPoll(a, CInt(POLLIN) | evPOLLRDHUP))
        #expect(try n.enumNetworkEvents(a, resetting: nil).events == [])
        #expect(!evIsNonBlocking(a))
    }
}
