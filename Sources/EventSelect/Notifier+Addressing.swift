import Glibc
import SystemPackage

// The Winsock calls that take an address (socket, bind, listen, connect, getsockname, getpeername)
// with `SocketAddress`, so a program needs no `sockaddr` code. None of these changes a selection
// except `connect`, which goes through `connect(_:to:length:)` (docs/SEMANTICS.md rule 4).
extension Notifier {
    /// Creates a socket of `family` and `type`. Models `socket` / `WSASocket`.
    ///
    /// ```swift
    /// let listener = try Notifier.shared.socket(.ipv4, .stream)
    /// ```
    /// - Returns: the new descriptor (blocking until selected, as on Windows).
    /// - Throws: `Errno.addressFamilyNotSupported`, `Errno.tooManyOpenFiles`, ...
    public func socket(_ family: SocketAddress.Family, _ type: SocketType = .stream) throws(Errno) -> FileDescriptor {
        try socket(domain: family.rawValue, type: type.rawValue, protocol: 0)
    }

    /// Binds a socket to a local address. Models `bind`.
    ///
    /// Port 0 lets the kernel pick one; ``localAddress(of:)`` tells which.
    /// - Throws: `Errno.addressInUse`, `Errno.addressNotAvailable`, EINVAL (already bound), EBADF,
    ///   ENOTSOCK.
    public func bind(_ socket: FileDescriptor, to address: SocketAddress) throws(Errno) {
        try address.withUnsafeSockAddr { pointer, length throws(Errno) in
            _ = try syscall { Glibc.bind(socket.rawValue, pointer, length) }
        }
    }

    /// Makes a bound stream socket listen for connections. Models `listen`.
    ///
    /// Select it for `.accept` to learn of connections (docs/SEMANTICS.md rule 3).
    /// - Parameters:
    ///   - socket: a bound stream socket.
    ///   - backlog: the queue length; `SOMAXCONN` by default, as Winsock's.
    /// - Throws: EOPNOTSUPP for a datagram socket, EBADF, ENOTSOCK.
    public func listen(_ socket: FileDescriptor, backlog: CInt = SOMAXCONN) throws(Errno) {
        _ = try syscall { Glibc.listen(socket.rawValue, backlog) }
    }

    /// Connects to `address`. Models `connect`.
    ///
    /// On a selected (non-blocking) socket it returns at once and FD_CONNECT reports the outcome,
    /// with FD_WRITE on success (docs/SEMANTICS.md rule 4); errors connect(2) reports at once are
    /// thrown.
    /// - Throws: `Errno.connectionRefused` (blocking socket), `Errno.networkUnreachable`, EBADF,
    ///   ENOTSOCK, ...
    public func connect(_ socket: FileDescriptor, to address: SocketAddress) throws(Errno) {
        try address.withUnsafeSockAddr { pointer, length throws(Errno) in
            try connect(socket, to: pointer, length: length)
        }
    }

    /// The address a socket is bound to. Models `getsockname`.
    /// - Throws: EBADF, ENOTSOCK; `Errno.addressFamilyNotSupported` for a family other than IPv4,
    ///   IPv6 and Unix.
    public func localAddress(of socket: FileDescriptor) throws(Errno) -> SocketAddress {
        try Self.address(of: socket) { fd, address, length in getsockname(fd, address, length) }
    }

    /// The address of a connected socket's peer. Models `getpeername`.
    /// - Throws: `Errno.socketNotConnected`, EBADF, ENOTSOCK.
    public func remoteAddress(of socket: FileDescriptor) throws(Errno) -> SocketAddress {
        try Self.address(of: socket) { fd, address, length in getpeername(fd, address, length) }
    }

    private static func address(
        of socket: FileDescriptor,
        _ call: (CInt, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> CInt
    ) throws(Errno) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        return try withUnsafeMutablePointer(to: &storage) { pointer throws(Errno) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(Errno) in
                _ = try syscall { call(socket.rawValue, address, &length) }
                return try SocketAddress(address, length: length)
            }
        }
    }
}
