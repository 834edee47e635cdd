// The W1 step loop alone, for deterministic counts: user-space instructions per round trip under
// valgrind --tool=callgrind and syscalls per round trip under perf (scripts/profile-w1.sh builds and
// runs it). usage: w1 epoll|uring event|message unix|tcp ROUND_TRIPS
import EventSelect
import Glibc
import SystemPackage

let args = CommandLine.arguments
let backend: NotifierBackend = args[1] == "epoll" ? .epoll : .ioUring
let message = args[2] == "message"
let tcp = args[3] == "tcp"
let n = Int(args[4])!
let notifier = try Notifier(backend: backend)
var sv: [CInt] = [0, 0]
if !tcp {
    _ = socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &sv)
} else {
    let l = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &a) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
            _ = bind(l, p, len)
            _ = listen(l, 1)
            _ = getsockname(l, p, &len)
            sv[0] = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
            _ = connect(sv[0], p, len)
        }
    }
    sv[1] = accept(l, nil, nil)
    var one: CInt = 1
    for fd in sv { _ = setsockopt(fd, CInt(IPPROTO_TCP), TCP_NODELAY, &one, 4) }
}
let a = FileDescriptor(rawValue: sv[0])
let b = FileDescriptor(rawValue: sv[1])
let ea = try SocketEvent()
let eb = try SocketEvent()
let q = try MessageQueue()
if message {
    try notifier.asyncSelect(a, q, message: 1, [.read])
    try notifier.asyncSelect(b, q, message: 1, [.read])
} else {
    try notifier.eventSelect(a, ea, [.read])
    try notifier.eventSelect(b, eb, [.read])
}
let wa = [ea]
let wb = [eb]
var byte: UInt8 = 0x42
var inbox = [UInt8](repeating: 0, count: 64)
func now() -> Int {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return t.tv_sec * 1_000_000_000 + t.tv_nsec
}
func step(
    _ from: FileDescriptor, _ to: FileDescriptor, _ e: SocketEvent, _ w: [SocketEvent], _ out: UnsafeRawBufferPointer,
    _ buf: UnsafeMutableRawBufferPointer
) throws {
    let s = try notifier.send(from, out, flags: 0)
    precondition(s == 1)
    if message {
        let m = try q.next(timeout: .seconds(5))!
        precondition(m.socket == to)
    } else {
        let i = try SocketEvent.waitAny(w, timeout: .seconds(5))
        precondition(i == 0)
        let r = try notifier.enumNetworkEvents(to, resetting: e)
        precondition(r.events.contains(.read))
    }
    let c = try notifier.receive(to, into: buf, flags: 0)
    precondition(c == 1)
}
let t0 = now()
try withUnsafeBytes(of: &byte) { out in
    try inbox.withUnsafeMutableBytes { buf in
        for _ in 0..<n {
            try step(a, b, eb, wb, out, buf)
            try step(b, a, ea, wa, out, buf)
        }
    }
}
let t1 = now()
if n > 0 { print("\(args[1]) \(args[2]) \(args[3]): \((t1 - t0) / n) ns/rt") }
