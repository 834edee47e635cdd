import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// One notifier's delivery: reaping its backend and dispatching what it reports happen together
/// under one lock, so once a thread has drained, every report taken before it by another thread
/// has been delivered too (a wait never misses an event that another thread is still delivering).
final class Reaper: Sendable {
    let backend: any Backend
    private let lock = Mutex(())

    init(_ backend: any Backend) {
        self.backend = backend
    }

    /// Reaps without blocking and delivers, until the backend reports less than a full batch (so
    /// after a wait, everything the kernel had ready is recorded, and a program enumerating its
    /// sockets finds it in one pass), at most `maxBatches` batches.
    func drain(afterWake: Bool = false) {
        lock.withLock { _ in
            let sequence = LiveNotifiers.reapSequence.add(1, ordering: .acquiringAndReleasing).newValue
            var wake = afterWake
            for _ in 0..<Reaper.maxBatches {
                let handled: Int
                do throws(Errno) {
                    handled = try backend.reap(afterWake: wake) { token, bits in
                        LiveNotifiers.dispatch(token, bits, sequence: sequence)
                    }
                } catch {
                    // epoll_wait and io_uring_enter on descriptors EventSelect owns, with a buffer
                    // it owns, fail only through a bug here (EBADF, EFAULT, EINVAL) or ENOMEM;
                    // the next wait reaps again.
                    assertOwned(error, "backend")
                    assert(error == .noMemory, "EventSelect: reaping failed: \(error)")
                    return
                }
                if handled < EpollBackend.batch { return }
                wake = false
            }
        }
    }

    /// A bound on one drain, so a thread delivering under a flood still returns to its caller.
    static let maxBatches = 64
}
