import CEventSelect
import Glibc
import Synchronization
import SystemPackage

// Selection: eventSelect, asyncSelect and enumNetworkEvents, the calls that set up, replace and
// read a socket's one registration (docs/SEMANTICS.md rules 8 and 11-14).
extension Notifier {
    // MARK: selection

    /// Associates network events of a socket with an event object. Models `WSAEventSelect`.
    ///
    /// Replaces any previous selection of the socket, of either kind, made through any descriptor
    /// or notifier (docs/SEMANTICS.md rule 14); `events` empty cancels. Conditions that already hold are recorded
    /// at once (rule 8), and if recorded events intersect `events` the event object is set at once
    /// (rule 13). The record and the reported state survive re-selection (rule 13). The socket
    /// becomes non-blocking, even for an empty set (rule 15). The selection survives the descriptor
    /// it was made through while another descriptor of the socket remains (rule 17), and ends with
    /// the socket.
    /// - Parameters:
    ///   - socket: any descriptor of the socket.
    ///   - event: the event object to set.
    ///   - events: `FD_*` bits; empty cancels.
    /// - Throws: EBADF, ENOTSOCK, then EINVAL for bits outside `NetworkEvents.all`.
    public func eventSelect(_ socket: FileDescriptor, _ event: SocketEvent, _ events: NetworkEvents) throws(Errno) {
        try select(socket.rawValue, events, .event(event))
    }

    /// Requests a message per network event in a queue. Models `WSAAsyncSelect`.
    ///
    /// Replaces any previous selection of the socket, of either kind (docs/SEMANTICS.md rule 14); `events` empty
    /// cancels; messages already queued stay queued. Message mode forgets what was reported and posts
    /// every selected condition that holds now, except FD_CONNECT (rule 13). One message per event,
    /// in the order FD_CONNECT, FD_ACCEPT, FD_OOB, FD_READ, FD_WRITE, FD_CLOSE (rule 7).
    /// - Parameters:
    ///   - socket: any descriptor of the socket; messages carry it as `socket` (`wParam`).
    ///   - queue: where to post.
    ///   - message: the number messages carry (`uMsg`).
    ///   - events: `FD_*` bits; empty cancels.
    /// - Throws: EBADF, ENOTSOCK, then EINVAL for bits outside `NetworkEvents.all`.
    public func asyncSelect(
        _ socket: FileDescriptor, _ queue: MessageQueue, message: UInt32, _ events: NetworkEvents
    ) throws(Errno) {
        try select(socket.rawValue, events, .queue(queue, message: message, socket: socket))
    }

    private func select(_ fd: CInt, _ events: NetworkEvents, _ target: Target) throws(Errno) {
        let (identity, existing) = try Registry.shared.resolve(fd)
        guard events.isValid else { throw .invalidArgument }
        let registration: Registration
        if let existing {
            registration = existing
        } else if !events.isEmpty {
            registration = try Registry.shared.registration(for: identity, socket: fd)
        } else {
            // Cancelling a socket that was never selected: only the non-blocking side effect (docs/SEMANTICS.md rule 15).
            try setNonBlocking(fd, true)
            return
        }
        try registration.withState { state throws(Errno) in
            try setNonBlocking(fd, true)
            state.knownFD = fd
            // An accepted socket never records FD_CONNECT (docs/SEMANTICS.md rule 16).
            if Registry.shared.takeAccepted(identity) { state.connectReported = true }
            let messageMode = target.isMessageMode
            if messageMode {
                // WSAAsyncSelect forgets what was reported (docs/SEMANTICS.md rule 13; Wine clears pending and reported).
                state.pending = []
                state.reported = []
            }
            // This selection replaces any other, in this process or another (rule 14).
            state.claim(events, target)
            guard !events.isEmpty else { return }
            // Reported before this selection: what the look below records is not "reported" yet.
            let reportedBefore = state.reported
            // Arm before looking, so an edge between the look and the arm cannot be missed.
            let newlyArmed = try arm(&state, registration.token, fd)
            let before = state.connection
            if before != .connected && before != .listening && before != .connectionless {
                state.refreshConnection(fd)
            }
            if messageMode {
                // Message mode never posts FD_CONNECT for a connection made before selecting (docs/SEMANTICS.md rule 8).
                if state.connection == .connected { state.connectReported = true }
            } else if !state.connectReported && events.contains(.connect) && state.isStream {
                if state.connection == .connected {
                    // Event mode records FD_CONNECT for a connected socket that never reported it (docs/SEMANTICS.md rule 8).
                    state.record(.connect)
                    state.connectReported = true
                } else if state.connection == .unconnected,
                    let code = try? socketOption(fd, SOL_SOCKET, SO_ERROR), code != 0
                {
                    // A connect that failed while the socket was not selected.
                    state.record(.connect, Errno(rawValue: code))
                    state.connectReported = true
                }
            }
            var probe = Probe(verified: fd)
            _ = state.observe(try levelCheck(fd), probe: &probe)
            // This look is the truth as of now: readiness collected before it (maybe while the
            // socket was not selected, for data consumed since) is looked at again if delivered.
            state.markReenabled()
            if !messageMode { state.rearmArrivals(reportedBefore, fd: fd, newlyArmed: newlyArmed) }
            // Everything recorded and selected is delivered now: event mode sets the object if the
            // record intersects the selection (docs/SEMANTICS.md rule 13), message mode posts it.
            state.deliver(recorded: state.pending)
        }
    }

    /// Arms the socket in this notifier's backend unless it already is.
    /// - Returns: whether it armed it now.
    @discardableResult
    func arm(_ state: inout RegistrationState, _ token: Token, _ fd: CInt) throws(Errno) -> Bool {
        let set = engine.interestSet
        if state.arms.contains(where: { $0.backend === set }) { return false }
        try set.arm(fd, token: token.raw)
        state.arms.append(Arm(backend: set, fd: fd, keyed: true))
        return true
    }

    /// Reads and clears the recorded network events. Models `WSAEnumNetworkEvents`.
    ///
    /// Returns the recorded events that are in the current selection, with their errors, clears
    /// them, and resets `event` if given, atomically (docs/SEMANTICS.md rule 12). Recorded events outside the
    /// selection stay recorded. A socket that was never selected returns an empty record.
    /// - Parameters:
    ///   - socket: any descriptor of the socket.
    ///   - event: an event object to reset, or nil.
    /// - Returns: the record (`WSANETWORKEVENTS`).
    /// - Throws: EBADF, ENOTSOCK.
    public func enumNetworkEvents(_ socket: FileDescriptor, resetting event: SocketEvent?) throws(Errno)
        -> NetworkEventRecord
    {
        let (_, existing) = try Registry.shared.resolve(socket.rawValue)
        guard let registration = existing else {
            event?.reset()
            return NetworkEventRecord(events: [], codes: ErrorCodes())
        }
        // One lock when something is recorded (the common case after a wait). When nothing is, the
        // answer is immediate too, with no delivery pass (the Winsock fan-in pattern enumerates
        // every socket after a wake, and the wait just delivered all the kernel had): readiness the
        // kernel reported since is delivered by the next wait. Only a second empty enumeration of
        // the socket with no delivery pass in between drives the notifiers first, so a program
        // that polls this call without ever waiting still sees its events.
        if let record = takeRecord(registration, resetting: event, drove: false) { return record }
        LiveNotifiers.driveAll()
        return takeRecord(registration, resetting: event, drove: true)!
    }

    /// Reads and clears the selected part of the record, resetting `event`. Returns nil (touching
    /// nothing) when nothing is recorded and this is the socket's second empty look since the last
    /// delivery pass, unless `drove`.
    private func takeRecord(_ registration: Registration, resetting event: SocketEvent?, drove: Bool)
        -> NetworkEventRecord?
    {
        registration.withState { state -> NetworkEventRecord? in
            let due = state.pending.intersection(state.mask)
            if due.isEmpty && !drove {
                let sequence = LiveNotifiers.reapSequence.load(ordering: .acquiring)
                if state.local.pointee.emptyLookAt == sequence { return nil }
                state.local.pointee.emptyLookAt = sequence
            }
            state.pending.subtract(due)
            event?.reset()
            return NetworkEventRecord(events: due, codes: state.codes)
        }
    }
}
