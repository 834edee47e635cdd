// `duplicateSocket` exports and their one-time imports (docs/SEMANTICS.md rule 18): the process-
// local side (the stashed descriptors), the import's checks, and the descriptor hand-over, by
// pidfd_getfd(2) or, where the kernel refuses that, by SCM_RIGHTS with credentials checked. The
// shared side (the export list in the registry) is ExportList.swift.
import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// Exporting keeps a private descriptor of the socket (the "stash") and records the export —
/// nonce, socket identity, source and target pids, stash number — in the registry. The info bytes
/// carry those fields under a MAC keyed with the user's secret (InfoAuthentication.swift).
///
/// Importing authenticates the bytes, checks that this process is the target, claims the export
/// (one claim at a time; exactly one import ever completes), takes the stash, checks that the
/// descriptor is the very socket exported (inode and cookie), marks the export imported and rings
/// the source, which then closes its stash. A transient failure of the fetch (EMFILE, ENFILE,
/// ENOMEM, a timeout) hands the claim back, so a retry can still import.
///
/// Who can import: only the target pid, and only this user. The pidfd path needs ptrace access to
/// the source (same user); the SCM_RIGHTS path is answered only when the requester's kernel-verified
/// credentials are the export's target pid and this uid, for the current claim, once per claim,
/// to the requester's own socket in the 0700 user directory.
enum Exports {
    struct Stash {
        var fd: CInt
        var index: Int
        /// The last claim handed over by SCM_RIGHTS: one hand-over per claim.
        var handed: UInt32 = 0
    }

    /// This process's stashes by nonce.
    private static let stashes = Mutex<[UInt64: Stash]>([:])

    /// How long an SCM_RIGHTS import waits for the source (which answers while it waits or
    /// delivers through EventSelect), and how often it repeats its request meanwhile.
    static let handOverTimeoutMilliseconds = 5000
    static let handOverRetryMilliseconds: CInt = 100

    static func export(_ fd: CInt, identity: SocketIdentity, to target: pid_t) throws(Errno) -> SocketProtocolInfo {
        guard processExists(target) else { throw .noSuchProcess }
        let table = try SharedTable.opened()
        let key = try InfoAuthentication.key()
        try Doorbell.ensure()
        rescan()
        let stash = try syscall { fcntl(fd, F_DUPFD_CLOEXEC, 0) }
        let cookie = CEventSelect_socket_cookie(fd)
        let nonce = UInt64.random(in: 1...UInt64.max)
        let me = CurrentProcess.pid
        let placed: (index: Int, notify: pid_t?)
        do throws(Errno) {
            placed = try table.withTableLock { () throws(Errno) -> (index: Int, notify: pid_t?) in
                let placed = try table.addExport(
                    CEventSelect_export(
                        nonce: nonce, inode: identity.inode, cookie: cookie, source_pid: me, target_pid: target,
                        stash_fd: stash, state: SharedTable.ExportState.waiting.rawValue, imported_at: 0, attempt: 0,
                        reserved: 0))
                // Under the table lock: a re-scan never sees the entry without its stash.
                stashes.withLock { $0[nonce] = Stash(fd: stash, index: placed.index) }
                return placed
            }
        } catch {
            Glibc.close(stash)
            throw error
        }
        if let source = placed.notify { Doorbell.ring(source) }
        let family = (try? socketOption(fd, SOL_SOCKET, SO_DOMAIN)) ?? 0
        let type = (try? socketOption(fd, SOL_SOCKET, SO_TYPE)) ?? 0
        let proto = (try? socketOption(fd, SOL_SOCKET, SO_PROTOCOL)) ?? 0
        return SocketProtocolInfo(
            .init(
                sourcePID: me, targetPID: target, exportIndex: placed.index, family: family, type: type,
                protocol: proto, inode: identity.inode, cookie: cookie, nonce: nonce),
            key: key)
    }

    static func importSocket(_ info: SocketProtocolInfo) throws(Errno) -> CInt {
        let key = try InfoAuthentication.key()
        guard let fields = info.authenticated(key: key), fields.exportIndex >= 0,
            fields.exportIndex < Int(CEventSelect_EXPORT_COUNT), fields.nonce != 0
        else { throw .invalidArgument }
        guard fields.targetPID == CurrentProcess.pid else { throw .permissionDenied }
        let table = try SharedTable.opened()
        let claim = try table.withTableLock { () throws(Errno) in try table.claimExport(fields) }
        func finish(imported: Bool) {
            _ = try? table.withTableLock { () throws(Errno) in
                table.finishExport(fields.exportIndex, nonce: fields.nonce, attempt: claim.attempt, imported: imported)
            }
            if imported { tellSource(fields.sourcePID) }
        }
        let fd: CInt
        do throws(Errno) {
            fd = try fetch(claim.stash, from: fields.sourcePID, nonce: fields.nonce, attempt: claim.attempt)
        } catch {
            // Out of descriptors or memory, or the source slow to answer: the export stays good.
            let transient: Set<Errno> = [
                .tooManyOpenFiles, .tooManyOpenFilesInSystem, .noMemory, .timedOut, .noBufferSpace,
            ]
            finish(imported: !transient.contains(error))
            throw error
        }
        // Never hand out another socket: the descriptor must be the one exported.
        let identity = try? SocketIdentity(of: fd)
        guard identity?.inode == fields.inode, CEventSelect_socket_cookie(fd) == fields.cookie else {
            Glibc.close(fd)
            finish(imported: true)
            throw .staleNFSFileHandle
        }
        finish(imported: true)
        return fd
    }

    /// The source closes its stash once it sees the export imported.
    private static func tellSource(_ source: pid_t) {
        if source == CurrentProcess.pid { rescan() } else { Doorbell.ring(source) }
    }

    /// Takes the source's stash: a dup in-process, pidfd_getfd across processes, SCM_RIGHTS when
    /// pidfd_getfd is refused (Yama ptrace_scope, seccomp) or disabled for testing.
    private static func fetch(_ stash: CInt, from source: pid_t, nonce: UInt64, attempt: UInt32) throws(Errno) -> CInt {
        if source == CurrentProcess.pid {
            guard stashes.withLock({ $0[nonce]?.fd }) == stash else { throw .staleNFSFileHandle }
            return try syscall { fcntl(stash, F_DUPFD_CLOEXEC, 0) }
        }
        if !ProcessEnvironment.disablePidfd {
            let pidfd = try syscall { CEventSelect_pidfd_open(source) }
            defer { Glibc.close(pidfd) }
            do throws(Errno) {
                return try syscall { CEventSelect_pidfd_getfd(pidfd, stash) }
            } catch .badFileDescriptor {
                throw .staleNFSFileHandle
            } catch .permissionDenied, .notPermitted, .noFunction {
                // Refused (Yama ptrace_scope, seccomp, an old kernel): the source hands it over itself.
            }
        }
        return try requestDescriptor(from: source, nonce: nonce, attempt: attempt)
    }

    /// The SCM_RIGHTS path of an import: asks the source's doorbell, from a socket of our own in
    /// the user directory, and waits (bounded) for the descriptor. The request is repeated while
    /// waiting (a datagram may be lost, or the source's queue full); the source answers one claim
    /// once.
    private static func requestDescriptor(from source: pid_t, nonce: UInt64, attempt: UInt32) throws(Errno) -> CInt {
        let directory = try UserDirectory.descriptor()
        let name = replyName(pid: CurrentProcess.pid, nonce: nonce, attempt: attempt)
        var (address, length) = try UserDirectory.socketAddress(name)
        var (bell, bellLength) = try UserDirectory.socketAddress(Doorbell.name(of: source))
        let socket = try syscall { Glibc.socket(AF_UNIX, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0) }
        defer { Glibc.close(socket) }
        _ = unlinkat(directory, name, 0)
        try syscall {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
            }
        }
        defer { _ = unlinkat(directory, name, 0) }
        var request = Doorbell.Message(kind: Doorbell.Kind.handOver.rawValue, slot: attempt, value: nonce)
        var waited = 0
        while true {
            do throws(Errno) {
                try syscall {
                    withUnsafePointer(to: &bell) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(
                                socket, &request, MemoryLayout<Doorbell.Message>.size, CInt(MSG_DONTWAIT), $0,
                                bellLength)
                        }
                    }
                }
            } catch .resourceTemporarilyUnavailable {
                // The source's queue is full: it is behind on reading; ask again after the pause.
            } catch .connectionRefused, .noSuchFileOrDirectory {
                guard processExists(source) else { throw .noSuchProcess }
            }
            var entry = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            if try syscall({ poll(&entry, 1, handOverRetryMilliseconds) }) > 0 {
                var fd: CInt = -1
                var echoed: UInt64 = 0
                var truncated: CInt = 0
                let count = try syscall { CEventSelect_recv_fd(socket, &fd, &echoed, 8, &truncated) }
                if count == 8, echoed == nonce, fd >= 0 { return fd }
                if fd >= 0 { Glibc.close(fd) }
                // A descriptor the kernel could not install (our table is full) is dropped.
                if truncated != 0 { throw .tooManyOpenFiles }
            }
            waited += Int(handOverRetryMilliseconds)
            if waited >= handOverTimeoutMilliseconds {
                throw processExists(source) ? .timedOut : .noSuchProcess
            }
        }
    }

    static func replyName(pid: pid_t, nonce: UInt64, attempt: UInt32) -> String {
        "imp.\(pid).\(String(nonce, radix: 16)).\(attempt)"
    }

    /// Source side of the SCM_RIGHTS path: answers a request whose kernel-verified credentials
    /// (`pid`, `uid`) are the export's target and this user, for its current claim, once, and only
    /// to the requester's own reply socket in the user directory.
    static func handOver(
        nonce: UInt64, attempt: UInt32, to pid: pid_t, uid: uid_t, reply: sockaddr_un, _ length: socklen_t
    ) {
        guard pid > 0, let stash = stashes.withLock({ $0[nonce] }), stash.handed < attempt,
            let table = SharedTable.ifOpened,
            (try? table.withTableLock { () throws(Errno) -> Bool in
                table.mayHandOver(stash.index, nonce: nonce, attempt: attempt, to: pid, uid: uid)
            }) == true,
            let answer = try? UserDirectory.socketAddress(replyName(pid: pid, nonce: nonce, attempt: attempt)),
            answer.1 == length,
            withUnsafeBytes(
                of: answer.0,
                { expected in
                    withUnsafeBytes(of: reply) { Array($0.prefix(Int(length))) == Array(expected.prefix(Int(length))) }
                }),
            let bell = Doorbell.current
        else { return }
        var (expected, expectedLength) = answer
        stashes.withLock { $0[nonce]?.handed = attempt }
        var echoed = nonce
        _ = try? syscall { CEventSelect_send_fd_to(bell, stash.fd, &echoed, 8, &expected, expectedLength) }
    }

    /// Closes the stashes nobody can import any more: imported exports, entries reused or freed,
    /// exports whose target exited.
    static func rescan() {
        let held = stashes.withLock { $0 }
        guard !held.isEmpty, let table = SharedTable.ifOpened else { return }
        let finished =
            (try? table.withTableLock { () throws(Errno) -> [UInt64] in
                held.filter { !table.stashStillNeeded($0.value.index, nonce: $0.key) }.map(\.key)
            }) ?? []
        for nonce in finished {
            guard let stash = stashes.withLock({ $0.removeValue(forKey: nonce) }) else { continue }
            Glibc.close(stash.fd)
        }
    }
}
