import CEventSelect
import Glibc
import Synchronization
import SystemPackage

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
        // Atomic store: the owner's doorbell re-scan reads the word without the lock.
        nonmutating set { CEventSelect_store_relaxed_u32(&slot.pointee.undelivered, newValue.rawValue) }
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
    /// FD_CONNECT has been recorded once for this connection; accepted sockets start with it (docs/SEMANTICS.md rule 16).
    var connectReported: Bool {
        get { slot.pointee.connect_reported != 0 }
        nonmutating set { slot.pointee.connect_reported = newValue ? 1 : 0 }
    }
    /// Local shutdown(SHUT_RD) seen through `Notifier.shutdown`: RDHUP is then not the peer's FIN.
    var localReadShutdown: Bool {
        get { slot.pointee.local_read_shutdown != 0 }
        nonmutating set { slot.pointee.local_read_shutdown = newValue ? 1 : 0 }
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
        return processExists(owner)  // the pid is shared memory: any value, never a group (<= 0)
    }

    /// The current selection is message mode (`asyncSelect`), in whichever process made it.
    var isMessageMode: Bool { slot.pointee.mode == 2 }

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
        local.pointee.rearmed = []
    }

    // MARK: recording and delivery

    /// Records `event` unless it is already reported (docs/SEMANTICS.md rule 9). Returns whether it was recorded.
    @discardableResult
    mutating func record(_ event: NetworkEvents, _ error: Errno? = nil) -> Bool {
        guard !reported.contains(event) else { return false }
        pending.insert(event)
        reported.insert(event)
        codes[event.bitIndex] = error
        return true
    }

    /// Re-enables `event` (docs/SEMANTICS.md rule 9): forgets that it was reported and drops it from the record.
    mutating func reenable(_ event: NetworkEvents) {
        pending.remove(event)
        reported.remove(event)
        local.pointee.rearmed.remove(event)
        // In the shared slot too: the owner's re-armed events are in its own process's state, and
        // a re-enabling call made in another process must end them as well (`observeForDelivery`).
        slot.pointee.reenabled |= event.rawValue
    }

    /// Event mode, after a selection has looked at the socket: the selected arrival events that
    /// were reported before it (`reportedBefore`) and stay reported are re-armed, so that the next arrival records them again. On Windows a
    /// re-issued WSAEventSelect records a new connection or new data although the event was
    /// reported and not re-enabled, while what already held stays quiet (Wine tests
    /// test_accept_events, test_read_events, test_oob_events: event mode, after select / select(0)
    /// / select; docs/SEMANTICS.md rule 13).
    ///
    /// Only FD_READ and FD_ACCEPT: an arrival of either is told apart from other wake-ups of the
    /// socket (more bytes queued, or a longer TCP accept queue, than at the selection; an AF_UNIX
    /// listener wakes only for connections).
    /// Urgent data wakes a socket twice (the urgent pointer, then the byte), so FD_OOB is not
    /// re-armed: EventSelect records it again only after `receive(MSG_OOB)`.
    /// `newlyArmed`: this selection armed the socket, so its first report is what holds, not an
    /// arrival; that matters only where no count tells them apart (an AF_UNIX listener).
    mutating func rearmArrivals(_ reportedBefore: NetworkEvents, fd: CInt, newlyArmed: Bool) {
        var rearmed = mask.intersection(reportedBefore).intersection(reported).intersection([.read, .accept])
        if rearmed.contains(.read) { local.pointee.rearmedCount = UInt32((try? bytesReadable(fd)) ?? 0) }
        if rearmed.contains(.accept) {
            if isTCP, let backlog = try? acceptBacklog(fd) {
                local.pointee.rearmedCount = backlog
            } else if newlyArmed {
                rearmed.remove(.accept)
            } else {
                local.pointee.rearmedCount = 0
            }
        }
        local.pointee.rearmed = rearmed
        slot.pointee.reenabled &= ~rearmed.rawValue
    }

    /// A re-enabling call starts: `event` is re-enabled and left to the call until it finishes.
    /// Returns what was recorded and reported of `event` before, for `undoReenabling`.
    @discardableResult
    mutating func beginReenabling(_ event: NetworkEvents) -> (pending: NetworkEvents, reported: NetworkEvents) {
        let before = (pending: pending.intersection(event), reported: reported.intersection(event))
        reenable(event)
        local.pointee.reenabling.insert(event)
        return before
    }

    /// The call that began re-enabling `event` turned out not to concern this socket (its
    /// descriptor number was closed behind EventSelect's back and now names another file): puts
    /// back what `beginReenabling` cleared.
    mutating func undoReenabling(_ event: NetworkEvents, _ before: (pending: NetworkEvents, reported: NetworkEvents)) {
        local.pointee.reenabling.subtract(event)
        if local.pointee.reenabling.isEmpty { local.pointee.deferredCheck = false }
        pending.formUnion(before.pending)
        reported.formUnion(before.reported)
    }

    /// A re-enabling call finished its syscall: readiness collected before now may be stale.
    /// Returns whether a delivery deferred to the call meanwhile (the call must then look again).
    @discardableResult
    mutating func markReenabled(_ event: NetworkEvents = []) -> Bool {
        local.pointee.reenabledAt = LiveNotifiers.reapSequence.load(ordering: .acquiring)
        local.pointee.reenabling.subtract(event)
        defer { if local.pointee.reenabling.isEmpty { local.pointee.deferredCheck = false } }
        return local.pointee.deferredCheck
    }

    /// Observes readiness for delivery: events whose re-enabling call is in flight are left to it
    /// (recording them now could report data or a connection the call is about to consume).
    /// `arrival`: the bits are the backend's report of a change, not a look at the level.
    mutating func observeForDelivery(_ bits: UInt32, probe: inout Probe, arrival: Bool) -> NetworkEvents {
        // An arrival after a re-selection records a re-armed event again (`rearmArrivals`): only
        // when the backend reports a change, never on a level check.
        // Only the owner's re-armed events count (another process's selection since has replaced
        // them), and only while no process has re-enabled them since: after a re-enabling call,
        // an event recorded again is a plain record, which an arrival does not record again.
        var rearmed =
            arrival && ownedHere
            ? local.pointee.rearmed.intersection(reported).subtracting(NetworkEvents(rawValue: slot.pointee.reenabled))
            : []
        // Only more bytes, or a longer accept queue, than at the selection are an arrival (not a
        // wake-up for room to send). With no descriptor left here to ask (the registration outlives
        // the one it was made through), the report itself is taken for the arrival.
        if rearmed.contains(.read), let fd = probe.fd, let queued = try? bytesReadable(fd),
            UInt32(max(queued, 0)) <= local.pointee.rearmedCount
        {
            rearmed.remove(.read)
        }
        if rearmed.contains(.accept), isTCP, let fd = probe.fd, let waiting = try? acceptBacklog(fd),
            waiting <= local.pointee.rearmedCount
        {
            rearmed.remove(.accept)
        }
        guard !rearmed.isEmpty else { return observeLeavingInFlight(bits, probe: &probe) }
        reported.subtract(rearmed)
        let recorded = observeLeavingInFlight(bits, probe: &probe)
        reported.formUnion(rearmed)
        local.pointee.rearmed.subtract(recorded)
        return recorded
    }

    private mutating func observeLeavingInFlight(_ bits: UInt32, probe: inout Probe) -> NetworkEvents {
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
    /// each, in Winsock's order (docs/SEMANTICS.md rule 7), and clears them from the record. In any other
    /// process: leaves the events for the owner and wakes it (`Doorbell`). Runs under the slot's
    /// lock, as selection does, so once a selection has replaced this one — in this process or
    /// another — nothing reaches the old target (docs/SEMANTICS.md rule 14).
    mutating func deliver(recorded: NetworkEvents) {
        guard isSelected else { return }
        guard ownedHere else {
            if !recorded.isEmpty {
                undelivered.formUnion(recorded)
                Doorbell.ring(slot.pointee.owner_pid, slot: slotIndex)
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
}
