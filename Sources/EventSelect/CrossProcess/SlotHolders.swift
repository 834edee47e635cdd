// Which processes hold a registration object for a slot, and the reclamation of slots whose
// holders have all exited (they cannot release them). Separate because it is what bounds the
// table's growth: reclamation is amortised (a few slots looked at per new slot), so a table near
// capacity never runs a whole-table scan under the global lock, and a full one answers at once.
import CEventSelect
import Glibc
import Synchronization
import SystemPackage

extension SharedTable {
    /// Slots looked at for abandoned ones per new slot once the table is three-quarters full.
    static let reclaimStep = 32
    /// Slots looked at when the table is full, before answering ENOBUFS.
    static let reclaimWhenFull = 1024
    /// Reclamation steps a process trusts its answers to "is pid alive" for (a full step asks again).
    static let livenessSteps = 64
    static let liveness = Mutex<(steps: Int, alive: [Int32: Bool])>((0, [:]))

    /// The slot of a socket, found or taken, with this process among its holders.
    /// - Throws: ENOBUFS when the table is full (after one bounded reclamation step); ETIMEDOUT or
    ///   EUCLEAN from the table lock.
    func acquireSlot(_ identity: SocketIdentity, cookie: UInt64) throws(Errno) -> Int {
        try withTableLock { () throws(Errno) -> Int in
            if Int(header.pointee.used) * 4 >= slotCount * 3 { reclaim(budget: SharedTable.reclaimStep) }
            if let index = findOrTake(identity, cookie: cookie) { return index }
            if reclaim(budget: SharedTable.reclaimWhenFull) > 0, let index = findOrTake(identity, cookie: cookie) {
                return index
            }
            throw .noBufferSpace
        }
    }

    /// The socket's slot if some process registered it, with this process added as a holder;
    /// nil when there is none (nothing is taken) or the table cannot be locked.
    func attachSlot(_ identity: SocketIdentity, cookie: UInt64) -> Int? {
        (try? withTableLock { () throws(Errno) -> Int? in
            guard let found = locateRepairing(identity.inode).found, slots[found.slot].cookie == cookie else {
                return nil
            }
            addHolder(found.slot)
            return found.slot
        }) ?? nil
    }

    /// This process no longer holds a registration object for the slot; the slot is freed when no
    /// process does.
    func releaseSlot(_ index: Int) {
        _ = try? withTableLock { () throws(Errno) in
            guard index < Int(header.pointee.next_slot), slots[index].inode != 0 else { return }
            removeHolder(index)
            if holders(index).allSatisfy({ $0 == 0 }) && slots[index].unlisted_holders == 0 { delete(index) }
        }
    }

    // MARK: holders (table lock held)

    func holders(_ index: Int) -> [Int32] {
        let h = slots[index].holders
        return [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7]
    }

    private func setHolders(_ index: Int, _ list: [Int32]) {
        slots[index].holders = (list[0], list[1], list[2], list[3], list[4], list[5], list[6], list[7])
    }

    func clearHolders(_ index: Int) {
        setHolders(index, Array(repeating: 0, count: Int(CEventSelect_HOLDERS)))
        clearOverflow(index)
    }

    /// Adds this process. A full list first drops holders that have exited; a ninth live holder
    /// goes to the header's overflow list (every holder is listed somewhere, so every exit is
    /// seen). Only when that is full too is a holder merely counted: its slot then waits for it to
    /// release.
    func addHolder(_ index: Int) {
        let me = CurrentProcess.pid
        var list = holders(index)
        if list.contains(me) || (slots[index].unlisted_holders > 0 && overflowEntry(index, me) != nil) { return }
        if list.firstIndex(of: 0) == nil {
            for position in list.indices where list[position] <= 0 || !processExists(list[position]) {
                list[position] = 0
            }
        }
        if let free = list.firstIndex(of: 0) {
            list[free] = me
            setHolders(index, list)
            return
        }
        setHolders(index, list)
        if let entry = overflowEntry(nil, 0) ?? overflowEntryOfExitedProcess() {
            overflow[entry] = CEventSelect_overflow_holder(slot_plus_one: UInt32(index + 1), pid: me)
        }
        slots[index].unlisted_holders &+= 1
    }

    func removeHolder(_ index: Int) {
        var list = holders(index)
        if let at = list.firstIndex(of: CurrentProcess.pid) {
            list[at] = 0
            setHolders(index, list)
            return
        }
        if let entry = overflowEntry(index, CurrentProcess.pid) {
            overflow[entry] = CEventSelect_overflow_holder(slot_plus_one: 0, pid: 0)
        }
        if slots[index].unlisted_holders > 0 { slots[index].unlisted_holders -= 1 }
    }

    /// The header's overflow holders.
    var overflow: UnsafeMutablePointer<CEventSelect_overflow_holder> {
        withUnsafeMutablePointer(to: &header.pointee.overflow) {
            UnsafeMutableRawPointer($0).assumingMemoryBound(to: CEventSelect_overflow_holder.self)
        }
    }

    /// The overflow entry of slot `index` (nil: a free entry) held by `pid`.
    private func overflowEntry(_ index: Int?, _ pid: pid_t) -> Int? {
        let wanted = index.map { UInt32($0 + 1) } ?? 0
        for entry in 0..<Int(CEventSelect_OVERFLOW_HOLDERS)
        where overflow[entry].slot_plus_one == wanted && (index == nil || overflow[entry].pid == pid) {
            return entry
        }
        return nil
    }

    /// An overflow entry whose process has exited (its slot's count drops with it).
    private func overflowEntryOfExitedProcess() -> Int? {
        for entry in 0..<Int(CEventSelect_OVERFLOW_HOLDERS) where !processExists(overflow[entry].pid) {
            dropOverflow(entry)
            return entry
        }
        return nil
    }

    /// Frees an overflow entry and takes it off its slot's count.
    private func dropOverflow(_ entry: Int) {
        let slot = Int(overflow[entry].slot_plus_one) - 1
        if slot >= 0, slot < slotCount, slots[slot].unlisted_holders > 0 { slots[slot].unlisted_holders -= 1 }
        overflow[entry] = CEventSelect_overflow_holder(slot_plus_one: 0, pid: 0)
    }

    /// Drops the overflow entries of slot `index` whose process has exited; true when none is left
    /// (or none was ever counted).
    private func overflowHoldersGone(_ index: Int, alive: (pid_t) -> Bool) -> Bool {
        guard slots[index].unlisted_holders > 0 else { return true }
        for entry in 0..<Int(CEventSelect_OVERFLOW_HOLDERS) where overflow[entry].slot_plus_one == UInt32(index + 1) {
            if alive(overflow[entry].pid) { return false }
            dropOverflow(entry)
        }
        // Holders counted without an entry (the overflow list was full) are not known: keep it.
        return slots[index].unlisted_holders == 0
    }

    /// Forgets every overflow holder of slot `index` (the slot starts afresh).
    func clearOverflow(_ index: Int) {
        guard slots[index].unlisted_holders > 0 else { return }
        for entry in 0..<Int(CEventSelect_OVERFLOW_HOLDERS) where overflow[entry].slot_plus_one == UInt32(index + 1) {
            overflow[entry] = CEventSelect_overflow_holder(slot_plus_one: 0, pid: 0)
        }
        slots[index].unlisted_holders = 0
    }

    // MARK: reclamation

    /// Looks at up to `budget` slots from where the last step stopped and frees those whose
    /// listed holders have all exited and that have no unlisted holder. Returns how many it freed.
    /// Liveness is asked once per pid per step.
    @discardableResult
    func reclaim(budget: Int) -> Int {
        let end = min(Int(header.pointee.next_slot), slotCount)
        guard end > 0 else { return 0 }
        var cursor = Int(header.pointee.reclaim_cursor)
        if cursor >= end { cursor = 0 }
        // Liveness answers are kept for `livenessSteps` steps: a table near capacity then costs a
        // kill(2) per holder process every so many selections, not on every one.
        var alive = SharedTable.liveness.withLock { cache -> [Int32: Bool] in
            cache.steps += 1
            if cache.steps >= SharedTable.livenessSteps || budget > SharedTable.reclaimStep {
                cache.steps = 0
                cache.alive.removeAll(keepingCapacity: true)
            }
            return cache.alive
        }
        defer { SharedTable.liveness.withLock { $0.alive = alive } }
        let me = CurrentProcess.pid
        var freed = 0
        for _ in 0..<min(budget, end) {
            let index = cursor
            cursor = cursor + 1 == end ? 0 : cursor + 1
            guard slots[index].inode != 0 else { continue }
            func exists(_ pid: pid_t) -> Bool {
                if pid <= 0 { return false }
                if pid == me { return true }
                if let known = alive[pid] { return known }
                let known = processExists(pid)
                alive[pid] = known
                return known
            }
            if holders(index).allSatisfy({ !exists($0) }) && overflowHoldersGone(index, alive: exists) {
                delete(index)
                freed += 1
            }
        }
        header.pointee.reclaim_cursor = UInt32(cursor)
        return freed
    }
}
