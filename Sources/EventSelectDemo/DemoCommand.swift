// eventselect-demo: the command line (swift-argument-parser). Typos and bad values are errors
// with the usage; `--help` on each mode lists its options.
import ArgumentParser
import EventSelect

@main
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eventselect-demo",
        abstract: "EventSelect's demos: Winsock's shared-socket server, and an echo server.",
        discussion: "Each mode's options: eventselect-demo shared --help, eventselect-demo echo --help.",
        subcommands: [SharedMode.self, EchoMode.self, WorkerMode.self],
        defaultSubcommand: SharedMode.self
    )
}

/// `--backend`: which kernel interface the notifier uses.
enum BackendChoice: String, ExpressibleByArgument, CaseIterable {
    case automatic, epoll
    case ioUring = "io_uring"

    var backend: NotifierBackend {
        switch self {
        case .automatic: return .automatic
        case .epoll: return .epoll
        case .ioUring: return .ioUring
        }
    }
}

struct SharedMode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shared",
        abstract: "The classic Winsock shared-socket server (the default).",
        discussion: """
            An acceptor process selects its listener with eventSelect([.accept]); on each FD_ACCEPT it \
            accepts, picks a worker process round-robin, duplicateSocket(conn, for: workerPid), sends the \
            info bytes over a pipe and closes its own descriptor. Each worker (this executable re-launched) \
            imports with socket(from:) and serves in WSAAsyncSelect style: one MessageQueue, \
            asyncSelect(sock, queue, WM_SOCKET, [.read, .close]) and a window procedure. Built-in load: \
            client threads doing 64-byte request/response on 127.0.0.1; a live table per second \
            (connections handed to and requests served by each worker, requests/s, p50/p99 latency), a \
            summary, then a check that a selection made in worker B cancels worker A's on the same shared \
            socket (docs/SEMANTICS.md rule 20).
            """
    )

    @Option(help: "Worker processes (2...255).")
    var workers = 4

    @Option(help: "Concurrent client threads.")
    var clients = 32

    @Option(help: "Load duration in seconds.")
    var seconds = 20.0

    @Option(help: "Each client reconnects every this many requests.")
    var reconnect = 200

    @Option(help: "message: every worker uses asyncSelect; mixed: odd-numbered workers use eventSelect + waitAny.")
    var mode: ServeMode = .message

    @Option(help: "The acceptor's notifier backend; epoll also makes the workers' Notifier.shared use epoll.")
    var backend: BackendChoice = .automatic

    enum ServeMode: String, ExpressibleByArgument, CaseIterable {
        case message, mixed
    }

    func validate() throws {
        guard (2...255).contains(workers) else {
            throw ValidationError(
                "--workers must be 2...255 (the cancellation check needs two processes), got \(workers)")
        }
        try validateLoad(clients: clients, seconds: seconds)
        guard reconnect >= 1 else { throw ValidationError("--reconnect must be at least 1, got \(reconnect)") }
    }

    func run() throws {
        var demo = SharedDemo()
        demo.workers = workers
        demo.clients = clients
        demo.seconds = seconds
        demo.reconnect = reconnect
        demo.backend = backend.backend
        demo.mixed = mode == .mixed
        demo.run()
    }
}

struct EchoMode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "A single-process echo server driven only by eventSelect, waitAny and enumNetworkEvents.",
        discussion: "With a built-in client load; prints round trips per second, latency and the events seen."
    )

    @Option(help: "Concurrent client threads.")
    var clients = 8

    @Option(help: "Load duration in seconds.")
    var seconds = 3.0

    @Option(help: "The notifier's backend.")
    var backend: BackendChoice = .automatic

    func validate() throws {
        try validateLoad(clients: clients, seconds: seconds)
    }

    func run() throws {
        var demo = EchoDemo()
        demo.clients = clients
        demo.seconds = seconds
        demo.backend = backend.backend
        try demo.run()
    }
}

/// A worker process of the shared-socket demo, launched by the acceptor (not for people).
struct WorkerMode: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "worker", shouldDisplay: false)

    @Argument var index: Int

    @Option var mode: Worker.Mode = .message

    func run() throws {
        Worker.main(index: index, eventMode: mode == .event)
    }
}

/// The client load both modes take: at least one client, a positive finite duration.
private func validateLoad(clients: Int, seconds: Double) throws {
    guard clients >= 1 else { throw ValidationError("--clients must be at least 1, got \(clients)") }
    guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be positive, got \(seconds)") }
}
