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
        if isTCP, let info = try? tcpConnectionState(fd) {
            switch info.state {
            case CInt(CEventSelect_TCP_SYN_SENT):
                connection = .connecting
            case CInt(CEventSelect_TCP_CLOSE):
                // Never connected, a failed connect, or closed after a connection (local shutdown
                // then the peer's FIN, or a reset), which Windows reports as FD_CLOSE when first
                // selected (docs/SEMANTICS.md rules 5 and 8): `tcpConnectionState` tells them apart.
                if connection != .connected { connection = info.wasEstablished ? .connected : .unconnected }
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

/// A TCP socket's state (`tcpi_state`) and whether its connection was ever established, from one
/// TCP_INFO (no extra syscall over reading the state alone).
///
/// "Established" is `tcpi_delivered != 0`: the kernel counts the peer's acknowledgement of the SYN
/// (active side, tcp_clean_rtx_queue) or starts a passively opened child at 1
/// (tcp_create_openreq_child), so it is 0 from socket creation until a handshake completes and
/// after a failed connect, and only tcp_disconnect (connect(AF_UNSPEC)) zeroes it again. The other
/// candidates are not exact: `tcpi_rcv_mss` is set by tcp_connect_init before the SYN (a refused
/// connect has it), `tcpi_rcv_space` survives connect(AF_UNSPEC), byte and segment counts are 0 for
/// a connection reset before any data, the pending error is consumed by a receive, and
/// sk_shutdown (RDHUP) is set by a failed connect too.
/// `tcpi_delivered` (offset 192, kernel 4.18+) is past glibc's `struct tcp_info`, so it is read from
/// the kernel's layout (append-only ABI); an older kernel returns a shorter struct, and then
/// `tcpi_rcv_space` (set when the connection is established, tcp_init_buffer_space) stands in.
func tcpConnectionState(_ fd: CInt) throws(Errno) -> (state: CInt, wasEstablished: Bool) {
    let deliveredOffset = 192
    let size = max(MemoryLayout<tcp_info>.size, deliveredOffset + 4)
    return try withUnsafeTemporaryAllocation(byteCount: size, alignment: 8) { raw throws(Errno) in
        raw.initializeMemory(as: UInt8.self, repeating: 0)
        var length = socklen_t(size)
        try syscall { getsockopt(fd, CInt(IPPROTO_TCP), TCP_INFO, raw.baseAddress, &length) }
        let info = raw.load(as: tcp_info.self)
        let established =
            Int(length) >= deliveredOffset + 4
            ? raw.load(fromByteOffset: deliveredOffset, as: UInt32.self) != 0 : info.tcpi_rcv_space != 0
        return (CInt(info.tcpi_state), established)
    }
}
