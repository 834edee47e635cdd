// Plain-Glibc plumbing for the benchmark runner: socket pairs, RSS, rlimits, machine facts.
// Every syscall result is checked; failures throw `BenchError` with the call's name and errno.
import Glibc
import SystemPackage

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
    static func errno(_ call: String, _ code: CInt = Glibc.errno) -> BenchError {
        BenchError("\(call): \(String(cString: strerror(code))) (errno \(code))")
    }
}

@discardableResult
func check(_ call: String, _ rc: CInt) throws -> CInt {
    guard rc >= 0 else { throw BenchError.errno(call) }
    return rc
}

/// A connected pair of stream sockets. `a` and `b` are plain descriptors; the caller selects them.
struct SocketPair {
    let a: FileDescriptor
    let b: FileDescriptor
}

enum Transport: String, CaseIterable {
    case unix, tcp
}

enum Net {
    static func unixPair() throws -> SocketPair {
        var fds: [CInt] = [-1, -1]
        try check("socketpair", socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0, &fds))
        return SocketPair(a: FileDescriptor(rawValue: fds[0]), b: FileDescriptor(rawValue: fds[1]))
    }

    /// A TCP connection over 127.0.0.1 with TCP_NODELAY on both ends. The listener is closed again.
    static func tcpPair() throws -> SocketPair {
        let listener = try check("socket", socket(AF_INET, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0))
        defer { Glibc.close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                try check("bind", bind(listener, sa, length))
                try check("listen", listen(listener, 16))
                try check("getsockname", getsockname(listener, sa, &length))
            }
        }
        let client = try check("socket", socket(AF_INET, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0))
        do {
            try withUnsafePointer(to: &address) { pointer in
                _ = try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                    try check("connect", connect(client, sa, socklen_t(MemoryLayout<sockaddr_in>.size)))
                }
            }
            let server = try check("accept", Glibc.accept(listener, nil, nil))
            _ = fcntl(server, F_SETFD, FD_CLOEXEC)
            var one: CInt = 1
            for fd in [client, server] {
                try check(
                    "setsockopt(TCP_NODELAY)",
                    setsockopt(fd, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size)))
            }
            return SocketPair(a: FileDescriptor(rawValue: client), b: FileDescriptor(rawValue: server))
        } catch {
            Glibc.close(client)
            throw error
        }
    }

    static func pair(_ transport: Transport) throws -> SocketPair {
        switch transport {
        case .unix: return try unixPair()
        case .tcp: return try tcpPair()
        }
    }

    /// Writes all of `count` bytes with plain Glibc write (retrying EINTR only).
    static func writeAll(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        var attempts = 0
        while done < bytes.count {
            attempts += 1
            guard attempts < 1_000 else { throw BenchError("write: no progress on fd \(fd)") }
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw BenchError.errno("write")
            }
            done += n
        }
    }

    static func closeChecked(_ fd: CInt) throws {
        try check("close", Glibc.close(fd))
    }
}

enum Memory {
    /// Resident and resident-shared (file-backed or shared-memory) bytes, from /proc/self/statm
    /// (second and third fields, in pages).
    static func statm() throws -> (resident: Int, shared: Int) {
        let fd = try check("open(/proc/self/statm)", open("/proc/self/statm", O_RDONLY | O_CLOEXEC))
        defer { Glibc.close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count - 1) }
        guard n > 0 else { throw BenchError.errno("read(/proc/self/statm)") }
        let fields = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: " ")
        guard fields.count >= 3, let resident = Int(fields[1]), let shared = Int(fields[2]) else {
            throw BenchError("statm: unexpected format")
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        return (resident * page, shared * page)
    }

    static func residentBytes() throws -> Int { try statm().resident }
}

enum Limits {
    /// Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit.
    static func raiseFileLimit() throws -> Int {
        var limit = rlimit()
        try check("getrlimit", getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit))
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            try check("setrlimit", setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit))
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Descriptors open now (entries of /proc/self/fd, less the one opendir uses).
    static func openDescriptors() throws -> Int {
        guard let dir = opendir("/proc/self/fd") else { throw BenchError.errno("opendir(/proc/self/fd)") }
        defer { closedir(dir) }
        var count = 0
        var guardCount = 0
        while let entry = readdir(dir) {
            guardCount += 1
            if guardCount > 10_000_000 { break }
            let first = entry.pointee.d_name.0
            if first == UInt8(ascii: ".") { continue }
            count += 1
        }
        return count - 1
    }
}

enum Machine {
    static func cpuModel() -> String {
        guard let text = readFile("/proc/cpuinfo") else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters()
            }
        }
        return "unknown"
    }

    static func kernel() -> String {
        var info = utsname()
        guard uname(&info) == 0 else { return "unknown" }
        return withUnsafeBytes(of: &info.release) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
    }

    static func cpus() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    static func date() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S UTC", &parts)
        return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "unknown"
    }

    static func readFile(_ path: String, limit: Int = 4 << 20) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self[...]
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    func trimmed() -> String { self[...].trimmingCharacters() }
}

/// Writes a line to stderr unbuffered (progress).
func progress(_ text: String) { writeLine(2, text) }

/// Writes a line to stdout unbuffered (results, the report).
func output(_ text: String) { writeLine(1, text) }

func writeLine(_ fd: CInt, _ text: String) {
    var line = text + "\n"
    line.withUTF8 { bytes in
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n <= 0 {
                if errno == EINTR { continue }
                return
            }
            done += n
        }
    }
}
