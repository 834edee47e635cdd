import CEventSelect
import Glibc
import Synchronization
import SystemPackage

// Shared sockets: WSADuplicateSocket and WSASocket(FROM_PROTOCOL_INFO) (docs/SEMANTICS.md
// rules 17-21). The export and import themselves live in CrossProcess/.
extension Notifier {
    // MARK: shared sockets

    /// Makes information from which process `process` can create a descriptor of the same socket.
    /// Models `WSADuplicateSocket`.
    ///
    /// The information is plain bytes that may cross any IPC channel. It is good for one import,
    /// by the process it names (`pid` may be the caller's own), and stays good after the caller
    /// closes its descriptor: the flow "duplicate, hand over, close" works, because this process
    /// keeps a private descriptor until the import (or until it exits).
    /// - Throws: EBADF/ENOTSOCK for a bad socket (before anything else); EINVAL for pid 0 or a
    ///   negative pid; ESRCH when no such process exists; ENOBUFS when this process has 256 exports
    ///   waiting (or the user's list is full of live ones); EACCES when the per-user directory is
    ///   not this user's alone; EUCLEAN or ETIMEDOUT when the registry is unusable (docs/SECURITY.md).
    public func duplicateSocket(_ socket: FileDescriptor, for process: pid_t) throws(Errno) -> SocketProtocolInfo {
        let (identity, _) = try Registry.shared.resolve(socket.rawValue)
        guard process > 0 else { throw Errno.invalidArgument }
        return try Exports.export(socket.rawValue, identity: identity, to: process)
    }

    /// Creates a descriptor of the socket `duplicateSocket` described. Models `WSASocket` with a
    /// `WSAPROTOCOL_INFO` from `WSADuplicateSocket`.
    ///
    /// The new descriptor shares everything with the source's: the registration, the record, the
    /// options and the data (docs/SEMANTICS.md rules 19-20). It is checked to be the very socket that was
    /// exported, never another one.
    /// - Throws: EINVAL for bytes that are not (or no longer) a valid export, or that this user did
    ///   not make (every byte is authenticated); EACCES when the information names another process;
    ///   EALREADY when it was already imported (or another import of it is under way); ESRCH when
    ///   the source process has exited; ESTALE when the source's socket is gone; EMFILE/ENFILE (the
    ///   information stays good: retry) or ETIMEDOUT when the source did not answer the SCM_RIGHTS
    ///   request in 5 s (it answers while it waits or delivers through EventSelect).
    public func socket(from info: SocketProtocolInfo) throws(Errno) -> FileDescriptor {
        let fd = try Exports.importSocket(info)
        // Resolved now (which also replaces what the number named before, a socket since closed):
        // when the socket's other descriptors here close, delivery can ask this one.
        _ = try? Registry.shared.resolve(fd)
        return FileDescriptor(rawValue: fd)
    }
}
