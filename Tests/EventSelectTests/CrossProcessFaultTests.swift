// Faults and exhaustion in the cross-process layer: a full registry, several processes filling a
// small one, slots of exited processes (also ones seen by many processes), a transient EMFILE in
// an import, an unusable registry file, exports never imported. Each runs against a private
// registry (PrivateRegistry) in child processes, so the user's registry is never filled.
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct CrossProcessFaultTests {
    @Test func capacity_aFullTableAnswersENOBUFS_andSeveralProcessesFillItToCapacity() throws {
        let registry = try PrivateRegistry()
        let environment = registry.environment(slots: 1024)
        let fillers = try (0..<4).map { _ in try PeerProcess(environment: environment) }
        // All four at once: 1,200 selections for 1,024 slots.
        for filler in fillers { try filler.begin("fill 300") }
        var selected = 0
        for filler in fillers {
            let answer = numbers(try filler.answer(timeout: .seconds(60)))
            try #require(answer.count == 2)
            selected += answer[0]
            #expect(answer[1] == 0 || answer[1] == ENOBUFS)
        }
        #expect(selected == 1024)
        // Full: the next selection is refused at once, with ENOBUFS.
        let late = try PeerProcess(environment: environment)
        #expect(try late.call("fill 1") == "ok 0 \(ENOBUFS)")
        // A process that exits without closing leaves its slots to reclamation.
        let before = fillers[0].pid
        fillers[0].terminate()
        #expect(!processExistsForTest(before))
        let freed = numbers(try late.call("fill 50"))
        #expect(freed.first == 50)
    }

    @Test func holders_aSlotSeenByManyProcessesIsReclaimedWhenTheyAllExit() throws {
        let registry = try PrivateRegistry()
        let environment = registry.environment(slots: 64)
        let exporter = try PeerProcess(environment: environment)
        let fds = numbers(try exporter.call("pair"))
        try #require(fds.count == 2)
        try exporter.ok("select-event \(fds[0]) \(NetworkEvents.read.rawValue)")
        // Nine processes hold a registration of one socket (more than any fixed holder list).
        var holders: [PeerProcess] = []
        for _ in 0..<9 {
            let holder = try PeerProcess(environment: environment)
            let info = try exporter.call("dup-for \(fds[0]) \(holder.pid)")
            try #require(info.hasPrefix("info "))
            let fd = try holder.ok("import " + info.dropFirst(5))
            try holder.ok("select-event \(fd) \(NetworkEvents.read.rawValue)")
            holders.append(holder)
        }
        for holder in holders { holder.terminate() }
        exporter.terminate()
        // Every slot is usable again: the shared socket's slot was reclaimed.
        let late = try PeerProcess(environment: environment)
        let filled = try late.call("fill 64")
        #expect(filled == "ok 64 0")
    }

    @Test(arguments: [false, true])
    func import_aTransientEMFILEDoesNotUseUpTheExport(scmRights: Bool) throws {
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(b) }
        _ = try SocketEvent().fileDescriptor  // background delivery: serves the SCM_RIGHTS path
        let peer = try PeerProcess(environment: scmRights ? ["EVENTSELECT_DISABLE_PIDFD=1"] : [])
        let info = try Notifier.shared.duplicateSocket(a, for: peer.pid)
        try Notifier.shared.close(a)
        let answer = numbers(try peer.call("import-emfile \(hexBytes(info.bytes))", timeout: .seconds(30)))
        try #require(answer.count == 2)
        #expect(answer[0] == EMFILE)
        #expect(try peer.ok("send \(answer[1]) 4") == 4)
        var entry = pollfd(fd: b.rawValue, events: Int16(POLLIN), revents: 0)
        try #require(poll(&entry, 1, 5000) == 1)
        #expect(try rawReceive(b, count: 100) == 4)
        // The source let go of its private copy: the peer's close is the socket's last.
        try peer.ok("close \(answer[1])")
        var closed = false
        for _ in 0..<50 where !closed {
            _ = try SocketEvent.waitAny([try SocketEvent()], timeout: .milliseconds(100))
            entry.revents = 0
            if poll(&entry, 1, 0) == 1, try rawReceive(b, count: 100) == 0 { closed = true }
        }
        #expect(closed)
    }

    @Test func registry_anUnusableFileIsAClearErrorWhileUsed_andRebuiltWhenNot() throws {
        let registry = try PrivateRegistry()
        let environment = registry.environment()
        let first = try PeerProcess(environment: environment)
        #expect(try first.call("fill 1") == "ok 1 0")
        // A header this version did not write (a creator that died half-way, another version).
        try overwrite(registry.registryFile, at: RegistryLayout.magic, littleEndian(0x0BAD_F11E))
        let second = try PeerProcess(environment: environment)
        #expect(try second.call("fill 1") == "ok 0 \(EUCLEAN)")
        // Never a silent private fallback: the same answer on every try while the file is in use.
        #expect(try second.call("fill 1") == "ok 0 \(EUCLEAN)")
        first.terminate()
        // Nobody uses it any more: it is rebuilt, and cross-process sharing works again.
        #expect(try second.call("fill 1") == "ok 1 0")
        let third = try PeerProcess(environment: environment)
        let fds = numbers(try second.call("pair"))
        try #require(fds.count == 2)
        let info = try second.call("dup-for \(fds[0]) \(third.pid)")
        try #require(info.hasPrefix("info "))
        _ = try third.ok("import " + info.dropFirst(5))
    }

    @Test func registry_EMFILEAtFirstUseIsThrown_andTheNextCallUsesTheSharedRegistry() throws {
        let registry = try PrivateRegistry()
        let environment = registry.environment()
        let peer = try PeerProcess(environment: environment)
        let fds = numbers(try peer.call("pair"))
        try #require(fds.count == 2)
        _ = try peer.ok("exhaust")
        #expect(try peer.call("select-event \(fds[0]) \(NetworkEvents.read.rawValue)") == "error \(EMFILE)")
        try peer.ok("release")
        try peer.ok("select-event \(fds[0]) \(NetworkEvents.read.rawValue)")
        // Not a private table: another process imports the socket and shares its selection.
        let other = try PeerProcess(environment: environment)
        let info = try peer.call("dup-for \(fds[0]) \(other.pid)")
        try #require(info.hasPrefix("info "))
        let imported = try other.ok("import " + info.dropFirst(5))
        #expect(try peer.ok("send \(fds[1]) 1") == 1)
        #expect(try peer.call("wait \(fds[0]) 5000") == "set")
        // The record is the socket's, whichever process reads it (docs/SEMANTICS.md rule 20).
        #expect(try other.call("enum \(imported)") == "events 1 0 0 0 0 0 0")
    }

    @Test func registry_aFileOfTheWrongSizeIsRebuiltWhenUnused() throws {
        let registry = try PrivateRegistry()
        let environment = registry.environment()
        let first = try PeerProcess(environment: environment)
        #expect(try first.call("fill 1") == "ok 1 0")
        first.terminate()
        #expect(truncate(registry.registryFile, 4096) == 0)
        let second = try PeerProcess(environment: environment)
        #expect(try second.call("fill 3") == "ok 3 0")
    }

    @Test func exports_neverImportedOnesDoNotFillTheListForOtherProcesses() throws {
        let registry = try PrivateRegistry()
        let environment = registry.environment()
        let exporter = try PeerProcess(environment: environment)
        let target = try PeerProcess(environment: environment)
        let fds = numbers(try exporter.call("pair"))
        try #require(fds.count == 2)
        // One process's exports that are never imported stop at its own limit ...
        #expect(try exporter.call("dup-many \(fds[0]) \(target.pid) 300") == "ok 256 \(ENOBUFS)")
        // ... and another process of the user still exports.
        let other = try PeerProcess(environment: environment)
        let otherFDs = numbers(try other.call("pair"))
        try #require(otherFDs.count == 2)
        #expect(try other.call("dup-many \(otherFDs[0]) \(target.pid) 10") == "ok 10 0")
        // Exports for a process that exited can never be imported: their entries are reused.
        target.terminate()
        let next = try PeerProcess(environment: environment)
        #expect(try exporter.call("dup-many \(fds[0]) \(next.pid) 10") == "ok 10 0")
    }
}

private func processExistsForTest(_ pid: pid_t) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
}
