// Taking the registry's robust process-shared mutexes without ever waiting forever. Separate
// because the lock words live in shared memory and are therefore input: a process that died, a
// forged word, or a stopped holder must cost a bounded wait, never a hang of every process.
import CEventSelect
import Glibc
import SystemPackage

/// Bounded acquisition of a registry mutex.
///
/// The uncontended case is one `pthread_mutex_trylock` (what `pthread_mutex_lock` does first
/// anyway): the hot path pays nothing more. Under contention the lock is waited for in slices of
/// `slice`; after each slice the lock word's owner thread is looked up (kill(2) with signal 0 on
/// the thread id), and a word naming no live thread (a forged or stale word: a dying thread's
/// robust mutexes are released by the kernel, so a real holder that died reads EOWNERDEAD
/// instead) is cleared with a compare-and-swap of exactly the value seen, so that one waiter wins.
/// A live holder that keeps the lock for `limit` (a stopped process, or a forged word naming a
/// live thread) is given up on: `acquire` returns `.timedOut`.
enum SharedLock {
    enum Outcome {
        /// Held now; `ownerDied` when its previous holder died holding it (repair what it guards).
        case acquired(ownerDied: Bool)
        case timedOut
        /// The mutex is unusable (a corrupt word glibc rejects).
        case failed(Errno)
    }

    static let slice: Int64 = 20_000_000
    static let limit: Int64 = 2_000_000_000

    @inline(__always)
    static func acquire(_ mutex: UnsafeMutablePointer<pthread_mutex_t>) -> Outcome {
        let rc = CEventSelect_mutex_trylock(mutex)
        if rc == 0 { return .acquired(ownerDied: false) }
        return acquireSlowly(mutex, first: rc)
    }

    private static func acquireSlowly(_ mutex: UnsafeMutablePointer<pthread_mutex_t>, first: CInt) -> Outcome {
        var rc = first
        var heldByLiveOwner: Int64 = 0
        var lastWord: UInt32 = 0
        var attempts = 0
        while true {
            switch rc {
            case 0:
                return .acquired(ownerDied: false)
            case EOWNERDEAD:
                return .acquired(ownerDied: true)
            case ENOTRECOVERABLE:
                // Only the owner-field marker blocks it (the word itself is free): clear the marker.
                _ = CEventSelect_mutex_clear_unrecoverable(mutex)
            case EBUSY, ETIMEDOUT, EDEADLK:
                let word = CEventSelect_mutex_word(mutex)
                let owner = pid_t(bitPattern: word & UInt32(CEventSelect_FUTEX_TID_MASK))
                if word != 0 && (owner == 0 || owner == CEventSelect_gettid() || !processExists(owner)) {
                    // No live thread holds it (we never nest these locks, so our own id is forged).
                    _ = CEventSelect_mutex_clear_word(mutex, word)
                } else if rc != EBUSY {
                    heldByLiveOwner = word == lastWord ? heldByLiveOwner + slice : 0
                    if heldByLiveOwner >= limit { return .timedOut }
                }
                lastWord = word
            default:
                return .failed(Errno(rawValue: rc))
            }
            attempts += 1
            // A word glibc keeps rejecting in ways we cannot clear is corrupt, not busy.
            if attempts > 4 * Int(limit / slice) { return .timedOut }
            rc = CEventSelect_mutex_lock_within(mutex, slice)
        }
    }
}
