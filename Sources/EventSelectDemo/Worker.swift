// A worker process of the shared-socket demo (`eventselect-demo worker <index> [--mode message|event]`).
//
// It receives `SocketProtocolInfo` bytes on stdin, turns them into descriptors with
// `Notifier.shared.socket(from:)` and serves them. The default is the classic WSAAsyncSelect shape:
// one MessageQueue (the "window"), `asyncSelect(sock, queue, WM_SOCKET, [.read, .close])`, and a
// "window procedure" that switches on the message and on `message.event`. A reader thread reads the
// handoff pipe, imports, and posts WM_NEWCONN to the same queue, as a Windows service thread would
// PostMessage to its window. `--mode event` serves with eventSelect + waitAny + enumNetworkEvents.
//
// Reports go to stdout, one line each: "ready ...", "probe ...", "stats ...", "error ...".
// The worker exits when its stdin closes.
import ArgumentParser
import EventSelect
import EventSelectTools
import Glibc
import Synchronization
import SystemPackage

/// Message numbers, WM_APP-style (0x8000 + n) as a Windows program would define them.
enum WM {
    static let socket: UInt32 = 0x8001  // asyncSelect's message for served connections
    static let newConnection: UInt32 = 0x8002  // posted by the reader thread: socket = imported fd
    static let command: UInt32 = 0x8003  // posted by the reader thread: a probe command in the mailbox
    static let probe: UInt32 = 0x8004  // asyncSelect's message for the probe connection
    static let quit: UInt32 = 0x0012  // WM_QUIT: stdin closed
}

/// Commands the reader thread hands to the window procedure (the message's "lParam" payload).
enum WorkerCommand {
    case probeAsync(FileDescriptor)
    case probeEvent(FileDescriptor)
    case probeWait(milliseconds: Int)
    case probeQuiet(milliseconds: Int)
}

final class Worker: @unchecked Sendable {
    let index: Int
    let eventMode: Bool
    let notifier = Notifier.shared
    let queue: MessageQueue
    /// Event mode: set by the reader thread when the mailbox has something.
    let wake: SocketEvent
    let mailbox = Mutex<[WorkerCommand]>([])
    let imports = Mutex<[FileDescriptor]>([])
    let quitting = Atomic<Bool>(false)

    // Window-procedure state (touched by the main thread only).
    var offsets: [CInt: Int] = [:]  // connection -> bytes received so far (frame position)
    var served = 0
    var accepted = 0
    var closed = 0
    var buffer = [UInt8](repeating: 0, count: 4096)
    var probe: FileDescriptor?
    var probeEvent: SocketEvent?
    var quietUntil: Int64?
    var quietMessages: [SocketMessage] = []

    init(index: Int, eventMode: Bool) throws {
        self.index = index
        self.eventMode = eventMode
        queue = try MessageQueue()
        wake = try SocketEvent()
    }

    /// How a worker serves: a window procedure over a MessageQueue, or eventSelect + waitAny.
    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case message, event
    }

    static func main(index: Int, eventMode: Bool) -> Never {
        signal(SIGPIPE, SIG_IGN)
        do {
            let worker = try Worker(index: index, eventMode: eventMode)
            let backend = worker.notifier.backend == .ioUring ? "io_uring" : "epoll"
            IO.report("ready \(index) \(getpid()) \(backend) \(eventMode ? "event" : "message")")
            let reader = Thread { worker.readHandoffs() }
            if eventMode { try worker.runEventLoop() } else { try worker.runWindowProcedure() }
            reader.join()
            IO.report("stats \(worker.accepted) \(worker.served) \(worker.closed)")
            exit(0)
        } catch {
            IO.report("error worker \(index): \(error)")
            exit(1)
        }
    }

    // MARK: the reader thread: handoff pipe -> imports -> posted messages

    func readHandoffs() {
        defer {
            quitting.store(true, ordering: .releasing)
            post(SocketMessage(message: WM.quit, socket: FileDescriptor(rawValue: -1), event: [], error: nil))
        }
        while true {
            guard let header = try? IO.readExactly(0, count: 5) else { return }
            let length = Int(header[1]) | Int(header[2]) << 8 | Int(header[3]) << 16 | Int(header[4]) << 24
            guard length <= 4096, let payload = try? IO.readExactly(0, count: length) else {
                IO.report("error bad frame on stdin")
                return
            }
            switch Frame(rawValue: header[0]) {
            case .connection:
                guard let fd = importSocket(payload) else { continue }
                post(SocketMessage(message: WM.newConnection, socket: fd, event: [], error: nil))
            case .probeAsync:
                guard let fd = importSocket(payload) else { continue }
                command(.probeAsync(fd), socket: fd)
            case .probeEvent:
                guard let fd = importSocket(payload) else { continue }
                command(.probeEvent(fd), socket: fd)
            case .probeWait:
                command(
                    .probeWait(milliseconds: Frame.decodeMilliseconds(payload)), socket: FileDescriptor(rawValue: -1))
            case .probeQuiet:
                command(
                    .probeQuiet(milliseconds: Frame.decodeMilliseconds(payload)), socket: FileDescriptor(rawValue: -1))
            case nil:
                IO.report("error unknown frame type \(header[0])")
            }
        }
    }

    private func importSocket(_ bytes: [UInt8]) -> FileDescriptor? {
        do {
            return try notifier.socket(from: SocketProtocolInfo(bytes: bytes))
        } catch {
            IO.report("error import failed: \(error)")
            return nil
        }
    }

    private func command(_ command: WorkerCommand, socket: FileDescriptor) {
        mailbox.withLock { $0.append(command) }
        post(SocketMessage(message: WM.command, socket: socket, event: [], error: nil))
    }

    /// PostMessage to the window; in event mode the message goes to the mailbox instead.
    private func post(_ message: SocketMessage) {
        if eventMode {
            if message.message == WM.newConnection { imports.withLock { $0.append(message.socket) } }
            wake.set()
        } else {
            queue.post(message)
        }
    }

    // MARK: message mode: the window procedure

    func runWindowProcedure() throws {
        while true {
            var timeout = Duration.milliseconds(100)
            if let until = quietUntil {
                timeout = .nanoseconds(max(0, min(until - Clock.now(), 100_000_000)))
            }
            if let message = try queue.next(timeout: timeout) {
                if message.message == WM.quit { return }
                try windowProcedure(message)
            }
            finishQuietWatchIfDue()
        }
    }

    /// The window procedure: what a Windows program's WndProc does with each message.
    func windowProcedure(_ message: SocketMessage) throws {
        switch message.message {
        case WM.newConnection:
            // The reader thread imported this socket; select it on this window.
            try notifier.asyncSelect(message.socket, queue, message: WM.socket, [.read, .close])
            offsets[message.socket.rawValue] = 0
            accepted += 1
        case WM.socket:
            switch message.event {
            case .read:
                serve(message.socket)
            case .close:
                finish(message.socket)
            default:
                break
            }
        case WM.probe:
            if quietUntil != nil {
                // Worker B's selection replaced ours: nothing may arrive for the probe now.
                quietMessages.append(message)
            } else if message.event == .read, let probe = message.socket == probe ? probe : nil {
                let byte = receiveProbeByte(probe)
                IO.report("probe read \(byte.map(String.init) ?? "none") lParam=0x\(String(message.lParam, radix: 16))")
            } else {
                IO.report("probe message \(message.event.rawValue) error \(String(describing: message.error))")
            }
        case WM.command:
            try runCommands()
        default:
            break
        }
    }

    // MARK: event mode: eventSelect + waitAny

    func runEventLoop() throws {
        var sockets: [FileDescriptor] = []
        var events: [SocketEvent] = []
        while !quitting.load(ordering: .acquiring) || wake.isSet {
            guard let index = try SocketEvent.waitAny([wake] + events, timeout: .milliseconds(100)) else { continue }
            if index == 0 {
                wake.reset()
                for fd in imports.withLock({ list -> [FileDescriptor] in
                    defer { list = [] }
                    return list
                }) {
                    let event = try SocketEvent()
                    try notifier.eventSelect(fd, event, [.read, .close])
                    sockets.append(fd)
                    events.append(event)
                    offsets[fd.rawValue] = 0
                    accepted += 1
                }
                try runCommands()
                continue
            }
            let socket = sockets[index - 1]
            let record = try notifier.enumNetworkEvents(socket, resetting: events[index - 1])
            if record.events.contains(.read) { serve(socket) }
            if record.events.contains(.close) {
                // Closing the socket's last descriptor ends its registration and lets go of the event.
                finish(socket)
                sockets.remove(at: index - 1)
                events.remove(at: index - 1)
            }
        }
    }

    // MARK: serving

    /// FD_READ: receive once (the library re-posts if data is left) and echo with our index in the
    /// first byte of every 64-byte request.
    private func serve(_ socket: FileDescriptor) {
        let n: Int
        do {
            n = try buffer.withUnsafeMutableBytes { try notifier.receive(socket, into: $0, flags: 0) }
        } catch {
            return  // EWOULDBLOCK: a stale message; ECONNRESET: FD_CLOSE follows
        }
        guard n > 0, var offset = offsets[socket.rawValue] else { return }
        for position in 0..<n where (offset + position) % Shared.requestSize == 0 {
            buffer[position] = UInt8(index)
            served += 1
        }
        offset += n
        offsets[socket.rawValue] = offset
        sendAll(socket, n)
    }

    private func sendAll(_ socket: FileDescriptor, _ count: Int) {
        var done = 0
        let deadline = Clock.now() + 5_000_000_000
        while done < count {
            do {
                done += try buffer.withUnsafeBytes {
                    try notifier.send(socket, UnsafeRawBufferPointer(rebasing: $0[done..<count]), flags: 0)
                }
            } catch Errno.wouldBlock {
                guard Clock.now() < deadline else { return }
                var pfd = pollfd(fd: socket.rawValue, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, 100)
            } catch {
                return  // the peer is gone; FD_CLOSE follows
            }
        }
    }

    private func finish(_ socket: FileDescriptor) {
        guard offsets.removeValue(forKey: socket.rawValue) != nil else { return }
        try? notifier.close(socket)
        closed += 1
    }

    // MARK: the probe (the cross-process cancellation check)

    private func runCommands() throws {
        for command in mailbox.withLock({ list -> [WorkerCommand] in
            defer { list = [] }
            return list
        }) {
            switch command {
            case .probeAsync(let fd):
                guard !eventMode else {
                    IO.report("error probe-async needs a message-mode worker")
                    continue
                }
                probe = fd
                try notifier.asyncSelect(fd, queue, message: WM.probe, [.read])
                IO.report("probe selected async \(fd.rawValue)")
            case .probeEvent(let fd):
                probe = fd
                let event = try SocketEvent()
                probeEvent = event
                try notifier.eventSelect(fd, event, [.read])
                IO.report("probe selected event \(fd.rawValue)")
            case .probeWait(let milliseconds):
                guard let probe, let probeEvent else {
                    IO.report("error probe-wait without a probe")
                    continue
                }
                guard try SocketEvent.waitAny([probeEvent], timeout: .milliseconds(milliseconds)) != nil else {
                    IO.report("probe timeout")
                    continue
                }
                let record = try notifier.enumNetworkEvents(probe, resetting: probeEvent)
                if record.events.contains(.read) {
                    let byte = receiveProbeByte(probe)
                    IO.report(
                        "probe read \(byte.map(String.init) ?? "none") events=0x\(String(record.events.rawValue, radix: 16))"
                    )
                } else {
                    IO.report("probe events 0x\(String(record.events.rawValue, radix: 16))")
                }
            case .probeQuiet(let milliseconds):
                quietMessages = []
                quietUntil = Clock.now() + Int64(milliseconds) * 1_000_000
                IO.report("probe watching \(milliseconds)")
            }
        }
    }

    private func finishQuietWatchIfDue() {
        guard let until = quietUntil, Clock.now() >= until else { return }
        quietUntil = nil
        if quietMessages.isEmpty {
            IO.report("probe quiet 0")
        } else {
            let list = quietMessages.map {
                "event 0x\(String($0.event.rawValue, radix: 16)) socket \($0.socket.rawValue)"
            }
            IO.report("probe quiet \(quietMessages.count) \(list.joined(separator: ", "))")
        }
    }

    private func receiveProbeByte(_ probe: FileDescriptor) -> UInt8? {
        var byte: [UInt8] = [0]
        let n = try? byte.withUnsafeMutableBytes { try notifier.receive(probe, into: $0, flags: 0) }
        return n == 1 ? byte[0] : nil
    }
}
