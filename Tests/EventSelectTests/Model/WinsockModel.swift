// A reference model of Winsock's notification rules (docs/SEMANTICS.md rules 5-17 and 20-22), in
// plain Swift with no sockets: the model-based test (ModelBasedTests.swift) applies every random
// call both to EventSelect and to this model and compares records, messages and wait results.
//
// The model keeps, per underlying socket, what the rules speak of (selected events, target,
// recorded-but-not-read events, reported events, errors) and the few kernel conditions that decide
// whether an event "holds" (bytes readable, can send, connections waiting, peer closed). Recording
// is the rules' "level" reading: after every call, each selected event that is not reported and
// whose condition holds is recorded (rules 8-10, 13, 16). It knows nothing of epoll or io_uring.

/// Where a selection delivers: an event object or a queue (with its message number and wParam).
/// Object ids are the test's own (local events, local queue, the peer's per-descriptor events...).
enum ModelTarget: Equatable {
    case none
    case event(Int)
    case queue(Int, message: UInt32, wParam: Int32)
}

/// One posted message, as `SocketMessage` carries it.
struct ModelMessage: Equatable, CustomStringConvertible {
    var message: UInt32
    var wParam: Int32
    var event: UInt32
    var error: Int32  // errno, 0 for none
    var description: String { "msg(\(message), s\(wParam), ev \(event), err \(error))" }
}

/// What the rules know of one underlying socket.
struct ModelSocket {
    // The registration (rules 11-14).
    var mask: UInt32 = 0
    var target: ModelTarget = .none
    var pending: UInt32 = 0
    var reported: UInt32 = 0
    /// Event mode: reported FD_READ / FD_ACCEPT that a re-selection re-armed, so the next arrival
    /// records them again, once (rule 13).
    var rearmed: UInt32 = 0
    var closeError: Int32 = 0
    // The conditions events stand for (rules 1-6).
    var listening = false
    var bytesReadable = 0
    var canSend = true
    var connectionsWaiting = 0
    var peerClosed = false
    var peerCloseError: Int32 = 0
}

/// Winsock's bits (docs/SEMANTICS.md: FD_READ 0x01 ... FD_CLOSE 0x20) and posting order (rule 7).
enum Bits {
    static let read: UInt32 = 0x01, write: UInt32 = 0x02, oob: UInt32 = 0x04
    static let accept: UInt32 = 0x08, connect: UInt32 = 0x10, close: UInt32 = 0x20
    static let postingOrder: [UInt32] = [connect, accept, oob, read, write, close]
}

struct WinsockModel {
    private(set) var sockets: [Int: ModelSocket] = [:]
    /// Event objects: set or not (rule 11).
    private(set) var eventSet: [Int: Bool] = [:]
    /// Queues: messages posted and not taken yet.
    private(set) var queues: [Int: [ModelMessage]] = [:]

    subscript(socket id: Int) -> ModelSocket {
        get { sockets[id]! }
        set { sockets[id] = newValue }
    }

    mutating func addSocket(_ id: Int, listening: Bool = false) {
        var socket = ModelSocket()
        socket.listening = listening
        socket.canSend = !listening
        sockets[id] = socket
    }

    /// The socket's last descriptor closed: the registration ends with it (rule 17); what was
    /// posted stays posted, an object that was set stays set (rule 14).
    mutating func removeSocket(_ id: Int) { sockets[id] = nil }

    func isSet(_ event: Int) -> Bool { eventSet[event] ?? false }

    /// `waitAny`: the lowest set index, or nil (rule 22).
    func waitAny(_ events: [Int]) -> Int? { events.firstIndex { isSet($0) } }

    mutating func setEvent(_ event: Int, _ value: Bool) { eventSet[event] = value }

    /// Takes every message of a queue (GetMessage until empty).
    mutating func takeMessages(_ queue: Int) -> [ModelMessage] {
        defer { queues[queue] = [] }
        return queues[queue] ?? []
    }

    // MARK: the calls

    /// eventSelect (`queue == nil`) or asyncSelect: rules 8, 13, 14, 15.
    mutating func select(_ id: Int, mask: UInt32, target: ModelTarget) {
        var socket = sockets[id]!
        if case .queue = target {
            // Message mode forgets what was reported (rule 13).
            socket.pending = 0
            socket.reported = 0
        }
        // Last one wins: the previous target gets nothing more (rule 14).
        socket.mask = mask
        socket.target = mask == 0 ? .none : target
        socket.rearmed = 0
        let reportedBefore = socket.reported
        sockets[id] = socket
        guard mask != 0 else { return }
        recordWhatHolds(id)
        if case .event = target {
            // What was reported before and stays reported is re-armed for the next arrival (rule 13).
            sockets[id]!.rearmed = mask & reportedBefore & sockets[id]!.reported & (Bits.read | Bits.accept)
        }
        // Everything recorded and selected is delivered now (rule 13: the object is set at once
        // if the record intersects the new selection).
        deliver(id, recorded: sockets[id]!.pending)
    }

    /// enumNetworkEvents: the recorded events in the selection, cleared, the object reset (rule 12).
    mutating func enumerate(_ id: Int, resetting event: Int?) -> (events: UInt32, closeError: Int32) {
        var socket = sockets[id]!
        let due = socket.pending & socket.mask
        socket.pending &= ~due
        sockets[id] = socket
        if let event { eventSet[event] = false }
        return (due, due & Bits.close != 0 ? socket.closeError : 0)
    }

    /// A re-enabling call (rule 9): forgets `event` was reported, then records it again at once if
    /// it still holds (rule 10). A call on an unselected socket re-enables too.
    mutating func reenable(_ id: Int, _ event: UInt32) {
        sockets[id]!.pending &= ~event
        sockets[id]!.reported &= ~event
        sockets[id]!.rearmed &= ~event
        settle(id)
    }

    /// New data (FD_READ) or a new connection (FD_ACCEPT) arrived: a re-armed event is recorded
    /// again although it is reported (rule 13), once; then whatever else holds (`settle`).
    mutating func arrived(_ id: Int, _ event: UInt32) {
        var socket = sockets[id]!
        if socket.rearmed & event != 0, socket.reported & event != 0, socket.mask & event != 0 {
            socket.rearmed &= ~event
            socket.pending |= event
            sockets[id] = socket
            deliver(id, recorded: event)
        }
        settle(id)
    }

    /// After the conditions of `id` changed (data, space, a connection, the peer's close): record
    /// what holds and deliver it.
    mutating func settle(_ id: Int) {
        let recorded = recordWhatHolds(id)
        if recorded != 0 { deliver(id, recorded: recorded) }
    }

    /// accept (rules 9, 10, 16): FD_ACCEPT re-enabled on the listener; the new socket `newID`
    /// inherits the listener's selection with `wParam` = its own descriptor, starts with an empty
    /// record, and records FD_WRITE at once if selected (never FD_CONNECT).
    mutating func accept(_ listener: Int, newID: Int, wParam: Int32) {
        sockets[listener]!.connectionsWaiting -= 1
        reenable(listener, Bits.accept)
        addSocket(newID)
        let parent = sockets[listener]!
        guard parent.mask != 0 else { return }
        let target: ModelTarget
        switch parent.target {
        case .queue(let queue, let message, _): target = .queue(queue, message: message, wParam: wParam)
        default: target = parent.target
        }
        sockets[newID]!.mask = parent.mask
        sockets[newID]!.target = target
        settle(newID)
    }

    // MARK: recording and delivery

    private func holds(_ socket: ModelSocket, _ event: UInt32) -> Bool {
        switch event {
        case Bits.read: return socket.bytesReadable > 0  // end of stream alone is not FD_READ (rule 1)
        case Bits.write: return socket.canSend && !socket.listening
        case Bits.accept: return socket.listening && socket.connectionsWaiting > 0
        case Bits.close: return socket.peerClosed
        default: return false
        }
    }

    /// Records each selected, not reported event that holds (rules 8, 9); returns them.
    @discardableResult
    private mutating func recordWhatHolds(_ id: Int) -> UInt32 {
        var socket = sockets[id]!
        guard socket.mask != 0 else { return 0 }
        var recorded: UInt32 = 0
        for event in Bits.postingOrder where socket.mask & event != 0 && socket.reported & event == 0 {
            guard holds(socket, event) else { continue }
            socket.pending |= event
            socket.reported |= event
            if event == Bits.close { socket.closeError = socket.peerCloseError }
            recorded |= event
        }
        sockets[id] = socket
        return recorded
    }

    /// Event mode sets the object when a selected event was recorded (rule 11); message mode posts
    /// every pending selected event, in Winsock's order (rule 7), and clears it from the record.
    private mutating func deliver(_ id: Int, recorded: UInt32) {
        var socket = sockets[id]!
        switch socket.target {
        case .none:
            break
        case .event(let event):
            if recorded & socket.mask != 0 { eventSet[event] = true }
        case .queue(let queue, let message, let wParam):
            let due = socket.pending & socket.mask
            for event in Bits.postingOrder where due & event != 0 {
                let error = event == Bits.close ? socket.closeError : 0
                queues[queue, default: []].append(
                    ModelMessage(message: message, wParam: wParam, event: event, error: error))
            }
            socket.pending &= ~due
        }
        sockets[id] = socket
    }
}

/// SplitMix64: a tiny deterministic generator, so a run is replayed exactly from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
