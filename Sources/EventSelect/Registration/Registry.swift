import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// The one registration per underlying socket (docs/SEMANTICS.md, "The model"), for the whole process: every
/// `Notifier` instance shares it, so a selection through any of them replaces the previous one
/// (docs/SEMANTICS.md rule 14).
///
/// Three tables under one lock: registrations by socket identity; a cache from descriptor number to
/// identity, so the hot calls (`receive`, `send`) need no fstat(2); and the token slots that
/// readiness reports name.
final class Registry: Sendable {
    static let shared = Registry()

    private let tables = Mutex(Tables())

    private struct Tables {
        var byIdentity: [SocketIdentity: Registration] = [:]
        /// Descriptor number -> identity, for descriptors EventSelect has resolved. Cleared by
        /// `Notifier.close`; a descriptor closed behind EventSelect's back stays cached until a
        /// validating call (select, enumNetworkEvents, close) resolves it again.
        var descriptors = DescriptorTable()
        /// Registrations by their shared-table slot (dense): what readiness tokens and kicks name.
        var slots: [Registration?] = []
        /// Per slot, bumped when this process drops the slot's registration: stale tokens are dropped.
        var generations: [UInt32] = []
        /// How many cached descriptors name each identity, for identities whose cached entries hold
        /// no live registration (a registration keeps its own count: `Registration.descriptorCount`,
        /// so a selected socket costs no entry here).
        var unregisteredCounts: [SocketIdentity: Int32] = [:]
        /// Sockets `Notifier.accept` returned without a selection to inherit: they never record
        /// FD_CONNECT (docs/SEMANTICS.md rule 16), even when selected later. Dropped once selected or closed.
        var accepted: Set<SocketIdentity> = []
        /// Identities known to have no slot, with `SharedTable.insertions` when that was checked.
        var noSlot: [SocketIdentity: UInt32] = [:]
        /// Registrations whose last known descriptor was closed while the kernel still held the
        /// socket (maybe only for an instant: epoll takes a transient reference while it polls an
        /// entry): looked at again on later drains, a bounded number of times.
        var suspects: [Suspect] = []
        /// Registrations beyond which the next creation first sweeps out those of dead sockets.
        var sweepThreshold = 4096

        mutating func cache(_ fd: CInt, _ identity: SocketIdentity, _ registration: Registration?) {
            if let old = descriptors.store(fd, identity, registration) { count(old.identity, old.registration, -1) }
            count(identity, registration, 1)
        }

        mutating func uncache(_ fd: CInt) {
            if let old = descriptors.remove(fd) { count(old.identity, old.registration, -1) }
        }

        /// Whether a cached descriptor names `identity`.
        func hasDescriptor(of identity: SocketIdentity) -> Bool {
            (byIdentity[identity]?.descriptorCount ?? 0) > 0 || unregisteredCounts[identity] != nil
        }

        /// A registration leaves: its descriptors' count moves to `unregisteredCounts`.
        mutating func retire(_ registration: Registration) {
            if registration.descriptorCount > 0 {
                unregisteredCounts[registration.identity, default: 0] += registration.descriptorCount
            }
            registration.descriptorCount = 0
            registration.retired = true
        }

        private mutating func count(_ identity: SocketIdentity, _ registration: Registration?, _ delta: Int32) {
            if let registration, !registration.retired {
                registration.descriptorCount += delta
                return
            }
            let count = (unregisteredCounts[identity] ?? 0) + delta
            if count > 0 {
                unregisteredCounts[identity] = count
            } else {
                unregisteredCounts.removeValue(forKey: identity)
            }
        }

        /// The cached identity of `fd` and its registration, hashing only when the entry does not
        /// hold the registration yet (or holds a retired one).
        mutating func cached(_ fd: CInt) -> (SocketIdentity, Registration?)? {
            guard let entry = descriptors[fd] else { return nil }
            if let registration = entry.registration, !registration.retired { return (entry.identity, registration) }
            let registration = byIdentity[entry.identity]
            if registration != nil || entry.registration != nil {
                descriptors.attach(fd, registration)
                count(entry.identity, entry.registration, -1)
                count(entry.identity, registration, 1)
            }
            return (entry.identity, registration)
        }
    }

    /// Resolves `fd` with fstat(2) (always: the validating path) and caches the answer.
    /// - Throws: EBADF for a closed descriptor, ENOTSOCK for a non-socket.
    func resolve(_ fd: CInt) throws(Errno) -> (SocketIdentity, Registration?) {
        let identity: SocketIdentity
        do {
            identity = try SocketIdentity(of: fd)
        } catch {
            if fd >= 0 { tables.withLock { $0.uncache(fd) } }
            throw error
        }
        let registration = tables.withLock { tables -> Registration? in
            if let (cachedIdentity, registration) = tables.cached(fd), cachedIdentity == identity {
                return registration
            }
            let registration = tables.byIdentity[identity]
            tables.cache(fd, identity, registration)
            return registration
        }
        return (identity, registration ?? attach(identity, fd))
    }

    /// A registration for a socket another process registered (rules 19-20: the record, the
    /// selection and re-enabling are the socket's, whichever process holds the descriptor), or nil.
    /// "No slot" is cached until the shared table takes a new slot, so unselected sockets cost no
    /// table lookup on the hot calls.
    private func attach(_ identity: SocketIdentity, _ fd: CInt) -> Registration? {
        guard let table = try? SharedTable.opened() else { return nil }
        let insertions = table.insertions
        if tables.withLock({ $0.noSlot[identity] == insertions }) { return nil }
        guard let slot = table.attachSlot(identity, cookie: CEventSelect_socket_cookie(fd)) else {
            tables.withLock { tables in
                if tables.noSlot.count > 65536 { tables.noSlot.removeAll() }
                tables.noSlot[identity] = insertions
            }
            return nil
        }
        return try? registration(for: identity, socket: fd, slot: slot)
    }

    /// The registration of the socket behind `fd`, from the cache when the descriptor is known
    /// (no syscall), else resolving it. Used by the re-enabling calls, whose own syscall then
    /// reports a bad descriptor.
    ///
    /// `verified` is false for a cache answer: the program may have closed the descriptor behind
    /// EventSelect's back and the number may name another file now. Such an answer may re-enable
    /// (the call's own effect), but nothing may be recorded for it before `verify` confirms it
    /// (a reused number must never feed the closed socket's registration).
    func registration(cached fd: CInt) -> (registration: Registration?, verified: Bool) {
        let cached = tables.withLock { $0.cached(fd) }
        guard let (identity, registration) = cached else { return ((try? resolve(fd))?.1, true) }
        return (registration ?? attach(identity, fd), false)
    }

    /// Checks with fstat(2) that `fd` still names the socket of `registration`. Returns
    /// `registration` when it does; otherwise re-resolves `fd` and returns its socket's registration
    /// (nil for none, a closed descriptor or a non-socket).
    func verify(_ fd: CInt, _ registration: Registration) -> Registration? {
        guard let (identity, actual) = try? resolve(fd) else { return nil }
        return identity == registration.identity ? registration : actual
    }

    /// The registration of `identity`, created if there is none (taking the socket's slot in the
    /// cross-process table).
    /// - Throws: ENOBUFS when the cross-process table is full.
    func registration(for identity: SocketIdentity, socket fd: CInt, slot: Int? = nil) throws(Errno) -> Registration {
        if let existing = tables.withLock({ $0.byIdentity[identity] }) {
            if let slot { SharedTable.mapped.releaseSlot(slot) }
            return existing
        }
        if tables.withLock({ $0.byIdentity.count >= $0.sweepThreshold }) { sweep() }
        let sharedSlot: Int
        if let slot {
            sharedSlot = slot
        } else {
            // This process will hold a registration: other processes may need to ring it.
            try Doorbell.ensure()
            sharedSlot = try SharedTable.opened().acquireSlot(identity, cookie: CEventSelect_socket_cookie(fd))
        }
        let (registration, duplicate) = tables.withLock { tables -> (Registration, Bool) in
            if let existing = tables.byIdentity[identity] { return (existing, true) }
            if tables.slots.count <= sharedSlot {
                let grow = sharedSlot + 1 - tables.slots.count
                tables.slots.append(contentsOf: repeatElement(nil, count: grow))
                tables.generations.append(contentsOf: repeatElement(0, count: grow))
            }
            let registration = Registration(
                identity: identity, token: Token(slot: UInt32(sharedSlot), generation: tables.generations[sharedSlot]),
                socket: fd)
            tables.slots[sharedSlot] = registration
            tables.byIdentity[identity] = registration
            tables.noSlot.removeValue(forKey: identity)
            tables.cache(fd, identity, registration)
            return (registration, false)
        }
        // Another thread created it first: give back the extra use of the slot.
        if duplicate { SharedTable.mapped.releaseSlot(sharedSlot) }
        return registration
    }

    /// Every registration this process holds (the doorbell's re-scan).
    func allRegistrations() -> [Registration] {
        tables.withLock { $0.slots.compactMap { $0 } }
    }

    /// The registration holding shared-table slot `slot`.
    func registration(slot: Int) -> Registration? {
        tables.withLock { $0.slots.indices.contains(slot) ? $0.slots[slot] : nil }
    }

    /// The registration a readiness token names, or nil when the token is stale.
    func registration(token raw: UInt64) -> Registration? {
        let token = Token(raw)
        return tables.withLock { tables in
            let slot = Int(token.slot)
            guard slot < tables.slots.count, tables.generations[slot] == token.generation else { return nil }
            return tables.slots[slot]
        }
    }

    /// Forgets the descriptor number (EventSelect is closing it).
    func forget(_ fd: CInt) {
        tables.withLock { $0.uncache(fd) }
    }

    /// Remembers a socket `Notifier.accept` returned unselected.
    func markAccepted(_ identity: SocketIdentity) {
        tables.withLock { tables in
            if tables.accepted.count >= 65536 { tables.accepted.removeAll() }
            tables.accepted.insert(identity)
        }
    }

    /// Whether `identity` came from `Notifier.accept` (and forgets it).
    func takeAccepted(_ identity: SocketIdentity) -> Bool {
        tables.withLock { $0.accepted.remove(identity) != nil }
    }

    struct Suspect {
        var registration: Registration
        var fd: CInt
        var backends: [EpollBackend]
        var checksLeft: Int
    }

    private let suspectCount = Atomic<Int>(0)

    /// A registration stays after its descriptor `fd` was closed because the kernel still held the
    /// socket: check again on later drains.
    func suspect(_ registration: Registration, closed fd: CInt, backends: [EpollBackend]) {
        tables.withLock { tables in
            tables.suspects.append(Suspect(registration: registration, fd: fd, backends: backends, checksLeft: 32))
            suspectCount.store(tables.suspects.count, ordering: .releasing)
        }
    }

    /// Looks at the suspects again: those whose socket is gone now are retired; each is looked at
    /// a bounded number of times (a socket that lives on through another descriptor is left to
    /// the sweep). Costs one atomic load when there are none.
    func recheckSuspects() {
        guard suspectCount.load(ordering: .acquiring) > 0 else { return }
        let due = tables.withLock { tables -> [Suspect] in
            let due = tables.suspects
            tables.suspects.removeAll()
            suspectCount.store(0, ordering: .releasing)
            return due
        }
        var again: [Suspect] = []
        for var suspect in due {
            if suspect.backends.allSatisfy({ $0.isStillArmed(suspect.fd) == false }) {
                retire(suspect.registration)
            } else if suspect.checksLeft > 1 {
                suspect.checksLeft -= 1
                again.append(suspect)
            }
        }
        if !again.isEmpty {
            tables.withLock { tables in
                tables.suspects.append(contentsOf: again)
                suspectCount.store(tables.suspects.count, ordering: .releasing)
            }
        }
    }

    /// A cached descriptor that names `identity`, if any (a scan only when one exists).
    func descriptor(of identity: SocketIdentity) -> CInt? {
        tables.withLock { $0.hasDescriptor(of: identity) ? $0.descriptors.descriptor(of: identity) : nil }
    }

    /// Drops the registrations of sockets that are gone. A socket is gone when the kernel has
    /// removed every epoll entry it had (that happens only at its last close, in any process); an
    /// unarmed registration is kept while the descriptor it remembers still names the socket.
    func sweep() {
        var live = Set<UInt64>()
        for backend in LiveNotifiers.backends() {
            guard let tokens = backend.liveTokens() else { return }  // cannot tell: keep everything
            live.formUnion(tokens)
        }
        let candidates = tables.withLock { Array($0.byIdentity.values) }
        var dead: [Registration] = []
        for registration in candidates {
            let gone = registration.withState { state -> Bool in
                if !state.arms.isEmpty { return !live.contains(registration.token.raw) }
                let fd = state.knownFD
                return fd < 0 || (try? SocketIdentity(of: fd)) != registration.identity
            }
            if gone { dead.append(registration) }
        }
        for registration in dead { retire(registration) }
        tables.withLock { $0.sweepThreshold = max(4096, 2 * $0.byIdentity.count) }
    }

    /// Drops a registration whose socket is gone: its slot's generation moves on, so reports still
    /// in flight for it are recognised as stale.
    func retire(_ registration: Registration) {
        // Let go of the event object or queue now, under the slot's lock: a delivery that still
        // holds the registration object cannot reach them any more.
        registration.withState { state in
            if state.ownedHere { state.claim([], .none) }
            state.target = .none
        }
        tables.withLock { tables in
            guard tables.byIdentity[registration.identity] === registration else { return }
            tables.retire(registration)
            tables.byIdentity.removeValue(forKey: registration.identity)
            let slot = registration.slotIndex
            tables.slots[slot] = nil
            tables.generations[slot] &+= 1
        }
        SharedTable.mapped.releaseSlot(registration.slotIndex)
    }

}
