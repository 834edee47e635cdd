import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// The io_uring backend: one ring per notifier, one multishot POLL_ADD per selected socket.
///
/// What io_uring buys: readiness is reaped from the completion ring in shared memory, so an inline
/// wait that finds its event already reported makes no syscall at all (epoll needs `epoll_wait`),
/// and a multishot poll stays armed across reports, like an edge-triggered epoll entry, with no
/// re-arming submission per event.
///
/// What it costs: a poll request holds a reference to the socket's file. An armed socket would stay
/// open after the program's last close and its peer would never see FIN. So a socket is polled only
/// while it is selected (`holdsReferences`): cancelling a selection or `Notifier.close` cancels the
/// poll synchronously (`io_uring_register_sync_cancel`). A registration that must outlive the
/// descriptor it was armed through (SPEC rule 17) moves to a small epoll set kept for that purpose
/// (`orphan`), which holds no reference; the ring polls that set.
///
/// The ring is shared by every thread that waits: submissions and reaping are serialised by a lock;
/// an inline (non-blocking) reap that finds the lock taken skips, since the holder delivers.
/// Reports are delivered after the lock is released, because delivery takes registration locks and
/// selection takes a registration lock before arming (lock order: registration, then ring).
// @unchecked: the ring pointer is only used under `armed`'s lock (submissions, reaping, cancels).
final class URingBackend: Backend, @unchecked Sendable {
    let kind = NotifierBackend.ioUring
    private let ring: OpaquePointer
    private let ringFD: CInt
    /// Epoll set for registrations whose armed descriptor was closed (SPEC rule 17).
    private let fallbackFD: CInt
    /// Written by `interrupt` to wake a blocked `reap`.
    private let wakeFD: CInt
    /// Armed polls by token, with the descriptor and socket they were armed through (to re-arm a
    /// multishot poll the kernel ended, e.g. on completion-queue overflow).
    private let armed = Mutex<[UInt64: ArmedPoll]>([:])

    private struct ArmedPoll {
        var fd: CInt
        var identity: SocketIdentity
    }

    init() throws(Errno) {
        guard let ring = CEventSelect_uring_create(256) else { throw Errno(rawValue: errno) }
        self.ring = ring
        ringFD = CEventSelect_uring_fd(ring)
        do {
            fallbackFD = try syscall { CEventSelect_epoll_create() }
        } catch {
            CEventSelect_uring_destroy(ring)
            throw error
        }
        do {
            wakeFD = try syscall { CEventSelect_eventfd() }
            try uringResult(CEventSelect_uring_poll_add(ring, fallbackFD, Token.fallback.raw))
            try uringResult(CEventSelect_uring_submit(ring))
        } catch {
            Glibc.close(fallbackFD)
            CEventSelect_uring_destroy(ring)
            throw error
        }
    }

    deinit {
        // Tearing the ring down cancels every poll and drops the references they hold.
        CEventSelect_uring_destroy(ring)
        Glibc.close(fallbackFD)
        Glibc.close(wakeFD)
    }

    var readinessFD: CInt { ringFD }

    var holdsReferences: Bool { true }

    func arm(_ fd: CInt, token: UInt64) throws(Errno) {
        let identity = try SocketIdentity(of: fd)
        try armed.withLock { armed throws(Errno) in
            guard armed[token] == nil else { return }
            try uringResult(CEventSelect_uring_poll_add(ring, fd, token))
            try uringResult(CEventSelect_uring_submit(ring))
            armed[token] = ArmedPoll(fd: fd, identity: identity)
        }
    }

    func disarm(_ fd: CInt, token: UInt64) throws(Errno) {
        try armed.withLock { armed throws(Errno) in
            if armed.removeValue(forKey: token) != nil { try cancel(token) }
        }
        do {
            try syscall { CEventSelect_epoll_del(fallbackFD, fd) }
        } catch .noSuchFileOrDirectory {
        } catch .badFileDescriptor {}
    }

    func orphan(_ fd: CInt, token: UInt64) throws(Errno) {
        do {
            try syscall { CEventSelect_epoll_add(fallbackFD, fd, token) }
        } catch .fileExists {}
        try armed.withLock { armed throws(Errno) in
            if armed.removeValue(forKey: token) != nil { try cancel(token) }
        }
    }

    private func cancel(_ token: UInt64) throws(Errno) {
        let result = CEventSelect_uring_cancel(ring, token)
        if result < 0 && result != -ENOENT && result != -EALREADY { throw Errno(rawValue: -result) }
    }

    func reap(nanoseconds: Int64?, _ handle: (UInt64, UInt32) -> Void) throws(Errno) -> Int {
        if nanoseconds != 0 {
            var fds = [pollfd(fd: ringFD, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
            try fds.withUnsafeMutableBufferPointer { buffer throws(Errno) in
                try waitReadable(buffer, nanoseconds: nanoseconds)
            }
            if fds[1].revents != 0 { _ = CEventSelect_eventfd_drain(wakeFD) }
        }
        var handled = 0
        try withUnsafeTemporaryAllocation(of: CEventSelect_readiness.self, capacity: 64) { buffer throws(Errno) in
            while true {
                // Blocking callers wait for the lock; inline callers skip if another thread reaps.
                let count: Int
                if nanoseconds == 0 {
                    guard let reaped = try armed.withLockIfAvailable({ armed throws(Errno) in try take(&armed, buffer) })
                    else { return }
                    count = reaped
                } else {
                    count = try armed.withLock { armed throws(Errno) in try take(&armed, buffer) }
                }
                for index in 0..<count {
                    let report = buffer[index]
                    if report.token == Token.fallback.raw {
                        handled += try reapFallback(handle)
                    } else if Int32(bitPattern: report.events) >= 0 {
                        handle(report.token, report.events)
                        handled += 1
                    }
                }
                if count < buffer.count { return }
            }
        }
        return handled
    }

    /// Takes completions off the ring (under the lock) and re-arms multishot polls the kernel ended
    /// while they are still wanted.
    private func take(_ armed: inout [UInt64: ArmedPoll], _ buffer: UnsafeMutableBufferPointer<CEventSelect_readiness>)
        throws(Errno) -> Int
    {
        let count = Int(CEventSelect_uring_reap(ring, buffer.baseAddress, CInt(buffer.count)))
        var resubmit = false
        for index in 0..<count {
            let report = buffer[index]
            let result = Int32(bitPattern: report.events)
            guard report.reserved & UInt32(CEventSelect_URING_MORE) == 0, result != -ECANCELED else { continue }
            if report.token == Token.fallback.raw {
                try uringResult(CEventSelect_uring_poll_add(ring, fallbackFD, Token.fallback.raw))
                resubmit = true
            } else if let poll = armed[report.token] {
                // Re-arm only through a descriptor that still names the same socket.
                if (try? SocketIdentity(of: poll.fd)) == poll.identity {
                    try uringResult(CEventSelect_uring_poll_add(ring, poll.fd, report.token))
                    resubmit = true
                } else {
                    armed.removeValue(forKey: report.token)
                }
            }
        }
        if resubmit { try uringResult(CEventSelect_uring_submit(ring)) }
        return count
    }

    private func reapFallback(_ handle: (UInt64, UInt32) -> Void) throws(Errno) -> Int {
        try withUnsafeTemporaryAllocation(of: CEventSelect_readiness.self, capacity: 64) { buffer throws(Errno) -> Int in
            let count = try syscall { CEventSelect_epoll_wait(fallbackFD, buffer.baseAddress, 64, 0) }
            for index in 0..<Int(count) { handle(buffer[index].token, buffer[index].events) }
            return Int(count)
        }
    }

    func interrupt() {
        _ = CEventSelect_eventfd_signal(wakeFD)
    }
}
