// Plumbing for the demo: plain sockets for the load generator, threads, number formatting.
import EventSelect
import Glibc
import SystemPackage

enum Net {
    /// A listener on 127.0.0.1 (the kernel picks the port), and its address.
    static func listen(_ notifier: Notifier) throws(Errno) -> (FileDescriptor, SocketAddress) {
        let fd = try notifier.socket(.ipv4)
        var one: CInt = 1
        setsockopt(fd.rawValue, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
        do {
            try notifier.bind(fd, to: .loopbackIPv4())
            try notifier.listen(fd, backlog: 1024)
            return (fd, try notifier.localAddress(of: fd))
        } catch {
            try? notifier.close(fd)
            throw error
        }
    }

    /// A plain blocking client socket (the load generator's side is not EventSelect's), TCP_NODELAY.
    static func connect(_ address: SocketAddress) throws(Errno) -> CInt {
        let fd = Glibc.socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Errno(rawValue: errno) }
        var one: CInt = 1
        setsockopt(fd, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size))
        let rc = address.withUnsafeSockAddr { Glibc.connect(fd, $0, $1) }
        guard rc == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Errno(rawValue: code)
        }
        return fd
    }

    /// Sends everything on a blocking socket, retrying on EINTR and short sends.
    static func sendAll(_ fd: CInt, _ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + done, bytes.count - done, CInt(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Errno(rawValue: errno)
            }
            done += n
        }
    }

    static func readExactly(_ fd: CInt, _ buffer: inout [UInt8], count: Int) throws {
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress! + done, count - done, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Errno(rawValue: errno)
            }
            if n == 0 { throw Errno.connectionReset }
            done += n
        }
    }
}

/// A joinable pthread running a closure.
final class Thread {
    private var id = pthread_t()
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    init(_ body: @escaping () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(
            &id, nil,
            { context in
                let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
                box.body()
                return nil
            }, box)
        precondition(rc == 0, "pthread_create: \(rc)")
    }

    func join() { pthread_join(id, nil) }
}

/// One decimal place, for microseconds and seconds in the demo's output.
func format1(_ value: Double) -> String {
    String((value * 10).rounded() / 10)
}
