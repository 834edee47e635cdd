import Glibc
import SystemPackage

// A socket address as a value: IPv4, IPv6 or Unix-domain, so that callers of bind, connect,
// getsockname and getpeername never build a `sockaddr_in` or rebind pointers themselves. In the
// spirit of SwiftNIO's `SocketAddress`; the conversions to and from `sockaddr` live here and only here.

/// An IPv4, IPv6 or Unix-domain socket address.
///
/// ```swift
/// let local = try SocketAddress(ipAddress: "127.0.0.1", port: 8080)
/// let any6 = try SocketAddress(ipAddress: "::", port: 0)
/// let path = try SocketAddress(unixDomainSocketPath: "/run/my.sock")
/// ```
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    /// An address family: `AF_INET`, `AF_INET6` or `AF_UNIX`.
    public struct Family: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The `AF_*` constant.
        public let rawValue: CInt
        /// Wraps an `AF_*` constant.
        public init(rawValue: CInt) { self.rawValue = rawValue }
        /// IPv4 (`AF_INET`).
        public static let ipv4 = Family(rawValue: AF_INET)
        /// IPv6 (`AF_INET6`).
        public static let ipv6 = Family(rawValue: AF_INET6)
        /// Unix-domain (`AF_UNIX`).
        public static let unix = Family(rawValue: AF_UNIX)

        /// `ipv4`, `ipv6`, `unix`, or `family(N)`.
        public var description: String {
            switch self {
            case .ipv4: return "ipv4"
            case .ipv6: return "ipv6"
            case .unix: return "unix"
            default: return "family(\(rawValue))"
            }
        }
    }

    private enum Storage: Hashable, Sendable {
        /// Address and port in host byte order.
        case ipv4(address: UInt32, port: UInt16)
        /// The 16 address bytes in network order, split in two for `Hashable`.
        case ipv6(high: UInt64, low: UInt64, port: UInt16, flowInfo: UInt32, scopeID: UInt32)
        /// The path bytes, without a terminating NUL; a leading NUL is Linux's abstract namespace.
        case unix(path: [UInt8])
    }

    private let storage: Storage

    private init(_ storage: Storage) { self.storage = storage }

    /// An IPv4 or IPv6 address from its text form (`"127.0.0.1"`, `"::1"`) and a port.
    ///
    /// No name resolution happens: the text must be a numeric address.
    /// - Throws: `Errno.invalidArgument` when the text is neither an IPv4 nor an IPv6 address.
    public init(ipAddress: String, port: UInt16) throws(Errno) {
        var v4 = in_addr()
        if inet_pton(AF_INET, ipAddress, &v4) == 1 {
            self.init(.ipv4(address: UInt32(bigEndian: v4.s_addr), port: port))
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, ipAddress, &v6) == 1 {
            let (high, low) = withUnsafeBytes(of: &v6) { bytes in
                (
                    bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                    bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                )
            }
            self.init(.ipv6(high: high, low: low, port: port, flowInfo: 0, scopeID: 0))
            return
        }
        throw .invalidArgument
    }

    /// A Unix-domain address. A path that starts with a NUL character names Linux's abstract
    /// namespace.
    /// - Throws: `Errno.fileNameTooLong` when the path does not fit `sockaddr_un` (107 bytes);
    ///   `Errno.invalidArgument` for an empty path.
    public init(unixDomainSocketPath path: String) throws(Errno) {
        let bytes = Array(path.utf8)
        if bytes.isEmpty { throw .invalidArgument }
        if bytes.count >= MemoryLayout.size(ofValue: sockaddr_un().sun_path) { throw .fileNameTooLong }
        self.init(.unix(path: bytes))
    }

    /// The IPv4 loopback address, 127.0.0.1, with `port` (0: the kernel picks one at `bind`).
    public static func loopbackIPv4(port: UInt16 = 0) -> SocketAddress {
        SocketAddress(.ipv4(address: UInt32(INADDR_LOOPBACK), port: port))
    }

    /// The IPv6 loopback address, ::1, with `port` (0: the kernel picks one at `bind`).
    public static func loopbackIPv6(port: UInt16 = 0) -> SocketAddress {
        SocketAddress(.ipv6(high: 0, low: UInt64(1).bigEndian, port: port, flowInfo: 0, scopeID: 0))
    }

    /// Reads a `sockaddr` of family `AF_INET`, `AF_INET6` or `AF_UNIX`, as returned by the kernel.
    /// - Throws: `Errno.addressFamilyNotSupported` for any other family; `Errno.invalidArgument` when
    ///   `length` is too short for its family.
    public init(_ address: UnsafePointer<sockaddr>, length: socklen_t) throws(Errno) {
        let raw = UnsafeRawPointer(address)
        let family = length >= MemoryLayout<sa_family_t>.size ? CInt(address.pointee.sa_family) : AF_UNSPEC
        switch family {
        case AF_INET:
            guard Int(length) >= MemoryLayout<sockaddr_in>.size else { throw .invalidArgument }
            let v4 = raw.loadUnaligned(as: sockaddr_in.self)
            self.init(.ipv4(address: UInt32(bigEndian: v4.sin_addr.s_addr), port: UInt16(bigEndian: v4.sin_port)))
        case AF_INET6:
            guard Int(length) >= MemoryLayout<sockaddr_in6>.size else { throw .invalidArgument }
            var v6 = raw.loadUnaligned(as: sockaddr_in6.self)
            let (high, low) = withUnsafeBytes(of: &v6.sin6_addr) { bytes in
                (
                    bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                    bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                )
            }
            self.init(
                .ipv6(
                    high: high, low: low, port: UInt16(bigEndian: v6.sin6_port),
                    flowInfo: UInt32(bigEndian: v6.sin6_flowinfo), scopeID: v6.sin6_scope_id))
        case AF_UNIX:
            // The path runs to the given length (abstract names) or to the first NUL (paths).
            let offset = MemoryLayout<sa_family_t>.size
            let count = max(0, Int(length) - offset)
            var path = Array(UnsafeRawBufferPointer(start: raw + offset, count: count))
            if path.first != 0, let end = path.firstIndex(of: 0) { path.removeSubrange(end...) }
            self.init(.unix(path: path))
        default:
            throw .addressFamilyNotSupported
        }
    }

    /// The address family.
    public var family: Family {
        switch storage {
        case .ipv4: return .ipv4
        case .ipv6: return .ipv6
        case .unix: return .unix
        }
    }

    /// The port of an IPv4 or IPv6 address; nil for a Unix-domain address.
    public var port: UInt16? {
        switch storage {
        case .ipv4(_, let port), .ipv6(_, _, let port, _, _): return port
        case .unix: return nil
        }
    }

    /// The numeric text form of an IPv4 or IPv6 address (`"127.0.0.1"`, `"::1"`); nil for Unix.
    public var ipAddress: String? {
        switch storage {
        case .ipv4, .ipv6:
            return withUnsafeSockAddr { address, _ in
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                let raw = UnsafeRawPointer(address)
                let ok: Bool
                if address.pointee.sa_family == sa_family_t(AF_INET) {
                    var v4 = raw.loadUnaligned(as: sockaddr_in.self).sin_addr
                    ok = inet_ntop(AF_INET, &v4, &text, socklen_t(text.count)) != nil
                } else {
                    var v6 = raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr
                    ok = inet_ntop(AF_INET6, &v6, &text, socklen_t(text.count)) != nil
                }
                guard ok else { return nil }
                return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        case .unix:
            return nil
        }
    }

    /// The path of a Unix-domain address (an abstract name starts with a NUL); nil for IP; empty for
    /// an unnamed Unix socket.
    public var unixDomainSocketPath: String? {
        guard case .unix(let path) = storage else { return nil }
        return String(decoding: path, as: UTF8.self)
    }

    /// `127.0.0.1:8080`, `[::1]:8080`, or `unix:/run/my.sock`.
    public var description: String {
        switch storage {
        case .ipv4(_, let port): return "\(ipAddress ?? "?"):\(port)"
        case .ipv6(_, _, let port, _, _): return "[\(ipAddress ?? "?")]:\(port)"
        case .unix(let path):
            return "unix:" + String(decoding: path.map { $0 == 0 ? UInt8(ascii: "@") : $0 }, as: UTF8.self)
        }
    }

    /// Calls `body` with the address as a `sockaddr` and its length, for calls EventSelect does not wrap.
    /// The pointer is valid only during the call.
    public func withUnsafeSockAddr<Result, Failure: Error>(
        _ body: (UnsafePointer<sockaddr>, socklen_t) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var storage = sockaddr_storage()
        let length: Int
        switch self.storage {
        case .ipv4(let address, let port):
            var v4 = sockaddr_in()
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            v4.sin_addr.s_addr = address.bigEndian
            Self.copy(v4, into: &storage)
            length = MemoryLayout<sockaddr_in>.size
        case .ipv6(let high, let low, let port, let flowInfo, let scopeID):
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            v6.sin6_flowinfo = flowInfo.bigEndian
            v6.sin6_scope_id = scopeID
            withUnsafeMutableBytes(of: &v6.sin6_addr) { bytes in
                bytes.storeBytes(of: high, toByteOffset: 0, as: UInt64.self)
                bytes.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
            }
            Self.copy(v6, into: &storage)
            length = MemoryLayout<sockaddr_in6>.size
        case .unix(let path):
            var un = sockaddr_un()
            un.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &un.sun_path) { bytes in
                for (index, byte) in path.enumerated() { bytes[index] = byte }
            }
            Self.copy(un, into: &storage)
            // A pathname includes its terminating NUL; an abstract name is exactly its bytes.
            length = MemoryLayout<sa_family_t>.size + path.count + (path.first == 0 ? 0 : 1)
        }
        return try withUnsafePointer(to: &storage) { pointer throws(Failure) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(Failure) in
                try body(address, socklen_t(length))
            }
        }
    }

    private static func copy<Address>(_ address: Address, into storage: inout sockaddr_storage) {
        withUnsafeBytes(of: address) { source in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
        }
    }
}

/// A socket type: `SOCK_STREAM`, `SOCK_DGRAM` or `SOCK_SEQPACKET`.
///
/// The values are Linux's, written out because Glibc's `SOCK_*` enumerators do not resolve inside a
/// type with this name; a test checks them against Glibc.
public struct SocketType: RawRepresentable, Sendable, Hashable {
    /// The `SOCK_*` constant (flags such as `SOCK_NONBLOCK` may be or-ed in).
    public let rawValue: CInt
    /// Wraps a `SOCK_*` constant.
    public init(rawValue: CInt) { self.rawValue = rawValue }
    /// A connection-oriented byte stream (TCP for IP).
    public static let stream = SocketType(rawValue: 1)  // SOCK_STREAM
    /// Datagrams (UDP for IP).
    public static let datagram = SocketType(rawValue: 2)  // SOCK_DGRAM
    /// Connection-oriented, record-preserving (AF_UNIX).
    public static let sequencedPacket = SocketType(rawValue: 5)  // SOCK_SEQPACKET
}
