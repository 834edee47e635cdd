import EventSelect
import Glibc
import SystemPackage

// Shared sockets: WSADuplicateSocketA/W fill a WSAPROTOCOL_INFO with Windows' fields and carry
// EventSelect's export bytes (SocketProtocolInfo.bytes) inside szProtocol, after the protocol
// name's terminating zero, so a program may copy the whole struct through a pipe or a file.
// WSASocketA/W(FROM_PROTOCOL_INFO, ..., &info, 0, 0) imports them.

/// Where the export bytes ride: a 4-byte header ("ES", then the length, little-endian) at byte
/// 180 of the struct (byte 64 of szProtocol), then the bytes, up to the end of the A struct.
private enum Carried {
    static let offset = 180
    static let capacity = 372 - offset - 4
    static let magic: (UInt8, UInt8) = (0x45, 0x53)
}

private func fillProtocolInfo(_ info: UnsafeMutableRawPointer, size: Int, wide: Bool, fd: CInt, bytes: [UInt8])
    -> Int32?
{
    guard bytes.count <= Carried.capacity else { return WinError.wsaENOBUFS }
    func option(_ name: CInt) -> CInt {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        _ = Glibc.getsockopt(fd, SOL_SOCKET, name, &value, &length)
        return value
    }
    let family = option(SO_DOMAIN)
    let type = option(SO_TYPE)
    let proto = option(SO_PROTOCOL)
    let stream = type == CInt(SOCK_STREAM.rawValue)
    memset(info, 0, size)
    // dwServiceFlags1: what the Microsoft TCP/IP provider reports for stream and datagram sockets.
    info.store(UInt32(stream ? 0x0002_0066 : 0x0002_0609), at: 0)
    info.store(UInt32(1 << 3), at: 16)  // PFL_MATCHES_PROTOCOL_ZERO
    info.store(Int32(1), at: 40)  // ProtocolChain.ChainLen: BASE_PROTOCOL
    info.store(Int32(2), at: 72)  // iVersion
    info.store(Family.toWindows(family), at: 76)
    let addressSize: Int32 = family == AF_INET6 ? 28 : 16
    info.store(addressSize, at: 80)
    info.store(addressSize, at: 84)
    info.store(type, at: 88)
    info.store(proto, at: 92)
    info.store(UInt32(stream ? 0 : 0xFFBB), at: 108)  // dwMessageSize
    let name = Array("EventSelect \(family == AF_UNIX ? "AF_UNIX" : family == AF_INET6 ? "TCP/IPv6" : "TCP/IP")".utf8)
    for (index, unit) in name.enumerated() {
        if wide { info.store(UInt16(unit), at: 116 + index * 2) } else { info.store(unit, at: 116 + index) }
    }
    info.store(Carried.magic.0, at: Carried.offset)
    info.store(Carried.magic.1, at: Carried.offset + 1)
    info.store(UInt16(bytes.count), at: Carried.offset + 2)
    for (index, byte) in bytes.enumerated() { info.store(byte, at: Carried.offset + 4 + index) }
    return nil
}

private func duplicate(_ s: UInt, _ pid: UInt32, _ info: UnsafeMutableRawPointer?, size: Int, wide: Bool) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
    let process = pid_t(bitPattern: pid)
    guard process > 0 else { return fail(WinError.wsaEINVAL, SOCKET_ERROR) }
    guard let info, !isBadPointer(info) else { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
    do {
        let exported = try notifier.duplicateSocket(FileDescriptor(rawValue: CInt(s)), for: process)
        if let problem = fillProtocolInfo(info, size: size, wide: wide, fd: CInt(s), bytes: exported.bytes) {
            return fail(problem, SOCKET_ERROR)
        }
        return 0
    } catch {
        // A process that does not exist is an invalid argument to Winsock.
        return fail(error == .noSuchProcess ? WinError.wsaEINVAL : wsaCode(error), SOCKET_ERROR)
    }
}

@_cdecl("eventselect_ws_WSADuplicateSocketA")
public func ws_WSADuplicateSocketA(_ s: UInt, _ pid: UInt32, _ info: UnsafeMutableRawPointer?) -> Int32 {
    duplicate(s, pid, info, size: 372, wide: false)
}

@_cdecl("eventselect_ws_WSADuplicateSocketW")
public func ws_WSADuplicateSocketW(_ s: UInt, _ pid: UInt32, _ info: UnsafeMutableRawPointer?) -> Int32 {
    duplicate(s, pid, info, size: 628, wide: true)
}

/// WSASocket: a new socket, or with lpProtocolInfo the socket WSADuplicateSocket described.
private func wsaSocket(_ af: Int32, _ type: Int32, _ proto: Int32, _ info: UnsafeRawPointer?) -> UInt {
    guard let info else { return createSocket(af, type, proto) }
    guard Startup.check() else { return INVALID_SOCKET }
    guard !isBadPointer(info) else { return fail(WinError.wsaEFAULT, INVALID_SOCKET) }
    // Information that does not carry EventSelect's bytes (zeroed, truncated, from elsewhere).
    guard info.load(at: Carried.offset, as: UInt8.self) == Carried.magic.0,
        info.load(at: Carried.offset + 1, as: UInt8.self) == Carried.magic.1
    else { return fail(WinError.wsaEINVAL, INVALID_SOCKET) }
    let count = Int(info.load(at: Carried.offset + 2, as: UInt16.self))
    guard count <= Carried.capacity else { return fail(WinError.wsaEINVAL, INVALID_SOCKET) }
    let bytes = (0..<count).map { info.load(at: Carried.offset + 4 + $0, as: UInt8.self) }
    do {
        let fd = try notifier.socket(from: SocketProtocolInfo(bytes: bytes))
        return UInt(fd.rawValue)
    } catch {
        // Forged, stale, foreign or already-imported information is an invalid argument to Winsock.
        let code = error == .tooManyOpenFiles || error == .noMemory ? wsaCode(error) : WinError.wsaEINVAL
        return fail(code, INVALID_SOCKET)
    }
}

@_cdecl("eventselect_ws_WSASocketA")
public func ws_WSASocketA(
    _ af: Int32, _ type: Int32, _ proto: Int32, _ info: UnsafeRawPointer?, _ group: UInt32, _ flags: UInt32
) -> UInt {
    wsaSocket(af, type, proto, info)
}

@_cdecl("eventselect_ws_WSASocketW")
public func ws_WSASocketW(
    _ af: Int32, _ type: Int32, _ proto: Int32, _ info: UnsafeRawPointer?, _ group: UInt32, _ flags: UInt32
) -> UInt {
    wsaSocket(af, type, proto, info)
}
