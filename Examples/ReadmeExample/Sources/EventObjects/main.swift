import EventSelect

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
