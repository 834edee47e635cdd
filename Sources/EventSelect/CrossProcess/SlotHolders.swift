// Which processes hold a registration object for a slot, and the reclamation of slots whose
// holders have all exited (they cannot release them). Separate because it is what bounds the
// table's growth: reclamation is amortised (a few slots looked at per new slot), so a table near
// capacity never runs a whole-table scan under the global lock, and a full one answers at once.
import CEventSelect
import Glibc
import SystemPackage

extension SharedTable {
    /// Slots looked at for abandoned ones per new slot once the table is three-quarters full.
    static let reclaimStep = 32
    /// Slots looked at when the table is full, before answering ENOBUFS.
    static let reclaimWhenFull = 1024

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
            guard let found = locateRepairing(identity.inode).found, slots[found.slot].cookie == cookie else { return nil }
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
        slots[index].unlisted_holders = 0
    }

    /// Adds this process. A full list first drops holders that have exited; a ninth live holder
    /// is counted (`unlisted_holders`) and releases by count.
    func addHolder(_ index: Int) {
        let me = CurrentProcess.pid
        var list = holders(index)
        if list.contains(me) { return }
        if list.firstIndex(of: 0) == nil {
            for position in list.indices where list[position] <= 0 || !processExists(list[position]) {
                list[position] = 0
            }
        }
        if let free = list.firstIndex(of: 0) {
            list[free] = me
        } else {
            slots[index].unlisted_holders &+= 1
        }
        setHolders(index, list)
    }

    func removeHolder(_ index: Int) {
        var list = holders(index)
        if let at = list.firstIndex(of: CurrentProcess.pid) {
            list[at] = 0
            setHolders(index, list)
        } else if slots[index].unlisted_holders > 0 {
            slots[index].unlisted_holders -= 1
        }
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
        var alive: [Int32: Bool] = [:]
        let me = CurrentProcess.pid
        var freed = 0
        for _ in 0..<min(budget, end) {
            let index = cursor
            cursor = cursor + 1 == end ? 0 : cursor + 1
            guard slots[index].inode != 0, slots[index].unlisted_holders == 0 else { continue }
            let abandoned = holders(index).allSatisfy { pid in
                if pid == 0 { return true }
                if pid < 0 || pid == me { return pid < 0 }
                if let known = alive[pid] { return !known }
                let exists = processExists(pid)
                alive[pid] = exists
                return !exists
            }
            if abandoned {
                delete(index)
                freed += 1
            }
        }
        header.pointee.reclaim_cursor = UInt32(cursor)
        return freed
    }
}
