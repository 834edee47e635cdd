import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// Which kernel interface a `Notifier` waits with.
public enum NotifierBackend: Sendable {
    /// io_uring where the kernel allows it, epoll otherwise.
    case automatic
    /// epoll(7), edge-triggered.
    case epoll
    /// io_uring(7) (liburing): an epoll interest set whose readiness the ring reports without a
    /// syscall while nothing happens (docs/ARCHITECTURE.md explains the shape).
    case ioUring
}

/// The entry point: Winsock's notification calls and the socket calls that re-enable events.
///
/// A notifier owns one backend (an epoll instance or an io_uring). The registrations themselves are
/// process-wide, one per underlying socket (SPEC section 1), so every notifier sees the same
/// selection, record and re-enabling state of a socket, and a selection made through any notifier
/// replaces the previous one (SPEC rule 14). Most programs use ``shared``.
///
/// All calls throw `Errno`. A call on a descriptor that is closed or was never opened throws
/// EBADF; on a descriptor that is not a socket it throws ENOTSOCK and leaves that descriptor open;
/// event bits outside `NetworkEvents.all` throw EINVAL. A rejected call changes nothing.
public final class Notifier: Sendable {
    /// The process's notifier, created on first use with `.automatic`.
    public static let shared: Notifier = {
        do {
            return try Notifier()
        } catch {
            fatalError("EventSelect: cannot create Notifier.shared: \(error)")
        }
    }()

    let engine: any Backend

    /// The backend in use: `.epoll` or `.ioUring`, never `.automatic`.
    public var backend: NotifierBackend { engine.kind }

    /// Creates a notifier.
    /// - Parameter backend: `.epoll`, `.ioUring`, or `.automatic` (io_uring where io_uring_setup
    ///   works, else epoll).
    /// - Throws: `Errno` when the backend cannot be created (for `.ioUring`: ENOSYS, EPERM when
    ///   `kernel.io_uring_disabled` forbids it, ...).
    public init(backend: NotifierBackend = .automatic) throws {
        engine = try Notifier.makeBackend(backend)
        NotifierDirectory.add(ObjectIdentifier(self), engine)
    }

    deinit {
        NotifierDirectory.remove(ObjectIdentifier(self))
    }

    static func makeBackend(_ kind: NotifierBackend) throws(Errno) -> any Backend {
        switch kind {
        case .epoll:
            return try EpollBackend()
        case .ioUring:
            return try URingBackend()
        case .automatic:
            if ProcessEnvironment.forceEpoll { return try EpollBackend() }
            do {
                return try URingBackend()
            } catch {
                return try EpollBackend()
            }
        }
    }

    // MARK: selection

    /// Associates network events of a socket with an event object. Models `WSAEventSelect`.
    ///
    /// Replaces any previous selection of the socket, of either kind, made through any descriptor
    /// or notifier (SPEC rule 14); `events` empty cancels. Conditions that already hold are recorded
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
    public func eventSelect(_ socket: FileDescriptor, _ event: SocketEvent, _ events: NetworkEvents) throws {
        try select(socket.rawValue, events, .event(event))
    }

    /// Requests a message per network event in a queue. Models `WSAAsyncSelect`.
    ///
    /// Replaces any previous selection of the socket, of either kind (SPEC rule 14); `events` empty
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
    ) throws {
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
            // Cancelling a socket that was never selected: only the non-blocking side effect (R73).
            try setNonBlocking(fd, true)
            return
        }
        try registration.withState { state throws(Errno) in
            if !state.nonBlocking {
                try setNonBlocking(fd, true)
                state.nonBlocking = true
            }
            state.knownFD = fd
            // An accepted socket never records FD_CONNECT (R79).
            if Registry.shared.takeAccepted(identity) { state.connectReported = true }
            let messageMode = target.isMessageMode
            if messageMode {
                // WSAAsyncSelect forgets what was reported (R67; Wine clears pending and reported).
                state.pending = []
                state.reported = []
            }
            // This selection replaces any other, in this process or another (rule 14).
            state.claim(events, target)
            guard !events.isEmpty else { return }
            // Arm before looking, so an edge between the look and the arm cannot be missed.
            try arm(&state, registration.token, fd)
            let before = state.connection
            if before != .connected && before != .listening && before != .connectionless {
                state.refreshConnection(fd)
            }
            if messageMode {
                // Message mode never posts FD_CONNECT for a connection made before selecting (R7).
                if state.connection == .connected { state.connectReported = true }
            } else if !state.connectReported && events.contains(.connect) && state.isStream {
                if state.connection == .connected {
                    // Event mode records FD_CONNECT for a connected socket that never reported it (R7).
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
            var probe = Probe(verified: fd, identity: identity)
            _ = state.observe(try levelCheck(fd), probe: &probe)
            // This look is the truth as of now: readiness collected before it (maybe while the
            // socket was not selected, for data consumed since) is looked at again if delivered.
            state.markReenabled()
            // Everything recorded and selected is delivered now: event mode sets the object if the
            // record intersects the selection (R50), message mode posts it.
            state.deliver(recorded: state.pending)
        }
    }

    /// Arms the socket in this notifier's backend unless it already is.
    private func arm(_ state: inout RegistrationState, _ token: Token, _ fd: CInt) throws(Errno) {
        let id = ObjectIdentifier(engine)
        if state.arms.contains(where: { ObjectIdentifier($0.backend) == id }) { return }
        try engine.arm(fd, token: token.raw)
        state.arms.append(Arm(backend: engine, fd: fd, keyed: true))
    }

    /// Reads and clears the recorded network events. Models `WSAEnumNetworkEvents`.
    ///
    /// Returns the recorded events that are in the current selection, with their errors, clears
    /// them, and resets `event` if given, atomically (SPEC rule 12). Recorded events outside the
    /// selection stay recorded. A socket that was never selected returns an empty record.
    /// - Parameters:
    ///   - socket: any descriptor of the socket.
    ///   - event: an event object to reset, or nil.
    /// - Returns: the record (`WSANETWORKEVENTS`).
    /// - Throws: EBADF, ENOTSOCK.
    public func enumNetworkEvents(_ socket: FileDescriptor, resetting event: SocketEvent?) throws
        -> NetworkEventRecord
    {
        let (_, existing) = try Registry.shared.resolve(socket.rawValue)
        guard let registration = existing else {
            event?.reset()
            return NetworkEventRecord(events: [], codes: ErrorCodes())
        }
        // One lock when something is recorded (the common case after a wait). When nothing is,
        // deliver what the kernel has reported first, as Windows would have recorded it already.
        let read = { (drove: Bool) -> NetworkEventRecord? in
            registration.withState { state -> NetworkEventRecord? in
                let due = state.pending.intersection(state.mask)
                if due.isEmpty && !drove { return nil }
                state.pending.subtract(due)
                event?.reset()
                return NetworkEventRecord(events: due, codes: state.codes)
            }
        }
        if let record = read(false) { return record }
        NotifierDirectory.driveAll()
        return read(true)!
    }

    // MARK: socket operations

    /// Creates a socket. Models `socket` / `WSASocket`.
    /// - Returns: the new descriptor (blocking until selected, as on Windows).
    public func socket(domain: CInt, type: CInt, protocol: CInt) throws -> FileDescriptor {
        let fd = try syscall { Glibc.socket(domain, type, `protocol`) }
        Registry.shared.forget(fd)
        return FileDescriptor(rawValue: fd)
    }

    /// Receives data; re-enables FD_READ, or FD_OOB with `MSG_OOB` (SPEC rule 9).
    ///
    /// The call re-enables even when it fails (R41, R47); `MSG_PEEK` counts (R43). If data is
    /// still there afterwards, FD_READ (FD_OOB) is recorded or posted again at once (rule 10).
    /// - Returns: the byte count; 0 at end of stream.
    /// - Throws: `Errno.wouldBlock` on a non-blocking socket with nothing to read; EBADF, ENOTSOCK.
    public func receive(_ socket: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, flags: CInt) throws -> Int {
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
    /// re-enables nothing (SPEC rule 9, R45, R11). `MSG_NOSIGNAL` is always added: Winsock has no
    /// SIGPIPE.
    /// - Returns: the byte count sent.
    /// - Throws: `Errno.wouldBlock` when the send buffer is full; EPIPE, ECONNRESET, EBADF, ENOTSOCK...
    public func send(_ socket: FileDescriptor, _ bytes: UnsafeRawBufferPointer, flags: CInt) throws -> Int {
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

    /// Accepts a connection; re-enables FD_ACCEPT (SPEC rule 9), which is recorded again at once if
    /// another connection waits (rule 10).
    ///
    /// The new socket inherits the listener's selection: events, event object or queue and message
    /// number, with its own descriptor as the message `socket`; its record starts empty, then
    /// FD_WRITE is recorded at once if selected, never FD_CONNECT (rule 16). It is non-blocking when
    /// the listener is.
    /// - Returns: the new descriptor.
    /// - Throws: `Errno.wouldBlock` on a non-blocking listener with no connection; EBADF, ENOTSOCK,
    ///   EINVAL (not listening).
    public func accept(_ socket: FileDescriptor) throws -> FileDescriptor {
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

    /// Gives an accepted socket the listener's selection (R78-R80).
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
    /// outcome, with FD_WRITE on success (SPEC rule 4). Errors connect(2) reports at once (anything
    /// but EINPROGRESS) are thrown and record nothing.
    public func connect(_ socket: FileDescriptor, to address: UnsafePointer<sockaddr>, length: socklen_t) throws {
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
    /// `false` always works. A cancelled socket stays non-blocking until this is called (SPEC rule 15).
    public func setBlocking(_ socket: FileDescriptor, _ blocking: Bool) throws {
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
    /// (R27); going through this call lets EventSelect tell a local `SHUT_RD` on an AF_UNIX socket
    /// from the peer's close.
    public func shutdown(_ socket: FileDescriptor, how: CInt) throws {
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
    /// (SPEC rule 17). FD_CLOSE is never recorded for a local close.
    /// - Throws: EBADF; ENOTSOCK for a descriptor that is not a socket, which is left open.
    public func close(_ socket: FileDescriptor) throws {
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

    // MARK: shared sockets

    /// Makes information from which process `process` can create a descriptor of the same socket.
    /// Models `WSADuplicateSocket`.
    ///
    /// The information is plain bytes that may cross any IPC channel. It is good for one import,
    /// by the process it names (`pid` may be the caller's own), and stays good after the caller
    /// closes its descriptor: the flow "duplicate, hand over, close" works, because this process
    /// keeps a private descriptor until the import (or until it exits).
    /// - Throws: EBADF/ENOTSOCK for a bad socket (before anything else); EINVAL for pid 0 or a
    ///   negative pid; ESRCH when no such process exists; ENOBUFS when too many exports wait.
    public func duplicateSocket(_ socket: FileDescriptor, for process: pid_t) throws -> SocketProtocolInfo {
        let (identity, _) = try Registry.shared.resolve(socket.rawValue)
        guard process > 0 else { throw Errno.invalidArgument }
        return try Exports.export(socket.rawValue, identity: identity, to: process)
    }

    /// Creates a descriptor of the socket `duplicateSocket` described. Models `WSASocket` with a
    /// `WSAPROTOCOL_INFO` from `WSADuplicateSocket`.
    ///
    /// The new descriptor shares everything with the source's: the registration, the record, the
    /// options and the data (SPEC rules 19-20). It is checked to be the very socket that was
    /// exported, never another one.
    /// - Throws: EINVAL for bytes that are not (or no longer) a valid export; EACCES when the
    ///   information names another process; EALREADY when it was already imported; ESRCH when the
    ///   source process has exited; ESTALE when the source's socket is gone.
    public func socket(from info: SocketProtocolInfo) throws -> FileDescriptor {
        let fd = try Exports.importSocket(info)
        Registry.shared.forget(fd)
        return FileDescriptor(rawValue: fd)
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

/// Sets or clears O_NONBLOCK.
func setNonBlocking(_ fd: CInt, _ nonBlocking: Bool) throws(Errno) {
    let flags = try syscall { fcntl(fd, F_GETFL) }
    let wanted = nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
    if wanted != flags { try syscall { fcntl(fd, F_SETFL, wanted) } }
}

/// Settings read from the environment once.
enum ProcessEnvironment {
    /// `EVENTSELECT_FORCE_EPOLL=1` makes `.automatic` choose epoll, as if io_uring_setup had failed.
    static let forceEpoll: Bool = flag("EVENTSELECT_FORCE_EPOLL")
    /// `EVENTSELECT_SIMULATE_URING_ERROR=<errno>` makes io_uring setup fail with that errno, as on a
    /// kernel without io_uring (ENOSYS) or with kernel.io_uring_disabled set (EPERM): `.automatic`
    /// then falls back to epoll and `.ioUring` throws it. For tests of the fallback.
    static let simulatedURingError: Errno? = getenv("EVENTSELECT_SIMULATE_URING_ERROR")
        .flatMap { CInt(String(cString: $0)) }.map { Errno(rawValue: $0) }
    /// `EVENTSELECT_DISABLE_PIDFD=1` makes imports take the SCM_RIGHTS path, as where pidfd_getfd
    /// is refused.
    static let disablePidfd: Bool = flag("EVENTSELECT_DISABLE_PIDFD")

    private static func flag(_ name: String) -> Bool {
        getenv(name).map { String(cString: $0) == "1" } ?? false
    }
}
