import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// The cross-process registry: one slot per underlying socket for every process of the user, in a
/// shared mapping (`/dev/shm/eventselect-v6-<uid>`, or `$EVENTSELECT_REGISTRY`).
///
/// A slot holds the Winsock state of the socket's one registration (SPEC rules 14, 19-20): the
/// selected events, the network-event record, the reported events, the errors, the connection
/// state, and which process's selection is current (`owner_pid` + `owner_epoch`). The target (event
/// object or queue) stays in the owning process. Every process reads and writes a slot under the
/// slot's robust process-shared mutex, so a selection in one process orders against delivery in
/// every other: once process B's `eventSelect` returns, process A's delivery sees that it no longer
/// owns the socket and sets nothing (rule 14).
///
/// A bucket index keyed by inode (open addressing) names slots handed out densely; the socket cookie (SO_COOKIE, never reused while the system
/// runs) tells a reused inode from the socket that had it. Robust mutexes mean a process that dies
/// holding a lock leaves it usable (EOWNERDEAD) and the table consistent.
///
/// If shared memory cannot be opened, the table falls back to a private mapping: everything works
/// within the process, and sharing with other processes is off (`isShared`).
final class SharedTable: @unchecked Sendable {
    // @unchecked: the mapping is shared memory; every access goes through its robust mutexes.
    static let shared = SharedTable.open()

    let header: UnsafeMutablePointer<CEventSelect_registry_header>
    /// slot + 1, 0 for empty, `tombstone` for deleted.
    let buckets: UnsafeMutablePointer<UInt32>
    let slots: UnsafeMutablePointer<CEventSelect_shared_socket>
    let slotCount: Int
    let isShared: Bool
    let name: String

    private init(base: UnsafeMutableRawPointer, slotCount: Int, isShared: Bool, name: String) {
        header = base.assumingMemoryBound(to: CEventSelect_registry_header.self)
        buckets = (base + SharedTable.bucketsOffset).assumingMemoryBound(to: UInt32.self)
        slots = (base + SharedTable.slotsOffset(slotCount: slotCount)).assumingMemoryBound(
            to: CEventSelect_shared_socket.self)
        self.slotCount = slotCount
        self.isShared = isShared
        self.name = name
    }

    /// Sockets the table holds for all of a user's processes (SPEC section 4: 100,000 in one process).
    static let defaultSlotCount = 1 << 17
    /// A deleted bucket.
    static let tombstone = UInt32.max
    static var bucketsOffset: Int { (MemoryLayout<CEventSelect_registry_header>.size + 4095) & ~4095 }
    static func slotsOffset(slotCount: Int) -> Int { (bucketsOffset + slotCount * 4 + 4095) & ~4095 }
    static func size(slotCount: Int) -> Int {
        slotsOffset(slotCount: slotCount) + slotCount * MemoryLayout<CEventSelect_shared_socket>.stride
    }

    private static func open() -> SharedTable {
        let name = getenv("EVENTSELECT_REGISTRY").map { String(cString: $0) } ?? "/eventselect-v\(CEventSelect_REGISTRY_VERSION)-\(getuid())"
        let slotCount = defaultSlotCount
        let size = self.size(slotCount: slotCount)
        if let base = mapShared(name: name, size: size, slotCount: slotCount) {
            return SharedTable(base: base, slotCount: slotCount, isShared: true, name: name)
        }
        let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        precondition(base != MAP_FAILED, "EventSelect: cannot map the registry")
        initialise(base, slotCount: slotCount)
        return SharedTable(base: base, slotCount: slotCount, isShared: false, name: "(private)")
    }

    /// Creates or opens the shared object. The creator initialises it and publishes `magic` last;
    /// others wait (bounded) until it is published.
    private static func mapShared(name: String, size: Int, slotCount: Int) -> UnsafeMutableRawPointer? {
        var created = true
        var fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 && errno == EEXIST {
            created = false
            fd = shm_open(name, O_RDWR | O_CLOEXEC, 0o600)
        }
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        if created {
            guard ftruncate(fd, off_t(size)) == 0 else {
                shm_unlink(name)
                return nil
            }
        } else {
            // The creator may still be sizing it: wait until it is (bounded).
            var info = stat()
            for _ in 0..<2000 {
                guard fstat(fd, &info) == 0 else { return nil }
                if info.st_size >= size { break }
                sched_yield()
            }
            guard info.st_size == size else { return nil }
        }
        guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            return nil
        }
        let header = base.assumingMemoryBound(to: CEventSelect_registry_header.self)
        if created {
            initialise(base, slotCount: slotCount)
        } else {
            var published = false
            for _ in 0..<200_000 {
                if atomicLoad(&header.pointee.magic) == UInt32(CEventSelect_REGISTRY_MAGIC) {
                    published = true
                    break
                }
                sched_yield()
            }
            guard published, header.pointee.version == UInt32(CEventSelect_REGISTRY_VERSION),
                header.pointee.slot_count == UInt32(slotCount)
            else {
                munmap(base, size)
                return nil
            }
        }
        return base
    }

    private static func initialise(_ base: UnsafeMutableRawPointer, slotCount: Int) {
        let header = base.assumingMemoryBound(to: CEventSelect_registry_header.self)
        header.pointee.version = UInt32(CEventSelect_REGISTRY_VERSION)
        header.pointee.slot_count = UInt32(slotCount)
        header.pointee.used = 0
        let rc = CEventSelect_mutex_init(&header.pointee.table_lock)
        precondition(rc == 0, "EventSelect: cannot initialise the registry lock (\(rc))")
        withUnsafeMutablePointer(to: &header.pointee.stripes) { stripes in
            stripes.withMemoryRebound(to: pthread_mutex_t.self, capacity: Int(CEventSelect_LOCK_STRIPES)) { stripe in
                for index in 0..<Int(CEventSelect_LOCK_STRIPES) {
                    let rc = CEventSelect_mutex_init(stripe + index)
                    precondition(rc == 0, "EventSelect: cannot initialise a registry slot lock (\(rc))")
                }
            }
        }
        atomicStore(&header.pointee.magic, UInt32(CEventSelect_REGISTRY_MAGIC))
    }

    // MARK: slots

    /// Runs `body` with the table lock held (insertion, deletion, exports).
    func withTableLock<R>(_ body: () throws(Errno) -> R) throws(Errno) -> R {
        _ = CEventSelect_mutex_lock(&header.pointee.table_lock)
        defer { _ = CEventSelect_mutex_unlock(&header.pointee.table_lock) }
        return try body()
    }

    /// Runs `body` with slot `index` locked.
    @inline(__always)
    func withSlot<R>(_ index: Int, _ body: (UnsafeMutablePointer<CEventSelect_shared_socket>) -> R) -> R {
        let slot = lockSlot(index)
        defer { unlockSlot(index) }
        return body(slot)
    }

    /// The lock of slot `index`: one of the header's stripes.
    @inline(__always)
    private func stripe(_ index: Int) -> UnsafeMutablePointer<pthread_mutex_t> {
        UnsafeMutableRawPointer(header).advanced(by: SharedTable.stripesOffset)
            .assumingMemoryBound(to: pthread_mutex_t.self) + (index & (Int(CEventSelect_LOCK_STRIPES) - 1))
    }

    private static let stripesOffset = MemoryLayout<CEventSelect_registry_header>.offset(of: \.stripes)!

    /// Locks slot `index` and returns it; `unlockSlot` releases it.
    @inline(__always)
    func lockSlot(_ index: Int) -> UnsafeMutablePointer<CEventSelect_shared_socket> {
        let slot = slots + index
        if CEventSelect_mutex_lock(stripe(index)) == EOWNERDEAD {
            // A process died holding the stripe: what it was delivering for this slot is lost.
            slot.pointee.undelivered = 0
        }
        return slot
    }

    @inline(__always)
    func unlockSlot(_ index: Int) {
        _ = CEventSelect_mutex_unlock(stripe(index))
    }

    /// The slot of a socket, found or taken, with this process among its holders.
    /// - Throws: ENOBUFS when the table is full even after reclaiming slots of exited processes.
    func acquireSlot(_ identity: SocketIdentity, cookie: UInt64) throws(Errno) -> Int {
        try withTableLock { () throws(Errno) -> Int in
            if Int(header.pointee.used) * 2 > slotCount { reclaimAbandoned() }
            if let index = findOrTake(identity, cookie: cookie) { return index }
            reclaimAbandoned()
            if let index = findOrTake(identity, cookie: cookie) { return index }
            throw .noBufferSpace
        }
    }

    /// Under the table lock: where `inode` is in the bucket index, or where it would go.
    private func locate(_ inode: UInt64) -> (found: (bucket: Int, slot: Int)?, insertAt: Int?) {
        let mask = slotCount - 1
        var bucket = Int(truncatingIfNeeded: (inode &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
        var firstTombstone: Int?
        for _ in 0..<slotCount {
            let value = buckets[bucket]
            if value == 0 { return (nil, firstTombstone ?? bucket) }
            if value == SharedTable.tombstone {
                if firstTombstone == nil { firstTombstone = bucket }
            } else if slots[Int(value - 1)].inode == inode {
                return ((bucket, Int(value - 1)), nil)
            }
            bucket = (bucket + 1) & mask
        }
        return (nil, firstTombstone)
    }

    /// Under the table lock: the socket's slot, found (adding this process as a holder) or taken.
    private func findOrTake(_ identity: SocketIdentity, cookie: UInt64) -> Int? {
        if Int(header.pointee.tombstones) * 4 > slotCount { rebuildIndex() }
        let (found, insertAt) = locate(identity.inode)
        if let found {
            withSlot(found.slot) { slot in
                if slot.pointee.cookie != cookie {
                    // The inode belonged to a socket that is gone: start the slot afresh.
                    SharedTable.clear(slot)
                    slot.pointee.cookie = cookie
                    slot.pointee.holders = (0, 0, 0, 0)
                }
                SharedTable.addHolder(slot, CurrentProcess.pid)
            }
            return found.slot
        }
        guard let insertAt, let index = allocate() else { return nil }
        if buckets[insertAt] == SharedTable.tombstone { header.pointee.tombstones -= 1 }
        buckets[insertAt] = UInt32(index + 1)
        take(index, identity: identity, cookie: cookie)
        return index
    }

    /// Under the table lock: a free slot, reusing freed ones before fresh ones (dense).
    private func allocate() -> Int? {
        if header.pointee.free_head != 0 {
            let index = Int(header.pointee.free_head - 1)
            header.pointee.free_head = UInt32(truncatingIfNeeded: slots[index].cookie)
            return index
        }
        guard Int(header.pointee.next_slot) < slotCount else { return nil }
        defer { header.pointee.next_slot += 1 }
        return Int(header.pointee.next_slot)
    }

    /// Under the table lock: claims an allocated slot.
    private func take(_ index: Int, identity: SocketIdentity, cookie: UInt64) {
        let slot = slots + index
        withSlot(index) { slot in
            SharedTable.clear(slot)
            slot.pointee.cookie = cookie
            slot.pointee.holders = (CurrentProcess.pid, 0, 0, 0)
        }
        slot.pointee.inode = identity.inode
        header.pointee.used += 1
        header.pointee.insertions &+= 1
    }

    /// The number of slots ever taken (a plain read: a stale value only costs a lookup).
    var insertions: UInt32 { header.pointee.insertions }

    /// The socket's slot if some process registered it, with this process added as a holder;
    /// nil when there is none (nothing is taken).
    func attachSlot(_ identity: SocketIdentity, cookie: UInt64) -> Int? {
        (try? withTableLock { () throws(Errno) -> Int? in
            guard let found = locate(identity.inode).found else { return nil }
            return withSlot(found.slot) { slot -> Int? in
                guard slot.pointee.cookie == cookie else { return nil }
                SharedTable.addHolder(slot, CurrentProcess.pid)
                return found.slot
            }
        }) ?? nil
    }

    /// This process no longer holds a registration object for the slot; the slot is freed when no
    /// process does.
    func releaseSlot(_ index: Int) {
        _ = try? withTableLock { () throws(Errno) in
            guard slots[index].inode != 0 else { return }
            let empty = withSlot(index) { slot -> Bool in
                SharedTable.removeHolder(slot, CurrentProcess.pid)
                return SharedTable.holders(slot).allSatisfy { $0 == 0 }
            }
            if empty { delete(index) }
        }
    }

    /// Under the table lock: frees every slot whose holders have all exited (they cannot release).
    private func reclaimAbandoned() {
        for index in 0..<Int(header.pointee.next_slot) where slots[index].inode != 0 {
            let abandoned = withSlot(index) { slot -> Bool in
                SharedTable.holders(slot).allSatisfy { pid in
                    pid == 0 || (pid > 0 && pid != CurrentProcess.pid && kill(pid, 0) != 0 && errno == ESRCH)
                }
            }
            if abandoned { delete(index) }
        }
    }

    /// Under the table lock: removes a slot from the index and puts it on the free list.
    private func delete(_ index: Int) {
        if let found = locate(slots[index].inode).found, found.slot == index {
            buckets[found.bucket] = SharedTable.tombstone
            header.pointee.tombstones += 1
        }
        slots[index].inode = 0
        slots[index].cookie = UInt64(header.pointee.free_head)
        header.pointee.free_head = UInt32(index + 1)
        header.pointee.used -= 1
    }

    /// Under the table lock: rebuilds the bucket index without its tombstones.
    private func rebuildIndex() {
        for bucket in 0..<slotCount { buckets[bucket] = 0 }
        header.pointee.tombstones = 0
        for index in 0..<Int(header.pointee.next_slot) where slots[index].inode != 0 {
            if let insertAt = locate(slots[index].inode).insertAt { buckets[insertAt] = UInt32(index + 1) }
        }
    }

    static func holders(_ slot: UnsafeMutablePointer<CEventSelect_shared_socket>) -> [Int32] {
        let h = slot.pointee.holders
        return [h.0, h.1, h.2, h.3]
    }

    static func addHolder(_ slot: UnsafeMutablePointer<CEventSelect_shared_socket>, _ pid: Int32) {
        var list = holders(slot)
        if list.contains(pid) || list.contains(-1) { return }
        if let free = list.firstIndex(of: 0) { list[free] = pid } else { list[3] = -1 }
        slot.pointee.holders = (list[0], list[1], list[2], list[3])
    }

    static func removeHolder(_ slot: UnsafeMutablePointer<CEventSelect_shared_socket>, _ pid: Int32) {
        var list = holders(slot)
        guard let at = list.firstIndex(of: pid) else { return }
        list[at] = 0
        slot.pointee.holders = (list[0], list[1], list[2], list[3])
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
    }
}

/// Publication of the header between processes: the creator's fence orders its initialisation
/// before `magic`; a reader's fence orders `magic` before what it reads next.
@inline(__always)
func atomicLoad(_ pointer: UnsafeMutablePointer<UInt32>) -> UInt32 {
    let value = pointer.pointee
    atomicMemoryFence(ordering: .acquiring)
    return value
}

@inline(__always)
func atomicStore(_ pointer: UnsafeMutablePointer<UInt32>, _ value: UInt32) {
    atomicMemoryFence(ordering: .releasing)
    pointer.pointee = value
}
