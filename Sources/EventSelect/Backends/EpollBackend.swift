import CEventSelect
import Glibc
import SystemPackage

/// The epoll backend: one epoll instance per notifier, sockets added once, edge-triggered with a
/// fixed interest set (`EPOLLIN|EPOLLPRI|EPOLLOUT|EPOLLRDHUP|EPOLLET`).
///
/// Edge-triggered with a fixed interest set means no `epoll_ctl` after arming: Winsock's
/// "reported / re-enabled" state lives in the registration, and level re-checks after a re-enabling
/// call are done with poll(2) by the notifier (docs/SEMANTICS.md rule 10).
///
/// The kernel keys an epoll entry by (open file, fd number) and drops it only when the open file is
/// released, i.e. when the socket's last descriptor closes in any process. EventSelect relies on that
/// for docs/SEMANTICS.md rule 17 (a registration outlives the descriptor it was made through) and guards against
/// the other side of it: an entry whose fd number has been closed or reused can no longer be deleted
/// by number, so its reports carry a token that the registry checks, and stale ones are dropped.
final class EpollBackend: Backend {
    let kind = NotifierBackend.epoll
    let epollFD: CInt

    init() throws(Errno) {
        epollFD = try syscall { CEventSelect_epoll_create() }
    }

    deinit {
        Glibc.close(epollFD)
    }

    var readinessFD: CInt { epollFD }

    func arm(_ fd: CInt, token: UInt64) throws(Errno) {
        do {
            try syscall { CEventSelect_epoll_add(epollFD, fd, token) }
        } catch .fileExists {
            // Already armed through this descriptor (same open file, same number).
        }
    }

    func disarm(_ fd: CInt, token: UInt64) throws(Errno) {
        do {
            try syscall { CEventSelect_epoll_del(epollFD, fd) }
        } catch .noSuchFileOrDirectory {
            // Not armed through this descriptor.
        }
    }

    func watch(_ fd: CInt, token: UInt64) throws(Errno) {
        do {
            try syscall { CEventSelect_epoll_add_level(epollFD, fd, token) }
        } catch .fileExists {}
    }

    /// Nothing to do: the entry stays, keyed by the open file, until the socket's last close.
    func orphan(_ fd: CInt, token: UInt64) throws(Errno) {}


    /// Reports taken per `epoll_wait`.
    static let batch = 64

    func reap(afterWake: Bool, _ handle: (UInt64, UInt32) -> Void) throws(Errno) -> Int {
        try withUnsafeTemporaryAllocation(of: CEventSelect_readiness.self, capacity: EpollBackend.batch) {
            buffer throws(Errno) -> Int in
            let count = try syscall { CEventSelect_epoll_wait(epollFD, buffer.baseAddress, CInt(EpollBackend.batch), 0) }
            for index in 0..<Int(count) { handle(buffer[index].token, buffer[index].events) }
            return Int(count)
        }
    }

    func isStillArmed(_ fd: CInt) -> Bool? {
        switch CEventSelect_epoll_has_entry(epollFD, fd) {
        case 1: return true
        case 0: return false
        default: return nil
        }
    }

    /// Reads /proc/self/fdinfo/<epfd>: one "tfd: N events: X data: TOKEN ..." line per entry. The
    /// kernel removes an entry only when its socket's last descriptor closes.
    func liveTokens() -> Set<UInt64>? {
        let path = "/proc/self/fdinfo/\(epollFD)"
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var tokens = Set<UInt64>()
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, CInt(line.count), file) != nil {
            let words = String(cString: line).split(separator: " ", omittingEmptySubsequences: true)
            guard words.first == "tfd:", let at = words.firstIndex(of: "data:"), at + 1 < words.count else { continue }
            if let token = UInt64(words[at + 1], radix: 16) { tokens.insert(token) }
        }
        return tokens
    }
}
