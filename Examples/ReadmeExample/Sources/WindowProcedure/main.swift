import EventSelect

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
