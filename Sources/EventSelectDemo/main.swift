// eventselect-demo: see `--help`.
import EventSelect
import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())

// A worker process of the shared-socket demo, re-launched by the acceptor (hidden mode).
if arguments.first == "worker" {
    Worker.main(arguments)
}

func value(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func number<T: LosslessStringConvertible>(_ name: String, _ type: T.Type) -> T? {
    guard let text = value(name) else { return nil }
    guard let parsed = T(text) else {
        print("eventselect-demo: \(name) needs a number, got '\(text)' (see --help)")
        exit(2)
    }
    return parsed
}

if arguments.contains("--help") || arguments.contains("-h") {
    print("""
        usage: eventselect-demo [shared|echo] [options]

        modes:
          shared  (default) the classic Winsock shared-socket server. An acceptor process selects its
                  listener with eventSelect([.accept]); on each FD_ACCEPT it accepts, picks a worker
                  process round-robin, duplicateSocket(conn, for: workerPid), sends the info bytes
                  over a pipe and closes its own descriptor. Each worker (this executable re-launched)
                  imports with socket(from:) and serves in WSAAsyncSelect style: one MessageQueue,
                  asyncSelect(sock, queue, WM_SOCKET, [.read, .close]) and a window procedure.
                  Built-in load: client threads doing 64-byte request/response on 127.0.0.1; a live
                  table per second (connections handed to and requests served by each worker,
                  requests/s, p50/p99 latency), a summary, then a check that a selection made in
                  worker B cancels worker A's on the same shared socket (SPEC rule 20).
          echo    a single-process echo server driven only by eventSelect/waitAny/enumNetworkEvents,
                  with a built-in client load; prints round trips per second, latency, events seen

        options:
          --workers N     shared: worker processes (default 4, at least 2)
          --clients M     concurrent client threads (shared: default 32; echo: default 8)
          --seconds S     load duration (shared: default 20; echo: default 3)
          --reconnect K   shared: each client reconnects every K requests (default 200)
          --mode M        shared: message (default: every worker uses asyncSelect) or mixed
                          (odd-numbered workers use eventSelect + waitAny instead)
          --backend B     epoll | io_uring | automatic (default automatic). shared: the acceptor's
                          notifier; epoll also makes the workers' Notifier.shared use epoll
        """)
    exit(0)
}

func backendOption() -> NotifierBackend? {
    switch value("--backend") {
    case nil, "automatic": return nil
    case "epoll": return .epoll
    case "io_uring", "iouring": return .ioUring
    case let other?:
        print("eventselect-demo: unknown backend '\(other)' (epoll, io_uring, automatic)")
        exit(2)
    }
}

if arguments.first == "echo" {
    var demo = EchoDemo()
    if let clients = number("--clients", Int.self) { demo.clients = clients }
    if let seconds = number("--seconds", Double.self) { demo.seconds = seconds }
    if let backend = backendOption() { demo.backend = backend }
    do {
        try demo.run()
    } catch {
        print("eventselect-demo: \(error)")
        exit(1)
    }
    exit(0)
}

if let mode = arguments.first, !mode.hasPrefix("-"), mode != "shared" {
    print("eventselect-demo: unknown mode '\(mode)' (shared, echo; see --help)")
    exit(2)
}
var demo = SharedDemo()
if let workers = number("--workers", Int.self) { demo.workers = workers }
if let clients = number("--clients", Int.self) { demo.clients = clients }
if let seconds = number("--seconds", Double.self) { demo.seconds = seconds }
if let reconnect = number("--reconnect", Int.self) { demo.reconnect = reconnect }
if let backend = backendOption() { demo.backend = backend }
switch value("--mode") {
case nil, "message": break
case "mixed": demo.mixed = true
case let other?:
    print("eventselect-demo: unknown --mode '\(other)' (message, mixed)")
    exit(2)
}
demo.run()
