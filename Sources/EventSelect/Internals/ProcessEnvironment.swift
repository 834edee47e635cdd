import Glibc
import SystemPackage

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
