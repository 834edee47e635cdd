import Glibc
import SystemPackage

/// One message posted by `asyncSelect`: what a window procedure receives for a socket.
///
/// Models the `(uMsg, wParam, lParam)` of a `WSAAsyncSelect` message: ``message`` is the number given
/// to `asyncSelect`, ``socket`` is `wParam` (the descriptor the selection was made through, or the
/// accepted socket for a selection inherited by `accept`), and ``lParam`` is
/// `WSAMAKESELECTREPLY(event, error)` with the error as its Winsock code (see ``winsockCode(for:)``).
public struct SocketMessage: Sendable, Equatable {
    /// The message number given to `asyncSelect` (`uMsg`).
    public var message: UInt32
    /// The socket (`wParam`).
    public var socket: FileDescriptor
    /// The network event: exactly one bit (docs/SEMANTICS.md rule 7, one message per event).
    public var event: NetworkEvents
    /// The error that came with the event (`WSAGETSELECTERROR`), nil for none.
    public var error: Errno?

    /// `WSAMAKESELECTREPLY(event, error)`: the event in the low word, the Winsock error code in the
    /// high word, bit for bit as on Windows.
    public var lParam: UInt32 {
        let code = error.map { SocketMessage.winsockCode(for: $0) } ?? 0
        return (event.rawValue & 0xFFFF) | (UInt32(code & 0xFFFF) << 16)
    }

    /// Creates a message, as `asyncSelect` posts it or as a program posts its own (`PostMessage`).
    public init(message: UInt32, socket: FileDescriptor, event: NetworkEvents, error: Errno?) {
        self.message = message
        self.socket = socket
        self.event = event
        self.error = error
    }

    /// The Winsock code (`WSAE*`, 10000 + n) of an errno, as Windows reports it in `lParam`.
    ///
    /// Every errno with a Winsock counterpart maps to it (ECONNREFUSED -> 10061 WSAECONNREFUSED,
    /// ECONNABORTED -> 10053 WSAECONNABORTED, ETIMEDOUT -> 10060, ENETUNREACH -> 10051,
    /// EHOSTUNREACH -> 10065, ...). An errno without one maps to WSASYSCALLFAILURE (10107); the
    /// errno itself stays in ``error``.
    public static func winsockCode(for error: Errno) -> UInt16 {
        winsockCodes[error.rawValue] ?? 10107
    }

    /// errno -> WSAE*. Source: winerror.h / winsock2.h, where each WSAE name is 10000 plus the BSD
    /// errno value; here keyed by the Linux errno of the same name.
    static let winsockCodes: [CInt: UInt16] = [
        EINTR: 10004, EBADF: 10009, EACCES: 10013, EFAULT: 10014, EINVAL: 10022, EMFILE: 10024,
        EWOULDBLOCK: 10035, EINPROGRESS: 10036, EALREADY: 10037, ENOTSOCK: 10038, EDESTADDRREQ: 10039,
        EMSGSIZE: 10040, EPROTOTYPE: 10041, ENOPROTOOPT: 10042, EPROTONOSUPPORT: 10043,
        ESOCKTNOSUPPORT: 10044, EOPNOTSUPP: 10045, EPFNOSUPPORT: 10046, EAFNOSUPPORT: 10047,
        EADDRINUSE: 10048, EADDRNOTAVAIL: 10049, ENETDOWN: 10050, ENETUNREACH: 10051, ENETRESET: 10052,
        ECONNABORTED: 10053, ECONNRESET: 10054, ENOBUFS: 10055, EISCONN: 10056, ENOTCONN: 10057,
        ESHUTDOWN: 10058, ETOOMANYREFS: 10059, ETIMEDOUT: 10060, ECONNREFUSED: 10061, ELOOP: 10062,
        ENAMETOOLONG: 10063, EHOSTDOWN: 10064, EHOSTUNREACH: 10065, ENOTEMPTY: 10066, EUSERS: 10068,
        EDQUOT: 10069, ESTALE: 10070, EREMOTE: 10071,
    ]
}
