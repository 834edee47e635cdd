// The README's examples, run on real sockets, so the documentation stays true.
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct ReadmeExamplesTests {
    @Test func eventSelectExample() throws {
        let (socket, peer) = try makePair(.tcp)
        try rawSend(peer, count: 5)
        closeQuietly(peer)
        let notifier = Notifier.shared
        let event = try SocketEvent()
        try notifier.eventSelect(socket, event, [.read, .close])
        var received = 0
        var closeError: Errno?? = .none
        for _ in 0..<10 {
            guard try SocketEvent.waitAny([event], timeout: mustHappen) != nil else { continue }
            let record = try notifier.enumNetworkEvents(socket, resetting: event)
            if record.events.contains(.read) {
                var buffer = [UInt8](repeating: 0, count: 4096)
                received += try buffer.withUnsafeMutableBytes { try notifier.receive(socket, into: $0, flags: 0) }
            }
            if record.events.contains(.close) {
                closeError = .some(record.error(for: .close))
                try notifier.close(socket)
                break
            }
        }
        #expect(received == 5 || received == 0)  // FD_CLOSE may come with the data unread (R36)
        #expect(closeError == .some(nil))
    }

    @Test func asyncSelectExample() throws {
        let WM_SOCKET: UInt32 = 0x8001
        let notifier = try Notifier()
        let (listener, address) = try makeListener()
        let queue = try MessageQueue()
        try notifier.asyncSelect(listener, queue, message: WM_SOCKET, [.accept, .read, .close])
        let client = try tcpSocket()
        var clientOpen = true
        defer { if clientOpen { closeQuietly(client) } }
        try connectBlocking(client, address)
        try rawSend(client, count: 3)
        var seen: [NetworkEvents] = []
        while let message = try queue.next(timeout: mustHappen) {
            #expect(message.message == WM_SOCKET)
            seen.append(message.event)
            switch message.event {
            case .accept:
                _ = try notifier.accept(message.socket)
            case .read:
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = try buffer.withUnsafeMutableBytes { try notifier.receive(message.socket, into: $0, flags: 0) }
                if clientOpen {
                    closeQuietly(client)
                    clientOpen = false
                }
            case .close:
                try notifier.close(message.socket)
            default:
                break
            }
            if message.event == .close { break }
        }
        #expect(seen == [.accept, .read, .close])
        try notifier.close(listener)
    }
}
