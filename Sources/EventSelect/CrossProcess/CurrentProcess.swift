// This process's pid, cached, and what a fork must reset in the child (its doorbell).
import Glibc
import Synchronization

/// This process's pid, cached (glibc no longer caches getpid) and refreshed in a forked child.
enum CurrentProcess {
    private static let cached = Atomic<Int32>(CurrentProcess.install())

    static var pid: pid_t { cached.load(ordering: .relaxed) }

    private static func install() -> Int32 {
        pthread_atfork(nil, nil) {
            CurrentProcess.refresh()
        }
        return getpid()
    }

    private static func refresh() {
        cached.store(getpid(), ordering: .relaxed)
        Doorbell.forgetAfterFork()
    }
}
