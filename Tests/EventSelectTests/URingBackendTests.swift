// The io_uring backend keeps at most one poll in its ring (a single-shot POLL_ADD on its epoll set,
// armed only when a look finds nothing ready), however often the notifier goes idle and busy.
import EventSelect
import Glibc
import SystemPackage
import Testing

/// For every io_uring instance of this process, the number of polls pending in it, read from the
/// "PollList:" section of /proc/self/fdinfo/<ring fd>.
private func pendingPollsPerRing() -> [Int] {
    guard let directory = opendir("/proc/self/fdinfo") else { return [] }
    defer { closedir(directory) }
    var counts: [Int] = []
    let nameOffset = MemoryLayout<dirent>.offset(of: \.d_name)!
    while let entry = readdir(directory) {
        // d_name is as long as the record (d_reclen), not 256 bytes: read it as a C string in place
        // (copying the whole array reads past the record; AddressSanitizer flags it).
        let name = String(cString: UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
        guard Int(name) != nil, let file = fopen("/proc/self/fdinfo/\(name)", "r") else { continue }
        defer { fclose(file) }
        var isRing = false
        var inPollList = false
        var polls = 0
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, CInt(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("PollList:") {
                isRing = true
                inPollList = true
            } else if inPollList && text.contains("op=") {
                polls += 1
            } else {
                inPollList = false
            }
        }
        if isRing { counts.append(polls) }
    }
    return counts
}

@Suite struct URingBackendTests {
    @Test func idleAndBusyTransitionsKeepOnePollPerRing() throws {
        guard testBackends.contains(.ioUring) else { return }
        let notifier = try Notifier(backend: .ioUring)
        let (a, b) = try makePair(.unix)
        defer { closeQuietly(a, b) }
        let event = try SocketEvent()
        try notifier.eventSelect(a, event, [.read])
        for _ in 0..<200 {
            // Idle: a look that finds nothing arms the ring's poll.
            #expect(try SocketEvent.waitAny([event], timeout: .zero) == nil)
            // Busy: data arrives, the poll completes, the event is delivered.
            try rawSend(b, count: 1)
            #expect(try SocketEvent.waitAny([event], timeout: mustHappen) == 0)
            #expect(try notifier.enumNetworkEvents(a, resetting: event).events == [.read])
            #expect(try receive(notifier, a, count: 16) == 1)
        }
        let counts = pendingPollsPerRing()
        #expect(!counts.isEmpty, "no io_uring instance found in /proc/self/fdinfo")
        #expect(counts.allSatisfy { $0 <= 1 }, "polls pending per ring: \(counts)")
    }
}
