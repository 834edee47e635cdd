import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// A descriptor for queries during delivery, checked once against the socket's identity: the
/// descriptor EventSelect last saw for the socket may since have been closed, or reused for another
/// file, by the program.
struct Probe {
    private var candidate: CInt?
    private let identity: SocketIdentity?
    private var checked: Bool

    /// A descriptor just resolved by the caller: no check needed.
    init(verified fd: CInt) {
        candidate = fd
        identity = nil
        checked = true
    }

    /// A descriptor remembered from earlier: checked on first use of `fd`.
    init(remembered fd: CInt, identity: SocketIdentity) {
        candidate = fd < 0 ? nil : fd
        self.identity = identity
        checked = fd < 0
    }

    /// The descriptor, once checked to name the socket (fstat on first use); nil when it does not.
    var fd: CInt? {
        mutating get {
            if !checked {
                checked = true
                if let fd = candidate, (try? SocketIdentity(of: fd)) != identity { candidate = nil }
            }
            return candidate
        }
    }

    /// The descriptor without the check, for a query whose one trusted answer is the one that would
    /// be assumed with no descriptor at all (so a reused number cannot make it record anything the
    /// socket's own readiness does not show). Saves the fstat on the steady-state path.
    var unchecked: CInt? { candidate }

    /// Whether `fd` costs no check any more.
    var isChecked: Bool { checked }
}
