// The attacks of docs/SECURITY.md, run as an attacker would run them, each shown to fail: from a
// second process, and as a second user (setpriv) where the attack needs one. Registries that an
// attack corrupts or forges are private to the test (PrivateRegistry) and used by child processes
// only, so concurrent test runs sharing the user's registry are not disturbed.
import EventSelect
import Glibc
import SystemPackage
import Testing

/// Waits (bounded) until `fd` is readable.
private func readable(_ fd: FileDescriptor, milliseconds: CInt = 5000) -> Bool {
    var entry = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, milliseconds) == 1
}

@Suite struct SecurityTests {
    // MARK: 1. socket theft with the info bytes

    @Test(arguments: testBackends)
    func attack1_anotherUserWithTheInfoBytesGetsNoSocket(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        _ = try SocketEvent().fileDescriptor  // background delivery: this process serves its doorbell
        let thief = try PeerProcess(user: attackerUID)
        // Even information naming the thief's pid is this user's: its MAC does not verify there.
        let info = try notifier.duplicateSocket(a, for: thief.pid)
        let hex = hexBytes(info.bytes)
        #expect(try thief.call("import \(hex)") == "error \(EINVAL)")
        // The doorbell lives in a 0700 directory: another user cannot even send to it ...
        #expect(try thief.call("raw-handover \(userDirectory)/bell.\(getpid()) \(hex)") == "error \(EACCES)")
        // ... and nothing listens on the abstract name the old design used.
        #expect(try thief.call("raw-handover @eventselect.\(geteuid()).\(getpid()) \(hex)") == "error \(ECONNREFUSED)")
        #expect(!readable(b, milliseconds: 0))
    }

    @Test func attack1_sameUserProcessThatIsNotTheTargetGetsNoDescriptor() throws {
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        _ = try SocketEvent().fileDescriptor
        let target = try PeerProcess(environment: ["EVENTSELECT_DISABLE_PIDFD=1"])
        let other = try PeerProcess()
        let info = try Notifier.shared.duplicateSocket(a, for: target.pid)
        let bell = "\(userDirectory)/bell.\(getpid())"
        // The source hands a descriptor over only to the export's target (kernel-verified
        // credentials), for a claim it made, once: a request from anyone else gets nothing.
        #expect(try other.call("raw-handover \(bell) \(hexBytes(info.bytes))") == "nofd")
        #expect(try other.call("import \(hexBytes(info.bytes))") == "error \(EACCES)")
        // The export is intact: the target imports it (over SCM_RIGHTS), once.
        let fd = try target.importSocket(info)
        #expect(try target.ok("send \(fd) 3") == 3)
        try #require(readable(b))
        #expect(try other.call("raw-handover \(bell) \(hexBytes(info.bytes))") == "nofd")
        #expect(try target.call("import \(hexBytes(info.bytes))") == "error \(EALREADY)")
    }

    @Test func attack1_aClaimedExportIsHandedOnlyToItsTargetsCredentials() throws {
        let registry = try PrivateRegistry()
        let environment = registry.environment()
        let source = try PeerProcess(environment: environment)
        let target = try PeerProcess(environment: environment + ["EVENTSELECT_DISABLE_PIDFD=1"])
        let thief = try PeerProcess(environment: environment)
        let fds = numbers(try source.call("pair"))
        try #require(fds.count == 2)
        try source.ok("select-event \(fds[1]) \(NetworkEvents.read.rawValue)")
        let answer = try source.call("dup-for \(fds[0]) \(target.pid)")
        try #require(answer.hasPrefix("info "))
        let hex = String(answer.dropFirst(5))
        // A thief of the same user queues requests for the export, for every claim number, from a
        // socket at the very name the target's answer would go to (for its own pid). The source
        // delivers only when told to, so they wait in its doorbell's queue.
        #expect(try thief.call("raw-handover-send \(registry.path)/bell.\(source.pid) \(hex)") == "ok")
        // Then the target claims the export (claim 1) and queues its own request behind them.
        try target.begin("import \(hex)")
        let info = unhexForTest(hex)
        let index = Int(info[16]) | Int(info[17]) << 8
        let state = RegistryLayout.exportsOffset + index * RegistryLayout.exportSize + 36
        try #require(waitUntil { (try? readWord(registry.registryFile, at: state)) == 2 })  // claimed
        // The source reads the thief's requests first: the claim matches, the credentials do not.
        #expect(try source.call("wait \(fds[1]) 300") == "timeout")
        #expect(try thief.call("raw-handover-wait 300") == "nofd")
        #expect(try target.answer().hasPrefix("ok "))
    }

    // MARK: 2. a registry or directory prepared by someone else

    @Test func attack2_aDirectoryOrRegistryPreparedByAnotherUserIsRefused() throws {
        let base = try PrivateRegistry()
        // Squatted: created by the attacker, world-writable.
        let squatted = base.path + "/squatted"
        #expect(mkdir(squatted, 0o777) == 0 && chmod(squatted, 0o777) == 0)
        #expect(chown(squatted, attackerUID, attackerUID) == 0)
        // Ours, but readable by others.
        let loose = base.path + "/loose"
        #expect(mkdir(loose, 0o700) == 0 && chmod(loose, 0o755) == 0)
        // Ours and private, with a registry file someone made world-writable.
        let planted = base.path + "/planted"
        #expect(mkdir(planted, 0o700) == 0)
        let file = open(planted + "/registry-v8", O_CREAT | O_WRONLY | O_CLOEXEC, 0o666)
        #expect(file >= 0 && fchmod(file, 0o666) == 0)
        close(file)
        // A symlink to the squatted directory.
        let link = base.path + "/link"
        #expect(symlink(squatted, link) == 0)
        for (directory, expected) in [(squatted, EACCES), (loose, EACCES), (planted, EACCES), (link, ENOTDIR)] {
            let victim = try PeerProcess(environment: ["EVENTSELECT_DIR=\(directory)"])
            let fds = numbers(try victim.call("pair"))
            try #require(fds.count == 2)
            #expect(try victim.call("select-event \(fds[0]) 1") == "error \(expected)", "\(directory)")
            #expect(try victim.call("dup-for \(fds[0]) \(victim.pid)").hasPrefix("error"), "\(directory)")
        }
        // Nothing of the victim's was created in the squatted directory.
        #expect(access(squatted + "/registry-v8", F_OK) != 0)
        #expect(access(squatted + "/info-key", F_OK) != 0)
    }

    // MARK: 3. corrupt table contents

    @Test(arguments: testBackends)
    func attack3_garbageInTheIndexAndCountersNeverCrashes(backend: NotifierBackend) throws {
        let registry = try PrivateRegistry()
        let environment = registry.environment(slots: 1024, backend: backend)
        let first = try PeerProcess(environment: environment)
        #expect(try first.call("fill 100") == "ok 100 0")
        // Garbage wherever an index, count or link lives: the header's counters, the whole bucket
        // index, and the free-list links of the slots.
        let file = registry.registryFile
        try overwrite(file, at: RegistryLayout.used, littleEndian(0xFFFF_FFF0))
        try overwrite(file, at: RegistryLayout.nextSlot, littleEndian(0xDEAD_BEEF))
        try overwrite(file, at: RegistryLayout.freeHead, littleEndian(0x7FFF_FFFF))
        try overwrite(file, at: RegistryLayout.tombstones, littleEndian(0xFFFF_FFFF))
        try overwrite(file, at: RegistryLayout.reclaimCursor, littleEndian(0xFFFF_FFFF))
        var generator = SplitMix(seed: 0x5EC)
        let index = (0..<1024 * 8).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        try overwrite(file, at: RegistryLayout.bucketsOffset, index)
        for slot in 0..<1024 {
            let base = RegistryLayout.slotsOffset(slotCount: 1024) + slot * RegistryLayout.slotSize
            try overwrite(file, at: base + 8, littleEndian(UInt32(truncatingIfNeeded: generator.next())))  // cookie / link
            try overwrite(file, at: base + 24, littleEndian(UInt32(truncatingIfNeeded: generator.next())))  // owner_pid
            try overwrite(file, at: base + 80, littleEndian(UInt32(truncatingIfNeeded: generator.next())))  // holders[0]
        }
        // The export list and the overflow holders too.
        let exports = (0..<RegistryLayout.exportSize * RegistryLayout.exportCount).map { _ in
            UInt8(truncatingIfNeeded: generator.next())
        }
        try overwrite(file, at: RegistryLayout.exportsOffset, exports)
        let overflow = (0..<RegistryLayout.overflowHolders).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        try overwrite(
            file, at: RegistryLayout.stripes + RegistryLayout.stripeCount * RegistryLayout.mutexSize, overflow)
        // The process already using the table goes on (it meets the garbage first), and so does
        // one that opens it now.
        #expect(try first.call("fill 10") == "ok 10 0")
        let second = try PeerProcess(environment: environment)
        #expect(try second.call("fill 100") == "ok 100 0")
        #expect(try first.call("fill 10") == "ok 10 0")
        // Exports and imports work through the repaired table.
        let third = try PeerProcess(environment: environment)
        let shared = numbers(try second.call("pair"))
        try #require(shared.count == 2)
        let info = try second.call("dup-for \(shared[0]) \(third.pid)")
        try #require(info.hasPrefix("info "))
        _ = try third.ok("import " + info.dropFirst(5))
        let fds = numbers(try second.call("pair"))
        try #require(fds.count == 2)
        try second.ok("select-event \(fds[0]) \(NetworkEvents.read.rawValue)")
        #expect(try second.ok("send \(fds[1]) 1") == 1)
        #expect(try second.call("wait \(fds[0]) 5000") == "set")
    }

    // MARK: 4. forged lock words

    @Test(arguments: testBackends)
    func attack4_aLockWordNamingNoLiveThreadIsRecovered(backend: NotifierBackend) throws {
        let registry = try PrivateRegistry()
        let environment = registry.environment(backend: backend)
        let first = try PeerProcess(environment: environment)
        #expect(try first.call("fill 10") == "ok 10 0")
        // The table lock and every slot lock "held" by a thread that does not exist, with waiters.
        let forged = littleEndian(UInt32(bitPattern: try exitedPID()) | 0x8000_0000)
        try overwrite(registry.registryFile, at: RegistryLayout.tableLock, forged)
        for stripe in 0..<RegistryLayout.stripeCount {
            try overwrite(registry.registryFile, at: RegistryLayout.stripes + stripe * RegistryLayout.mutexSize, forged)
        }
        let second = try PeerProcess(environment: environment)
        #expect(try second.call("fill 10") == "ok 10 0")
        #expect(try first.call("fill 10") == "ok 10 0")
        let fds = numbers(try first.call("pair"))
        try #require(fds.count == 2)
        try first.ok("select-event \(fds[0]) \(NetworkEvents.read.rawValue)")
        #expect(try first.ok("send \(fds[1]) 1") == 1)
        #expect(try first.call("wait \(fds[0]) 5000") == "set")
    }

    @Test func attack4_aLockHeldByALiveThreadForeverGivesAClearError() throws {
        let registry = try PrivateRegistry()
        let environment = registry.environment()
        let first = try PeerProcess(environment: environment)
        #expect(try first.call("fill 1") == "ok 1 0")
        // pid 1's main thread exists and never releases the table lock: a bounded wait, then ETIMEDOUT.
        try overwrite(registry.registryFile, at: RegistryLayout.tableLock, littleEndian(1))
        let second = try PeerProcess(environment: environment)
        #expect(try second.call("fill 1", timeout: .seconds(30)) == "ok 0 \(ETIMEDOUT)")
        // A slot lock held that long is taken over instead (its callers cannot fail): the
        // selection completes after the bounded wait.
        try overwrite(registry.registryFile, at: RegistryLayout.tableLock, littleEndian(0))
        // The next slot is slot 1 (the first process has slot 0): its stripe is stripe 1.
        try overwrite(registry.registryFile, at: RegistryLayout.stripes + RegistryLayout.mutexSize, littleEndian(1))
        #expect(try second.call("fill 1", timeout: .seconds(30)) == "ok 1 0")
    }

    // MARK: 5. doorbell flood

    @Test(arguments: testBackends)
    func attack5_aFullDoorbellQueueLosesNoEvent(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        let owner = try PeerProcess(environment: backend == .epoll ? ["EVENTSELECT_FORCE_EPOLL=1"] : [])
        let fd = try owner.importSocket(try notifier.duplicateSocket(a, for: owner.pid))
        try owner.ok("select-event \(fd) \(NetworkEvents.read.rawValue)")
        #expect(try rawSend(b, count: 100) == 100)
        #expect(try owner.call("wait \(fd) 5000") == "set")
        _ = try owner.call("enum \(fd)")
        let bell = "\(userDirectory)/bell.\(owner.pid)"
        // Another user cannot reach the doorbell at all.
        let stranger = try PeerProcess(user: attackerUID)
        #expect(try stranger.call("flood \(bell)") == "error \(EACCES)")
        // A process of the user fills its queue before every hand-over: each ring is refused
        // (EAGAIN), and every FD_READ still reaches the owner, which re-scans on each wake.
        let flooder = try PeerProcess()
        var delivered = 0
        for _ in 0..<20 {
            let answer = try flooder.call("flood \(bell)")
            #expect(answer.hasPrefix("ok"), "\(answer)")
            // This process's partial receive re-enables FD_READ: data is left, so FD_READ is
            // recorded again for the owner's registration (docs/SEMANTICS.md rules 10 and 20).
            #expect(try receive(notifier, a, count: 1) == 1)
            if try owner.call("wait \(fd) 5000") == "set" { delivered += 1 }
            #expect(try owner.call("enum \(fd)") == "events 1 0 0 0 0 0 0")
        }
        #expect(delivered == 20)
    }

    // MARK: 6. name squatting

    @Test(arguments: testBackends)
    func attack6_squattingDoorbellNamesChangesNothing(backend: NotifierBackend) throws {
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        let squatter = try PeerProcess(user: attackerUID)
        let owner = try PeerProcess(environment: backend == .epoll ? ["EVENTSELECT_FORCE_EPOLL=1"] : [])
        // Another user can create nothing in the directory, and the abstract names of old are not used.
        #expect(try squatter.call("bind \(userDirectory)/bell.\(owner.pid + 1)") == "error \(EACCES)")
        #expect(try squatter.call("bind @eventselect.\(geteuid()).\(owner.pid)") == "ok")
        #expect(try squatter.call("bind @eventselect.\(geteuid()).\(owner.pid).import.1") == "ok")
        // A leftover doorbell file by the owner's name (an exited process with the same pid) is replaced.
        let leftover = try PeerProcess()
        try leftover.ok("bind \(userDirectory)/bell.\(owner.pid)")
        leftover.terminate()
        let fd = try owner.importSocket(try Notifier.shared.duplicateSocket(a, for: owner.pid))
        try owner.ok("select-event \(fd) \(NetworkEvents.read.rawValue)")
        #expect(try rawSend(b, count: 20) == 20)
        #expect(try owner.call("wait \(fd) 5000") == "set")
        _ = try owner.call("enum \(fd)")
        var delivered = 0
        for _ in 0..<10 {
            #expect(try receive(Notifier.shared, a, count: 1) == 1)
            if try owner.call("wait \(fd) 5000") == "set" { delivered += 1 }
            _ = try owner.call("enum \(fd)")
        }
        #expect(delivered == 10)
    }

    // MARK: 7. every byte of the info is authenticated

    @Test func attack7_everyMutatedByteOfTheInfoIsRejected() throws {
        let (a, b) = try makePair(.unix)
        defer { closeQuietly(a, b) }
        let info = try Notifier.shared.duplicateSocket(a, for: getpid())
        #expect(info.bytes.count == 64)
        var accepted = 0
        for index in info.bytes.indices {
            for bit in 0..<8 {
                var bytes = info.bytes
                bytes[index] ^= UInt8(1 << bit)
                do {
                    let fd = try Notifier.shared.socket(from: SocketProtocolInfo(bytes: bytes))
                    accepted += 1
                    close(fd.rawValue)
                } catch {
                    #expect(error == .invalidArgument, "byte \(index) bit \(bit)")
                }
            }
        }
        #expect(accepted == 0)
        #expect(throws: Errno.invalidArgument) {
            try Notifier.shared.socket(from: SocketProtocolInfo(bytes: Array(info.bytes.dropLast())))
        }
        #expect(throws: Errno.invalidArgument) {
            try Notifier.shared.socket(from: SocketProtocolInfo(bytes: info.bytes + [0]))
        }
        // The untouched information still imports, once, and is the very socket.
        let fd = try Notifier.shared.socket(from: info)
        defer { close(fd.rawValue) }
        var first = stat()
        var second = stat()
        #expect(fstat(a.rawValue, &first) == 0 && fstat(fd.rawValue, &second) == 0 && first.st_ino == second.st_ino)
    }
}

/// A small deterministic generator (fixed seeds: a failure replays).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
