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

    /// Reaps without blocking and delivers.
    func drain(afterWake: Bool = false) {
        lock.withLock { _ in
            let sequence = LiveNotifiers.reapSequence.add(1, ordering: .acquiringAndReleasing).newValue
            _ = try? backend.reap(afterWake: afterWake) { token, bits in
                LiveNotifiers.dispatch(token, bits, sequence: sequence)
            }
        }
    }
}
