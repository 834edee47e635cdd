import CEventSelect
import Glibc
import Synchronization
import SystemPackage

// Ending a socket's use: shutdown and close, the calls through which EventSelect sees a descriptor
// go (docs/SEMANTICS.md rules 5 and 17): a selection outlives the descriptor it was made through
// while another descriptor of the socket remains, and ends with the socket.
extension Notifier {
    /// Shuts down part of a connection, like `shutdown`. Local shutdown never records FD_CLOSE
    /// (docs/SEMANTICS.md rule 5); going through this call lets EventSelect tell a local `SHUT_RD` on an AF_UNIX socket
    /// from the peer's close.
    public func shutdown(_ socket: FileDescriptor, how: CInt) throws(Errno) {
        let fd = socket.rawValue
        let (_, registration) = try Registry.shared.resolve(fd)
        guard let registration else {
            try syscall { Glibc.shutdown(fd, how) }
            return
        }
        try registration.withState { state throws(Errno) in
            try syscall { Glibc.shutdown(fd, how) }
            if how == CInt(SHUT_RD) || how == CInt(SHUT_RDWR) { state.localReadShutdown = true }
        }
    }

    /// Closes one descriptor. Models `closesocket`.
    ///
    /// The socket lives until its last descriptor, in any process, is closed; a selection made
    /// through this descriptor stays while another descriptor remains, and ends with the socket
    /// (docs/SEMANTICS.md rule 17). FD_CLOSE is never recorded for a local close.
    /// - Throws: EBADF; ENOTSOCK for a descriptor that is not a socket, which is left open.
    public func close(_ socket: FileDescriptor) throws(Errno) {
        let fd = socket.rawValue
        let (identity, registration) = try Registry.shared.resolve(fd)
        Registry.shared.forget(fd)
        // Another descriptor of the socket that this process has resolved: it keeps the registration,
        // and delivery asks it (not a report taken on trust) whether a wake-up is an arrival.
        let another = registration == nil ? nil : Registry.shared.descriptor(of: identity)
        var activeHere = false
        var orphaned: [EpollBackend] = []
        registration?.withState { state in
            activeHere = state.ownedHere
            for index in state.arms.indices.reversed() where state.arms[index].keyed && state.arms[index].fd == fd {
                if state.ownedHere || another == nil {
                    // Keep watching while another descriptor remains (one this process has not
                    // resolved yet counts: from socket(from:) or a dup), without keeping the socket
                    // open: the kernel drops the entry only with the socket's last descriptor.
                    state.arms[index].keyed = false
                    orphaned.append(state.arms[index].backend)
                } else {
                    try? state.arms[index].backend.disarm(fd)
                    state.arms.remove(at: index)
                }
            }
            if state.knownFD == fd { state.knownFD = another ?? -1 }
        }
        // close(2) is not retried on EINTR: on Linux the descriptor is gone either way.
        let failure = syscallOnce { Glibc.close(fd) }
        if let registration {
            if !orphaned.isEmpty {
                if orphaned.allSatisfy({ $0.isStillArmed(fd) == false }) {
                    // That was the socket's last descriptor anywhere: the kernel dropped its entries,
                    // so the registration ends with it (rule 17), and its event object or queue is
                    // let go.
                    Registry.shared.retire(registration)
                } else {
                    // Another descriptor, or only a transient kernel reference: look again later.
                    // Until the socket is gone the registration keeps its record (rules 13, 17).
                    Registry.shared.suspect(registration, closed: fd, backends: orphaned)
                }
            } else if !activeHere && another == nil {
                // Not delivering here, never armed here through this descriptor, and no other
                // descriptor seen here: this process lets go of the socket's registration (its slot
                // stays while another process holds it).
                Registry.shared.retire(registration)
            }
        }
        if let failure, failure != .interrupted { throw failure }
    }
}
