// The README's examples, verbatim, run on real sockets, so the documentation stays true. Each test's
// body up to the first #expect is one ```swift block of README.md without its imports (which are
// this file's); `readmeBlocksAreTheseTests` checks that, so editing one without the other fails.
import EventSelect
import Foundation
import Glibc
import SystemPackage
import Testing

@Suite struct ReadmeExamplesTests {
    @Test func eventObjects() throws {

        // A listener on 127.0.0.1 (the kernel picks the port), and a client that says hello and closes.
        let listener = try Socket(.ipv4)
        try listener.bind(to: .loopbackIPv4())
        try listener.listen()
        do {
            let client = try Socket(.ipv4)
            try client.connect(to: try listener.localAddress())
            _ = try client.send(Array("hello".utf8))
            try client.close()                                       // or let it go out of scope
        }

        let event = try SocketEvent()                                // WSACreateEvent: manual reset, unset
        try listener.eventSelect(event, [.accept])                   // WSAEventSelect
        _ = try SocketEvent.waitAny([event], timeout: .seconds(5))   // WSAWaitForMultipleEvents
        _ = try listener.enumNetworkEvents(resetting: event)         // WSAEnumNetworkEvents: read, clear, reset
        let connection = try listener.accept()                       // inherits the listener's selection
        try connection.eventSelect(event, [.read, .close])           // replaces it

        var received: [UInt8] = []
        while try SocketEvent.waitAny([event], timeout: .seconds(5)) != nil {
            let record = try connection.enumNetworkEvents(resetting: event)
            if record.events.contains(.read) {
                // receive re-enables FD_READ: if data is left, FD_READ is recorded again at once.
                received += try connection.receive(maximumCount: 4096)
            }
            if record.events.contains(.close) {
                // FD_CLOSE can come while data is still unread: read to the end.
                while case let rest = try connection.receive(maximumCount: 4096), !rest.isEmpty { received += rest }
                print("peer closed, error:", record.error(for: .close) as Any)  // nil, or ECONNABORTED on RST
                break
            }
        }
        print(String(decoding: received, as: UTF8.self))  // hello
        #expect(String(decoding: received, as: UTF8.self) == "hello")
    }

    @Test func asyncSelectWindowProcedure() throws {

        let WM_SOCKET: UInt32 = 0x8001                     // the message number given to WSAAsyncSelect
        let notifier = Notifier.shared
        let queue = try MessageQueue()                     // a window's message queue
        let listener = try notifier.socket(.ipv4, .stream)
        try notifier.bind(listener, to: .loopbackIPv4())
        try notifier.listen(listener)
        try notifier.asyncSelect(listener, queue, message: WM_SOCKET, [.accept, .read, .close])

        do {
            let client = try Socket(.ipv4)
            try client.connect(to: try notifier.localAddress(of: listener))
            _ = try client.send(Array("hello".utf8))
        }                                                  // the client closes here

        var received = 0
        windowProcedure: while let message = try queue.next(timeout: .seconds(5)) {  // GetMessage
            switch message.event {                         // WSAGETSELECTEVENT(lParam)
            case .accept:
                _ = try notifier.accept(message.socket)    // inherits the queue and WM_SOCKET
            case .read:
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = try buffer.withUnsafeMutableBytes { try notifier.receive(message.socket, into: $0, flags: 0) }
                received += count
            case .close:
                print("read", received, "bytes; closed, error:", message.error as Any)  // WSAGETSELECTERROR(lParam)
                try notifier.close(message.socket)
                break windowProcedure
            default:
                break
            }
            // message.lParam == WSAMAKESELECTREPLY(event, Winsock error code), bit for bit as on Windows
        }
        try notifier.close(listener)
        #expect(received == 5)
        #expect(queue.count == 0)
    }

    @Test func asyncAwait() async throws {

        let event = try SocketEvent()
        let waiter = Task { await event.wait(within: .seconds(30)) }  // true once set; false on timeout or cancel
        event.set()
        print(await waiter.value)                                      // true

        let queue = try MessageQueue()
        let reader = Task {
            var count = 0
            for await _ in queue.messages { count += 1 }               // ends when the task is cancelled
            return count
        }
        reader.cancel()
        print(await reader.value)                                      // 0: nothing was posted
        #expect(await waiter.value)
        #expect(await reader.value == 0)
    }

    @Test func sharedSockets() throws {

        // Process A: duplicate a socket for process B (here the process itself, which is allowed).
        var bytes: [UInt8] = []
        do {
            let socket = try Socket(.ipv4)
            try socket.bind(to: .loopbackIPv4())
            let info = try socket.duplicate(for: getpid())  // WSADuplicateSocket
            bytes = info.bytes                              // plain bytes: send them over any IPC (pipe, file)
            try socket.close()                              // fine: the information stays good
        }

        // Process B: turn the bytes back into a descriptor of the same socket.
        let imported = try Socket(importing: SocketProtocolInfo(bytes: bytes))  // WSASocket(FROM_PROTOCOL_INFO)
        print("imported, bound to", try imported.localAddress())
        // A selection made here replaces any selection of the socket in any process.
        #expect(try imported.localAddress().ipAddress == "127.0.0.1")
        #expect(try imported.localAddress() == (try SocketAddress(ipAddress: "127.0.0.1", port: imported.localAddress().port!)))
    }

    @Test func typedErrors() throws {

        var failure: Errno?
        do {
            try Notifier.shared.eventSelect(FileDescriptor(rawValue: -1), try SocketEvent(), [.read])
        } catch {
            failure = error                    // `error` is an Errno: no cast
        }
        print(failure == .badFileDescriptor)   // true: EBADF
        #expect(failure == .badFileDescriptor)
    }

    /// Every ```swift block of README.md (but the Package.swift one) appears in this file: its
    /// import lines among this file's imports, the rest as consecutive lines of one test.
    @Test func readmeBlocksAreTheseTests() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: here, encoding: .utf8)
        let sourceLines = source.split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let blocks = readme.components(separatedBy: "```swift\n").dropFirst()
            .map { $0.components(separatedBy: "```")[0] }
            .filter { !$0.hasPrefix("// swift-tools-version") }
        #expect(blocks.count == 5)
        for block in blocks {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: true)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            for line in lines where line.hasPrefix("import ") {
                #expect(sourceLines.contains(line), "README import missing here: \(line)")
            }
            let code = lines.filter { !$0.hasPrefix("import ") }
            let found = sourceLines.indices.contains { start in
                start + code.count <= sourceLines.count && Array(sourceLines[start..<start + code.count]) == code
            }
            #expect(found, "README block not in ReadmeExamplesTests.swift:\n\(code.joined(separator: "\n"))")
        }
    }
}
