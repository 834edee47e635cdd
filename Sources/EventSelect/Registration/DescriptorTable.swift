import SystemPackage

/// Descriptor number -> (identity, registration), for descriptors EventSelect has resolved: pages of
/// 1,024 entries allocated on first use, so a lookup is two array indexings (no hashing) and a
/// descriptor number near the fd limit costs one page, not a table up to it. 24 bytes an entry.
struct DescriptorTable {
    struct Entry {
        /// Inode 0 marks an empty entry (sockfs never hands out inode 0).
        var identity: SocketIdentity
        /// The registration of `identity` when one was known at caching time (checked for
        /// `retired` before use).
        var registration: Registration?

        static let empty = Entry(identity: SocketIdentity(inode: 0, device: 0), registration: nil)
        var isEmpty: Bool { identity.inode == 0 && identity.device == 0 }
    }

    private static let pageBits = 10
    private static let pageSize = 1 << pageBits
    private static let pageMask = pageSize - 1
    /// Pages allocated on first use and kept for the life of the process (the registry is a
    /// process-wide singleton): plain pointers, so a lookup does no reference counting.
    private var pages: [UnsafeMutablePointer<Entry>?] = []

    subscript(fd: CInt) -> Entry? {
        guard fd >= 0 else { return nil }
        let page = Int(fd) >> DescriptorTable.pageBits
        guard page < pages.count, let entries = pages[page] else { return nil }
        let entry = entries[Int(fd) & DescriptorTable.pageMask]
        return entry.isEmpty ? nil : entry
    }

    /// Caches `fd`; returns the entry it replaced.
    mutating func store(_ fd: CInt, _ identity: SocketIdentity, _ registration: Registration?) -> Entry? {
        guard fd >= 0 else { return nil }
        let old = self[fd]
        let page = Int(fd) >> DescriptorTable.pageBits
        if page >= pages.count { pages.append(contentsOf: repeatElement(nil, count: page + 1 - pages.count)) }
        if pages[page] == nil {
            let entries = UnsafeMutablePointer<Entry>.allocate(capacity: DescriptorTable.pageSize)
            entries.initialize(repeating: .empty, count: DescriptorTable.pageSize)
            pages[page] = entries
        }
        pages[page]![Int(fd) & DescriptorTable.pageMask] = Entry(identity: identity, registration: registration)
        return old
    }

    /// Updates the registration of a cached `fd`.
    mutating func attach(_ fd: CInt, _ registration: Registration?) {
        pages[Int(fd) >> DescriptorTable.pageBits]![Int(fd) & DescriptorTable.pageMask].registration = registration
    }

    /// A cached descriptor of `identity`, lowest number first: a scan of the allocated pages, for the
    /// rare close that needs another descriptor of the same socket.
    func descriptor(of identity: SocketIdentity) -> CInt? {
        for (page, entries) in pages.enumerated() {
            guard let entries else { continue }
            for index in 0..<DescriptorTable.pageSize where entries[index].identity == identity {
                return CInt(page << DescriptorTable.pageBits + index)
            }
        }
        return nil
    }

    /// Forgets `fd`; returns the entry it had.
    mutating func remove(_ fd: CInt) -> Entry? {
        guard let old = self[fd] else { return nil }
        pages[Int(fd) >> DescriptorTable.pageBits]![Int(fd) & DescriptorTable.pageMask] = .empty
        return old
    }
}
