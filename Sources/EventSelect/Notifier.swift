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
/// process-wide, one per underlying socket (docs/SEMANTICS.md, "The model"), so every notifier sees the same
/// selection, record and re-enabling state of a socket, and a selection made through any notifier
/// replaces the previous one (docs/SEMANTICS.md rule 14). Most programs use ``shared``.
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
    ///   `kernel.io_uring_disabled` forbids it, ...), or EMFILE/ENFILE when the process or system
    ///   is out of descriptors (the notifier also makes its background thread's wake-up eventfd
    ///   here, so that starting background delivery later needs no descriptor).
    public init(backend: NotifierBackend = .automatic) throws(Errno) {
        engine = try Notifier.makeBackend(backend)
        try LiveNotifiers.add(ObjectIdentifier(self), engine)
    }

    deinit {
        LiveNotifiers.remove(ObjectIdentifier(self))
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
}
