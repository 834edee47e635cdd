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
    var interestSet: EpollBackend { self }

    func arm(_ fd: CInt, token: UInt64) throws(Errno) {
        do {
            try syscall { CEventSelect_epoll_add(epollFD, fd, EpollBackend.socketInterest, token) }
        } catch .fileExists {
            // Already armed through this descriptor number for this socket. The entry may still
            // carry the token of a registration retired since (its descriptor was closed while the
            // socket lived on, and the number names the socket again): it reports for `token` now.
            try syscall { CEventSelect_epoll_mod(epollFD, fd, EpollBackend.socketInterest, token) }
        }
    }

    func disarm(_ fd: CInt) throws(Errno) {
        do {
            try syscall { CEventSelect_epoll_del(epollFD, fd) }
        } catch .noSuchFileOrDirectory {
            // Not armed through this descriptor.
        }
    }

    func watch(_ fd: CInt, token: UInt64) throws(Errno) {
        do {
            try syscall { CEventSelect_epoll_add(epollFD, fd, UInt32(CEventSelect_POLLIN), token) }
        } catch .fileExists {}
    }

    /// Reports taken per `epoll_wait` (`Reaper.drain` loops while batches come back full).
    static let batch = 64

    /// The fixed interest set of a socket: everything Winsock's events derive from, edge-triggered
    /// (the registration, not the kernel's interest list, keeps Winsock's reported state, so the
    /// entry is never modified).
    static let socketInterest =
        UInt32(CEventSelect_POLLIN | CEventSelect_POLLPRI | CEventSelect_POLLOUT | CEventSelect_POLLRDHUP)
        | CEventSelect_EPOLLET

    func reap(afterWake: Bool, _ handle: (UInt64, UInt32) -> Void) throws(Errno) -> Int {
        try withUnsafeTemporaryAllocation(of: CEventSelect_readiness.self, capacity: EpollBackend.batch) {
            buffer throws(Errno) -> Int in
            let count = try syscall {
                CEventSelect_epoll_wait(epollFD, buffer.baseAddress, CInt(EpollBackend.batch), 0)
            }
            for index in 0..<Int(count) { handle(buffer[index].token, buffer[index].events) }
            return Int(count)
        }
    }

    func isStillArmed(_ fd: CInt) -> Bool? {
        switch syscallResult({ CEventSelect_epoll_has_entry(epollFD, fd) }) {
        case .success: return true
        case .failure(.noSuchFileOrDirectory): return false
        case .failure: return nil
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
            let text = line.withUnsafeBufferPointer { buffer in
                String(decoding: UnsafeRawBufferPointer(buffer).prefix { $0 != 0 }, as: UTF8.self)
            }
            let words = text.split(separator: " ", omittingEmptySubsequences: true)
            guard words.first == "tfd:", let at = words.firstIndex(of: "data:"), at + 1 < words.count else { continue }
            if let token = UInt64(words[at + 1], radix: 16) { tokens.insert(token) }
        }
        return tokens
    }
}
