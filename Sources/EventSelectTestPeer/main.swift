// eventselect-test-peer: a second process for the cross-process tests (docs/SEMANTICS.md rules 14, 17-21).
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
//   pair                         -> "ok <fd> <fd>"               (an AF_UNIX stream socketpair)
//   fill <n>                     -> "ok <selected> <errno>"      (n datagram sockets selected, until the first error)
//   dup-many <fd> <pid> <n>      -> "ok <exported> <errno>"      (n duplicateSocket calls, until the first error)
//   import-emfile <hex>          -> "ok <errno> <fd>"            (import with the fd table full, then again)
//   raw-ring <path>|@<abstract>  -> "ok" | "error <errno>"       (one datagram to a doorbell, as an attacker would)
//   flood <path>                 -> "ok <n>" | "error <errno>"   (datagrams to a doorbell until its queue is full)
//   raw-handover <path> <hex>    -> "fd" | "nofd" | "error <errno>" (asks a doorbell for an export's descriptor)
//   raw-handover-send <path> <hex> -> "ok" | "error <errno>"   (the same request, answer read later)
//   raw-handover-wait <ms>       -> "fd" | "nofd"
//   bind <path>|@<abstract>      -> "ok" | "error <errno>"       (binds a datagram socket there and keeps it)
//   exhaust                      -> "ok <n>"                     (opens /dev/null until EMFILE, keeps them)
//   release                      -> "ok"                         (closes what exhaust opened)
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

/// A Unix socket address: a path, or "@name" for the abstract namespace.
func unixAddress(_ text: Substring) -> (sockaddr_un, socklen_t) {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let abstract = text.first == "@"
    let bytes = Array((abstract ? text.dropFirst() : text).utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        let start = abstract ? 1 : 0
        if abstract { raw[0] = 0 }
        for (index, byte) in bytes.enumerated() where start + index < raw.count - 1 { raw[start + index] = byte }
    }
    let length = MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 1 : 1)
    return (address, socklen_t(length))
}

func sendDatagram(_ socket: CInt, _ payload: [UInt8], to text: Substring) -> CInt {
    var (address, length) = unixAddress(text)
    let sent = payload.withUnsafeBytes { bytes in
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(socket, bytes.baseAddress, bytes.count, CInt(MSG_DONTWAIT), $0, length)
            }
        }
    }
    return sent < 0 ? errno : 0
}

/// A doorbell request as EventSelect encodes it: kind, slot/attempt, value (little-endian).
func doorbellMessage(kind: UInt32, slot: UInt32, value: UInt64) -> [UInt8] {
    var bytes: [UInt8] = []
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: kind >> UInt32(shift))) }
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: slot >> UInt32(shift))) }
    for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    return bytes
}

var keptSockets: [CInt] = []
var exhausted: [CInt] = []
var pendingRequester: CInt = -1
var filled: [CInt] = []
let fillEvent = try! SocketEvent()

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
            var pair: [CInt] = [0, 0]
            guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue), 0, &pair) == 0 else { throw Errno(rawValue: errno) }
            reply("ok \(pair[0]) \(pair[1])")
        case "fill":
            var selected = 0
            var failure: CInt = 0
            for _ in 0..<number(1) {
                let made = socket(AF_UNIX, CInt(SOCK_DGRAM.rawValue), 0)
                guard made >= 0 else {
                    failure = errno
                    break
                }
                do {
                    try notifier.eventSelect(FileDescriptor(rawValue: made), fillEvent, [.read])
                } catch {
                    close(made)
                    failure = code(error)
                    break
                }
                filled.append(made)
                selected += 1
            }
            reply("ok \(selected) \(failure)")
        case "dup-many":
            var exported = 0
            var failure: CInt = 0
            for _ in 0..<number(3) {
                do {
                    _ = try notifier.duplicateSocket(fd, for: pid_t(number(2)))
                    exported += 1
                } catch {
                    failure = code(error)
                    break
                }
            }
            reply("ok \(exported) \(failure)")
        case "import-emfile":
            let info = try SocketProtocolInfo(bytes: unhex(words[1]))
            _ = try? notifier.socket(from: SocketProtocolInfo(bytes: []))  // loads the info key first
            var fillers: [CInt] = []
            while true {
                let filler = open("/dev/null", O_RDONLY | O_CLOEXEC)
                if filler < 0 { break }
                fillers.append(filler)
            }
            var first: CInt = 0
            do {
                let imported = try notifier.socket(from: info)
                close(imported.rawValue)
            } catch {
                first = code(error)
            }
            for filler in fillers { close(filler) }
            let imported = try notifier.socket(from: info)
            reply("ok \(first) \(imported.rawValue)")
        case "raw-ring":
            let sender = socket(AF_UNIX, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
            defer { close(sender) }
            let failure = sendDatagram(sender, doorbellMessage(kind: 1, slot: 0, value: 0), to: words[1])
            reply(failure == 0 ? "ok" : "error \(failure)")
        case "flood":
            let sender = socket(AF_UNIX, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
            defer { close(sender) }
            var sent = 0
            var failure: CInt = 0
            while sent < 100_000 {
                failure = sendDatagram(sender, doorbellMessage(kind: 1, slot: 0, value: 0), to: words[1])
                if failure != 0 { break }
                sent += 1
            }
            reply(failure == EAGAIN || failure == 0 ? "ok \(sent)" : "error \(failure)")
        case "raw-handover", "raw-handover-send":
            // What an attacker with the info bytes would do: ask the source's doorbell for the
            // descriptor, from a socket of its own, for every plausible claim number.
            let info = unhex(words[2])
            let nonce =
                info.count >= 56 ? (0..<8).reduce(UInt64(0)) { $0 | UInt64(info[48 + $1]) << (8 * UInt64($1)) } : 0
            let requester = socket(AF_UNIX, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
            // Where a request of this process for claim 1 would expect its answer (the reply name
            // EventSelect uses), if the directory lets it bind there; else an abstract name.
            let directory =
                words[1].first == "@"
                ? nil
                : words[1].split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            var bound: CInt = -1
            if let directory {
                let name = "\(directory)/imp.\(getpid()).\(String(nonce, radix: 16)).1"
                unlink(name)
                var (own, ownLength) = unixAddress(Substring(name))
                bound = withUnsafePointer(to: &own) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(requester, $0, ownLength) }
                }
            }
            if bound != 0 {
                var (own, ownLength) = unixAddress("@eventselect-attacker.\(getpid())")
                _ = withUnsafePointer(to: &own) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(requester, $0, ownLength) }
                }
            }
            var failure: CInt = 0
            for attempt in UInt32(0)..<4 {
                failure = sendDatagram(requester, doorbellMessage(kind: 2, slot: attempt, value: nonce), to: words[1])
                if failure != 0 { break }
            }
            if failure != 0 {
                close(requester)
                reply("error \(failure)")
            } else if command == "raw-handover-send" {
                pendingRequester = requester
                reply("ok")
            } else {
                var entry = pollfd(fd: requester, events: Int16(POLLIN), revents: 0)
                reply(poll(&entry, 1, 500) > 0 ? "fd" : "nofd")
                close(requester)
            }
        case "raw-handover-wait":
            var entry = pollfd(fd: pendingRequester, events: Int16(POLLIN), revents: 0)
            reply(poll(&entry, 1, CInt(number(1))) > 0 ? "fd" : "nofd")
            close(pendingRequester)
            pendingRequester = -1
        case "bind":
            let bound = socket(AF_UNIX, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
            var (address, length) = unixAddress(words[1])
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(bound, $0, length) }
            }
            if rc == 0 {
                keptSockets.append(bound)
                reply("ok")
            } else {
                let failure = errno
                close(bound)
                reply("error \(failure)")
            }
        case "exhaust":
            while true {
                let filler = open("/dev/null", O_RDONLY | O_CLOEXEC)
                if filler < 0 { break }
                exhausted.append(filler)
            }
            reply("ok \(exhausted.count)")
        case "release":
            for filler in exhausted { close(filler) }
            exhausted.removeAll()
            reply("ok")
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
