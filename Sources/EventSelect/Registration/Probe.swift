import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// A descriptor for queries during delivery, checked once against the socket's identity: the
/// descriptor EventSelect last saw for the socket may since have been closed, or reused for another
/// file, by the program.
struct Probe {
    private var candidate: CInt?
    private let identity: SocketIdentity
    private var checked: Bool

    /// A descriptor just resolved by the caller: no check needed.
    init(verified fd: CInt, identity: SocketIdentity) {
        candidate = fd
        self.identity = identity
        checked = true
    }

    /// A descriptor remembered from earlier: checked on first use.
    init(remembered fd: CInt, identity: SocketIdentity) {
        candidate = fd
        self.identity = identity
        checked = false
    }

    var fd: CInt? {
        mutating get {
            if !checked {
                checked = true
                if let fd = candidate, (try? SocketIdentity(of: fd)) != identity { candidate = nil }
            }
            return candidate
        }
    }
}
