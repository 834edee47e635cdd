@_spi(WinsockLayer) import EventSelect
import Glibc
import SystemPackage

// The socket calls. Those that re-enable events or change a registration (recv, send, accept,
// connect, shutdown, closesocket, ioctlsocket(FIONBIO)) go through the Notifier, exactly as a Swift
// program's calls do; the rest are the Linux calls with Windows' values translated.

@_cdecl("eventselect_ws_WSAStartup")
public func ws_WSAStartup(_ version: UInt16, _ data: UnsafeMutableRawPointer?) -> Int32 {
    let major = version & 0xFF
    let minor = version >> 8
    guard major >= 1 else { return WinError.wsaVERNOTSUPPORTED }
    guard let data, !isBadPointer(data) else { return WinError.wsaEFAULT }
    // The version used: the requested one, up to 2.2 (WSADATA layout: Win64).
    let used: UInt16 = major > 2 || (major == 2 && minor >= 2) ? 0x0202 : version
    memset(data, 0, 408)
    data.store(used, at: 0)
    data.store(UInt16(0x0202), at: 2)
    for (offset, text) in [(16, "WinSock 2.0"), (273, "Running")] {
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() { data.store(byte, at: offset + index) }
    }
    if Startup.count.add(1, ordering: .relaxed).oldValue == 0 { Startup.warmUp() }
    return 0
}

@_cdecl("eventselect_ws_WSACleanup")
public func ws_WSACleanup() -> Int32 {
    while true {
        let count = Startup.count.load(ordering: .relaxed)
        if count == 0 { return fail(WinError.wsaNOTINITIALISED, SOCKET_ERROR) }
        if Startup.count.compareExchange(expected: count, desired: count - 1, ordering: .relaxed).exchanged {
            return 0
        }
    }
}

@_cdecl("eventselect_ws_WSAGetLastError")
public func ws_WSAGetLastError() -> Int32 { LastError.value }

@_cdecl("eventselect_ws_WSASetLastError")
public func ws_WSASetLastError(_ code: Int32) { LastError.value = code }

/// Creates a socket: Windows' family numbers, Linux's call, blocking until selected.
func createSocket(_ af: Int32, _ type: Int32, _ proto: Int32) -> UInt {
    guard Startup.check() else { return INVALID_SOCKET }
    guard let family = Family.toLinux(af), family != AF_UNSPEC || proto != 0 || type != 0 else {
        return fail(WinError.wsaEAFNOSUPPORT, INVALID_SOCKET)
    }
    // AF_UNSPEC with a type: Windows picks IPv4.
    let domain = family == AF_UNSPEC ? AF_INET : family
    do {
        let fd = try notifier.socket(domain: domain, type: type, protocol: proto)
        return UInt(fd.rawValue)
    } catch {
        return fail(wsaCode(error), INVALID_SOCKET)
    }
}

@_cdecl("eventselect_ws_socket")
public func ws_socket(_ af: Int32, _ type: Int32, _ proto: Int32) -> UInt {
    createSocket(af, type, proto)
}

@_cdecl("eventselect_ws_bind")
public func ws_bind(_ s: UInt, _ name: UnsafeRawPointer?, _ namelen: Int32) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
    do {
        let address = try LinuxAddress(name, namelen)
        let rc = address.withPointer { Glibc.bind(CInt(s), $0, $1) }
        return rc == 0 ? 0 : fail(wsaCode(Errno(rawValue: errno)), SOCKET_ERROR)
    } catch {
        return fail(error.code, SOCKET_ERROR)
    }
}

@_cdecl("eventselect_ws_listen")
public func ws_listen(_ s: UInt, _ backlog: Int32) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
    // SOMAXCONN_HINT(b) is -b; SOMAXCONN (0x7fffffff) is clamped by the kernel.
    let count = backlog < 0 ? (backlog == Int32.min ? Int32.max : -backlog) : backlog
    if Glibc.listen(CInt(s), count) != 0 {
        let code = errno
        // Windows: listen on a connected socket is WSAEISCONN (Linux: EINVAL).
        if code == EINVAL, Glibc.getpeername(CInt(s), nil, nil) == -1 && errno == EFAULT {
            return fail(10056, SOCKET_ERROR)
        }
        return fail(wsaCode(Errno(rawValue: code)), SOCKET_ERROR)
    }
    return 0
}

@_cdecl("eventselect_ws_accept")
public func ws_accept(_ s: UInt, _ addr: UnsafeMutableRawPointer?, _ addrlen: UnsafeMutablePointer<Int32>?) -> UInt {
    guard Startup.check() else { return INVALID_SOCKET }
    guard let fd = descriptor(s) else { return fail(WinError.wsaENOTSOCK, INVALID_SOCKET) }
    if addr != nil {
        // Checked before accepting, so that a short buffer never loses a connection.
        guard let addrlen, !isBadPointer(addr), !isBadPointer(addrlen) else {
            return fail(WinError.wsaEFAULT, INVALID_SOCKET)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let family = withUnsafeMutableBytes(of: &storage) { raw -> Int32 in
            guard Glibc.getsockname(fd.rawValue, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) == 0
            else { return -1 }
            return Int32(raw.load(as: sa_family_t.self))
        }
        if family >= 0, family != AF_UNIX, Int(addrlen.pointee) < Family.addressSize(family) {
            if socketProblem(s) == nil {
                // The failing accept still re-enables FD_ACCEPT (the connection stays queued).
                try? notifier.reenableAfterFailedCall(fd, .accept)
                return fail(WinError.wsaEFAULT, INVALID_SOCKET)
            }
        }
    }
    let accepted: FileDescriptor
    do {
        accepted = try notifier.accept(fd)
    } catch {
        return fail(wsaCode(error), INVALID_SOCKET)
    }
    if let addr {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutableBytes(of: &storage) { raw in
            Glibc.getpeername(accepted.rawValue, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) == 0
        }
        if ok {
            _ = withUnsafeBytes(of: storage) { raw in storeAddress(raw.baseAddress!, length, into: addr, addrlen) }
        } else if let addrlen {
            addrlen.pointee = 0  // a peer that is already gone (AF_UNIX unnamed): no address
        }
    }
    return UInt(accepted.rawValue)
}

@_cdecl("eventselect_ws_connect")
public func ws_connect(_ s: UInt, _ name: UnsafeRawPointer?, _ namelen: Int32) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
    let fd = FileDescriptor(rawValue: CInt(s))
    let address: LinuxAddress
    do {
        address = try LinuxAddress(name, namelen)
    } catch {
        return fail(error.code, SOCKET_ERROR)
    }
    let nonBlocking = fcntl(fd.rawValue, F_GETFL) & O_NONBLOCK != 0
    var type: CInt = 0
    var length = socklen_t(MemoryLayout<CInt>.size)
    _ = Glibc.getsockopt(fd.rawValue, SOL_SOCKET, SO_TYPE, &type, &length)
    do {
        try address.withPointer { pointer, length throws(Errno) in
            try notifier.connect(fd, to: pointer, length: length)
        }
    } catch {
        return fail(wsaCode(error), SOCKET_ERROR)
    }
    // A non-blocking stream connect always completes later on Windows: WSAEWOULDBLOCK now,
    // FD_CONNECT (or writability in select) with the outcome.
    if nonBlocking && type == CInt(SOCK_STREAM.rawValue) { return fail(WinError.wsaEWOULDBLOCK, SOCKET_ERROR) }
    return 0
}

/// MSG_* flags: Windows' MSG_OOB, MSG_PEEK, MSG_DONTROUTE and MSG_WAITALL, or nil for others.
private func linuxMessageFlags(_ flags: Int32, allowed: Int32) -> CInt? {
    guard flags & ~allowed == 0 else { return nil }
    var linux: CInt = 0
    if flags & 0x1 != 0 { linux |= CInt(MSG_OOB) }
    if flags & 0x2 != 0 { linux |= CInt(MSG_PEEK) }
    if flags & 0x4 != 0 { linux |= CInt(MSG_DONTROUTE) }
    if flags & 0x8 != 0 { linux |= CInt(MSG_WAITALL) }
    return linux
}

@_cdecl("eventselect_ws_recv")
public func ws_recv(_ s: UInt, _ buffer: UnsafeMutableRawPointer?, _ length: Int32, _ flags: Int32) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    guard let fd = descriptor(s) else { return fail(WinError.wsaENOTSOCK, SOCKET_ERROR) }
    guard let linuxFlags = linuxMessageFlags(flags, allowed: 0xB) else {
        return fail(WinError.wsaEOPNOTSUPP, SOCKET_ERROR)
    }
    // A bad buffer still goes through the Notifier: a receive that fails re-enables FD_READ
    // (docs/SEMANTICS.md rule 9), so it is handed an empty buffer and the fault reported after.
    let bad = length < 0 || (isBadPointer(buffer) && length > 0)
    let region = UnsafeMutableRawBufferPointer(start: bad ? nil : buffer, count: bad ? 0 : Int(length))
    // A datagram larger than the buffer: Windows fills the buffer, drops the rest and fails with
    // WSAEMSGSIZE; Linux truncates silently unless MSG_TRUNC asks for the datagram's real length.
    let truncation = !bad && isMessageOriented(fd.rawValue) ? CInt(MSG_TRUNC) : 0
    do {
        let count = try notifier.receive(
            fd, into: region, flags: linuxFlags | truncation | (bad ? CInt(MSG_PEEK | MSG_DONTWAIT) : 0))
        if bad { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
        if count > Int(length) { return fail(10040, SOCKET_ERROR) }  // WSAEMSGSIZE
        return Int32(count)
    } catch {
        if bad && error != .badFileDescriptor && error != .notSocket { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
        return fail(wsaCode(error), SOCKET_ERROR)
    }
}

/// Whether the socket keeps message boundaries (datagram, raw, sequenced packet).
private func isMessageOriented(_ fd: CInt) -> Bool {
    var type: CInt = 0
    var length = socklen_t(MemoryLayout<CInt>.size)
    guard Glibc.getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 else { return false }
    return type != CInt(SOCK_STREAM.rawValue)
}

@_cdecl("eventselect_ws_send")
public func ws_send(_ s: UInt, _ buffer: UnsafeRawPointer?, _ length: Int32, _ flags: Int32) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    guard let fd = descriptor(s) else { return fail(WinError.wsaENOTSOCK, SOCKET_ERROR) }
    guard let linuxFlags = linuxMessageFlags(flags, allowed: 0x5) else {
        return fail(WinError.wsaEOPNOTSUPP, SOCKET_ERROR)
    }
    if length < 0 || (isBadPointer(buffer) && length > 0) {
        if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
        return fail(WinError.wsaEFAULT, SOCKET_ERROR)
    }
    do {
        let count = try notifier.send(fd, UnsafeRawBufferPointer(start: buffer, count: Int(length)), flags: linuxFlags)
        return Int32(count)
    } catch {
        return fail(wsaCode(error), SOCKET_ERROR)
    }
}

/// recvfrom: the datagram (or bytes) and the sender's address. The engine's receive has no
/// address, so the data is taken with Linux's recvfrom and the re-enabling call follows at once:
/// a zero-byte MSG_PEEK through `Notifier.receive`, which re-enables FD_READ (FD_OOB) and records
/// it again if more data waits, exactly as after a `recv`.
@_cdecl("eventselect_ws_recvfrom")
public func ws_recvfrom(
    _ s: UInt, _ buffer: UnsafeMutableRawPointer?, _ length: Int32, _ flags: Int32, _ from: UnsafeMutableRawPointer?,
    _ fromlen: UnsafeMutablePointer<Int32>?
) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    guard let fd = descriptor(s) else { return fail(WinError.wsaENOTSOCK, SOCKET_ERROR) }
    guard let linuxFlags = linuxMessageFlags(flags, allowed: 0xB) else {
        return fail(WinError.wsaEOPNOTSUPP, SOCKET_ERROR)
    }
    if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
    if length < 0 || (isBadPointer(buffer) && length > 0)
        || (from != nil && (isBadPointer(from) || isBadPointer(fromlen)))
    {
        return fail(WinError.wsaEFAULT, SOCKET_ERROR)
    }
    var storage = sockaddr_storage()
    var storageLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
    var count: Int
    let truncation = isMessageOriented(fd.rawValue) ? CInt(MSG_TRUNC) : 0
    repeat {
        count = withUnsafeMutableBytes(of: &storage) { raw in
            Glibc.recvfrom(
                fd.rawValue, buffer, Int(length), linuxFlags | truncation,
                raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &storageLength)
        }
    } while count == -1 && errno == EINTR
    let code = errno
    let reenable = CInt(MSG_PEEK) | CInt(MSG_DONTWAIT) | (linuxFlags & CInt(MSG_OOB))
    _ = try? notifier.receive(fd, into: UnsafeMutableRawBufferPointer(start: nil, count: 0), flags: reenable)
    if count < 0 { return fail(wsaCode(Errno(rawValue: code)), SOCKET_ERROR) }
    if count > Int(length) { return fail(10040, SOCKET_ERROR) }  // WSAEMSGSIZE: datagram truncated
    if let from, storageLength > 0 {
        let problem = withUnsafeBytes(of: storage) { raw in
            storeAddress(raw.baseAddress!, storageLength, into: from, fromlen)
        }
        if let problem { return fail(problem, SOCKET_ERROR) }
    } else if let fromlen, from != nil {
        fromlen.pointee = 0
    }
    return Int32(count)
}

/// sendto: with no address, `send` (through the Notifier); with one, Linux's sendto. A datagram
/// send that would block does not re-enable FD_WRITE (the engine re-enables through its own send
/// only, and a zero-byte datagram would be sent).
@_cdecl("eventselect_ws_sendto")
public func ws_sendto(
    _ s: UInt, _ buffer: UnsafeRawPointer?, _ length: Int32, _ flags: Int32, _ to: UnsafeRawPointer?, _ tolen: Int32
) -> Int32 {
    guard to != nil else { return ws_send(s, buffer, length, flags) }
    guard Startup.check() else { return SOCKET_ERROR }
    guard let fd = descriptor(s) else { return fail(WinError.wsaENOTSOCK, SOCKET_ERROR) }
    guard let linuxFlags = linuxMessageFlags(flags, allowed: 0x5) else {
        return fail(WinError.wsaEOPNOTSUPP, SOCKET_ERROR)
    }
    if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
    if length < 0 || (isBadPointer(buffer) && length > 0) { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
    do {
        let address = try LinuxAddress(to, tolen)
        var count: Int
        repeat {
            count = address.withPointer { pointer, addressLength in
                Glibc.sendto(fd.rawValue, buffer, Int(length), linuxFlags | CInt(MSG_NOSIGNAL), pointer, addressLength)
            }
        } while count == -1 && errno == EINTR
        return count >= 0 ? Int32(count) : fail(wsaCode(Errno(rawValue: errno)), SOCKET_ERROR)
    } catch {
        return fail(error.code, SOCKET_ERROR)
    }
}

@_cdecl("eventselect_ws_shutdown")
public func ws_shutdown(_ s: UInt, _ how: Int32) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    guard let fd = descriptor(s) else { return fail(WinError.wsaENOTSOCK, SOCKET_ERROR) }
    guard (0...2).contains(how) else {
        if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
        return fail(WinError.wsaEINVAL, SOCKET_ERROR)
    }
    do {
        try notifier.shutdown(fd, how: how)  // SD_RECEIVE/SD_SEND/SD_BOTH are SHUT_RD/WR/RDWR
        return 0
    } catch {
        return fail(wsaCode(error), SOCKET_ERROR)
    }
}

@_cdecl("eventselect_ws_closesocket")
public func ws_closesocket(_ s: UInt) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    guard let fd = descriptor(s) else { return fail(WinError.wsaENOTSOCK, SOCKET_ERROR) }
    do {
        try notifier.close(fd)
        return 0
    } catch {
        return fail(wsaCode(error), SOCKET_ERROR)
    }
}

@_cdecl("eventselect_ws_ioctlsocket")
public func ws_ioctlsocket(_ s: UInt, _ command: Int, _ argument: UnsafeMutablePointer<UInt>?) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
    let fd = FileDescriptor(rawValue: CInt(s))
    guard let argument, !isBadPointer(argument) else { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
    switch UInt32(truncatingIfNeeded: command) {
    case 0x8004_667E:  // FIONBIO: nonzero = non-blocking; blocking while selected is WSAEINVAL
        do {
            // Only the low 32 bits, Windows' u_long: a program that passes a 4-byte variable
            // (cast to u_long *) means the same thing.
            let nonBlocking = UnsafeRawPointer(argument).load(as: UInt32.self) != 0
            try notifier.setBlocking(fd, !nonBlocking)
            return 0
        } catch {
            return fail(wsaCode(error), SOCKET_ERROR)
        }
    case 0x4004_667F:  // FIONREAD
        var count: CInt = 0
        if Glibc.ioctl(fd.rawValue, UInt(FIONREAD), &count) != 0 {
            // A listening socket has nothing to read (Linux: EINVAL).
            if errno == EINVAL { count = 0 } else { return fail(wsaCode(Errno(rawValue: errno)), SOCKET_ERROR) }
        }
        argument.pointee = UInt(max(count, 0))
        return 0
    case 0x4004_7307:  // SIOCATMARK: TRUE while no urgent data waits to be read
        var entry = pollfd(fd: fd.rawValue, events: Int16(POLLPRI), revents: 0)
        _ = poll(&entry, 1, 0)
        argument.pointee = entry.revents & Int16(POLLPRI) != 0 ? 0 : 1
        return 0
    default:
        return fail(WinError.wsaEINVAL, SOCKET_ERROR)
    }
}

// MARK: options

/// How a Windows option maps to Linux.
private enum OptionKind {
    case bool, int, linger, dontLinger, error, bufferSize, milliseconds, ignoredBool
}

private func option(_ level: Int32, _ name: Int32) -> (CInt, CInt, OptionKind)? {
    switch (level, name) {
    case (0xFFFF, 0x0001): return (SOL_SOCKET, SO_DEBUG, .bool)
    case (0xFFFF, 0x0002): return (SOL_SOCKET, SO_ACCEPTCONN, .bool)
    case (0xFFFF, 0x0004): return (SOL_SOCKET, SO_REUSEADDR, .bool)
    case (0xFFFF, 0x0008): return (SOL_SOCKET, SO_KEEPALIVE, .bool)
    case (0xFFFF, 0x0010): return (SOL_SOCKET, SO_DONTROUTE, .bool)
    case (0xFFFF, 0x0020): return (SOL_SOCKET, SO_BROADCAST, .bool)
    case (0xFFFF, 0x0080): return (SOL_SOCKET, SO_LINGER, .linger)
    case (0xFFFF, ~0x0080): return (SOL_SOCKET, SO_LINGER, .dontLinger)
    case (0xFFFF, 0x0100): return (SOL_SOCKET, SO_OOBINLINE, .bool)
    case (0xFFFF, ~0x0004): return (SOL_SOCKET, SO_REUSEADDR, .ignoredBool)  // SO_EXCLUSIVEADDRUSE
    case (0xFFFF, 0x1001): return (SOL_SOCKET, SO_SNDBUF, .bufferSize)
    case (0xFFFF, 0x1002): return (SOL_SOCKET, SO_RCVBUF, .bufferSize)
    case (0xFFFF, 0x1003): return (SOL_SOCKET, SO_SNDLOWAT, .int)
    case (0xFFFF, 0x1004): return (SOL_SOCKET, SO_RCVLOWAT, .int)
    case (0xFFFF, 0x1005): return (SOL_SOCKET, SO_SNDTIMEO, .milliseconds)
    case (0xFFFF, 0x1006): return (SOL_SOCKET, SO_RCVTIMEO, .milliseconds)
    case (0xFFFF, 0x1007): return (SOL_SOCKET, SO_ERROR, .error)
    case (0xFFFF, 0x1008): return (SOL_SOCKET, SO_TYPE, .int)
    case (6, 0x0001): return (CInt(IPPROTO_TCP), TCP_NODELAY, .bool)
    case (0, 4): return (CInt(IPPROTO_IP), IP_TTL, .int)
    case (0, 3): return (CInt(IPPROTO_IP), IP_TOS, .int)
    case (41, 27): return (CInt(IPPROTO_IPV6), IPV6_V6ONLY, .bool)
    case (41, 4): return (CInt(IPPROTO_IPV6), IPV6_UNICAST_HOPS, .int)
    default: return nil
    }
}

@_cdecl("eventselect_ws_setsockopt")
public func ws_setsockopt(_ s: UInt, _ level: Int32, _ name: Int32, _ value: UnsafeRawPointer?, _ length: Int32)
    -> Int32
{
    guard Startup.check() else { return SOCKET_ERROR }
    if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
    guard let (linuxLevel, linuxName, kind) = option(level, name) else {
        return fail(WinError.wsaENOPROTOOPT, SOCKET_ERROR)
    }
    guard let value, !isBadPointer(value), length >= 1 else { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
    // Windows reads a BOOL or DWORD option from as many bytes as given, up to four.
    func integer() -> CInt {
        var result: UInt32 = 0
        for index in 0..<min(Int(length), 4) { result |= UInt32(value.load(at: index, as: UInt8.self)) << (8 * index) }
        return CInt(bitPattern: result)
    }
    let fd = CInt(s)
    var rc: CInt
    switch kind {
    case .bool, .int, .bufferSize:
        var number = kind == .bool ? (integer() != 0 ? 1 : 0) : integer()
        rc = Glibc.setsockopt(fd, linuxLevel, linuxName, &number, socklen_t(MemoryLayout<CInt>.size))
    case .linger, .dontLinger:
        var setting = linger()
        if kind == .linger {
            guard length >= 4 else { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
            setting.l_onoff = CInt(value.load(at: 0, as: UInt16.self))
            setting.l_linger = CInt(value.load(at: 2, as: UInt16.self))
        } else {
            setting.l_onoff = integer() != 0 ? 0 : 1
            setting.l_linger = 0
        }
        rc = Glibc.setsockopt(fd, linuxLevel, linuxName, &setting, socklen_t(MemoryLayout<linger>.size))
    case .milliseconds:
        let milliseconds = UInt32(bitPattern: integer())
        var time = timeval(tv_sec: Int(milliseconds / 1000), tv_usec: Int(milliseconds % 1000) * 1000)
        rc = Glibc.setsockopt(fd, linuxLevel, linuxName, &time, socklen_t(MemoryLayout<timeval>.size))
    case .error:
        return fail(WinError.wsaENOPROTOOPT, SOCKET_ERROR)
    case .ignoredBool:
        return 0  // SO_EXCLUSIVEADDRUSE: Linux never lets another socket steal a bound port
    }
    return rc == 0 ? 0 : fail(wsaCode(Errno(rawValue: errno)), SOCKET_ERROR)
}

@_cdecl("eventselect_ws_getsockopt")
public func ws_getsockopt(
    _ s: UInt, _ level: Int32, _ name: Int32, _ value: UnsafeMutableRawPointer?, _ length: UnsafeMutablePointer<Int32>?
) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
    guard let (linuxLevel, linuxName, kind) = option(level, name) else {
        return fail(WinError.wsaENOPROTOOPT, SOCKET_ERROR)
    }
    guard let value, let length, !isBadPointer(value), !isBadPointer(length) else {
        return fail(WinError.wsaEFAULT, SOCKET_ERROR)
    }
    let fd = CInt(s)
    let size: Int32 = 4  // every option here is a BOOL, an int, a DWORD or a 4-byte struct linger
    guard length.pointee >= size else { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
    var result: Int32
    switch kind {
    case .linger, .dontLinger:
        var setting = linger()
        var linuxLength = socklen_t(MemoryLayout<linger>.size)
        guard Glibc.getsockopt(fd, linuxLevel, linuxName, &setting, &linuxLength) == 0 else {
            return fail(wsaCode(Errno(rawValue: errno)), SOCKET_ERROR)
        }
        if kind == .linger {
            value.store(UInt16(truncatingIfNeeded: setting.l_onoff), at: 0)
            value.store(UInt16(truncatingIfNeeded: setting.l_linger), at: 2)
            length.pointee = size
            return 0
        }
        result = setting.l_onoff == 0 ? 1 : 0
    case .milliseconds:
        var time = timeval()
        var linuxLength = socklen_t(MemoryLayout<timeval>.size)
        guard Glibc.getsockopt(fd, linuxLevel, linuxName, &time, &linuxLength) == 0 else {
            return fail(wsaCode(Errno(rawValue: errno)), SOCKET_ERROR)
        }
        result = Int32(truncatingIfNeeded: time.tv_sec * 1000 + time.tv_usec / 1000)
    case .ignoredBool:
        result = 0
    default:
        var number: CInt = 0
        var linuxLength = socklen_t(MemoryLayout<CInt>.size)
        guard Glibc.getsockopt(fd, linuxLevel, linuxName, &number, &linuxLength) == 0 else {
            return fail(wsaCode(Errno(rawValue: errno)), SOCKET_ERROR)
        }
        switch kind {
        case .error: result = number == 0 ? 0 : wsaCode(Errno(rawValue: number))
        case .bufferSize: result = number / 2  // Linux reports twice the size set (socket(7))
        case .bool: result = number != 0 ? 1 : 0
        default: result = number
        }
    }
    value.store(result, at: 0)
    length.pointee = size
    return 0
}

// MARK: select

/// POLLRDHUP (Linux): the peer shut down its sending side.
private let pollReadHangUp: Int32 = 0x2000

/// Winsock's fd_set: a u_int count, then SOCKETs from byte 8.
private enum WinFDSet {
    static func count(_ set: UnsafeMutableRawPointer) -> Int { Int(UnsafeRawPointer(set).load(at: 0, as: UInt32.self)) }
    static func socket(_ set: UnsafeMutableRawPointer, _ index: Int) -> UInt {
        UnsafeRawPointer(set).load(at: 8 + index * 8, as: UInt.self)
    }
}

/// A stream socket that is not connected (never, or its connect failed): Linux reports it
/// writable, Winsock does not (a failed connect never makes a socket writable).
private func unconnectedStream(_ fd: CInt) -> Bool {
    var type: CInt = 0
    var length = socklen_t(MemoryLayout<CInt>.size)
    guard Glibc.getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0, type == CInt(SOCK_STREAM.rawValue) else {
        return false
    }
    var address = sockaddr_storage()
    var addressLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let connected = withUnsafeMutableBytes(of: &address) { raw in
        Glibc.getpeername(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &addressLength) == 0
    }
    return !connected
}

@_cdecl("eventselect_ws___WSAFDIsSet")
public func ws_WSAFDIsSet(_ s: UInt, _ set: UnsafeMutableRawPointer?) -> Int32 {
    guard let set else { return 0 }
    for index in 0..<WinFDSet.count(set) where WinFDSet.socket(set, index) == s { return 1 }
    return 0
}

@_cdecl("eventselect_ws_select")
public func ws_select(
    _ nfds: Int32, _ read: UnsafeMutableRawPointer?, _ write: UnsafeMutableRawPointer?,
    _ except: UnsafeMutableRawPointer?, _ timeout: UnsafePointer<timeval>?
) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    let sets = [read, write, except]
    var entries: [pollfd] = []
    var owners: [(set: Int, index: Int)] = []
    for (which, set) in sets.enumerated() {
        guard let set else { continue }
        for index in 0..<WinFDSet.count(set) {
            let s = WinFDSet.socket(set, index)
            if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
            let events: Int32 =
                which == 0 ? POLLIN | pollReadHangUp : which == 1 ? Int32(POLLOUT) : Int32(POLLPRI)
            entries.append(pollfd(fd: CInt(s), events: Int16(events), revents: 0))
            owners.append((which, index))
        }
    }
    // Winsock: a select with no sockets at all is an error, not a sleep.
    guard !entries.isEmpty else { return fail(WinError.wsaEINVAL, SOCKET_ERROR) }
    var milliseconds: Int32 = -1
    if let timeout {
        let total = timeout.pointee.tv_sec * 1000 + (timeout.pointee.tv_usec + 999) / 1000
        guard timeout.pointee.tv_sec >= 0, timeout.pointee.tv_usec >= 0 else {
            return fail(WinError.wsaEINVAL, SOCKET_ERROR)
        }
        milliseconds = Int32(clamping: total)
    }
    var rc: CInt
    repeat {
        rc = poll(&entries, nfds_t(entries.count), milliseconds)
    } while rc == -1 && errno == EINTR
    if rc < 0 { return fail(wsaCode(Errno(rawValue: errno)), SOCKET_ERROR) }
    // Which sockets stay in each set. Read: data, a connection to accept, end of stream or an error
    // (recv reports it). Write: writable without error (a failed connect is not writable).
    // Except: urgent data, or an error (a failed non-blocking connect is reported here on Windows).
    var keep: [[UInt]] = [[], [], []]
    for (position, entry) in entries.enumerated() {
        let bits = Int32(entry.revents)
        let ready: Bool
        switch owners[position].set {
        case 0: ready = bits & (POLLIN | pollReadHangUp | Int32(POLLHUP) | Int32(POLLERR)) != 0
        case 1: ready = bits & Int32(POLLOUT) != 0 && bits & Int32(POLLERR) == 0 && !unconnectedStream(entry.fd)
        default: ready = bits & (Int32(POLLPRI) | Int32(POLLERR)) != 0
        }
        if ready { keep[owners[position].set].append(UInt(entry.fd)) }
    }
    var total: Int32 = 0
    for (which, set) in sets.enumerated() {
        guard let set else { continue }
        set.store(UInt32(keep[which].count), at: 0)
        for (index, s) in keep[which].enumerated() { set.store(s, at: 8 + index * 8) }
        total += Int32(keep[which].count)
    }
    return total
}
