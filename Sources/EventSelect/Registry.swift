import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// The one registration per underlying socket (SPEC section 1), for the whole process: every
/// `Notifier` instance shares it, so a selection through any of them replaces the previous one
/// (SPEC rule 14).
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
        var identities: [CInt: SocketIdentity] = [:]
        var slots: [Registration?] = []
        var generations: [UInt32] = []
        var freeSlots: [UInt32] = []
    }

    /// Resolves `fd` with fstat(2) (always: the validating path) and caches the answer.
    /// - Throws: EBADF for a closed descriptor, ENOTSOCK for a non-socket.
    func resolve(_ fd: CInt) throws(Errno) -> (SocketIdentity, Registration?) {
        let identity: SocketIdentity
        do {
            identity = try SocketIdentity(of: fd)
        } catch {
            if fd >= 0 { _ = tables.withLock { $0.identities.removeValue(forKey: fd) } }
            throw error
        }
        let registration = tables.withLock { tables in
            tables.identities[fd] = identity
            return tables.byIdentity[identity]
        }
        return (identity, registration)
    }

    /// The registration of the socket behind `fd`, from the cache when the descriptor is known
    /// (no syscall), else resolving it. Used by the re-enabling calls, whose own syscall then
    /// reports a bad descriptor.
    func registration(cached fd: CInt) -> Registration? {
        let cached: Registration?? = tables.withLock { tables in
            guard let identity = tables.identities[fd] else { return .none }
            return .some(tables.byIdentity[identity])
        }
        if let cached { return cached }
        return try? resolve(fd).1
    }

    /// The registration of `identity`, created if there is none.
    func registration(for identity: SocketIdentity, socket fd: CInt) -> Registration {
        tables.withLock { tables in
            if let existing = tables.byIdentity[identity] { return existing }
            let slot: UInt32
            if let free = tables.freeSlots.popLast() {
                slot = free
            } else {
                slot = UInt32(tables.slots.count)
                tables.slots.append(nil)
                tables.generations.append(0)
            }
            let registration = Registration(
                identity: identity, token: Token(slot: slot, generation: tables.generations[Int(slot)]), socket: fd)
            tables.slots[Int(slot)] = registration
            tables.byIdentity[identity] = registration
            tables.identities[fd] = identity
            return registration
        }
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
        _ = tables.withLock { $0.identities.removeValue(forKey: fd) }
    }

    /// Records that `fd` now names `identity` (a socket EventSelect just created or accepted).
    func remember(_ fd: CInt, as identity: SocketIdentity) {
        tables.withLock { $0.identities[fd] = identity }
    }

    /// Drops a registration whose socket is gone: its slot's generation moves on, so reports still
    /// in flight for it are recognised as stale.
    func retire(_ registration: Registration) {
        tables.withLock { tables in
            guard tables.byIdentity[registration.identity] === registration else { return }
            tables.byIdentity.removeValue(forKey: registration.identity)
            let slot = Int(registration.token.slot)
            tables.slots[slot] = nil
            tables.generations[slot] &+= 1
            tables.freeSlots.append(UInt32(slot))
        }
    }

    /// The number of live registrations (for tests and the benchmarks' memory figures).
    var count: Int { tables.withLock { $0.byIdentity.count } }
}
