// Shared by the message-mode (WSAAsyncSelect) tests: the message number they select with, and
// bounded ways to take and compare what a queue received.
import EventSelect
import Glibc
import SystemPackage
import Testing

let wmSocket: UInt32 = 0x0400 + 100

let pollRDHUP: Int16 = 0x2000

func message(
    _ number: UInt32, _ socket: FileDescriptor, _ event: NetworkEvents, _ error: CInt? = nil
) -> SocketMessage {
    SocketMessage(message: number, socket: socket, event: event, error: error.map { Errno(rawValue: $0) })
}

func take(_ queue: MessageQueue, _ count: Int) throws -> [SocketMessage] {
    var messages: [SocketMessage] = []
    for _ in 0..<count {
        guard let message = try queue.next(timeout: mustHappen) else { break }
        messages.append(message)
    }
    return messages
}

/// Takes as many messages as `expected` holds (each waited for up to `mustHappen`) and compares.
func expectTake(
    _ queue: MessageQueue, _ expected: [SocketMessage], _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let got = try take(queue, expected.count)
    #expect(got == expected, comment, sourceLocation: sourceLocation)
}

/// Waits (bounded, on the kernel with poll(2)) until every bit of `events` is reported for `fd`.
func waitKernel(_ fd: FileDescriptor, _ events: Int16, sourceLocation: SourceLocation = #_sourceLocation) {
    let deadline = ContinuousClock.now + mustHappen
    while true {
        var pfd = pollfd(fd: fd.rawValue, events: events, revents: 0)
        _ = Glibc.poll(&pfd, 1, 50)
        if pfd.revents & events == events { return }
        if ContinuousClock.now >= deadline {
            Issue.record("kernel never reported \(events) on \(fd), got \(pfd.revents)", sourceLocation: sourceLocation)
            return
        }
    }
}
