import CEventSelect
import SystemPackage

/// The identity of an underlying socket: its sockfs inode (and device), shared by every descriptor
/// of the socket in every process and stable while the socket lives (docs/SEMANTICS.md, "The model").
struct SocketIdentity: Hashable, Sendable, CustomStringConvertible {
    var inode: UInt64
    var device: UInt64

    /// fstat(2) of `fd`.
    /// - Throws: EBADF for a descriptor that is not open, ENOTSOCK for one that is not a socket.
    init(of fd: CInt) throws(Errno) {
        var inode: UInt64 = 0
        var device: UInt64 = 0
        try syscall { CEventSelect_socket_identity(fd, &inode, &device) }
        self.inode = inode
        self.device = device
    }

    init(inode: UInt64, device: UInt64) {
        self.inode = inode
        self.device = device
    }

    var description: String { "socket:[\(inode)]" }
}
