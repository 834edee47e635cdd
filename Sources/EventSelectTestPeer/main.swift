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
//   pair                         -> "ok <a> <b>"                 (an AF_UNIX stream socketpair, Glibc)
//   listen                       -> "ok <fd> <port>"             (a TCP listener on 127.0.0.1, Glibc)
//   accept <fd>                  -> "ok <fd>" | "error <errno>"  (Notifier.accept)
//   rawsend <fd> <n>             -> "ok <n>" | "error <errno>"   (Glibc send, no EventSelect call)
//   new-event | new-queue        -> "ok" | "error <errno>"       (SocketEvent() / MessageQueue(), dropped)
//   new-notifier [iouring]       -> "ok" | "error <errno>"       (Notifier(), dropped)
//   prepare-event <fd>           -> "ok" | "error <errno>"       (the fd's SocketEvent, not selected)
//   event-fd <fd>                -> "ok <efd>"                   (the fd's SocketEvent.fileDescriptor)
//   queue-fd                     -> "ok <qfd>"                   (the queue's fileDescriptor)
//   poll-fd <fd> <ms>            -> "readable" | "timeout"       (poll(2) only: no EventSelect call)
//   fill-fds                     -> "ok <n>"   (lowers RLIMIT_NOFILE to 256, opens /dev/null until EMFILE)
//   release-fds                  -> "ok <n>"   (closes them, restores the limit)
//   fd-count                     -> "ok <n>"   (open descriptors; works with a full table)
//   load-select <pairs|0>        -> see Stress.swift (0: as many as the fd hard limit allows)
//   cycles-select <n> | cycles-open <n> -> see Stress.swift
//   select-loop <fd>             -> "started", then selects/cancels fd until killed
//   exit                         -> exits 0
import EventSelect
import Glibc
import SystemPackage

/// Descriptors inherited from the test process (its sockets are not close-on-exec) would keep
/// sockets of other tests alive: close everything but stdin, stdout and stderr first.
func closeInheritedDescriptors() {
    for fd in openDescriptors() where fd > 2 { close(fd) }
}

/// The descriptors open in this process (but the directory stream's own).
func openDescriptors() -> [CInt] {
    guard let directory = opendir("/proc/self/fd") else { return [] }
    var open: [CInt] = []
    let nameOffset = MemoryLayout<dirent>.offset(of: \.d_name)!
    while let entry = readdir(directory) {
        // d_name is as long as the record (d_reclen), not 256 bytes: read it as a C string in place.
        let name = String(cString: UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
        if let fd = CInt(name), fd != dirfd(directory) { open.append(fd) }
    }
    closedir(directory)
    return open
}
closeInheritedDescriptors()

let notifier = Notifier.shared
var events: [CInt: SocketEvent] = [:]
let queue = try! MessageQueue()
/// Descriptors opened by `fill-fds`, and the limit it replaced.
var fillers: [CInt] = []
var savedLimit = rlimit()

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
        case "pair":
            var sv: [CInt] = [0, 0]
            guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &sv) == 0 else { throw Errno(rawValue: errno) }
            reply("ok \(sv[0]) \(sv[1])")
        case "listen":
            let listener = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
            guard listener >= 0 else { throw Errno(rawValue: errno) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    bind(listener, sa, length) == 0 && Glibc.listen(listener, 64) == 0
                        && getsockname(listener, sa, &length) == 0
                }
            }
            guard bound else { throw Errno(rawValue: errno) }
            reply("ok \(listener) \(UInt16(bigEndian: address.sin_port))")
        case "accept":
            reply("ok \(try notifier.accept(fd).rawValue)")
        case "rawsend":
            let buffer = [UInt8](repeating: 0x42, count: number(2))
            let n = buffer.withUnsafeBytes { Glibc.send(fd.rawValue, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL)) }
            guard n >= 0 else { throw Errno(rawValue: errno) }
            reply("ok \(n)")
        case "new-event":
            _ = try SocketEvent()
            reply("ok")
        case "new-queue":
            _ = try MessageQueue()
            reply("ok")
        case "new-notifier":
            _ = try Notifier(backend: words.count > 1 && words[1] == "iouring" ? .ioUring : .automatic)
            reply("ok")
        case "prepare-event":
            events[fd.rawValue] = try events[fd.rawValue] ?? SocketEvent()
            reply("ok")
        case "event-fd":
            guard let event = events[fd.rawValue] else { throw Errno.invalidArgument }
            reply("ok \(event.fileDescriptor.rawValue)")
        case "queue-fd":
            reply("ok \(queue.fileDescriptor.rawValue)")
        case "poll-fd":
            var entry = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
            let n = poll(&entry, 1, CInt(number(2)))
            reply(n > 0 ? "readable" : "timeout")
        case "fill-fds":
            // Bounded: a low soft limit, then /dev/null until the table is full.
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &savedLimit)
            var low = savedLimit
            low.rlim_cur = min(256, savedLimit.rlim_cur)
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &low)
            while true {
                let filler = open("/dev/null", O_RDONLY | O_CLOEXEC)
                if filler < 0 {
                    guard errno == EMFILE else { throw Errno(rawValue: errno) }
                    break
                }
                fillers.append(filler)
            }
            reply("ok \(fillers.count)")
        case "release-fds":
            for filler in fillers { close(filler) }
            reply("ok \(fillers.count)")
            fillers = []
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &savedLimit)
        case "fd-count":
            reply("ok \(descriptorCount())")
        case "load-select":
            reply(try loadSelect(notifier, pairs: number(1)))
        case "cycles-select", "cycles-open":
            reply(try cycles(notifier, open: command == "cycles-open", count: number(1)))
        case "select-loop":
            try selectLoop(notifier, fd) { reply("started") }
        case "exit":
            exit(0)
        default:
            reply("error \(EINVAL)")
        }
    } catch let failure as StressFailure {
        reply("failed \(failure)")
    } catch {
        reply("error \(code(error))")
    }
}
