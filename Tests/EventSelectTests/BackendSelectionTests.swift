// `.automatic` picks io_uring where io_uring_setup works and falls back to epoll where it fails
// (ENOSYS on kernels without io_uring, EPERM under kernel.io_uring_disabled). The failure is
// simulated in a child process (EVENTSELECT_SIMULATE_URING_ERROR) so the rest of the suite keeps
// its backends.
import EventSelect
import Glibc
import SystemPackage
import Testing

@Suite struct BackendSelectionTests {
    @Test func automaticIsIOUringWhereTheKernelAllowsIt() throws {
        let peer = try PeerProcess()
        let expected = testBackends.contains(.ioUring) ? "backend ioUring" : "backend epoll"
        #expect(try peer.call("backend") == expected)
        #expect(try Notifier(backend: .epoll).backend == .epoll)
    }

    @Test(arguments: [EPERM, ENOSYS])
    func automaticFallsBackToEpollWhenIOUringSetupFails(error: CInt) throws {
        let peer = try PeerProcess(environment: ["EVENTSELECT_SIMULATE_URING_ERROR=\(error)"])
        #expect(try peer.call("backend") == "backend epoll")
        #expect(try peer.call("backend-iouring") == "error \(error)")
        // The fallback notifier works: a selection in the child reports through epoll.
        let (a, b) = try makePair(.unix)
        defer { closeQuietly(a, b) }
        let fd = try peer.importSocket(try Notifier.shared.duplicateSocket(a, for: peer.pid))
        try peer.ok("select-event \(fd) \(NetworkEvents.read.rawValue)")
        try rawSend(b, count: 1)
        #expect(try peer.call("wait \(fd) 5000") == "set")
    }
}
