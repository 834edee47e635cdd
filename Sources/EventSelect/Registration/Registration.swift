import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// Where a registration delivers: an event object (event mode) or a queue (message mode).
enum Target {
    case none
    case event(SocketEvent)
    case queue(MessageQueue, message: UInt32, socket: FileDescriptor)

    var isMessageMode: Bool {
        if case .queue = self { return true }
        return false
    }
}

/// The connection state EventSelect tracks per socket, after Wine's `enum connection_state`.
enum Connection: UInt8, Equatable {
    /// Not looked at yet.
    case unknown = 0
    /// A stream socket that is not connected: never, or after a failed connect. Linux reports it
    /// POLLOUT|POLLHUP, Windows nothing (docs/SEMANTICS.md rule 6).
    case unconnected
    case connecting
    case connected
    case listening
    /// Datagram and raw sockets.
    case connectionless
}

/// The one registration of an underlying socket (docs/SEMANTICS.md, "The model"), as this process holds it.
///
/// The Winsock state lives in the socket's slot of the cross-process `SharedTable`, so every
/// descriptor in every process shares it (docs/SEMANTICS.md rules 19-20): the selection, the network-event record
/// (`pending`), the events recorded and not yet re-enabled (`reported`, docs/SEMANTICS.md rule 9), the errors,
/// the connection state and which process's selection is current. What cannot cross a process —
/// the event object or queue, and the backends' arms — lives here, in `LocalState`.
///
/// Modelled on Wine's `struct sock` (`mask`, `pending_events`, `reported_events`, `errors[]`): an
/// event is recorded only if it is not in `reported`; recording adds it to both `pending` and
/// `reported`.
///
/// Locking: one lock, the slot's robust process-shared mutex. It guards the shared fields for every
/// process and, since a process has one `Registration` per slot, this process's `LocalState` too.
final class Registration: @unchecked Sendable {
    // @unchecked: `local` is only touched inside `withState`, under the slot's mutex.
    let identity: SocketIdentity
    let token: Token
    /// Set when the registry drops it; cached references check it. Guarded by the registry's lock
    /// (kept behind `local`'s pointer: no dynamic exclusivity check on the hot lookups).
    var retired: Bool {
        get { local.pointee.retired }
        set { local.pointee.retired = newValue }
    }
    /// Cached descriptors (`Registry`'s descriptor table) that name this socket and hold this
    /// registration; guarded by the registry's lock. Kept here rather than in a per-identity
    /// dictionary: one counter per selected socket instead of a hash entry.
    var descriptorCount: Int32 {
        get { local.pointee.descriptorCount }
        set { local.pointee.descriptorCount = newValue }
    }

    /// The registration's slot in the cross-process table.
    var slotIndex: Int { Int(token.slot) }
    /// Allocated once: the slot's lock guards it, so it needs no exclusivity tracking of a stored
    /// property (a dynamic access check on every `withState`).
    private let local: UnsafeMutablePointer<LocalState>

    /// `SharedTable.mapped`, held here so that `withState` pays no lazy-global check per call.
    private let table: SharedTable

    init(identity: SocketIdentity, token: Token, socket: CInt) {
        self.identity = identity
        self.token = token
        table = SharedTable.mapped
        local = .allocate(capacity: 1)
        local.initialize(to: LocalState(knownFD: socket))
    }

    deinit {
        local.deinitialize(count: 1)
        local.deallocate()
    }

    /// Runs `body` with the slot's lock held.
    @inline(__always)
    func withState<R, E: Error>(_ body: (inout RegistrationState) throws(E) -> R) throws(E) -> R {
        let slot = table.lockSlot(slotIndex)
        defer { table.unlockSlot(slotIndex) }
        var state = RegistrationState(slot: slot, local: local, slotIndex: slotIndex)
        return try body(&state)
    }
}

/// One backend's arming of a registration: through which descriptor number, and whether that
/// number still refers to the socket (false once EventSelect closed it; the registration then goes
/// on, through the kernel's entry keyed by the open file, until the socket's last close).
struct Arm {
    /// The epoll set (a concrete class: no existential on the hot path, and `Arm?` needs no tag).
    var backend: EpollBackend
    var fd: CInt
    var keyed: Bool
}

/// The arms of a registration: almost always one (one notifier), so the first is stored inline and
/// a registration costs no array allocation; `rest` holds the arms of further notifiers.
struct ArmList {
    private var first: Arm?
    private var rest: [Arm] = []

    var isEmpty: Bool { first == nil }
    var count: Int { first == nil ? 0 : 1 + rest.count }
    var indices: Range<Int> { 0..<count }

    subscript(index: Int) -> Arm {
        get { index == 0 ? first! : rest[index - 1] }
        set {
            if index == 0 { first = newValue } else { rest[index - 1] = newValue }
        }
    }

    mutating func append(_ arm: Arm) {
        if first == nil { first = arm } else { rest.append(arm) }
    }

    mutating func remove(at index: Int) {
        if index > 0 {
            rest.remove(at: index - 1)
        } else {
            first = rest.isEmpty ? nil : rest.removeFirst()
        }
    }

    func contains(where predicate: (Arm) -> Bool) -> Bool {
        indices.contains { predicate(self[$0]) }
    }
}

/// What a registration keeps in this process.
struct LocalState {
    /// Where this process delivers while its selection is the current one.
    var target: Target = .none
    /// The slot's `owner_epoch` of this process's current selection.
    var epoch: UInt64 = 0
    /// Backends that armed this socket.
    var arms = ArmList()
    /// A descriptor of the socket in this process, used for queries during delivery; checked
    /// against the identity before use, since the program may have closed it.
    var knownFD: CInt
    /// `LiveNotifiers.reapSequence` when a re-enabling call last finished its syscall.
    var reenabledAt: UInt64 = 0
    /// Events whose re-enabling call (receive, accept) is between re-enabling and its syscall's
    /// return: delivery leaves them to that call, which looks again afterwards.
    var reenabling: NetworkEvents = []
    /// A delivery left an event to an in-flight re-enabling call: it must look again.
    var deferredCheck = false
    /// Event mode: reported events that a re-selection re-armed for the next arrival (new data,
    /// a new connection), which records them again although they were not
    /// re-enabled (docs/SEMANTICS.md rule 13). One arrival each; cleared by their re-enabling call
    /// and by the next selection.
    var rearmed: NetworkEvents = []
    /// Bytes queued for reading (FD_READ) or connections waiting (FD_ACCEPT, TCP) at the re-arming:
    /// a socket is a listener or not, so one count serves both.
    var rearmedCount: UInt32 = 0
    /// `LiveNotifiers.reapSequence` at the last `enumNetworkEvents` that found nothing recorded.
    var emptyLookAt: UInt64 = .max
    /// `Registration.retired` and `.descriptorCount`: guarded by the registry's lock, not the slot's.
    var descriptorCount: Int32 = 0
    var retired = false
}
