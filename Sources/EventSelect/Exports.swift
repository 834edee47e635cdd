import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// `duplicateSocket` exports and their one-time imports (SPEC rule 18).
///
/// Exporting keeps a private descriptor of the socket (the "stash") in the exporting process and
/// records the export — nonce, socket identity, source and target pids, stash number — in the
/// cross-process table. Importing checks the information against that record, takes the stash
/// with pidfd_getfd(2) (or, where the kernel refuses it, receives it over SCM_RIGHTS from the
/// source's kick channel), checks that the descriptor is the very socket exported (inode and
/// cookie), marks the export used and tells the source to close its stash.
enum Exports {
    /// This process's stashes by nonce.
    private static let stashes = Mutex<[UInt64: CInt]>([:])

    private enum State: UInt32 {
        case free = 0
        case waiting = 1
        case imported = 2
    }

    static func export(_ fd: CInt, identity: SocketIdentity, to target: pid_t) throws(Errno) -> SocketProtocolInfo {
        if kill(target, 0) != 0 && errno == ESRCH { throw .noSuchProcess }
        let table = SharedTable.shared
        _ = KickChannel.ensure()
        let stash = try syscall { fcntl(fd, F_DUPFD_CLOEXEC, 0) }
        let cookie = CEventSelect_socket_cookie(fd)
        let nonce = UInt64.random(in: 1...UInt64.max)
        let me = CurrentProcess.pid
        let index: Int
        do {
            index = try table.withTableLock { () throws(Errno) -> Int in
                let exports = withUnsafeMutablePointer(to: &table.header.pointee.exports) {
                    UnsafeMutableRawPointer($0).assumingMemoryBound(to: CEventSelect_export.self)
                }
                // A free entry; else the one imported longest ago (a replay of it then reads EINVAL
                // instead of EALREADY); else one left behind by a source that has exited (its stash
                // died with it; its import then reads EINVAL instead of ESRCH).
                var oldestImported: Int?
                var abandoned: Int?
                for index in 0..<Int(CEventSelect_EXPORT_COUNT) {
                    let entry = exports + index
                    switch entry.pointee.state {
                    case State.free.rawValue:
                        if oldestImported.map({ exports[$0].state != State.free.rawValue }) ?? true {
                            oldestImported = index
                        }
                    case State.imported.rawValue:
                        if oldestImported.map({
                            exports[$0].state == State.imported.rawValue
                                && exports[$0].imported_at > entry.pointee.imported_at
                        }) ?? true {
                            oldestImported = index
                        }
                    default:
                        if abandoned == nil && kill(entry.pointee.source_pid, 0) != 0 && errno == ESRCH {
                            abandoned = index
                        }
                    }
                    if let chosen = oldestImported, exports[chosen].state == State.free.rawValue { break }
                }
                oldestImported = oldestImported ?? abandoned
                if let index = oldestImported {
                    exports[index] = CEventSelect_export(
                        nonce: nonce, inode: identity.inode, cookie: cookie, source_pid: me, target_pid: target,
                        stash_fd: stash, state: State.waiting.rawValue, imported_at: 0)
                    return index
                }
                throw .noBufferSpace
            }
        } catch {
            Glibc.close(stash)
            throw error
        }
        stashes.withLock { $0[nonce] = stash }
        let family = (try? socketOption(fd, SOL_SOCKET, SO_DOMAIN)) ?? 0
        let type = (try? socketOption(fd, SOL_SOCKET, SO_TYPE)) ?? 0
        let proto = (try? socketOption(fd, SOL_SOCKET, SO_PROTOCOL)) ?? 0
        return SocketProtocolInfo(
            .init(
                sourcePID: me, targetPID: target, exportIndex: index, family: family, type: type, protocol: proto,
                inode: identity.inode, cookie: cookie, nonce: nonce))
    }

    static func importSocket(_ info: SocketProtocolInfo) throws(Errno) -> CInt {
        guard info.isWellFormed else { throw .invalidArgument }
        let fields = info.fields
        guard fields.exportIndex >= 0, fields.exportIndex < Int(CEventSelect_EXPORT_COUNT),
            fields.nonce != 0
        else { throw .invalidArgument }
        guard fields.targetPID == CurrentProcess.pid else { throw .permissionDenied }
        let table = SharedTable.shared
        // Claim the export: exactly one import ever succeeds.
        let stash = try table.withTableLock { () throws(Errno) -> CInt in
            let entry = withUnsafeMutablePointer(to: &table.header.pointee.exports) {
                UnsafeMutableRawPointer($0).assumingMemoryBound(to: CEventSelect_export.self)
            } + fields.exportIndex
            guard entry.pointee.nonce == fields.nonce, entry.pointee.inode == fields.inode,
                entry.pointee.cookie == fields.cookie, entry.pointee.source_pid == fields.sourcePID,
                entry.pointee.target_pid == fields.targetPID
            else { throw .invalidArgument }
            guard entry.pointee.state == State.waiting.rawValue else { throw .alreadyInProcess }
            entry.pointee.state = State.imported.rawValue
            table.header.pointee.export_sequence &+= 1
            entry.pointee.imported_at = table.header.pointee.export_sequence
            return entry.pointee.stash_fd
        }
        let fd = try fetch(stash, from: fields.sourcePID, nonce: fields.nonce)
        // Never hand out another socket: the descriptor must be the one exported.
        let identity = try? SocketIdentity(of: fd)
        guard identity?.inode == fields.inode, CEventSelect_socket_cookie(fd) == fields.cookie else {
            Glibc.close(fd)
            throw .staleNFSFileHandle
        }
        if fields.sourcePID == CurrentProcess.pid {
            release(nonce: fields.nonce)
        } else {
            KickChannel.exported(fields.sourcePID, nonce: fields.nonce)
        }
        return fd
    }

    /// Takes the source's stash: a dup in-process, pidfd_getfd across processes, SCM_RIGHTS when
    /// pidfd_getfd is refused (Yama ptrace_scope, seccomp) or disabled for testing.
    private static func fetch(_ stash: CInt, from source: pid_t, nonce: UInt64) throws(Errno) -> CInt {
        if source == CurrentProcess.pid {
            guard stashes.withLock({ $0[nonce] }) == stash else { throw .staleNFSFileHandle }
            return try syscall { fcntl(stash, F_DUPFD_CLOEXEC, 0) }
        }
        if !ProcessEnvironment.disablePidfd {
            let pidfd: CInt
            do {
                pidfd = try syscall { CEventSelect_pidfd_open(source) }
            } catch .noSuchProcess {
                throw .noSuchProcess
            }
            defer { Glibc.close(pidfd) }
            do {
                return try syscall { CEventSelect_pidfd_getfd(pidfd, stash) }
            } catch .badFileDescriptor {
                throw .staleNFSFileHandle
            } catch .permissionDenied, .notPermitted, .noFunction {
                // Refused (Yama ptrace_scope, seccomp, an old kernel): the source hands it over itself.
            }
        }
        return try KickChannel.requestDescriptor(from: source, nonce: nonce)
    }

    /// The stash for `nonce`, for the SCM_RIGHTS path.
    static func stash(nonce: UInt64) -> CInt? {
        stashes.withLock { $0[nonce] }
    }

    /// The export was imported: close the stash. The table entry stays marked imported, so a
    /// second import is told so (EALREADY) until the entry is reused.
    static func release(nonce: UInt64) {
        guard let stash = stashes.withLock({ $0.removeValue(forKey: nonce) }) else { return }
        Glibc.close(stash)
    }
}
