// The doorbell: how processes of the user wake each other. One Unix datagram socket per process,
// bound in the 0700 user directory (`bell.<pid>`), watched by every notifier of the process.
// Separate because it is the only endpoint other processes send to: what arrives is input (the
// sender's credentials are kernel-verified where they matter), and a ring carries no state.
import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// A process's doorbell.
///
/// A ring is a doorbell, not a message: it says "look", never "what". The state it is about is
/// already in the registry (a slot's `undelivered` events, an export's state) when it is sent, and
/// the woken process re-scans everything that may be pending for it on every wake (`drain`). So a
/// ring that is lost, duplicated, or refused because the queue is full (the owner has unread rings
/// and will scan anyway) never loses an event.
///
/// Rings are sent when a process records an event on a socket whose current selection belongs to
/// another process (a `receive` through a shared descriptor finds data left, docs/SEMANTICS.md
/// rules 10 and 20), and when an import completes (the source closes the descriptor it kept). The
/// one real request is the SCM_RIGHTS hand-over of an export (Exports.swift), answered only after
/// the requester's kernel-verified credentials (SO_PASSCRED) name the export's target.
///
/// Only processes of this user (and root) can reach the socket: it lives in the 0700 directory.
enum Doorbell {
    /// What a datagram asks for.
    enum Kind: UInt32 {
        /// Look for undelivered events and finished exports (`slot` is a hint only).
        case ring = 1
        /// Hand export `value` (claim `slot`) over to the sender by SCM_RIGHTS.
        case handOver = 2
    }

    struct Message {
        var kind: UInt32
        var slot: UInt32
        var value: UInt64
    }

    private static let state = Mutex<CInt>(-1)
    static let readsPerWake = 256

    static func name(of pid: pid_t) -> String { "bell.\(pid)" }

    /// The process's doorbell, created (and watched by every notifier) on first use.
    /// - Throws: what the user directory throws (EACCES for an unsafe one), ENAMETOOLONG for a
    ///   directory path too long for a socket address, or what socket/bind fail with.
    @discardableResult
    static func ensure() throws(Errno) -> CInt {
        let (fd, created) = try state.withLock { (fd: inout CInt) throws(Errno) -> (CInt, Bool) in
            if fd >= 0 { return (fd, false) }
            let directory = try UserDirectory.descriptor()
            let name = name(of: CurrentProcess.pid)
            var (address, length) = try UserDirectory.socketAddress(name)
            let made = try syscall {
                Glibc.socket(
                    AF_UNIX, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
            }
            do throws(Errno) {
                try syscall { CEventSelect_set_passcred(made) }
                // A file by our name is a leftover of an exited process that had our pid.
                _ = unlinkat(directory, name, 0)
                try syscall {
                    withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(made, $0, length) }
                    }
                }
            } catch {
                Glibc.close(made)
                throw error
            }
            fd = made
            return (made, true)
        }
        if created {
            // Doorbells, reply sockets and half-written files of processes that exited.
            let registry = (try? SharedTable.fileName()).map { ["\($0).new."] } ?? []
            UserDirectory.removeLeftovers(
                prefixes: ["bell.", "imp.", "\(InfoAuthentication.fileName).new."] + registry)
            removeAtExit()
            LiveNotifiers.watchKicks(fd)
        }
        return fd
    }

    /// The doorbell if it exists (no creation).
    static var current: CInt? {
        let fd = state.withLock { $0 }
        return fd >= 0 ? fd : nil
    }

    /// Rings process `pid`. Best effort by design: a full queue means rings the owner has not read
    /// yet (it re-scans after reading them), an absent doorbell means an exited process.
    static func ring(_ pid: pid_t, slot: Int? = nil) {
        guard pid > 0, let fd = try? ensure(), let target = try? UserDirectory.socketAddress(name(of: pid)) else {
            return
        }
        var (address, length) = (target.0, target.1)
        var message = Message(kind: Kind.ring.rawValue, slot: UInt32(truncatingIfNeeded: slot ?? -1), value: 0)
        _ = try? syscall {
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, &message, MemoryLayout<Message>.size, CInt(MSG_DONTWAIT), $0, length)
                }
            }
        }
    }

    /// Reads every waiting datagram, answers hand-over requests, then re-scans what may be
    /// pending for this process: undelivered events of its selections, finished exports.
    static func drain() {
        guard let fd = current else { return }
        var message = Message(kind: 0, slot: 0, value: 0)
        var pid: pid_t = -1
        var uid: uid_t = 0
        var from = sockaddr_un()
        // Bounded, so that a flood cannot hold this thread here: what is left keeps the doorbell
        // readable, and the next wake goes on.
        for _ in 0..<Doorbell.readsPerWake {
            var fromLength = socklen_t(MemoryLayout<sockaddr_un>.size)
            guard
                let count = try? syscall({
                    CEventSelect_recv_with_credentials(
                        fd, &message, MemoryLayout<Message>.size, &pid, &uid, &from, &fromLength)
                })
            else { break }
            if count == MemoryLayout<Message>.size, message.kind == Kind.handOver.rawValue {
                Exports.handOver(
                    nonce: message.value, attempt: message.slot, to: pid, uid: uid, reply: from, fromLength)
            }
        }
        deliverUndelivered()
        Exports.rescan()
    }

    /// Delivers the events other processes left in this process's slots (each slot's word is read
    /// atomically first; only slots with something waiting are locked).
    private static func deliverUndelivered() {
        guard let table = SharedTable.ifOpened else { return }
        for registration in Registry.shared.allRegistrations()
        where CEventSelect_load_relaxed_u32(&table.slots[registration.slotIndex].undelivered) != 0 {
            registration.withState { state in
                if state.ownedHere && !state.undelivered.isEmpty { state.deliver(recorded: []) }
            }
        }
    }

    /// In a forked child the inherited doorbell is the parent's: make a new one on demand.
    static func forgetAfterFork() {
        state.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    private static let exitHook = Mutex(false)

    /// Removes this process's doorbell file at exit (a leftover is removed by the next process
    /// that creates a doorbell anyway).
    private static func removeAtExit() {
        exitHook.withLock { installed in
            guard !installed else { return }
            installed = true
            atexit {
                guard let directory = try? UserDirectory.descriptor() else { return }
                _ = unlinkat(directory, Doorbell.name(of: getpid()), 0)
            }
        }
    }
}
