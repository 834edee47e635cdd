import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// How processes wake each other: one abstract-namespace Unix datagram socket per process,
/// `\0eventselect.<uid>.<pid>`, watched by every notifier of the process.
///
/// Used when a process records an event on a socket whose current selection belongs to another
/// process (a `receive` through a shared descriptor re-enables FD_READ and finds data left, SPEC
/// rules 10 and 20): it leaves the events in the slot's `undelivered` and kicks the owner, which
/// delivers them to its event object or queue. Also tells a `duplicateSocket` source that its
/// export was imported, so it can close the descriptor it kept. No polling: the owner's waits and
/// delivery threads see the socket readable like any other readiness.
enum KickChannel {
    /// What a kick asks for.
    enum Kind: UInt32 {
        /// Deliver the `undelivered` events of slot `slot`.
        case deliver = 1
        /// The export with nonce `value` was imported: close its stash.
        case exported = 2
        /// Send the stash of export `value` over SCM_RIGHTS to process `slot`'s import socket.
        case sendDescriptor = 3
    }

    private struct Message {
        var kind: UInt32
        var slot: UInt32
        var value: UInt64
    }

    private static let state = Mutex<CInt>(-1)

    /// The process's channel, created (and watched by every notifier) on first use.
    static func ensure() -> CInt? {
        let (fd, created) = state.withLock { fd -> (CInt, Bool) in
            if fd >= 0 { return (fd, false) }
            let made = Glibc.socket(AF_UNIX, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
            guard made >= 0 else { return (-1, false) }
            var address = address(of: CurrentProcess.pid)
            let bound = withUnsafePointer(to: &address.0) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(made, $0, address.1) }
            }
            guard bound == 0 else {
                Glibc.close(made)
                return (-1, false)
            }
            fd = made
            return (made, true)
        }
        guard fd >= 0 else { return nil }
        if created { LiveNotifiers.watchKicks(fd) }
        return fd
    }

    /// The channel if it exists (no creation).
    static var current: CInt? {
        let fd = state.withLock { $0 }
        return fd >= 0 ? fd : nil
    }

    /// Wakes process `pid` to deliver slot `slot`. Best effort: a dead or absent owner is ignored.
    static func kick(_ pid: pid_t, slot: Int) {
        send(to: pid, Message(kind: Kind.deliver.rawValue, slot: UInt32(slot), value: 0))
    }

    /// Tells process `pid` that its export `nonce` was imported.
    static func exported(_ pid: pid_t, nonce: UInt64) {
        send(to: pid, Message(kind: Kind.exported.rawValue, slot: 0, value: nonce))
    }

    private static func send(to pid: pid_t, _ message: Message) {
        guard pid > 0, let fd = ensure() else { return }
        var message = message
        var address = address(of: pid)
        _ = withUnsafePointer(to: &address.0) { sa in
            sa.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                sendto(fd, &message, MemoryLayout<Message>.size, CInt(MSG_DONTWAIT), sa, address.1)
            }
        }
    }

    /// Reads every waiting kick and acts on it.
    static func drain() {
        guard let fd = current else { return }
        var message = Message(kind: 0, slot: 0, value: 0)
        while recv(fd, &message, MemoryLayout<Message>.size, CInt(MSG_DONTWAIT)) == MemoryLayout<Message>.size {
            switch Kind(rawValue: message.kind) {
            case .deliver:
                Registry.shared.registration(slot: Int(message.slot))?.withState { state in
                    if state.ownedHere && !state.undelivered.isEmpty { state.deliver(recorded: []) }
                }
            case .exported:
                Exports.release(nonce: message.value)
            case .sendDescriptor:
                sendDescriptor(nonce: message.value, to: pid_t(bitPattern: message.slot))
            case nil:
                break
            }
        }
    }

    /// The SCM_RIGHTS path of an import: asks the source for its stash and waits (bounded) for it
    /// on a socket of our own. The source answers from its kick channel, i.e. while it runs
    /// EventSelect delivery (a wait, or its delivery thread).
    static func requestDescriptor(from source: pid_t, nonce: UInt64) throws(Errno) -> CInt {
        let socket = try syscall {
            Glibc.socket(AF_UNIX, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        }
        defer { Glibc.close(socket) }
        var address = address(of: CurrentProcess.pid, import: nonce)
        try syscall {
            withUnsafePointer(to: &address.0) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, address.1) }
            }
        }
        send(to: source, Message(kind: Kind.sendDescriptor.rawValue, slot: UInt32(bitPattern: CurrentProcess.pid), value: nonce))
        var entry = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = try syscall { poll(&entry, 1, 5000) }
        if ready == 0 { throw .timedOut }
        var fd: CInt = -1
        var echoed: UInt64 = 0
        let count = try syscall { CEventSelect_recv_fd(socket, &fd, &echoed, 8) }
        guard count == 8, echoed == nonce, fd >= 0 else {
            if fd >= 0 { Glibc.close(fd) }
            // A descriptor that could not be installed (the table is full) is dropped by the kernel.
            throw fd < 0 && count == 8 ? .tooManyOpenFiles : .staleNFSFileHandle
        }
        return fd
    }

    /// Source side of the SCM_RIGHTS path.
    private static func sendDescriptor(nonce: UInt64, to importer: pid_t) {
        guard let stash = Exports.stash(nonce: nonce) else { return }
        let socket = Glibc.socket(AF_UNIX, CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { return }
        defer { Glibc.close(socket) }
        var address = address(of: importer, import: nonce)
        let connected = withUnsafePointer(to: &address.0) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, address.1) }
        }
        guard connected == 0 else { return }
        var echoed = nonce
        _ = CEventSelect_send_fd(socket, stash, &echoed, 8)
    }

    /// In a forked child the inherited channel is the parent's: make a new one on demand.
    static func forgetAfterFork() {
        state.withLock { fd in
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    private static func address(of pid: pid_t, import nonce: UInt64? = nil) -> (sockaddr_un, socklen_t) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var text = "eventselect.\(getuid()).\(pid)"
        if let nonce { text += ".import." + String(nonce, radix: 16) }
        let name = Array(text.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            path[0] = 0  // abstract namespace
            for (index, byte) in name.enumerated() where index + 1 < path.count { path[index + 1] = byte }
        }
        let length = MemoryLayout<sa_family_t>.size + 1 + name.count
        return (address, socklen_t(length))
    }
}
