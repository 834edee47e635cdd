import CEventSelect
import Glibc
import Synchronization
import SystemPackage

// The socket calls: the re-enabling functions of docs/SEMANTICS.md rule 9 (receive, send, accept)
// and the calls whose effect on a registration EventSelect must see (connect, setBlocking, shutdown,
// close).
extension Notifier {
    // MARK: socket operations

    /// Creates a socket. Models `socket` / `WSASocket`.
    /// - Returns: the new descriptor (blocking until selected, as on Windows).
    public func socket(domain: CInt, type: CInt, protocol: CInt) throws(Errno) -> FileDescriptor {
        let fd = try syscall { Glibc.socket(domain, type, `protocol`) }
        Registry.shared.forget(fd)
        return FileDescriptor(rawValue: fd)
    }

    /// Receives data; re-enables FD_READ, or FD_OOB with `MSG_OOB` (docs/SEMANTICS.md rule 9).
    ///
    /// The call re-enables even when it fails (docs/SEMANTICS.md rule 9); `MSG_PEEK` counts (docs/SEMANTICS.md rule 9). If data is
    /// still there afterwards, FD_READ (FD_OOB) is recorded or posted again at once (rule 10).
    /// - Returns: the byte count; 0 at end of stream.
    /// - Throws: `Errno.wouldBlock` on a non-blocking socket with nothing to read; EBADF, ENOTSOCK.
    public func receive(_ socket: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, flags: CInt) throws(Errno)
        -> Int
    {
        let fd = socket.rawValue
        let (registration, verified) = Registry.shared.registration(cached: fd)
        let event: NetworkEvents = flags & CInt(MSG_OOB) != 0 ? .oob : .read
        // Re-enabled before the call, as Wine's recv_socket does, so data arriving during the call
        // is recorded rather than lost (by the check below, if a delivery deferred to this call).
        let before = registration?.withState { $0.beginReenabling(event) }
        let outcome = syscallResult { recv(fd, buffer.baseAddress, buffer.count, flags) }
        if let registration, let before {
            // A stream receive that returned less than asked drained the queue; anything that
            // arrives later is a new edge, so no look is needed (docs/SEMANTICS.md rule 10). (Not
            // so for datagrams: one receive takes one datagram whatever its size.)
            let drained: Bool
            if case .success(let count) = outcome {
                drained = count > 0 && count < buffer.count && flags & CInt(MSG_PEEK | MSG_OOB) == 0
            } else {
                drained = false
            }
            let error: Errno?
            if case .failure(let failure) = outcome { error = failure } else { error = nil }
            finishReenabling(event, registration, verified: verified, before: before, fd, error, drained: drained)
        }
        if case .failure(.connectionReset) = outcome { rememberReset(fd, registration, verified: verified) }
        return try outcome.get()
    }

    /// Sends data. A send that fails with `Errno.wouldBlock` re-enables FD_WRITE; a successful one
    /// re-enables nothing (docs/SEMANTICS.md rule 9). `MSG_NOSIGNAL` is always added: Winsock has no
    /// SIGPIPE.
    /// - Returns: the byte count sent.
    /// - Throws: `Errno.wouldBlock` when the send buffer is full; EPIPE, ECONNRESET, EBADF, ENOTSOCK...
    public func send(_ socket: FileDescriptor, _ bytes: UnsafeRawBufferPointer, flags: CInt) throws(Errno) -> Int {
        let fd = socket.rawValue
        let outcome = syscallResult { Glibc.send(fd, bytes.baseAddress, bytes.count, flags | CInt(MSG_NOSIGNAL)) }
        if case .failure(.connectionReset) = outcome {
            let (registration, verified) = Registry.shared.registration(cached: fd)
            rememberReset(fd, registration, verified: verified)
        }
        if case .failure(.wouldBlock) = outcome {
            let (registration, verified) = Registry.shared.registration(cached: fd)
            if let registration {
                let before = registration.withState { $0.beginReenabling(.write) }
                finishReenabling(.write, registration, verified: verified, before: before, fd, nil, drained: false)
            }
        }
        return try outcome.get()
    }

    /// The end of a re-enabling call on `fd`: marks `event` re-enabled and, unless the call proved
    /// that nothing is left (`drained`: a short stream receive), looks at the socket again and
    /// records what still holds (docs/SEMANTICS.md rule 10).
    ///
    /// `registration` may come from the descriptor cache unverified. A call the kernel rejected as
    /// not a socket or not open shows the cache was stale: the re-enabling is undone. Before
    /// anything is recorded for an unverified registration, the descriptor's identity is checked
    /// (one fstat, only on this path): if the number now names another socket, the re-enabling of
    /// the old one is undone and the call re-enables the socket it really reached.
    private func finishReenabling(
        _ event: NetworkEvents, _ registration: Registration, verified: Bool,
        before: (pending: NetworkEvents, reported: NetworkEvents), _ fd: CInt, _ error: Errno?, drained: Bool
    ) {
        if error == .badFileDescriptor || error == .notSocket {
            registration.withState { $0.undoReenabling(event, before) }
            if !verified { Registry.shared.forget(fd) }
            return
        }
        let mustLook = registration.withState { state -> Bool in
            let deferred = state.markReenabled(event)
            guard state.isSelected, !(drained && state.isStream) || deferred else { return false }
            guard verified else { return true }
            try? recheck(&state, fd)
            return false
        }
        guard mustLook else { return }
        let actual = Registry.shared.verify(fd, registration)
        if actual !== registration {
            registration.withState { $0.undoReenabling(event, before) }
        }
        actual?.withState { state in
            if actual !== registration { state.reenable(event) }
            state.markReenabled()
            guard state.isSelected else { return }
            try? recheck(&state, fd)
        }
    }

    /// Accepts a connection; re-enables FD_ACCEPT (docs/SEMANTICS.md rule 9), which is recorded again at once if
    /// another connection waits (rule 10).
    ///
    /// The new socket inherits the listener's selection: events, event object or queue and message
    /// number, with its own descriptor as the message `socket`; its record starts empty, then
    /// FD_WRITE is recorded at once if selected, never FD_CONNECT (rule 16). It is non-blocking when
    /// the listener is.
    /// - Returns: the new descriptor.
    /// - Throws: `Errno.wouldBlock` on a non-blocking listener with no connection; EBADF, ENOTSOCK,
    ///   EINVAL (not listening).
    public func accept(_ socket: FileDescriptor) throws(Errno) -> FileDescriptor {
        let fd = socket.rawValue
        let (_, registration) = try Registry.shared.resolve(fd)
        // The listener's own flag, not a cached copy (the program may have changed it with fcntl).
        let nonBlocking = try isNonBlocking(fd)
        _ = registration?.withState { state in state.beginReenabling(.accept) }
        let outcome = syscallResult { CEventSelect_accept(fd, nonBlocking ? 1 : 0) }
        let inherited = registration?.withState { state -> (NetworkEvents, Target, CInt, CInt)? in
            state.markReenabled(.accept)
            guard state.isSelected else { return nil }
            try? recheck(&state, fd)
            // Only this process holds the listener's event object or queue to hand on.
            guard state.ownedHere else { return nil }
            return (state.mask, state.target, state.socketType, state.family)
        }
        let accepted = try outcome.get()
        guard let (mask, target, socketType, family) = inherited ?? nil else {
            Registry.shared.forget(accepted)
            if let identity = try? SocketIdentity(of: accepted) { Registry.shared.markAccepted(identity) }
            return FileDescriptor(rawValue: accepted)
        }
        do {
            try inherit(accepted, mask: mask, target: target, socketType: socketType, family: family)
        } catch {
            Glibc.close(accepted)
            throw error
        }
        return FileDescriptor(rawValue: accepted)
    }

    /// Gives an accepted socket the listener's selection (docs/SEMANTICS.md rule 16).
    private func inherit(_ fd: CInt, mask: NetworkEvents, target: Target, socketType: CInt, family: CInt) throws(Errno)
    {
        let identity = try SocketIdentity(of: fd)
        let registration = try Registry.shared.registration(for: identity, socket: fd)
        try registration.withState { state throws(Errno) in
            state.knownFD = fd
            state.socketType = socketType
            state.family = family
            state.connection = .connected
            state.connectReported = true
            switch target {
            case .queue(let queue, let message, _):
                state.claim(mask, .queue(queue, message: message, socket: FileDescriptor(rawValue: fd)))
            default:
                state.claim(mask, target)
            }
            // A connected socket never reports FD_ACCEPT: a selection of only that needs no arming
            // (an acceptor that hands connections to other processes selects just FD_ACCEPT).
            guard !mask.subtracting(.accept).isEmpty else { return }
            try arm(&state, registration.token, fd)
            try recheck(&state, fd)
        }
    }

    /// Connects. On a non-blocking (selected) socket it returns at once; FD_CONNECT reports the
    /// outcome, with FD_WRITE on success (docs/SEMANTICS.md rule 4). Errors connect(2) reports at once (anything
    /// but EINPROGRESS) are thrown and record nothing.
    public func connect(_ socket: FileDescriptor, to address: UnsafePointer<sockaddr>, length: socklen_t) throws(Errno)
    {
        let fd = socket.rawValue
        let (_, registration) = try Registry.shared.resolve(fd)
        let previous = registration?.withState { state -> Connection in
            let previous = state.connection
            if state.isStream || state.socketType == 0 { state.connection = .connecting }
            return previous
        }
        // Not retried on EINTR: the connection goes on asynchronously, as with EINPROGRESS (connect(2)).
        let error = syscallOnce { Glibc.connect(fd, address, length) }
        let connected = error == nil
        let inProgress = error == .nowInProgress || error == .interrupted
        if let registration, let previous {
            registration.withState { state in
                if connected, state.connection == .connectionless {
                    // A datagram socket's connect completes at once; Windows then reports FD_WRITE
                    // afresh, with FD_CONNECT in event mode only (Wine test_connect_events, UDP;
                    // docs/SEMANTICS.md rule 4).
                    guard state.isSelected else { return }
                    var recorded: NetworkEvents = []
                    if !state.isMessageMode && state.record(.connect) { recorded.insert(.connect) }
                    state.reenable(.write)
                    if state.record(.write) { recorded.insert(.write) }
                    state.deliver(recorded: recorded)
                } else if connected {
                    guard state.connection == .connecting else { return }
                    if state.isSelected {
                        state.deliver(recorded: state.connectCompleted(nil))
                    } else {
                        state.connection = .connected
                    }
                } else if !inProgress, state.connection == .connecting {
                    state.connection = previous
                }
            }
        }
        if let error, !inProgress { throw error }
    }

    /// Switches a socket between blocking and non-blocking. Models `ioctlsocket(FIONBIO)`.
    ///
    /// `true` (blocking) fails with EINVAL while a selection is active; it works after a cancel.
    /// `false` always works. A cancelled socket stays non-blocking until this is called (docs/SEMANTICS.md rule 15).
    public func setBlocking(_ socket: FileDescriptor, _ blocking: Bool) throws(Errno) {
        let fd = socket.rawValue
        let (_, registration) = try Registry.shared.resolve(fd)
        guard let registration else { return try setNonBlocking(fd, !blocking) }
        try registration.withState { state throws(Errno) in
            if blocking && state.hasLiveSelection { throw .invalidArgument }
            try setNonBlocking(fd, !blocking)
        }
    }

    // MARK: helpers

    /// A receive or send returned ECONNRESET: the kernel's only trace of the peer's reset (the
    /// pending socket error) is consumed, and a later look would take the closed connection for an
    /// orderly close. Windows still records FD_CLOSE with WSAECONNABORTED (docs/SEMANTICS.md rule
    /// 5), so the socket's shared record keeps the reset: FD_CLOSE's error code is set to
    /// ECONNABORTED ahead of the record, which `observeConnected` keeps for a close recorded later
    /// (a code is read only with its event, so nothing else sees it). A socket with no registration
    /// yet gets one (any process that selects it later finds the slot). Error path only.
    private func rememberReset(_ fd: CInt, _ cached: Registration?, verified: Bool) {
        var registration = cached
        if let cached, !verified { registration = Registry.shared.verify(fd, cached) }
        if registration == nil, let (identity, existing) = try? Registry.shared.resolve(fd) {
            registration = existing ?? (try? Registry.shared.registration(for: identity, socket: fd))
        }
        registration?.withState { state in
            // FD_CLOSE already recorded keeps the error it was recorded with.
            guard !state.reported.contains(.close), !state.pending.contains(.close) else { return }
            state.codes[NetworkEvents.close.bitIndex] = .connectionAbort
        }
    }

    /// Looks at the socket now and records and delivers what holds: after a re-enabling call, the
    /// condition that still holds is recorded again (rule 10); for an accepted socket, what its
    /// inherited selection finds (rule 16).
    /// A call that re-enables `event` failed before it reached the kernel (a layer above rejected
    /// its arguments, as Winsock's `accept` with a too-short address buffer fails with WSAEFAULT):
    /// re-enables as the failed call would have, and records the event again at once if its
    /// condition still holds (docs/SEMANTICS.md rules 9 and 10: even a failing call re-enables).
    @_spi(WinsockLayer)
    public func reenableAfterFailedCall(_ socket: FileDescriptor, _ event: NetworkEvents) throws(Errno) {
        let fd = socket.rawValue
        let (_, registration) = try Registry.shared.resolve(fd)
        guard let registration else { return }
        // The same ending as a re-enabling call the kernel failed (a send's EWOULDBLOCK).
        let before = registration.withState { $0.beginReenabling(event) }
        finishReenabling(event, registration, verified: true, before: before, fd, nil, drained: false)
    }

    private func recheck(_ state: inout RegistrationState, _ fd: CInt) throws(Errno) {
        var probe = Probe(verified: fd)
        let recorded = state.observe(try levelCheck(fd), probe: &probe)
        if !recorded.isEmpty { state.deliver(recorded: recorded) }
    }
}
