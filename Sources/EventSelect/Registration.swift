import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// Where a registration delivers: an event object (event mode) or a queue (message mode).
enum Target {
    case none
    case event(SocketEvent)
    case queue(MessageQueue, message: UInt32, socket: FileDescriptor)

    var isMessageMode: Bool {
        if case .queue = self { return true }
        return false
    }
}

/// The connection state EventSelect tracks per socket, after Wine's `enum connection_state`.
enum Connection: UInt8, Equatable {
    /// Not looked at yet.
    case unknown = 0
    /// A stream socket that is not connected: never, or after a failed connect. Linux reports it
    /// POLLOUT|POLLHUP, Windows nothing (SPEC rule 6, R57).
    case unconnected
    case connecting
    case connected
    case listening
    /// Datagram and raw sockets.
    case connectionless
}

/// The one registration of an underlying socket (SPEC section 1), as this process holds it.
///
/// The Winsock state lives in the socket's slot of the cross-process `SharedTable`, so every
/// descriptor in every process shares it (SPEC rules 19-20): the selection, the network-event record
/// (`pending`), the events recorded and not yet re-enabled (`reported`, SPEC rule 9), the errors,
/// the connection state and which process's selection is current. What cannot cross a process —
/// the event object or queue, and the backends' arms — lives here, in `LocalState`.
///
/// Modelled on Wine's `struct sock` (`mask`, `pending_events`, `reported_events`, `errors[]`): an
/// event is recorded only if it is not in `reported`; recording adds it to both `pending` and
/// `reported`.
///
/// Locking: one lock, the slot's robust process-shared mutex. It guards the shared fields for every
/// process and, since a process has one `Registration` per slot, this process's `LocalState` too.
final class Registration: @unchecked Sendable {
    // @unchecked: `local` is only touched inside `withState`, under the slot's mutex.
    let identity: SocketIdentity
    let token: Token
    let slotIndex: Int
    private var local: LocalState

    init(identity: SocketIdentity, token: Token, slotIndex: Int, socket: CInt) {
        self.identity = identity
        self.token = token
        self.slotIndex = slotIndex
        self.local = LocalState(knownFD: socket)
    }

    /// Runs `body` with the slot's lock held.
    @inline(__always)
    func withState<R, E: Error>(_ body: (inout RegistrationState) throws(E) -> R) throws(E) -> R {
        let slot = SharedTable.shared.lockSlot(slotIndex)
        defer { SharedTable.shared.unlockSlot(slotIndex) }
        return try withUnsafeMutablePointer(to: &local) { localPointer throws(E) -> R in
            var state = RegistrationState(slot: slot, local: localPointer, slotIndex: slotIndex)
            return try body(&state)
        }
    }
}

/// One backend's arming of a registration: through which descriptor number, and whether that
/// number still refers to the socket (false once EventSelect closed it; the registration then goes
/// on through `Backend.orphan` until the socket's last close).
struct Arm {
    var backend: any Backend
    var fd: CInt
    var keyed: Bool
}

/// The arms of a registration: almost always one (one notifier), so the first is stored inline and
/// a registration costs no array allocation; `rest` holds the arms of further notifiers.
struct ArmList {
    private var first: Arm?
    private var rest: [Arm] = []

    var isEmpty: Bool { first == nil }
    var count: Int { first == nil ? 0 : 1 + rest.count }
    var indices: Range<Int> { 0..<count }

    subscript(index: Int) -> Arm {
        get { index == 0 ? first! : rest[index - 1] }
        set {
            if index == 0 { first = newValue } else { rest[index - 1] = newValue }
        }
    }

    mutating func append(_ arm: Arm) {
        if first == nil { first = arm } else { rest.append(arm) }
    }

    mutating func remove(at index: Int) {
        if index > 0 {
            rest.remove(at: index - 1)
        } else {
            first = rest.isEmpty ? nil : rest.removeFirst()
        }
    }

    func contains(where predicate: (Arm) -> Bool) -> Bool {
        indices.contains { predicate(self[$0]) }
    }
}

/// What a registration keeps in this process.
struct LocalState {
    /// Where this process delivers while its selection is the current one.
    var target: Target = .none
    /// The slot's `owner_epoch` of this process's current selection.
    var epoch: UInt64 = 0
    /// Backends that armed this socket.
    var arms = ArmList()
    /// A descriptor of the socket in this process, used for queries during delivery; checked
    /// against the identity before use, since the program may have closed it.
    var knownFD: CInt
    /// `NotifierDirectory.reapSequence` when a re-enabling call last finished its syscall.
    var reenabledAt: UInt64 = 0
    /// Events whose re-enabling call (receive, accept) is between re-enabling and its syscall's
    /// return: delivery leaves them to that call, which looks again afterwards.
    var reenabling: NetworkEvents = []
    /// A delivery left an event to an in-flight re-enabling call: it must look again.
    var deferredCheck = false
}

/// The state of one registration while its locks are held: the shared slot's fields and this
/// process's local part, through pointers valid for the duration of `Registration.withState`.
struct RegistrationState {
    let slot: UnsafeMutablePointer<CEventSelect_shared_socket>
    let local: UnsafeMutablePointer<LocalState>
    let slotIndex: Int

    var mask: NetworkEvents {
        get { NetworkEvents(rawValue: slot.pointee.mask) }
        nonmutating set { slot.pointee.mask = newValue.rawValue }
    }
    var pending: NetworkEvents {
        get { NetworkEvents(rawValue: slot.pointee.pending) }
        nonmutating set { slot.pointee.pending = newValue.rawValue }
    }
    var reported: NetworkEvents {
        get { NetworkEvents(rawValue: slot.pointee.reported) }
        nonmutating set { slot.pointee.reported = newValue.rawValue }
    }
    /// Recorded by a process that is not the owner, waiting for the owner to deliver.
    var undelivered: NetworkEvents {
        get { NetworkEvents(rawValue: slot.pointee.undelivered) }
        nonmutating set { slot.pointee.undelivered = newValue.rawValue }
    }
    var codes: ErrorCodes {
        get { ErrorCodes(raw: slot.pointee.codes) }
        nonmutating set { slot.pointee.codes = newValue.raw }
    }
    var connection: Connection {
        get { Connection(rawValue: slot.pointee.connection) ?? .unknown }
        nonmutating set { slot.pointee.connection = newValue.rawValue }
    }
    /// SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW (0 until looked up).
    var socketType: CInt {
        get { slot.pointee.socket_type }
        nonmutating set { slot.pointee.socket_type = newValue }
    }
    var family: CInt {
        get { slot.pointee.family }
        nonmutating set { slot.pointee.family = newValue }
    }
    /// FD_CONNECT has been recorded once for this connection; accepted sockets start with it (R79).
    var connectReported: Bool {
        get { slot.pointee.connect_reported != 0 }
        nonmutating set { slot.pointee.connect_reported = newValue ? 1 : 0 }
    }
    /// Local shutdown(SHUT_RD) seen through `Notifier.shutdown`: RDHUP is then not the peer's FIN.
    var localReadShutdown: Bool {
        get { slot.pointee.local_read_shutdown != 0 }
        nonmutating set { slot.pointee.local_read_shutdown = newValue ? 1 : 0 }
    }
    /// O_NONBLOCK as EventSelect last set it; the flag belongs to the socket, so it is shared.
    var nonBlocking: Bool {
        get { slot.pointee.nonblocking != 0 }
        nonmutating set { slot.pointee.nonblocking = newValue ? 1 : 0 }
    }
    var target: Target {
        get { local.pointee.target }
        nonmutating set { local.pointee.target = newValue }
    }
    var arms: ArmList {
        get { local.pointee.arms }
        nonmutating _modify { yield &local.pointee.arms }
    }
    var knownFD: CInt {
        get { local.pointee.knownFD }
        nonmutating set { local.pointee.knownFD = newValue }
    }

    /// Some process has a selection on the socket.
    var isSelected: Bool { slot.pointee.mask != 0 }

    /// This process's selection is the current one: only then does this process deliver.
    var ownedHere: Bool {
        slot.pointee.mask != 0 && slot.pointee.owner_pid == CurrentProcess.pid
            && slot.pointee.owner_epoch == local.pointee.epoch
    }

    /// The process whose selection is current, if it is alive (a dead owner's selection is void:
    /// nobody can deliver it, so it does not make the socket "selected" for `setBlocking`).
    var hasLiveSelection: Bool {
        guard isSelected else { return false }
        let owner = slot.pointee.owner_pid
        if owner == CurrentProcess.pid { return true }
        return kill(owner, 0) == 0 || errno == EPERM
    }

    var isStream: Bool { socketType == SOCK_STREAM.rawValue || socketType == SOCK_SEQPACKET.rawValue }

    var isTCP: Bool { isStream && (family == AF_INET || family == AF_INET6) }

    /// Makes this process's selection the current one (any other process's is replaced, rule 14).
    mutating func claim(_ events: NetworkEvents, _ newTarget: Target) {
        slot.pointee.owner_epoch &+= 1
        mask = events
        if events.isEmpty {
            slot.pointee.owner_pid = 0
            slot.pointee.mode = 0
            local.pointee.target = .none
            local.pointee.epoch = 0
        } else {
            slot.pointee.owner_pid = CurrentProcess.pid
            slot.pointee.mode = newTarget.isMessageMode ? 2 : 1
            local.pointee.target = newTarget
            local.pointee.epoch = slot.pointee.owner_epoch
        }
        undelivered = []
    }

    // MARK: recording and delivery

    /// Records `event` unless it is already reported (R40). Returns whether it was recorded.
    @discardableResult
    mutating func record(_ event: NetworkEvents, _ error: Errno? = nil) -> Bool {
        guard !reported.contains(event) else { return false }
        pending.insert(event)
        reported.insert(event)
        codes[event.bitIndex] = error
        return true
    }

    /// Re-enables `event` (SPEC rule 9): forgets that it was reported and drops it from the record.
    mutating func reenable(_ event: NetworkEvents) {
        pending.remove(event)
        reported.remove(event)
    }

    /// A re-enabling call starts: `event` is re-enabled and left to the call until it finishes.
    mutating func beginReenabling(_ event: NetworkEvents) {
        reenable(event)
        local.pointee.reenabling.insert(event)
    }

    /// A re-enabling call finished its syscall: readiness collected before now may be stale.
    /// Returns whether a delivery deferred to the call meanwhile (the call must then look again).
    @discardableResult
    mutating func markReenabled(_ event: NetworkEvents = []) -> Bool {
        local.pointee.reenabledAt = NotifierDirectory.reapSequence.load(ordering: .acquiring)
        local.pointee.reenabling.subtract(event)
        defer { if local.pointee.reenabling.isEmpty { local.pointee.deferredCheck = false } }
        return local.pointee.deferredCheck
    }

    /// Observes readiness for delivery: events whose re-enabling call is in flight are left to it
    /// (recording them now could report data or a connection the call is about to consume).
    mutating func observeForDelivery(_ bits: UInt32, probe: inout Probe) -> NetworkEvents {
        let inFlight = local.pointee.reenabling.subtracting(reported)
        guard !inFlight.isEmpty else { return observe(bits, probe: &probe) }
        reported.formUnion(inFlight)
        let recorded = observe(bits, probe: &probe)
        reported.subtract(inFlight)
        local.pointee.deferredCheck = true
        return recorded
    }

    /// Delivers what was just recorded. In the owning process: event mode sets the event object if
    /// a selected event was recorded; message mode posts every pending selected event, one message
    /// each, in Winsock's order (SPEC rule 7), and clears them from the record. In any other
    /// process: leaves the events for the owner and wakes it (`KickChannel`). Runs under the slot's
    /// lock, as selection does, so once a selection has replaced this one — in this process or
    /// another — nothing reaches the old target (SPEC rule 14).
    mutating func deliver(recorded: NetworkEvents) {
        guard isSelected else { return }
        guard ownedHere else {
            if !recorded.isEmpty {
                undelivered.formUnion(recorded)
                KickChannel.kick(slot.pointee.owner_pid, slot: slotIndex)
            }
            return
        }
        let fresh = recorded.union(undelivered)
        undelivered = []
        switch local.pointee.target {
        case .none:
            break
        case .event(let event):
            if !fresh.isDisjoint(with: mask) { event.set() }
        case .queue(let queue, let message, let socket):
            let due = pending.intersection(mask)
            guard !due.isEmpty else { return }
            for event in NetworkEvents.postingOrder where due.contains(event) {
                queue.post(SocketMessage(message: message, socket: socket, event: event, error: codes[event.bitIndex]))
            }
            pending.subtract(due)
        }
    }

    // MARK: translating readiness into network events

    /// Records the network events that the poll bits `bits` show, for a selected socket, and
    /// returns them. `probe` is a descriptor of the socket for the queries some bits need (FIONREAD,
    /// TCP state, SO_ERROR), or nil when no descriptor is known.
    ///
    /// Only events that are selected and not reported are looked for (Wine's
    /// `sock_get_poll_events`), except a connect's outcome, which is recorded whenever it happens
    /// (Wine's `sock_dispatch_events`, SPEC rules 4 and 8).
    mutating func observe(_ bits: UInt32, probe: inout Probe) -> NetworkEvents {
        guard isSelected else { return [] }
        var recorded: NetworkEvents = []
        if connection == .unknown || connection == .unconnected {
            if let fd = probe.fd { refreshConnection(fd) }
            if connection == .connected && !connectReported {
                // An unconnected socket became connected outside EventSelect (a blocking connect).
                recorded.formUnion(connectCompleted(nil))
            }
        }
        switch connection {
        case .unknown, .unconnected:
            // Never-connected stream sockets report POLLOUT|POLLHUP on Linux and nothing on Windows (R57).
            break
        case .listening:
            if bits & UInt32(POLLIN) != 0 && interest.contains(.accept) && record(.accept) {
                recorded.insert(.accept)
            }
        case .connecting:
            if bits & UInt32(POLLERR | POLLHUP) != 0 {
                let code = probe.fd.flatMap { try? socketOption($0, SOL_SOCKET, SO_ERROR) } ?? ECONNREFUSED
                if code != 0 {
                    connection = .unconnected
                    connectReported = true
                    if record(.connect, Errno(rawValue: code)) { recorded.insert(.connect) }
                } else if let fd = probe.fd {
                    // No error pending: the bits were not a failure; ask the kernel where it stands.
                    refreshConnection(fd)
                    if connection == .connected {
                        recorded.formUnion(connectCompleted(nil))
                        recorded.formUnion(observeConnected(bits & ~UInt32(POLLERR | POLLHUP), probe: &probe))
                    }
                }
            } else if bits & UInt32(POLLOUT) != 0 {
                recorded.formUnion(connectCompleted(nil))
                recorded.formUnion(observeConnected(bits, probe: &probe))
            }
        case .connected:
            recorded.formUnion(observeConnected(bits, probe: &probe))
        case .connectionless:
            let want = interest
            if bits & UInt32(POLLIN) != 0 && want.contains(.read) && record(.read) { recorded.insert(.read) }
            if bits & UInt32(POLLOUT) != 0 && want.contains(.write) && datagramWritable(probe: &probe)
                && record(.write)
            {
                recorded.insert(.write)
            }
        }
        return recorded
    }

    /// The selected events still able to be recorded.
    var interest: NetworkEvents { mask.subtracting(reported) }

    /// A connect finished successfully: FD_CONNECT and FD_WRITE are recorded together (SPEC rule 4,
    /// R6), whatever the selection holds, as Wine's `sock_dispatch_events` does.
    mutating func connectCompleted(_ error: Errno?) -> NetworkEvents {
        connection = .connected
        connectReported = true
        var recorded: NetworkEvents = []
        if record(.connect, error) { recorded.insert(.connect) }
        if record(.write) { recorded.insert(.write) }
        return recorded
    }

    private mutating func observeConnected(_ bits: UInt32, probe: inout Probe) -> NetworkEvents {
        let want = interest
        var recorded: NetworkEvents = []
        let hangup = bits & UInt32(CEventSelect_POLLRDHUP | CEventSelect_POLLHUP | CEventSelect_POLLERR) != 0
        if bits & UInt32(POLLPRI) != 0 && !want.isDisjoint(with: [.oob, .read]) {
            // With SO_OOBINLINE urgent data is ordinary data: FD_READ, not FD_OOB (SPEC rule 1, R35),
            // once the byte is readable (the urgent pointer can arrive before the byte itself).
            let inline = probe.fd.flatMap { try? socketOption($0, SOL_SOCKET, SO_OOBINLINE) } ?? 0
            if inline == 0 {
                if want.contains(.oob) && record(.oob) { recorded.insert(.oob) }
            } else if want.contains(.read), probe.fd.flatMap({ try? bytesReadable($0) }).map({ $0 > 0 }) ?? false,
                record(.read)
            {
                recorded.insert(.read)
            }
        }
        if bits & UInt32(POLLIN) != 0 && want.contains(.read) {
            // After a FIN, POLLIN also means "end of stream", which is never FD_READ (R37): count bytes.
            // TCP counts too: while a FIN is being processed on another CPU, tcp_poll can report
            // POLLIN (rcv_nxt already counts the FIN) before RDHUP; FIONREAD locks the socket and
            // leaves the FIN out. AF_UNIX has no such window (an EOF queues nothing).
            let hasData: Bool
            if (hangup || isTCP) && isStream, let fd = probe.fd, let count = try? bytesReadable(fd) {
                hasData = count > 0
            } else {
                // No descriptor here to ask (the registration outlives the one it was made through):
                // POLLIN without a hang-up is data.
                hasData = !hangup || !isStream
            }
            if hasData && record(.read) { recorded.insert(.read) }
        }
        if bits & UInt32(POLLOUT) != 0 && bits & UInt32(POLLERR | POLLHUP) == 0 && want.contains(.write)
            && record(.write)
        {
            recorded.insert(.write)
        }
        if hangup && want.contains(.close) {
            if let error = peerClosed(bits, probe: &probe), record(.close, error.error) {
                recorded.insert(.close)
            }
        }
        return recorded
    }

    /// Whether the peer has closed or reset the connection, and with what error: nil when it has
    /// not (a local shutdown, R27), `.some(nil)` for an orderly FIN (R25), ECONNABORTED for a reset
    /// (Windows reports WSAECONNABORTED for an RST, R31).
    private func peerClosed(_ bits: UInt32, probe: inout Probe) -> PeerClose? {
        if bits & UInt32(POLLERR) != 0 { return PeerClose(error: .connectionAbort) }
        if isTCP, let fd = probe.fd, let state = try? syscall({ CEventSelect_tcp_state(fd) }) {
            // Local shutdown leaves FIN_WAIT1/FIN_WAIT2 (or ESTABLISHED for SHUT_RD); the peer's FIN
            // moves to CLOSE_WAIT, CLOSING, LAST_ACK or, once both sides closed, CLOSE/TIME_WAIT.
            switch state {
            case CInt(CEventSelect_TCP_CLOSE_WAIT), CInt(CEventSelect_TCP_CLOSING), CInt(CEventSelect_TCP_LAST_ACK),
                CInt(CEventSelect_TCP_TIME_WAIT), CInt(CEventSelect_TCP_CLOSE):
                return PeerClose(error: nil)
            default:
                return nil
            }
        }
        // AF_UNIX: after a local SHUT_RD the socket's state cannot show the peer's close any more
        // (unix_shutdown mirrors the bits onto both ends), so nothing is taken for FD_CLOSE.
        if localReadShutdown { return nil }
        return PeerClose(error: nil)
    }

    /// FD_WRITE on a datagram socket: message mode posts it at once; event mode records it only for
    /// a bound socket (R58).
    private mutating func datagramWritable(probe: inout Probe) -> Bool {
        if target.isMessageMode { return true }
        guard let fd = probe.fd else { return true }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0 else { return false }
        switch CInt(address.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &address) { $0.load(fromByteOffset: 2, as: UInt16.self) } != 0
        case AF_INET6:
            return withUnsafeBytes(of: &address) { $0.load(fromByteOffset: 2, as: UInt16.self) } != 0
        default:
            return length > socklen_t(MemoryLayout<sa_family_t>.size)
        }
    }

    /// Looks the socket's type and connection state up in the kernel.
    mutating func refreshConnection(_ fd: CInt) {
        if socketType == 0 {
            socketType = (try? socketOption(fd, SOL_SOCKET, SO_TYPE)) ?? 0
            family = (try? socketOption(fd, SOL_SOCKET, SO_DOMAIN)) ?? 0
        }
        if !isStream {
            connection = .connectionless
            return
        }
        if (try? socketOption(fd, SOL_SOCKET, SO_ACCEPTCONN)) ?? 0 != 0 {
            connection = .listening
            return
        }
        if isTCP, let state = try? syscall({ CEventSelect_tcp_state(fd) }) {
            switch state {
            case CInt(CEventSelect_TCP_SYN_SENT):
                connection = .connecting
            case CInt(CEventSelect_TCP_CLOSE):
                // Never connected, a failed connect, or closed after a connection.
                if connection != .connected { connection = .unconnected }
            default:
                connection = .connected
            }
            return
        }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let peer = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        if peer == 0 {
            connection = .connected
        } else if connection != .connected {
            connection = .unconnected
        }
    }
}

struct PeerClose {
    var error: Errno?
}

/// A descriptor for queries during delivery, checked once against the socket's identity: the
/// descriptor EventSelect last saw for the socket may since have been closed, or reused for another
/// file, by the program.
struct Probe {
    private var candidate: CInt?
    private let identity: SocketIdentity
    private var checked: Bool

    /// A descriptor just resolved by the caller: no check needed.
    init(verified fd: CInt, identity: SocketIdentity) {
        candidate = fd
        self.identity = identity
        checked = true
    }

    /// A descriptor remembered from earlier: checked on first use.
    init(remembered fd: CInt, identity: SocketIdentity) {
        candidate = fd
        self.identity = identity
        checked = false
    }

    var fd: CInt? {
        mutating get {
            if !checked {
                checked = true
                if let fd = candidate, (try? SocketIdentity(of: fd)) != identity { candidate = nil }
            }
            return candidate
        }
    }
}
