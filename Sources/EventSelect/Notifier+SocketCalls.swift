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
    public func receive(_ socket: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, flags: CInt) throws(Errno) -> Int {
        let fd = socket.rawValue
        let registration = Registry.shared.registration(cached: fd)
        let event: NetworkEvents = flags & CInt(MSG_OOB) != 0 ? .oob : .read
        // Re-enabled before the call, as Wine's recv_socket does, so data arriving during the call
        // is recorded rather than lost (by the check below, if a delivery deferred to this call).
        registration?.withState { $0.beginReenabling(event) }
        var count: Int
        repeat {
            count = recv(fd, buffer.baseAddress, buffer.count, flags)
        } while count == -1 && errno == EINTR
        let code = errno
        if let registration {
            registration.withState { state in
                let deferred = state.markReenabled(event)
                guard state.isSelected else { return }
                // A stream receive that returned less than asked drained the queue; anything that
                // arrives later is a new edge. Otherwise look again (rule 10).
                let drained = count > 0 && count < buffer.count && state.isStream
                    && flags & CInt(MSG_PEEK | MSG_OOB) == 0
                if drained && !deferred { return }
                try? recheck(&state, registration.identity, fd)
            }
        }
        if count < 0 { throw Errno(rawValue: code) }
        return count
    }

    /// Sends data. A send that fails with `Errno.wouldBlock` re-enables FD_WRITE; a successful one
    /// re-enables nothing (docs/SEMANTICS.md rule 9). `MSG_NOSIGNAL` is always added: Winsock has no
    /// SIGPIPE.
    /// - Returns: the byte count sent.
    /// - Throws: `Errno.wouldBlock` when the send buffer is full; EPIPE, ECONNRESET, EBADF, ENOTSOCK...
    public func send(_ socket: FileDescriptor, _ bytes: UnsafeRawBufferPointer, flags: CInt) throws(Errno) -> Int {
        let fd = socket.rawValue
        var count: Int
        repeat {
            count = Glibc.send(fd, bytes.baseAddress, bytes.count, flags | CInt(MSG_NOSIGNAL))
        } while count == -1 && errno == EINTR
        if count >= 0 { return count }
        let code = errno
        if code == EWOULDBLOCK, let registration = Registry.shared.registration(cached: fd) {
            registration.withState { state in
                state.reenable(.write)
                state.markReenabled()
                guard state.isSelected else { return }
                try? recheck(&state, registration.identity, fd)
            }
        }
        throw Errno(rawValue: code)
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
        let nonBlocking =
            registration?.withState { state -> Bool in
                state.beginReenabling(.accept)
                return state.nonBlocking
            } ?? (fcntl(fd, F_GETFL) & O_NONBLOCK != 0)
        var accepted: CInt
        repeat {
            accepted = CEventSelect_accept(fd, nonBlocking ? 1 : 0)
        } while accepted == -1 && errno == EINTR
        let code = errno
        let inherited = registration?.withState { state -> (NetworkEvents, Target, CInt, CInt)? in
            state.markReenabled(.accept)
            guard state.isSelected else { return nil }
            try? recheck(&state, registration!.identity, fd)
            // Only this process holds the listener's event object or queue to hand on.
            guard state.ownedHere else { return nil }
            return (state.mask, state.target, state.socketType, state.family)
        }
        if accepted < 0 { throw Errno(rawValue: code) }
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
    private func inherit(_ fd: CInt, mask: NetworkEvents, target: Target, socketType: CInt, family: CInt) throws(Errno) {
        let identity = try SocketIdentity(of: fd)
        let registration = try Registry.shared.registration(for: identity, socket: fd)
        try registration.withState { state throws(Errno) in
            state.nonBlocking = true
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
            try recheck(&state, identity, fd)
        }
    }

    /// Connects. On a non-blocking (selected) socket it returns at once; FD_CONNECT reports the
    /// outcome, with FD_WRITE on success (docs/SEMANTICS.md rule 4). Errors connect(2) reports at once (anything
    /// but EINPROGRESS) are thrown and record nothing.
    public func connect(_ socket: FileDescriptor, to address: UnsafePointer<sockaddr>, length: socklen_t) throws(Errno) {
        let fd = socket.rawValue
        let (_, registration) = try Registry.shared.resolve(fd)
        let previous = registration?.withState { state -> Connection in
            let previous = state.connection
            if state.isStream || state.socketType == 0 { state.connection = .connecting }
            return previous
        }
        let result = Glibc.connect(fd, address, length)
        let code = errno
        // EINTR: the connection goes on asynchronously, as with EINPROGRESS (connect(2)).
        let inProgress = result == -1 && (code == EINPROGRESS || code == EINTR)
        if let registration, let previous {
            registration.withState { state in
                if result == 0 {
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
        if result == 0 || inProgress { return }
        throw Errno(rawValue: code)
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
            state.nonBlocking = !blocking
        }
    }

    /// Shuts down part of a connection, like `shutdown`. Local shutdown never records FD_CLOSE
    /// (docs/SEMANTICS.md rule 5); going through this call lets EventSelect tell a local `SHUT_RD` on an AF_UNIX socket
    /// from the peer's close.
    public func shutdown(_ socket: FileDescriptor, how: CInt) throws(Errno) {
        let fd = socket.rawValue
        let (_, registration) = try Registry.shared.resolve(fd)
        guard let registration else {
            try syscall { Glibc.shutdown(fd, how) }
            return
        }
        try registration.withState { state throws(Errno) in
            try syscall { Glibc.shutdown(fd, how) }
            if how == CInt(SHUT_RD) || how == CInt(SHUT_RDWR) { state.localReadShutdown = true }
        }
    }

    /// Closes one descriptor. Models `closesocket`.
    ///
    /// The socket lives until its last descriptor, in any process, is closed; a selection made
    /// through this descriptor stays while another descriptor remains, and ends with the socket
    /// (docs/SEMANTICS.md rule 17). FD_CLOSE is never recorded for a local close.
    /// - Throws: EBADF; ENOTSOCK for a descriptor that is not a socket, which is left open.
    public func close(_ socket: FileDescriptor) throws(Errno) {
        let fd = socket.rawValue
        let (identity, registration) = try Registry.shared.resolve(fd)
        var activeHere = false
        var orphaned: [any Backend] = []
        registration?.withState { state in
            activeHere = state.ownedHere
            for index in state.arms.indices.reversed() where state.arms[index].keyed && state.arms[index].fd == fd {
                if state.ownedHere {
                    // Keep watching while another descriptor remains, without keeping the socket open.
                    try? state.arms[index].backend.orphan(fd, token: registration!.token.raw)
                    state.arms[index].keyed = false
                    orphaned.append(state.arms[index].backend)
                } else {
                    try? state.arms[index].backend.disarm(fd, token: registration!.token.raw)
                    state.arms.remove(at: index)
                }
            }
            if state.knownFD == fd { state.knownFD = -1 }
        }
        Registry.shared.forget(fd)
        // close(2) is not retried on EINTR: on Linux the descriptor is gone either way.
        let failed = Glibc.close(fd) != 0 && errno != EINTR
        let code = errno
        if let registration {
            if !activeHere {
                // Not delivering here and no other descriptor seen here: this process lets go of
                // the socket's registration (its slot stays while another process holds it).
                if !Registry.shared.hasDescriptor(of: identity) { Registry.shared.retire(registration) }
            } else if !orphaned.isEmpty {
                if orphaned.allSatisfy({ $0.isStillArmed(fd) == false }) {
                    // That was the socket's last descriptor anywhere: the kernel dropped its entries,
                    // so the registration ends with it (rule 17), and its event object or queue is
                    // let go.
                    Registry.shared.retire(registration)
                } else {
                    // Another descriptor, or only a transient kernel reference: look again later.
                    Registry.shared.suspect(registration, closed: fd, backends: orphaned)
                }
            }
        }
        if failed { throw Errno(rawValue: code) }
    }

    // MARK: helpers

    /// Looks at the socket now and records and delivers what holds: after a re-enabling call, the
    /// condition that still holds is recorded again (rule 10); for an accepted socket, what its
    /// inherited selection finds (rule 16).
    private func recheck(_ state: inout RegistrationState, _ identity: SocketIdentity, _ fd: CInt) throws(Errno) {
        var probe = Probe(verified: fd, identity: identity)
        let recorded = state.observe(try levelCheck(fd), probe: &probe)
        if !recorded.isEmpty { state.deliver(recorded: recorded) }
    }
}
