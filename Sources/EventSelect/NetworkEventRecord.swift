import SystemPackage

/// The network events recorded for a socket and read by `enumNetworkEvents`, each with its error.
///
/// Models `WSANETWORKEVENTS`: `events` is `lNetworkEvents`, and ``error(for:)`` reads
/// `iErrorCode[FD_x_BIT]` (nil where the event occurred without error). Errors of events that are
/// not in `events` are never reported and take no part in equality.
public struct NetworkEventRecord: Sendable, Equatable {
    /// The events that occurred (`lNetworkEvents`).
    public var events: NetworkEvents
    /// One errno per event bit, 0 for none: fixed storage so reading a record allocates nothing.
    var codes: ErrorCodes

    /// The error recorded with `event` (a single bit); nil where it occurred without error or did
    /// not occur.
    ///
    /// - Parameter event: exactly one of `.read` ... `.close`.
    /// - Returns: the errno recorded with the event, or nil.
    public func error(for event: NetworkEvents) -> Errno? {
        guard event.rawValue.nonzeroBitCount == 1, event.isValid, events.contains(event) else { return nil }
        return codes[event.bitIndex]
    }

    /// Creates a record, for tests and for comparing against what `enumNetworkEvents` returned.
    ///
    /// - Parameters:
    ///   - events: the events that occurred.
    ///   - errors: errors by event; a key holding several bits applies to each. Keys outside
    ///     `events` are ignored.
    public init(events: NetworkEvents, errors: [NetworkEvents: Errno]) {
        self.events = events
        self.codes = ErrorCodes()
        for (key, error) in errors {
            for index in 0..<6 where key.rawValue & (1 << index) != 0 {
                codes[index] = error
            }
        }
    }

    init(events: NetworkEvents, codes: ErrorCodes) {
        self.events = events
        self.codes = codes
    }

    public static func == (lhs: NetworkEventRecord, rhs: NetworkEventRecord) -> Bool {
        guard lhs.events == rhs.events else { return false }
        for index in 0..<6 where lhs.events.rawValue & (1 << index) != 0 {
            if lhs.codes[index] != rhs.codes[index] { return false }
        }
        return true
    }
}

extension NetworkEventRecord: CustomStringConvertible {
    public var description: String {
        var parts = [events.description]
        for bit in NetworkEvents.postingOrder where events.contains(bit) {
            if let error = codes[bit.bitIndex] { parts.append("\(bit)=\(error)") }
        }
        return parts.joined(separator: " ")
    }
}

/// Six errno slots, one per `FD_*_BIT`, 0 meaning "no error"; a value type with no heap storage.
struct ErrorCodes: Sendable, Equatable {
    var raw: (CInt, CInt, CInt, CInt, CInt, CInt) = (0, 0, 0, 0, 0, 0)

    init() {}

    init(raw: (CInt, CInt, CInt, CInt, CInt, CInt)) {
        self.raw = raw
    }

    subscript(index: Int) -> Errno? {
        get {
            let code = withUnsafeBytes(of: raw) { $0.load(fromByteOffset: index * 4, as: CInt.self) }
            return code == 0 ? nil : Errno(rawValue: code)
        }
        set {
            let code = newValue?.rawValue ?? 0
            withUnsafeMutableBytes(of: &raw) { $0.storeBytes(of: code, toByteOffset: index * 4, as: CInt.self) }
        }
    }

    static func == (lhs: ErrorCodes, rhs: ErrorCodes) -> Bool {
        (0..<6).allSatisfy { lhs[$0] == rhs[$0] }
    }
}
