// Load and fault commands of the test peer (Tests/EventSelectTests/LoadTests.swift, FaultTests.swift).
// They run here, in a child process with its own registry (EVENTSELECT_REGISTRY), so that filling
// descriptor tables or registry slots never disturbs the test process or other test runs, and so
// that descriptor counts and RSS are this process's alone.
import EventSelect
import Glibc
import SystemPackage

/// Descriptors open now, counted with fcntl(F_GETFD) up to the soft limit: works when the table is
/// full (opendir would need a descriptor).
func descriptorCount() -> Int {
    var limit = rlimit()
    getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    let top = CInt(min(limit.rlim_cur, 1 << 20))
    var count = 0
    for fd in 0..<top where fcntl(fd, F_GETFD) != -1 { count += 1 }
    return count
}

/// Resident set size in KiB (/proc/self/statm, second field, in pages).
func residentKiB() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return -1 }
    defer { fclose(file) }
    var size = 0
    var resident = 0
    guard
        withUnsafeMutablePointer(
            to: &size,
            { sizePointer in
                withUnsafeMutablePointer(to: &resident) { residentPointer in
                    withVaList([sizePointer, residentPointer]) { vfscanf(file, "%ld %ld", $0) }
                }
            }) == 2
    else { return -1 }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
}

/// Raises the soft descriptor limit to the hard limit; returns the new soft limit.
func raiseDescriptorLimit() -> Int {
    var limit = rlimit()
    getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    return Int(limit.rlim_cur)
}

func milliseconds(since start: ContinuousClock.Instant) -> Int {
    let elapsed = ContinuousClock.now - start
    return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
}

struct StressFailure: Error, CustomStringConvertible {
    var description: String
}

/// `load-select <pairs|max>`: that many AF_UNIX socketpairs (max: as many as the raised fd limit
/// allows, less a reserve), every socket selected for FD_READ|FD_WRITE|FD_CLOSE with one event
/// object. Checks each socket records exactly FD_WRITE at once, then after one byte from its
/// partner exactly FD_READ, then after the partner's close exactly FD_CLOSE; closes everything.
/// Answers "ok <sockets selected> <ms> <fds before> <fds after> <rss KiB at peak>".
func loadSelect(_ notifier: Notifier, pairs requested: Int) throws -> String {
    let limit = raiseDescriptorLimit()
    let fdsBefore = descriptorCount()
    // Reserve: the notifier, events, kick channel, registry, and headroom for the process.
    let pairs = requested > 0 ? requested : (limit - fdsBefore - 64) / 2
    let start = ContinuousClock.now
    var sockets: [(FileDescriptor, FileDescriptor)] = []
    sockets.reserveCapacity(pairs)
    defer {
        for (a, b) in sockets {
            _ = try? notifier.close(a)
            _ = try? notifier.close(b)
        }
    }
    for _ in 0..<pairs {
        var sv: [CInt] = [0, 0]
        guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &sv) == 0 else { throw Errno(rawValue: errno) }
        sockets.append((FileDescriptor(rawValue: sv[0]), FileDescriptor(rawValue: sv[1])))
    }
    let event = try SocketEvent()
    let selected: NetworkEvents = [.read, .write, .close]
    for (a, b) in sockets {
        try notifier.eventSelect(a, event, selected)
        try notifier.eventSelect(b, event, selected)
    }
    func expectRecord(_ socket: FileDescriptor, _ expected: NetworkEvents, _ step: String) throws {
        var record = try notifier.enumNetworkEvents(socket, resetting: nil)
        if record.events.isEmpty {
            // Not delivered yet: wait (bounded) for the shared event and look again.
            let deadline = ContinuousClock.now + .seconds(10)
            while record.events.isEmpty && ContinuousClock.now < deadline {
                _ = try SocketEvent.waitAny([event], timeout: .milliseconds(100))
                event.reset()
                record = try notifier.enumNetworkEvents(socket, resetting: nil)
            }
        }
        guard record.events == expected, record.error(for: expected) == nil else {
            throw StressFailure(
                description:
                    "\(step): socket \(socket.rawValue) recorded \(record.events.rawValue), expected \(expected.rawValue)"
            )
        }
    }
    for (a, b) in sockets {
        try expectRecord(a, .write, "select")
        try expectRecord(b, .write, "select")
    }
    let peak = residentKiB()
    var byte: UInt8 = 7
    for (a, _) in sockets {
        guard Glibc.send(a.rawValue, &byte, 1, CInt(MSG_NOSIGNAL)) == 1 else { throw Errno(rawValue: errno) }
    }
    for (_, b) in sockets {
        try expectRecord(b, .read, "data")
        var buffer = [UInt8](repeating: 0, count: 8)
        let n = try buffer.withUnsafeMutableBytes { try notifier.receive(b, into: $0, flags: 0) }
        guard n == 1, buffer[0] == 7 else { throw StressFailure(description: "receive: \(n) bytes") }
    }
    for (a, b) in sockets {
        try notifier.close(a)
        try expectRecord(b, .close, "close")
        try notifier.close(b)
    }
    let count = sockets.count * 2
    sockets = []
    let elapsed = milliseconds(since: start)
    return "ok \(count) \(elapsed) \(fdsBefore) \(descriptorCount()) \(peak)"
}

/// `cycles-select <n>`: n select/cancel pairs on one socket. `cycles-open <n>`: n rounds of
/// socketpair, select both ends, one byte, enum, close both. Answers
/// "ok <fds before> <fds after> <rss KiB after 10%> <rss KiB at the end> <ms>".
func cycles(_ notifier: Notifier, open: Bool, count: Int) throws -> String {
    let event = try SocketEvent()
    var sv: [CInt] = [0, 0]
    guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &sv) == 0 else { throw Errno(rawValue: errno) }
    let (a, b) = (FileDescriptor(rawValue: sv[0]), FileDescriptor(rawValue: sv[1]))
    defer {
        _ = try? notifier.close(a)
        _ = try? notifier.close(b)
    }
    let fdsBefore = descriptorCount()
    var warm = 0
    let start = ContinuousClock.now
    for round in 0..<count {
        if round == count / 10 { warm = residentKiB() }
        if open {
            var pair: [CInt] = [0, 0]
            guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &pair) == 0 else { throw Errno(rawValue: errno) }
            let (c, d) = (FileDescriptor(rawValue: pair[0]), FileDescriptor(rawValue: pair[1]))
            try notifier.eventSelect(c, event, [.read, .close])
            try notifier.eventSelect(d, event, [.read, .close])
            var byte: UInt8 = 1
            guard Glibc.send(d.rawValue, &byte, 1, CInt(MSG_NOSIGNAL)) == 1 else { throw Errno(rawValue: errno) }
            guard try SocketEvent.waitAny([event], timeout: .seconds(10)) == 0 else {
                throw StressFailure(description: "round \(round): FD_READ not recorded")
            }
            let record = try notifier.enumNetworkEvents(c, resetting: event)
            guard record.events == .read else {
                throw StressFailure(description: "round \(round): recorded \(record.events.rawValue)")
            }
            try notifier.close(c)
            try notifier.close(d)
        } else {
            try notifier.eventSelect(a, event, [.read, .close])
            try notifier.eventSelect(a, event, [])
        }
    }
    let elapsed = milliseconds(since: start)
    return "ok \(fdsBefore) \(descriptorCount()) \(warm) \(residentKiB()) \(elapsed)"
}

/// `select-loop <fd>`: answers "started", then selects and cancels `fd` forever (until killed).
func selectLoop(_ notifier: Notifier, _ fd: FileDescriptor, started: () -> Void) throws -> Never {
    let event = try SocketEvent()
    let queue = try MessageQueue()
    started()
    var round = 0
    while true {
        if round % 2 == 0 {
            try notifier.eventSelect(fd, event, [.read, .write, .close])
        } else {
            try notifier.asyncSelect(fd, queue, message: 0x401, [.read, .close])
        }
        _ = try notifier.enumNetworkEvents(fd, resetting: event)
        try notifier.eventSelect(fd, event, [])
        round += 1
    }
}
