// eventselect-demo: see `--help`.
import EventSelect
import Glibc

let arguments = Array(CommandLine.arguments.dropFirst())
func value(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
if arguments.contains("--help") || arguments.contains("-h") {
    print("""
        usage: eventselect-demo [echo] [--clients N] [--seconds S] [--backend epoll|io_uring|automatic]
          echo   an echo server driven only by eventSelect/waitAny/enumNetworkEvents, with a built-in
                 client load on 127.0.0.1; prints round trips per second, latency and the events seen
        """)
    exit(0)
}
var demo = EchoDemo()
if let clients = value("--clients").flatMap(Int.init) { demo.clients = clients }
if let seconds = value("--seconds").flatMap(Double.init) { demo.seconds = seconds }
switch value("--backend") {
case "epoll": demo.backend = .epoll
case "io_uring", "iouring": demo.backend = .ioUring
default: break
}
do {
    try demo.run()
} catch {
    print("eventselect-demo: \(error)")
    exit(1)
}
