// Finding and taking slots in the registry: the bucket index keyed by inode, the dense allocation
// with its free list, and the repair that rebuilds all of it from the slots when a value read from
// shared memory is out of range. Everything here runs under the table lock.
import CEventSelect
import Glibc
import SystemPackage

extension SharedTable {
    /// Where `inode` is in the bucket index, or where it would go; nil when the index is
    /// inconsistent (a value out of range), which the caller repairs.
    func locate(_ inode: UInt64) -> (found: (bucket: Int, slot: Int)?, insertAt: Int?)? {
        let mask = bucketCount - 1
        let limit = min(Int(header.pointee.next_slot), slotCount)
        var bucket = Int(truncatingIfNeeded: (inode &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
        var firstTombstone: Int?
        for _ in 0..<bucketCount {
            let value = buckets[bucket]
            if value == 0 { return (nil, firstTombstone ?? bucket) }
            if value == SharedTable.tombstone {
                if firstTombstone == nil { firstTombstone = bucket }
            } else {
                let slot = Int(value) - 1
                guard slot < limit, slots[slot].inode != 0 else { return nil }
                if slots[slot].inode == inode { return ((bucket, slot), nil) }
            }
            bucket = (bucket + 1) & mask
        }
        return (nil, firstTombstone)
    }

    /// `locate`, repairing the table once if it is inconsistent.
    func locateRepairing(_ inode: UInt64) -> (found: (bucket: Int, slot: Int)?, insertAt: Int?) {
        if let result = locate(inode) { return result }
        repair()
        return locate(inode) ?? (nil, nil)
    }

    /// The socket's slot, found (adding this process as a holder) or taken; nil when full.
    func findOrTake(_ identity: SocketIdentity, cookie: UInt64) -> Int? {
        if Int(header.pointee.tombstones) * 4 > bucketCount { rebuildIndex() }
        let (found, insertAt) = locateRepairing(identity.inode)
        if let found {
            if slots[found.slot].cookie != cookie {
                // The inode belonged to a socket that is gone: start the slot afresh.
                withSlot(found.slot) { slot in
                    SharedTable.clear(slot)
                    slot.pointee.cookie = cookie
                }
                clearHolders(found.slot)
            }
            addHolder(found.slot)
            return found.slot
        }
        guard let insertAt, let index = allocate() else { return nil }
        if buckets[insertAt] == SharedTable.tombstone, header.pointee.tombstones > 0 { header.pointee.tombstones -= 1 }
        buckets[insertAt] = UInt32(index + 1)
        take(index, identity: identity, cookie: cookie)
        return index
    }

    /// A free slot, reusing freed ones before fresh ones (dense); nil when full.
    private func allocate() -> Int? {
        for _ in 0..<2 {
            let head = Int(header.pointee.free_head)
            let next = Int(header.pointee.next_slot)
            guard next <= slotCount, head <= next else {
                repair()
                continue
            }
            if head != 0 {
                let index = head - 1
                let link = slots[index].cookie
                guard slots[index].inode == 0, link <= UInt64(next) else {
                    repair()
                    continue
                }
                header.pointee.free_head = UInt32(link)
                return index
            }
            guard next < slotCount else { return nil }
            header.pointee.next_slot = UInt32(next + 1)
            return next
        }
        return nil
    }

    /// Claims an allocated slot for this process.
    private func take(_ index: Int, identity: SocketIdentity, cookie: UInt64) {
        withSlot(index) { slot in
            SharedTable.clear(slot)
            slot.pointee.cookie = cookie
        }
        clearHolders(index)
        addHolder(index)
        slots[index].inode = identity.inode
        header.pointee.used = min(header.pointee.used &+ 1, UInt32(slotCount))
        _ = CEventSelect_fetch_add_u32(&header.pointee.insertions, 1)
    }

    /// Removes a slot from the index and puts it on the free list.
    func delete(_ index: Int) {
        guard index < Int(header.pointee.next_slot), slots[index].inode != 0 else { return }
        if let found = locateRepairing(slots[index].inode).found, found.slot == index {
            buckets[found.bucket] = SharedTable.tombstone
            header.pointee.tombstones = min(header.pointee.tombstones &+ 1, UInt32(bucketCount))
        }
        slots[index].inode = 0
        slots[index].cookie = UInt64(header.pointee.free_head)
        header.pointee.free_head = UInt32(index + 1)
        if header.pointee.used > 0 { header.pointee.used -= 1 }
    }

    /// Rebuilds the bucket index from the slots, without its tombstones.
    func rebuildIndex() {
        for bucket in 0..<bucketCount { buckets[bucket] = 0 }
        header.pointee.tombstones = 0
        let mask = bucketCount - 1
        for index in 0..<min(Int(header.pointee.next_slot), slotCount) where slots[index].inode != 0 {
            var bucket = Int(truncatingIfNeeded: (slots[index].inode &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
            // At most slot_count entries go into twice as many buckets: a free one is always found
            // (bounded all the same, should another process scribble meanwhile).
            var probes = 0
            while buckets[bucket] != 0 && probes < bucketCount {
                bucket = (bucket + 1) & mask
                probes += 1
            }
            buckets[bucket] = UInt32(index + 1)
        }
    }

    /// Rebuilds every derived structure from the slots themselves: the allocation mark, the free
    /// list, the count and the bucket index. Called when a value read from the table is out of
    /// range (corruption by a faulty process of the user): the table goes on, nothing crashes.
    func repair() {
        let next = min(Int(header.pointee.next_slot), slotCount)
        header.pointee.next_slot = UInt32(next)
        var freeHead: UInt32 = 0
        var used: UInt32 = 0
        for index in (0..<next).reversed() {
            if slots[index].inode == 0 {
                slots[index].cookie = UInt64(freeHead)
                freeHead = UInt32(index + 1)
            } else {
                used += 1
            }
        }
        header.pointee.free_head = freeHead
        header.pointee.used = used
        rebuildIndex()
    }

    /// Checks the header's counters on open; repairs when one is out of range.
    func checkHeader() {
        let next = Int(header.pointee.next_slot)
        if next > slotCount || Int(header.pointee.free_head) > next || Int(header.pointee.used) > next
            || Int(header.pointee.tombstones) > bucketCount || Int(header.pointee.reclaim_cursor) > slotCount
        {
            header.pointee.reclaim_cursor = 0
            repair()
        }
    }

    /// Resets a slot's registration state (the slot's lock is held).
    static func clear(_ slot: UnsafeMutablePointer<CEventSelect_shared_socket>) {
        slot.pointee.mask = 0
        slot.pointee.pending = 0
        slot.pointee.reported = 0
        slot.pointee.undelivered = 0
        slot.pointee.codes = (0, 0, 0, 0, 0, 0)
        slot.pointee.owner_pid = 0
        slot.pointee.socket_type = 0
        slot.pointee.family = 0
        slot.pointee.connection = 0
        slot.pointee.connect_reported = 0
        slot.pointee.local_read_shutdown = 0
        slot.pointee.mode = 0
        slot.pointee.nonblocking = 0
        slot.pointee.reenabled = 0
    }
}
