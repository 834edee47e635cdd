// The per-user directory that holds every file EventSelect shares between processes (the registry,
// the doorbell sockets, the info-authentication secret), and the checked opening of those files.
// Separate because it is the trust boundary: nothing outside a directory that only this user can
// reach is ever opened, bound or connected to.
import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// The directory `/dev/shm/eventselect-<euid>` (or `$EVENTSELECT_DIR`), mode 0700, owned by the
/// effective uid.
///
/// Created on first use, or verified when it exists: a directory (not a symlink), owned by the
/// effective uid, no group or other permission bits. Anything else is refused with EACCES (or
/// ENOTDIR), never used and never "fixed": another user who squats the name can deny the
/// cross-process features to this user, but can neither read nor reach anything of them. Every
/// file in it is opened relative to the verified directory descriptor with O_NOFOLLOW and checked
/// with fstat (owner, mode, type, size) before use.
enum UserDirectory {
    private static let opened = Mutex<CInt>(-1)

    /// The directory's path.
    static var path: String {
        if let custom = getenv("EVENTSELECT_DIR"), custom.pointee != 0 { return String(cString: custom) }
        return "/dev/shm/eventselect-\(geteuid())"
    }

    /// The verified directory's descriptor (kept open for the process), created if missing.
    /// - Throws: EACCES when it is not owned by this user or grants group/other access; ENOTDIR
    ///   when the name is not a directory; what mkdir/open fail with (EMFILE is retried next call).
    static func descriptor() throws(Errno) -> CInt {
        try opened.withLock { (fd: inout CInt) throws(Errno) -> CInt in
            if fd >= 0 { return fd }
            let path = self.path
            if mkdir(path, 0o700) != 0 {
                // EEXIST is the common case; anything else surfaces through the open below.
            }
            let made = try syscall { Glibc.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            do throws(Errno) {
                try verify(made, type: S_IFDIR)
            } catch {
                Glibc.close(made)
                throw error
            }
            fd = made
            return made
        }
    }

    /// Checks an open file: of type `type`, owned by the effective uid, no group/other bits, and
    /// (when given) exactly `size` bytes long.
    static func verify(_ fd: CInt, type: mode_t, size: Int? = nil) throws(Errno) {
        var info = stat()
        try syscall { fstat(fd, &info) }
        guard info.st_mode & S_IFMT == type else { throw type == S_IFDIR ? .notDirectory : .permissionDenied }
        guard info.st_uid == geteuid(), info.st_mode & 0o077 == 0 else { throw .permissionDenied }
        if let size, info.st_size != off_t(size) { throw .invalidArgument }
    }

    /// Opens `name` in the directory (no symlinks followed) and verifies it as a regular file.
    static func openFile(_ name: String, flags: CInt, size: Int? = nil) throws(Errno) -> CInt {
        let directory = try descriptor()
        let fd = try syscall { openat(directory, name, flags | O_NOFOLLOW | O_CLOEXEC) }
        do throws(Errno) {
            try verify(fd, type: S_IFREG, size: size)
        } catch {
            Glibc.close(fd)
            throw error
        }
        return fd
    }

    /// Publishes a file complete or not at all: writes it under a temporary name with `fill`, then
    /// links it to `name`. Returns false when another process published `name` first (its file
    /// wins; ours is removed).
    static func publish(_ name: String, size: Int, _ fill: (CInt) throws(Errno) -> Void) throws(Errno) -> Bool {
        let directory = try descriptor()
        let temporary = "\(name).new.\(CurrentProcess.pid)"
        _ = unlinkat(directory, temporary, 0)  // a leftover of a dead process with our pid
        let fd = try syscall { openat(directory, temporary, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600) }
        defer {
            Glibc.close(fd)
            _ = unlinkat(directory, temporary, 0)
        }
        try syscall { ftruncate(fd, off_t(size)) }
        try fill(fd)
        do throws(Errno) {
            try syscall { linkat(directory, temporary, directory, name, 0) }
        } catch .fileExists {
            return false
        }
        return true
    }

    /// Removes `name` if it is still the file `fd` refers to (not one republished meanwhile).
    static func unlink(_ name: String, ifStill fd: CInt) {
        guard let directory = try? descriptor() else { return }
        var mine = stat()
        var there = stat()
        guard (try? syscall({ fstat(fd, &mine) })) != nil,
            (try? syscall({ fstatat(directory, name, &there, AT_SYMLINK_NOFOLLOW) })) != nil,
            mine.st_ino == there.st_ino, mine.st_dev == there.st_dev
        else { return }
        _ = unlinkat(directory, name, 0)
    }

    /// A `sockaddr_un` for `name` in the directory.
    /// - Throws: ENAMETOOLONG when the path does not fit (a long `$EVENTSELECT_DIR`).
    static func socketAddress(_ name: String) throws(Errno) -> (sockaddr_un, socklen_t) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array((path + "/" + name).utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw .fileNameTooLong }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
            raw[bytes.count] = 0
        }
        return (address, socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1))
    }

    /// Removes leftovers of exited processes: `<prefix><pid>...` entries whose pid is gone.
    static func removeLeftovers(prefixes: [String]) {
        guard let directory = try? descriptor() else { return }
        let copy = dup(directory)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { Glibc.close(copy) }
            return
        }
        defer { closedir(stream) }
        var dead: [String] = []
        while let entry = readdir(stream) {
            // d_name is variable-length: read up to its terminating zero only.
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 1) { String(cString: $0) }
            }
            for prefix in prefixes where name.hasPrefix(prefix) {
                let digits = name.dropFirst(prefix.count).prefix { $0.isNumber }
                if let pid = pid_t(digits), pid > 0, !processExists(pid) { dead.append(name) }
            }
        }
        for name in dead { _ = unlinkat(directory, name, 0) }
    }
}
