import EventSelect
import Glibc

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
