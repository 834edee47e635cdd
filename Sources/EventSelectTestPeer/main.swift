// eventselect-test-peer: a second process for the cross-process tests (SPEC rules 14, 17-21).
//
// Reads one command per line on stdin and answers one line on stdout, so a test can drive it step by
// step with bounded waits. Descriptors are the peer's own numbers. Commands:
//   pid                          -> "pid <n>"
//   import <hex>                 -> "ok <fd>" | "error <errno>"
//   select-event <fd> <mask>     -> "ok" | "error <errno>"      (one SocketEvent per fd)
//   select-async <fd> <mask> <m> -> "ok" | "error <errno>"      (one queue for the process)
//   wait <fd> <ms>               -> "set" | "timeout"           (waitAny on the fd's event)
//   enum <fd>                    -> "events <mask> <e0> .. <e5>" (errno per FD_ bit, 0 = none)
//   next <ms>                    -> "msg <message> <socket> <event> <lParam>" | "timeout"
//   recv <fd> <n> [oob]          -> "ok <n>" | "error <errno>"
//   send <fd> <n>                -> "ok <n>" | "error <errno>"
//   dup-for <fd> <pid>           -> "info <hex>" | "error <errno>"
//   set-blocking <fd> <0|1>      -> "ok" | "error <errno>"
//   getopt <fd> <level> <name>   -> "ok <int value>" | "error <errno>"
//   close <fd>                   -> "ok" | "error <errno>"
//   backend                      -> "backend <epoll|ioUring>" of Notifier.shared (.automatic)
//   backend-iouring              -> "backend ioUring" | "error <errno>" for Notifier(backend: .ioUring)
//   exit                         -> exits 0
import EventSelect
import Glibc
import SystemPackage

/// Descriptors inherited from the test process (its sockets are not close-on-exec) would keep
/// sockets of other tests alive: close everything but stdin, stdout and stderr first.
func closeInheritedDescriptors() {
    guard let directory = opendir("/proc/self/fd") else { return }
    var inherited: [CInt] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if let fd = CInt(name), fd > 2, fd != dirfd(directory) { inherited.append(fd) }
    }
    closedir(directory)
    for fd in inherited { close(fd) }
}
closeInheritedDescriptors()

let notifier = Notifier.shared
var events: [CInt: SocketEvent] = [:]
let queue = try! MessageQueue()

/// One unbuffered line on stdout.
func reply(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(1, $0.baseAddress! + done, bytes.count - done) }
        if n <= 0 { exit(1) }
        done += n
    }
}

func code(_ error: Error) -> CInt { (error as? Errno)?.rawValue ?? -1 }

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format2($0)) }.joined() }
func format2(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}
func unhex(_ text: Substring) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
        bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
        index = next
    }
    return bytes
}

while let line = readLine() {
    let words = line.split(separator: " ")
    guard let command = words.first else { continue }
    let fd = words.count > 1 ? FileDescriptor(rawValue: CInt(words[1]) ?? -1) : FileDescriptor(rawValue: -1)
    func number(_ index: Int) -> Int { words.count > index ? Int(words[index]) ?? 0 : 0 }
    do {
        switch command {
        case "pid":
            reply("pid \(getpid())")
        case "import":
            let info = try SocketProtocolInfo(bytes: unhex(words[1]))
            let imported = try notifier.socket(from: info)
            reply("ok \(imported.rawValue)")
        case "select-event":
            let event = try events[fd.rawValue] ?? SocketEvent()
            events[fd.rawValue] = event
            try notifier.eventSelect(fd, event, NetworkEvents(rawValue: UInt32(number(2))))
            reply("ok")
        case "select-async":
            try notifier.asyncSelect(fd, queue, message: UInt32(number(3)), NetworkEvents(rawValue: UInt32(number(2))))
            reply("ok")
        case "wait":
            guard let event = events[fd.rawValue] else { throw Errno.invalidArgument }
            let index = try SocketEvent.waitAny([event], timeout: .milliseconds(number(2)))
            reply(index == nil ? "timeout" : "set")
        case "enum":
            let record = try notifier.enumNetworkEvents(fd, resetting: events[fd.rawValue])
            let errors = (0..<6).map { record.error(for: NetworkEvents(rawValue: 1 << $0))?.rawValue ?? 0 }
            reply("events \(record.events.rawValue) " + errors.map(String.init).joined(separator: " "))
        case "next":
            if let message = try queue.next(timeout: .milliseconds(Int(words[1]) ?? 0)) {
                reply("msg \(message.message) \(message.socket.rawValue) \(message.event.rawValue) \(message.lParam)")
            } else {
                reply("timeout")
            }
        case "recv":
            var buffer = [UInt8](repeating: 0, count: number(2))
            let flags: CInt = words.count > 3 && words[3] == "oob" ? CInt(MSG_OOB) : 0
            let n = try buffer.withUnsafeMutableBytes { try notifier.receive(fd, into: $0, flags: flags) }
            reply("ok \(n)")
        case "send":
            let buffer = [UInt8](repeating: 0x42, count: number(2))
            let n = try buffer.withUnsafeBytes { try notifier.send(fd, $0, flags: 0) }
            reply("ok \(n)")
        case "dup-for":
            let info = try notifier.duplicateSocket(fd, for: pid_t(number(2)))
            reply("info \(hex(info.bytes))")
        case "set-blocking":
            try notifier.setBlocking(fd, number(2) != 0)
            reply("ok")
        case "getopt":
            var value: CInt = 0
            var length = socklen_t(MemoryLayout<CInt>.size)
            guard getsockopt(fd.rawValue, CInt(number(2)), CInt(number(3)), &value, &length) == 0 else {
                throw Errno(rawValue: errno)
            }
            reply("ok \(value)")
        case "close":
            try notifier.close(fd)
            reply("ok")
        case "backend":
            reply("backend \(notifier.backend)")
        case "backend-iouring":
            reply("backend \(try Notifier(backend: .ioUring).backend)")
        case "exit":
            exit(0)
        default:
            reply("error \(EINVAL)")
        }
    } catch {
        reply("error \(code(error))")
    }
}
