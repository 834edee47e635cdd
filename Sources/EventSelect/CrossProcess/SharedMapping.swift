// The registry file: opening it in the per-user directory, verifying it (owner, mode, type, size,
// magic, version), mapping it, and rebuilding it when it is unusable and no live process uses it.
// The table's operations live beside it: SlotIndex.swift (finding and taking slots),
// SlotHolders.swift (which processes hold a slot, reclamation), ExportList.swift (exports).
import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// The cross-process registry: one slot per underlying socket for every process of the user, in a
/// file of the user directory (`registry-v8`, or `$EVENTSELECT_REGISTRY`) mapped shared.
///
/// A slot holds the Winsock state of the socket's one registration (docs/SEMANTICS.md rules 14,
/// 19-20): the selected events, the network-event record, the reported events, the errors, the
/// connection state, and which process's selection is current (`owner_pid` + `owner_epoch`). The
/// target (event object or queue) stays in the owning process. Every process reads and writes a
/// slot under the slot's robust process-shared mutex, so a selection in one process orders against
/// delivery in every other.
///
/// Shared memory is input: every index, count and offset read from the file is bounds-checked
/// before use, a structure found inconsistent is rebuilt from the slots (SlotIndex.swift), and
/// every lock wait is bounded (SharedLocks.swift). There is no private fallback: when the registry
/// cannot be used, the calls that need it throw.
final class SharedTable: @unchecked Sendable {
    // @unchecked: the mapping is shared memory; every access goes through its robust mutexes.
    let header: UnsafeMutablePointer<CEventSelect_registry_header>
    /// slot + 1, 0 for empty, `tombstone` for deleted; `bucketCount` of them.
    let buckets: UnsafeMutablePointer<UInt32>
    let bucketCount: Int
    let slots: UnsafeMutablePointer<CEventSelect_shared_socket>
    let slotCount: Int
    let exports: UnsafeMutablePointer<CEventSelect_export>
    /// Kept open for the life of the process: its shared flock(2) tells a process that finds the
    /// file unusable that a live process still maps it (so it must not be rebuilt under it).
    private let file: CInt

    private init(base: UnsafeMutableRawPointer, slotCount: Int, file: CInt) {
        header = base.assumingMemoryBound(to: CEventSelect_registry_header.self)
        buckets = (base + SharedTable.bucketsOffset).assumingMemoryBound(to: UInt32.self)
        slots = (base + SharedTable.slotsOffset(slotCount: slotCount)).assumingMemoryBound(
            to: CEventSelect_shared_socket.self)
        exports = withUnsafeMutablePointer(to: &header.pointee.exports) {
            UnsafeMutableRawPointer($0).assumingMemoryBound(to: CEventSelect_export.self)
        }
        self.slotCount = slotCount
        bucketCount = SharedTable.bucketCount(slotCount: slotCount)
        self.file = file
    }

    /// Sockets the table holds for all of a user's processes (100,000 in one process must fit).
    static let defaultSlotCount = 1 << 17
    /// Sizes a registry may have (`$EVENTSELECT_REGISTRY_SLOTS` picks one when creating it).
    static let slotCounts = 64...(1 << 22)
    /// A deleted bucket.
    static let tombstone = UInt32.max
    static var bucketsOffset: Int { (MemoryLayout<CEventSelect_registry_header>.size + 4095) & ~4095 }
    /// Twice as many buckets as slots: linear probing stays short even in a full table (at a load
    /// factor of 1 an insertion probes thousands of buckets).
    static func bucketCount(slotCount: Int) -> Int { slotCount * 2 }
    static func slotsOffset(slotCount: Int) -> Int {
        (bucketsOffset + bucketCount(slotCount: slotCount) * 4 + 4095) & ~4095
    }
    static func size(slotCount: Int) -> Int {
        slotsOffset(slotCount: slotCount) + slotCount * MemoryLayout<CEventSelect_shared_socket>.stride
    }

    // MARK: the process's table

    private static let instance = Mutex<SharedTable?>(nil)
    /// Set once, under `instance`'s lock, before any registration exists.
    nonisolated(unsafe) private static var published: SharedTable?

    /// The registry, opened on first use.
    /// - Throws: EACCES when the directory or file is not this user's alone (see UserDirectory);
    ///   EUCLEAN when the file is unusable (wrong size, version, magic) and a live process still
    ///   uses it; ENAMETOOLONG/EINVAL for a bad `$EVENTSELECT_REGISTRY`; what open/mmap fail with
    ///   (EMFILE, ENOMEM: the next call tries again).
    static func opened() throws(Errno) -> SharedTable {
        if let table = published { return table }
        return try instance.withLock { (table: inout SharedTable?) throws(Errno) -> SharedTable in
            if let table { return table }
            let made = try open()
            table = made
            published = made
            return made
        }
    }

    /// The registry if this process opened it.
    static var ifOpened: SharedTable? { published }

    /// The registry of a process that holds a registration (which implies it was opened).
    static var mapped: SharedTable { published.unsafelyUnwrapped }

    /// The file's name in the user directory.
    static func fileName() throws(Errno) -> String {
        guard let custom = getenv("EVENTSELECT_REGISTRY") else { return "registry-v\(CEventSelect_REGISTRY_VERSION)" }
        var name = Substring(String(cString: custom))
        while name.first == "/" { name = name.dropFirst() }
        guard !name.isEmpty, !name.contains("/"), name.first != ".", name.utf8.count < 200 else {
            throw .invalidArgument
        }
        return String(name)
    }

    private static func requestedSlotCount() -> Int {
        guard let text = getenv("EVENTSELECT_REGISTRY_SLOTS"), let count = Int(String(cString: text)),
            slotCounts.contains(count), count & (count - 1) == 0
        else { return defaultSlotCount }
        return count
    }

    private static func open() throws(Errno) -> SharedTable {
        let name = try fileName()
        for _ in 0..<8 {
            let fd: CInt
            do throws(Errno) {
                fd = try UserDirectory.openFile(name, flags: O_RDWR)
            } catch .noSuchFileOrDirectory {
                // Published complete or not at all (link(2)): nobody ever maps a half-made file.
                let slotCount = requestedSlotCount()
                let size = self.size(slotCount: slotCount)
                _ = try UserDirectory.publish(name, size: size) { fd throws(Errno) in
                    let base = try map(fd, size: size)
                    defer { munmap(base, size) }
                    try initialise(base, slotCount: slotCount)
                }
                continue
            }
            do throws(Errno) {
                try holdShared(fd)
                if let table = try mapVerified(fd) { return table }
                // Unusable. Rebuilt only when no live process holds it (none has a shared flock).
                if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                    UserDirectory.unlink(name, ifStill: fd)
                    Glibc.close(fd)
                    continue
                }
                throw Errno(rawValue: EUCLEAN)
            } catch {
                Glibc.close(fd)
                throw error
            }
        }
        throw .resourceTemporarilyUnavailable
    }

    /// A shared flock on the file, waited for a bounded time (a process rebuilding it holds it
    /// exclusively for an unlink).
    private static func holdShared(_ fd: CInt) throws(Errno) {
        for _ in 0..<1000 {
            if flock(fd, LOCK_SH | LOCK_NB) == 0 { return }
            var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
            nanosleep(&pause, nil)
        }
        throw .timedOut
    }

    /// Maps the file if its header and size are what this version writes; nil when they are not.
    private static func mapVerified(_ fd: CInt) throws(Errno) -> SharedTable? {
        var info = stat()
        try syscall { fstat(fd, &info) }
        var head = (UInt32(0), UInt32(0), UInt32(0))
        let read = try syscall { pread(fd, &head, MemoryLayout.size(ofValue: head), 0) }
        guard read == MemoryLayout.size(ofValue: head), head.0 == UInt32(CEventSelect_REGISTRY_MAGIC),
            head.1 == UInt32(CEventSelect_REGISTRY_VERSION)
        else { return nil }
        let slotCount = Int(head.2)
        guard slotCounts.contains(slotCount), slotCount & (slotCount - 1) == 0,
            info.st_size == off_t(size(slotCount: slotCount))
        else { return nil }
        let base = try map(fd, size: size(slotCount: slotCount))
        let table = SharedTable(base: base, slotCount: slotCount, file: fd)
        try table.withTableLock { () throws(Errno) in table.checkHeader() }
        return table
    }

    private static func map(_ fd: CInt, size: Int) throws(Errno) -> UnsafeMutableRawPointer {
        guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            throw Errno(rawValue: errno)
        }
        return base
    }

    private static func initialise(_ base: UnsafeMutableRawPointer, slotCount: Int) throws(Errno) {
        let header = base.assumingMemoryBound(to: CEventSelect_registry_header.self)
        header.pointee.version = UInt32(CEventSelect_REGISTRY_VERSION)
        header.pointee.slot_count = UInt32(slotCount)
        var rc = CEventSelect_mutex_init(&header.pointee.table_lock)
        withUnsafeMutablePointer(to: &header.pointee.stripes) { stripes in
            stripes.withMemoryRebound(to: pthread_mutex_t.self, capacity: Int(CEventSelect_LOCK_STRIPES)) { stripe in
                for index in 0..<Int(CEventSelect_LOCK_STRIPES) where rc == 0 {
                    rc = CEventSelect_mutex_init(stripe + index)
                }
            }
        }
        if rc != 0 { throw Errno(rawValue: rc) }
        header.pointee.magic = UInt32(CEventSelect_REGISTRY_MAGIC)
    }

    // MARK: locks

    /// Runs `body` with the table lock held (insertion, deletion, exports).
    /// - Throws: ETIMEDOUT when a live process holds the lock beyond the bound; EUCLEAN when the
    ///   lock is corrupt.
    func withTableLock<R>(_ body: () throws(Errno) -> R) throws(Errno) -> R {
        var outcome = SharedLock.acquire(&header.pointee.table_lock)
        if case .failed = outcome {
            // A word glibc rejects outright (a corrupt kind) is unusable for every process: start
            // it afresh, once.
            _ = CEventSelect_mutex_init(&header.pointee.table_lock)
            outcome = SharedLock.acquire(&header.pointee.table_lock)
        }
        switch outcome {
        case .acquired:
            break  // a holder that died mid-operation leaves nothing a bounds check does not catch
        case .timedOut:
            throw .timedOut
        case .failed:
            throw Errno(rawValue: EUCLEAN)
        }
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

    /// Locks slot `index` (a valid index: this process's own) and returns it; `unlockSlot`
    /// releases it. A stripe a live holder keeps beyond the bound (a stopped process, a forged
    /// word naming a live thread) is taken over rather than waited for forever.
    @inline(__always)
    func lockSlot(_ index: Int) -> UnsafeMutablePointer<CEventSelect_shared_socket> {
        let slot = slots + index
        var outcome = SharedLock.acquire(stripe(index))
        while true {
            switch outcome {
            case .acquired(let ownerDied):
                // A process died holding the stripe: what it was delivering for this slot is lost.
                if ownerDied { slot.pointee.undelivered = 0 }
                return slot
            case .timedOut:
                let mutex = stripe(index)
                _ = CEventSelect_mutex_clear_word(mutex, CEventSelect_mutex_word(mutex))
            case .failed:
                // A word glibc rejects outright is unusable for every process: start it afresh.
                _ = CEventSelect_mutex_init(stripe(index))
            }
            outcome = SharedLock.acquire(stripe(index))
        }
    }

    @inline(__always)
    func unlockSlot(_ index: Int) {
        _ = CEventSelect_mutex_unlock(stripe(index))
    }

    /// The number of slots ever taken (an atomic read without the lock: a stale value only costs
    /// a lookup).
    var insertions: UInt32 { CEventSelect_load_acquire_u32(&header.pointee.insertions) }
}
