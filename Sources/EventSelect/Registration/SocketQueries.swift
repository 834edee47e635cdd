import CEventSelect
import Glibc
import Synchronization
import SystemPackage

// Kernel queries about a socket: its connection state, and O_NONBLOCK.
extension RegistrationState {
    /// Looks the socket's type and connection state up in the kernel.
    mutating func refreshConnection(_ fd: CInt) {
        if socketType == 0 {
            socketType = (try? socketOption(fd, SOL_SOCKET, SO_TYPE)) ?? 0
            family = (try? socketOption(fd, SOL_SOCKET, SO_DOMAIN)) ?? 0
        }
        if !isStream {
            connection = .connectionless
            return
        }
        if (try? socketOption(fd, SOL_SOCKET, SO_ACCEPTCONN)) ?? 0 != 0 {
            connection = .listening
            return
        }
        if isTCP, let state = try? syscall({ CEventSelect_tcp_state(fd) }) {
            switch state {
            case CInt(CEventSelect_TCP_SYN_SENT):
                connection = .connecting
            case CInt(CEventSelect_TCP_CLOSE):
                // Never connected, a failed connect, or closed after a connection.
                if connection != .connected { connection = .unconnected }
            default:
                connection = .connected
            }
            return
        }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let peer = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        if peer == 0 {
            connection = .connected
        } else if connection != .connected {
            connection = .unconnected
        }
    }
}

/// Sets or clears O_NONBLOCK on the socket itself, whatever it was (the program may have changed
/// it with fcntl behind EventSelect's back, so no cached copy is trusted: docs/SEMANTICS.md rule 15).
/// One ioctl(FIONBIO): no read-modify-write of the other file status flags.
func setNonBlocking(_ fd: CInt, _ nonBlocking: Bool) throws(Errno) {
    var value: CInt = nonBlocking ? 1 : 0
    try syscall { ioctl(fd, UInt(FIONBIO), &value) }
}

/// Whether O_NONBLOCK is set on the socket.
func isNonBlocking(_ fd: CInt) throws(Errno) -> Bool {
    try syscall { fcntl(fd, F_GETFL) } & O_NONBLOCK != 0
}

/// Connections waiting in a TCP listener's accept queue: TCP_INFO's `tcpi_unacked`, which a
/// listening socket reports as its accept backlog (tcp_get_info).
func acceptBacklog(_ fd: CInt) throws(Errno) -> UInt32 {
    var info = tcp_info()
    var length = socklen_t(MemoryLayout<tcp_info>.size)
    try syscall { getsockopt(fd, CInt(IPPROTO_TCP), TCP_INFO, &info, &length) }
    return info.tcpi_unacked
}
