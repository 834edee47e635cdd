/// A set of Winsock network events (`FD_READ` ... `FD_CLOSE`), with Winsock's bit values so that
/// records and `lParam` match Windows bit for bit.
///
/// Models the `lNetworkEvents` argument of `WSAEventSelect` / `WSAAsyncSelect`. Bits outside
/// ``all`` (including Winsock 2's `FD_QOS` 0x40 ... `FD_ADDRESS_LIST_CHANGE` 0x200) are rejected by
/// every call with `EINVAL`.
public struct NetworkEvents: OptionSet, Sendable, Hashable {
    public var rawValue: UInt32

    /// Creates a set from Winsock `FD_*` bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `FD_READ` (0x01): data can be read. End of stream alone is never `read` (docs/SEMANTICS.md rule 1).
    public static let read = NetworkEvents(rawValue: 0x01)
    /// `FD_WRITE` (0x02): the socket is connected and can send (docs/SEMANTICS.md rule 6).
    public static let write = NetworkEvents(rawValue: 0x02)
    /// `FD_OOB` (0x04): urgent data is pending and `SO_OOBINLINE` is off (docs/SEMANTICS.md rule 2).
    public static let oob = NetworkEvents(rawValue: 0x04)
    /// `FD_ACCEPT` (0x08): a connection waits on a listening socket (docs/SEMANTICS.md rule 3).
    public static let accept = NetworkEvents(rawValue: 0x08)
    /// `FD_CONNECT` (0x10): a non-blocking connect finished, with or without an error (docs/SEMANTICS.md rule 4).
    public static let connect = NetworkEvents(rawValue: 0x10)
    /// `FD_CLOSE` (0x20): the peer shut down or reset the connection (docs/SEMANTICS.md rule 5).
    public static let close = NetworkEvents(rawValue: 0x20)
    /// Every event EventSelect models: `FD_READ | FD_WRITE | FD_OOB | FD_ACCEPT | FD_CONNECT | FD_CLOSE`.
    public static let all: NetworkEvents = [.read, .write, .oob, .accept, .connect, .close]

    /// The order in which simultaneous events are posted in message mode (docs/SEMANTICS.md rule 7; Wine's
    /// `event_bitorder`: CONNECT before READ, CLOSE last).
    static let postingOrder: [NetworkEvents] = [.connect, .accept, .oob, .read, .write, .close]

    /// The bit's position (`FD_READ_BIT` ... `FD_CLOSE_BIT`), for a set holding exactly one bit.
    var bitIndex: Int {
        assert(rawValue.nonzeroBitCount == 1, "bitIndex needs exactly one event bit")
        return rawValue.trailingZeroBitCount
    }

    /// Whether every bit is one EventSelect models.
    var isValid: Bool { rawValue & ~NetworkEvents.all.rawValue == 0 }
}

extension NetworkEvents: CustomStringConvertible {
    /// `FD_READ|FD_CLOSE` style, as Winsock programmers write it.
    public var description: String {
        if isEmpty { return "0" }
        var names: [String] = []
        let table: [(NetworkEvents, String)] = [
            (.read, "FD_READ"), (.write, "FD_WRITE"), (.oob, "FD_OOB"), (.accept, "FD_ACCEPT"),
            (.connect, "FD_CONNECT"), (.close, "FD_CLOSE"),
        ]
        for (bit, name) in table where contains(bit) { names.append(name) }
        let unknown = rawValue & ~NetworkEvents.all.rawValue
        if unknown != 0 { names.append("0x" + String(unknown, radix: 16)) }
        return names.joined(separator: "|")
    }
}
