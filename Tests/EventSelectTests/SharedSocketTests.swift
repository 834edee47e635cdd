// Shared sockets across processes (docs/SEMANTICS.md rules 14, 17-21), with a real second process
// (EventSelectTestPeer) driven over pipes.
import EventSelect
import Glibc
import SystemPackage
import Testing

/// Waits (bounded) until `fd` is readable: the peer end of a test connection.
private func waitReadable(_ fd: FileDescriptor) -> Bool {
    var entry = pollfd(fd: fd.rawValue, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, 5000) == 1
}

@Suite struct SharedSocketTests {
    @Test(arguments: testBackends)
    func rule18_duplicateForAnotherProcess_importsTheSameSocket(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        let peer = try PeerProcess()
        let fd = try peer.importSocket(try notifier.duplicateSocket(a, for: peer.pid))
        // What the peer sends through its descriptor arrives at the other end of this connection.
        #expect(try peer.ok("send \(fd) 7") == 7)
        try #require(waitReadable(b))
        #expect(try rawReceive(b, count: 100) == 7)
        // Rule 19: data read through one descriptor is gone for all.
        try rawSend(b, count: 3)
        #expect(try peer.ok("recv \(fd) 100") == 3)
        try notifier.setBlocking(a, false)
        #expect(throws: Errno.wouldBlock) { try receive(notifier, a, count: 100) }
        // Rule 19: an option set through one descriptor reads back through the other.
        var one: CInt = 1
        setsockopt(a.rawValue, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<CInt>.size))
        #expect(try peer.ok("getopt \(fd) \(SOL_SOCKET) \(SO_KEEPALIVE)") == 1)
    }

    @Test(arguments: testBackends)
    func rule18_infoStaysGoodAfterTheSourceClosesItsDescriptor(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(b) }
        let peer = try PeerProcess()
        let info = try notifier.duplicateSocket(a, for: peer.pid)
        try notifier.close(a)  // "duplicate, hand over, close"
        let fd = try peer.importSocket(info)
        #expect(try peer.ok("send \(fd) 5") == 5)
        try #require(waitReadable(b))
        #expect(try rawReceive(b, count: 100) == 5)
        // The source lets go of the descriptor it kept once told of the import (delivered while it
        // waits through EventSelect); then the peer's close is the socket's last: b sees EOF.
        _ = try SocketEvent.waitAny([try SocketEvent()], timeout: .zero)
        try peer.ok("close \(fd)")
        try #require(waitReadable(b))
        #expect(try rawReceive(b, count: 100) == 0)
    }

    @Test func rule18_secondImportFails() throws {
        let (a, b) = try makePair(.unix)
        defer { closeQuietly(a, b) }
        let peer = try PeerProcess()
        let info = try Notifier.shared.duplicateSocket(a, for: peer.pid)
        _ = try peer.importSocket(info)
        #expect(try peer.call("import \(hexBytes(info.bytes))") == "error \(EALREADY)")
    }

    @Test func rule18_importByAnotherProcessFails() throws {
        let (a, b) = try makePair(.unix)
        defer { closeQuietly(a, b) }
        let first = try PeerProcess()
        let second = try PeerProcess()
        let info = try Notifier.shared.duplicateSocket(a, for: first.pid)
        #expect(try second.call("import \(hexBytes(info.bytes))") == "error \(EACCES)")
        #expect(throws: Errno.permissionDenied) { try Notifier.shared.socket(from: info) }
        // Refused attempts do not use the information up: the named process still imports it.
        _ = try first.importSocket(info)
    }

    @Test func rule18_forgedBytesFailAndNeverYieldAnotherSocket() throws {
        // Garbage of any length is rejected by the import, with EINVAL.
        for garbage in [[], [1, 2, 3], [UInt8](repeating: 0, count: 60), [UInt8](repeating: 0xAB, count: 60)] {
            let forged = try SocketProtocolInfo(bytes: garbage)
            #expect(throws: Errno.invalidArgument) { try Notifier.shared.socket(from: forged) }
        }
        let (a, b) = try makePair(.unix)
        defer { closeQuietly(a, b) }
        let info = try Notifier.shared.duplicateSocket(a, for: getpid())
        for offset in [16, 32, 40, 48, 56] {  // export index, inode, cookie, nonce, checksum
            var bytes = info.bytes
            bytes[offset] ^= 0x5A
            let forged = try SocketProtocolInfo(bytes: bytes)
            #expect(throws: Errno.invalidArgument) { try Notifier.shared.socket(from: forged) }
        }
        // The genuine information still works afterwards, and yields the same socket.
        let imported = try Notifier.shared.socket(from: info)
        defer { closeQuietly(imported) }
        var first = stat()
        var second = stat()
        fstat(a.rawValue, &first)
        fstat(imported.rawValue, &second)
        #expect(first.st_ino == second.st_ino)
    }

    @Test func rule18_badInput() throws {
        #expect(throws: Errno.badFileDescriptor) {
            try Notifier.shared.duplicateSocket(FileDescriptor(rawValue: -1), for: 0)
        }
        var fds: [CInt] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { closeQuietly(FileDescriptor(rawValue: fds[0]), FileDescriptor(rawValue: fds[1])) }
        #expect(throws: Errno.notSocket) {
            try Notifier.shared.duplicateSocket(FileDescriptor(rawValue: fds[0]), for: getpid())
        }
        let (a, b) = try makePair(.unix)
        defer { closeQuietly(a, b) }
        #expect(throws: Errno.invalidArgument) { try Notifier.shared.duplicateSocket(a, for: 0) }
        #expect(throws: Errno.invalidArgument) { try Notifier.shared.duplicateSocket(a, for: -1) }
    }

    @Test func rule18_sourceExitedBeforeImport_neverAnotherSocket() throws {
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        let source = try PeerProcess()
        let target = try PeerProcess()
        let sourceFD = try source.importSocket(try Notifier.shared.duplicateSocket(a, for: source.pid))
        let answer = try source.call("dup-for \(sourceFD) \(target.pid)")
        #expect(answer.hasPrefix("info "))
        source.terminate()
        let imported = try target.call("import " + answer.dropFirst(5))
        if imported.hasPrefix("ok ") {
            // Allowed (Windows succeeds): then it must be this very connection.
            #expect(try target.ok("send \(imported.dropFirst(3)) 4") == 4)
            try #require(waitReadable(b))
            #expect(try rawReceive(b, count: 100) == 4)
        } else {
            #expect(imported == "error \(ESRCH)" || imported == "error \(ESTALE)", "answer: \(imported)")
        }
    }

    @Test func rule18_scmRightsPathWhenPidfdGetfdIsRefused() throws {
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        // The source answers from its delivery: make this process deliver in the background.
        _ = try SocketEvent().fileDescriptor
        let peer = try PeerProcess(environment: ["EVENTSELECT_DISABLE_PIDFD=1"])
        let fd = try peer.importSocket(try Notifier.shared.duplicateSocket(a, for: peer.pid))
        #expect(try peer.ok("send \(fd) 6") == 6)
        try #require(waitReadable(b))
        #expect(try rawReceive(b, count: 100) == 6)
    }

    @Test(arguments: testBackends)
    func rule20_selectionInAnotherProcessCancelsThisOne(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        let event = try SocketEvent()
        try notifier.eventSelect(a, event, [.read])
        let peer = try PeerProcess()
        let fd = try peer.importSocket(try notifier.duplicateSocket(a, for: peer.pid))
        try peer.ok("select-event \(fd) \(NetworkEvents.read.rawValue)")
        try rawSend(b, count: 1)
        #expect(try peer.call("wait \(fd) 5000") == "set")
        // This process's selection was replaced: its event object is never set again.
        #expect(try SocketEvent.waitAny([event], timeout: .zero) == nil)
        #expect(try peer.call("enum \(fd)") == "events 1 0 0 0 0 0 0")
    }

    @Test(arguments: testBackends)
    func rule20_thisSelectionCancelsTheOtherProcesses(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        let peer = try PeerProcess()
        let fd = try peer.importSocket(try notifier.duplicateSocket(a, for: peer.pid))
        try peer.ok("select-event \(fd) \(NetworkEvents.read.rawValue)")
        let event = try SocketEvent()
        try notifier.eventSelect(a, event, [.read])
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAny([event], timeout: mustHappen) == 0)
        #expect(try peer.call("wait \(fd) 0") == "timeout")
    }

    @Test(arguments: testBackends)
    func rule20_anotherProcessReadsAndClearsThisRecord(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        let event = try SocketEvent()
        try notifier.eventSelect(a, event, [.read, .close])
        let peer = try PeerProcess()
        let fd = try peer.importSocket(try notifier.duplicateSocket(a, for: peer.pid))
        try rawSend(b, count: 2)
        #expect(try SocketEvent.waitAny([event], timeout: mustHappen) == 0)
        #expect(try peer.call("enum \(fd)") == "events 1 0 0 0 0 0 0")
        #expect(try notifier.enumNetworkEvents(a, resetting: event).events == [])
    }

    @Test(arguments: testBackends)
    func rule20_receiveInAnotherProcessReenablesThisRegistration(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        let event = try SocketEvent()
        try notifier.eventSelect(a, event, [.read])
        let peer = try PeerProcess()
        let fd = try peer.importSocket(try notifier.duplicateSocket(a, for: peer.pid))
        try rawSend(b, count: 10)
        #expect(try waitAndEnum(notifier, a, event).events == [.read])
        // The peer's partial receive re-enables FD_READ; data is left, so FD_READ is recorded again
        // for this process's registration and its event object is set (rules 10 and 20).
        #expect(try peer.ok("recv \(fd) 4") == 4)
        #expect(try SocketEvent.waitAny([event], timeout: mustHappen) == 0)
        #expect(try notifier.enumNetworkEvents(a, resetting: event).events == [.read])
    }

    @Test(arguments: testBackends)
    func rule14_messageModeReplacedFromAnotherProcess_queuedMessagesStay(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        let queue = try MessageQueue()
        try notifier.asyncSelect(a, queue, message: 0x401, [.read, .write])
        #expect(try queue.next(timeout: mustHappen)?.event == .write)
        try rawSend(b, count: 1)
        let queued = try queue.next(timeout: mustHappen)
        #expect(queued?.event == .read)
        let peer = try PeerProcess()
        let fd = try peer.importSocket(try notifier.duplicateSocket(a, for: peer.pid))
        try peer.ok("select-event \(fd) \(NetworkEvents.read.rawValue)")
        try peer.ok("recv \(fd) 10")
        try rawSend(b, count: 1)
        #expect(try peer.call("wait \(fd) 5000") == "set")
        #expect(drain(queue) == [])
    }

    @Test(arguments: testBackends)
    func rule17_registrationOutlivesTheClosedDescriptorWhileAnotherProcessHoldsOne(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(b) }
        let event = try SocketEvent()
        try notifier.eventSelect(a, event, [.read])
        let peer = try PeerProcess()
        _ = try peer.importSocket(try notifier.duplicateSocket(a, for: peer.pid))
        try notifier.close(a)
        try rawSend(b, count: 1)
        #expect(try SocketEvent.waitAny([event], timeout: mustHappen) == 0)
    }

    @Test(arguments: testBackends)
    func deadOwner_neverLeavesTheSocketUnselectable(backend: NotifierBackend) throws {
        let notifier = try Notifier(backend: backend)
        let (a, b) = try makePair(.tcp)
        defer { closeQuietly(a, b) }
        let peer = try PeerProcess()
        let fd = try peer.importSocket(try notifier.duplicateSocket(a, for: peer.pid))
        try peer.ok("select-event \(fd) \(NetworkEvents.read.rawValue)")
        peer.terminate()
        // The dead process's selection is void: blocking mode can be restored, and selecting works.
        try notifier.setBlocking(a, true)
        let event = try SocketEvent()
        try notifier.eventSelect(a, event, [.read])
        try rawSend(b, count: 1)
        #expect(try waitAndEnum(notifier, a, event).events == [.read])
    }
}
