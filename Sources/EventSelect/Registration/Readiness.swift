import CEventSelect
import Glibc
import Synchronization
import SystemPackage

// Readiness -> network events: how poll bits become FD_* records (Wine's sock_get_poll_events and
// sock_dispatch_events), per connection state.
extension RegistrationState {
    // MARK: translating readiness into network events

    /// Records the network events that the poll bits `bits` show, for a selected socket, and
    /// returns them. `probe` is a descriptor of the socket for the queries some bits need (FIONREAD,
    /// TCP state, SO_ERROR), or nil when no descriptor is known.
    ///
    /// Only events that are selected and not reported are looked for (Wine's
    /// `sock_get_poll_events`), except a connect's outcome, which is recorded whenever it happens
    /// (Wine's `sock_dispatch_events`, docs/SEMANTICS.md rules 4 and 8).
    mutating func observe(_ bits: UInt32, probe: inout Probe) -> NetworkEvents {
        guard isSelected else { return [] }
        var recorded: NetworkEvents = []
        if connection == .unknown || connection == .unconnected {
            if let fd = probe.fd { refreshConnection(fd) }
            if connection == .connected && !connectReported {
                // An unconnected socket became connected outside EventSelect (a blocking connect).
                recorded.formUnion(connectCompleted(nil))
            }
        }
        switch connection {
        case .unknown, .unconnected:
            // Never-connected stream sockets report POLLOUT|POLLHUP on Linux and nothing on Windows (docs/SEMANTICS.md rule 6).
            break
        case .listening:
            if bits & UInt32(POLLIN) != 0 && interest.contains(.accept) && record(.accept) {
                recorded.insert(.accept)
            }
        case .connecting:
            if bits & UInt32(POLLERR | POLLHUP) != 0 {
                let code = probe.fd.flatMap { try? socketOption($0, SOL_SOCKET, SO_ERROR) } ?? ECONNREFUSED
                if code != 0 {
                    connection = .unconnected
                    connectReported = true
                    if record(.connect, Errno(rawValue: code)) { recorded.insert(.connect) }
                } else if let fd = probe.fd {
                    // No error pending: the bits were not a failure; ask the kernel where it stands.
                    refreshConnection(fd)
                    if connection == .connected {
                        recorded.formUnion(connectCompleted(nil))
                        recorded.formUnion(observeConnected(bits & ~UInt32(POLLERR | POLLHUP), probe: &probe))
                    }
                }
            } else if bits & UInt32(POLLOUT) != 0 {
                recorded.formUnion(connectCompleted(nil))
                recorded.formUnion(observeConnected(bits, probe: &probe))
            }
        case .connected:
            recorded.formUnion(observeConnected(bits, probe: &probe))
        case .connectionless:
            let want = interest
            if bits & UInt32(POLLIN) != 0 && want.contains(.read) && record(.read) { recorded.insert(.read) }
            if bits & UInt32(POLLOUT) != 0 && want.contains(.write) && datagramWritable(probe: &probe)
                && record(.write)
            {
                recorded.insert(.write)
            }
        }
        return recorded
    }

    /// The selected events still able to be recorded.
    var interest: NetworkEvents { mask.subtracting(reported) }

    /// A connect finished successfully: FD_CONNECT and FD_WRITE are recorded together (docs/SEMANTICS.md rule 4),
    /// whatever the selection holds, as Wine's `sock_dispatch_events` does.
    mutating func connectCompleted(_ error: Errno?) -> NetworkEvents {
        connection = .connected
        connectReported = true
        var recorded: NetworkEvents = []
        if record(.connect, error) { recorded.insert(.connect) }
        if record(.write) { recorded.insert(.write) }
        return recorded
    }

    private mutating func observeConnected(_ bits: UInt32, probe: inout Probe) -> NetworkEvents {
        let want = interest
        var recorded: NetworkEvents = []
        let hangup = bits & UInt32(CEventSelect_POLLRDHUP | CEventSelect_POLLHUP | CEventSelect_POLLERR) != 0
        if bits & UInt32(POLLPRI) != 0 && !want.isDisjoint(with: [.oob, .read]) {
            // With SO_OOBINLINE urgent data is ordinary data: FD_READ, not FD_OOB (docs/SEMANTICS.md rule 1),
            // once the byte is readable (the urgent pointer can arrive before the byte itself).
            let inline = probe.fd.flatMap { try? socketOption($0, SOL_SOCKET, SO_OOBINLINE) } ?? 0
            if inline == 0 {
                if want.contains(.oob) && record(.oob) { recorded.insert(.oob) }
            } else if want.contains(.read), probe.fd.flatMap({ try? bytesReadable($0) }).map({ $0 > 0 }) ?? false,
                record(.read)
            {
                recorded.insert(.read)
            }
        }
        if bits & UInt32(POLLIN) != 0 && want.contains(.read) {
            // After a FIN, POLLIN also means "end of stream", which is never FD_READ (docs/SEMANTICS.md rule 1): count bytes.
            // TCP counts too: while a FIN is being processed on another CPU, tcp_poll can report
            // POLLIN (rcv_nxt already counts the FIN) before RDHUP; FIONREAD locks the socket and
            // leaves the FIN out. AF_UNIX has no such window (an EOF queues nothing).
            let hasData: Bool
            if isTCP && !hangup && !probe.isChecked, let fd = probe.unchecked,
                let count = try? bytesReadable(fd), count > 0
            {
                // Bytes counted without checking the descriptor: "data" is also what POLLIN without
                // a hang-up means when no descriptor is known, so a reused number cannot make this
                // record anything the socket's own readiness does not show; only a zero needs the
                // checked descriptor (steady state: no fstat).
                hasData = true
            } else if (hangup || isTCP) && isStream, let fd = probe.fd, let count = try? bytesReadable(fd) {
                hasData = count > 0
            } else {
                // No descriptor here to ask (the registration outlives the one it was made through):
                // POLLIN without a hang-up is data.
                hasData = !hangup || !isStream
            }
            if hasData && record(.read) { recorded.insert(.read) }
        }
        if bits & UInt32(POLLOUT) != 0 && bits & UInt32(POLLERR | POLLHUP) == 0 && want.contains(.write)
            && record(.write)
        {
            recorded.insert(.write)
        }
        if hangup && want.contains(.close) {
            if var close = peerClosed(bits, probe: &probe) {
                // A reset stays a reset: once FD_CLOSE was recorded with ECONNABORTED, the kernel's
                // trace of it (the pending socket error) may have been consumed by a receive, and a
                // later record (message mode re-posts what holds, docs/SEMANTICS.md rule 13) must
                // not turn it into an orderly close (rule 5).
                if close.error == nil && codes[NetworkEvents.close.bitIndex] == .connectionAbort {
                    close.error = .connectionAbort
                }
                if record(.close, close.error) { recorded.insert(.close) }
            }
        }
        return recorded
    }

    /// Whether the peer has closed or reset the connection, and with what error: nil when it has
    /// not (a local shutdown, docs/SEMANTICS.md rule 5), `.some(nil)` for an orderly FIN (docs/SEMANTICS.md rule 5), ECONNABORTED for a reset
    /// (Windows reports WSAECONNABORTED for an RST, docs/SEMANTICS.md rule 5).
    private func peerClosed(_ bits: UInt32, probe: inout Probe) -> PeerClose? {
        if bits & UInt32(POLLERR) != 0 { return PeerClose(error: .connectionAbort) }
        if isTCP, let fd = probe.fd, let state = try? syscall({ CEventSelect_tcp_state(fd) }) {
            // Local shutdown leaves FIN_WAIT1/FIN_WAIT2 (or ESTABLISHED for SHUT_RD); the peer's FIN
            // moves to CLOSE_WAIT, CLOSING, LAST_ACK or, once both sides closed, CLOSE/TIME_WAIT.
            switch state {
            case CInt(CEventSelect_TCP_CLOSE_WAIT), CInt(CEventSelect_TCP_CLOSING), CInt(CEventSelect_TCP_LAST_ACK),
                CInt(CEventSelect_TCP_TIME_WAIT), CInt(CEventSelect_TCP_CLOSE):
                return PeerClose(error: nil)
            default:
                return nil
            }
        }
        // AF_UNIX: after a local SHUT_RD the socket's state cannot show the peer's close any more
        // (unix_shutdown mirrors the bits onto both ends), so nothing is taken for FD_CLOSE.
        if localReadShutdown { return nil }
        return PeerClose(error: nil)
    }

    /// FD_WRITE on a datagram socket: message mode posts it at once; event mode records it only for
    /// a bound socket (docs/SEMANTICS.md rule 6).
    private mutating func datagramWritable(probe: inout Probe) -> Bool {
        if target.isMessageMode { return true }
        guard let fd = probe.fd else { return true }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard bound == 0 else { return false }
        switch CInt(address.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &address) { $0.load(fromByteOffset: 2, as: UInt16.self) } != 0
        case AF_INET6:
            return withUnsafeBytes(of: &address) { $0.load(fromByteOffset: 2, as: UInt16.self) } != 0
        default:
            return length > socklen_t(MemoryLayout<sa_family_t>.size)
        }
    }

}

struct PeerClose {
    var error: Errno?
}
