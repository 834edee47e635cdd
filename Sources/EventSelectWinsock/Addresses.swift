import EventSelect
import Glibc
import SystemPackage

// Addresses cross between Windows' and Linux's encodings here. The structs have the same bytes
// except the family numbers (Windows' AF_INET6 is 23, Linux's 10); struct addrinfo's field order,
// the AI_*/NI_* flag bits and the EAI_* codes differ and are translated.

enum Family {
    static let windowsINET6: Int32 = 23

    static func toLinux(_ family: Int32) -> Int32? {
        switch family {
        case 0: return AF_UNSPEC
        case 1: return AF_UNIX
        case 2: return AF_INET
        case windowsINET6: return AF_INET6
        default: return nil
        }
    }

    static func toWindows(_ family: Int32) -> Int32 {
        family == AF_INET6 ? windowsINET6 : family
    }

    /// The size of a Windows sockaddr of this (Linux) family.
    static func addressSize(_ family: Int32) -> Int {
        switch family {
        case AF_INET: return 16
        case AF_INET6: return 28
        case AF_UNIX: return MemoryLayout<sockaddr_un>.size
        default: return MemoryLayout<sockaddr_storage>.size
        }
    }
}

/// A Linux socket address made from a Windows one.
struct LinuxAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    /// Converts `name` (Windows layout, `length` bytes): WSAEFAULT for NULL or too short,
    /// WSAEAFNOSUPPORT for a family EventSelect does not carry.
    init(_ name: UnsafeRawPointer?, _ windowsLength: Int32) throws(WSAFailure) {
        guard let name, !isBadPointer(name), windowsLength >= 2 else { throw WSAFailure(WinError.wsaEFAULT) }
        let windowsFamily = Int32(name.load(at: 0, as: UInt16.self))
        guard let family = Family.toLinux(windowsFamily) else { throw WSAFailure(WinError.wsaEAFNOSUPPORT) }
        let needed: Int
        switch family {
        case AF_INET: needed = 16
        case AF_INET6: needed = 28
        case AF_UNIX: needed = 2
        default: throw WSAFailure(WinError.wsaEAFNOSUPPORT)
        }
        guard Int(windowsLength) >= needed else { throw WSAFailure(WinError.wsaEFAULT) }
        let count = min(Int(windowsLength), family == AF_UNIX ? MemoryLayout<sockaddr_un>.size : needed)
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.baseAddress!.copyMemory(from: name, byteCount: count)
            raw.storeBytes(of: sa_family_t(family), toByteOffset: 0, as: sa_family_t.self)
        }
        length = socklen_t(count)
    }

    func withPointer<R, E: Error>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws(E) -> R) throws(E) -> R {
        try withUnsafeBytes(of: storage) { (raw) throws(E) -> R in
            try body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}

/// A Winsock failure: the code the call sets with WSASetLastError.
struct WSAFailure: Error {
    let code: Int32
    init(_ code: Int32) { self.code = code }
}

/// Copies a Linux address into a caller's Windows buffer (`name`, `*namelen` bytes), setting
/// `*namelen` to the address's size: WSAEFAULT when the buffer is missing or too small.
func storeAddress(
    _ address: UnsafeRawPointer, _ linuxLength: socklen_t, into name: UnsafeMutableRawPointer?,
    _ namelen: UnsafeMutablePointer<Int32>?
) -> Int32? {
    guard let name, let namelen, !isBadPointer(name), !isBadPointer(namelen) else { return WinError.wsaEFAULT }
    let family = Int32(address.load(at: 0, as: sa_family_t.self))
    let size = family == AF_UNIX ? Int(linuxLength) : min(Int(linuxLength), Family.addressSize(family))
    guard Int(namelen.pointee) >= size else { return WinError.wsaEFAULT }
    name.copyMemory(from: address, byteCount: size)
    name.store(UInt16(Family.toWindows(family)), at: 0)
    namelen.pointee = Int32(size)
    return nil
}

/// getsockname / getpeername through a Linux call, into a Windows buffer.
func queryAddress(
    _ socket: UInt, _ name: UnsafeMutableRawPointer?, _ namelen: UnsafeMutablePointer<Int32>?,
    _ call: (CInt, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> CInt, unbound: Bool
) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    if let problem = socketProblem(socket) { return fail(problem, SOCKET_ERROR) }
    guard !isBadPointer(name), !isBadPointer(namelen) else { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let rc = withUnsafeMutableBytes(of: &storage) { raw in
        call(CInt(socket), raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
    }
    if rc != 0 { return fail(wsaCode(Errno(rawValue: errno)), SOCKET_ERROR) }
    if unbound {
        // Windows: getsockname of a socket that was never bound fails with WSAEINVAL; Linux
        // answers with port 0, which a bound IP socket never has.
        let family = Int32(storage.ss_family)
        if family == AF_INET || family == AF_INET6 {
            let port = withUnsafeBytes(of: storage) { $0.load(fromByteOffset: 2, as: UInt16.self) }
            if port == 0 { return fail(WinError.wsaEINVAL, SOCKET_ERROR) }
        }
    }
    let problem = withUnsafeBytes(of: storage) { raw in storeAddress(raw.baseAddress!, length, into: name, namelen) }
    if let problem { return fail(problem, SOCKET_ERROR) }
    return 0
}

@_cdecl("eventselect_ws_getsockname")
public func ws_getsockname(_ s: UInt, _ name: UnsafeMutableRawPointer?, _ namelen: UnsafeMutablePointer<Int32>?)
    -> Int32
{
    queryAddress(s, name, namelen, { Glibc.getsockname($0, $1, $2) }, unbound: true)
}

@_cdecl("eventselect_ws_getpeername")
public func ws_getpeername(_ s: UInt, _ name: UnsafeMutableRawPointer?, _ namelen: UnsafeMutablePointer<Int32>?)
    -> Int32
{
    queryAddress(s, name, namelen, { Glibc.getpeername($0, $1, $2) }, unbound: false)
}

// MARK: text and names

@_cdecl("eventselect_ws_inet_pton")
public func ws_inet_pton(_ family: Int32, _ text: UnsafePointer<CChar>?, _ buffer: UnsafeMutableRawPointer?) -> Int32 {
    guard let text, let buffer else { return fail(WinError.wsaEFAULT, -1) }
    guard let linux = Family.toLinux(family), linux == AF_INET || linux == AF_INET6 else {
        return fail(WinError.wsaEAFNOSUPPORT, -1)
    }
    return Glibc.inet_pton(linux, text, buffer)
}

@_cdecl("eventselect_ws_inet_ntop")
public func ws_inet_ntop(
    _ family: Int32, _ address: UnsafeRawPointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int
) -> UnsafePointer<CChar>? {
    guard let address, let buffer else { return fail(WinError.wsaEFAULT, nil) }
    guard let linux = Family.toLinux(family), linux == AF_INET || linux == AF_INET6 else {
        return fail(WinError.wsaEAFNOSUPPORT, nil)
    }
    guard let result = Glibc.inet_ntop(linux, address, buffer, socklen_t(clamping: size)) else {
        return fail(WinError.wsaEINVAL, nil)
    }
    return result
}

@_cdecl("eventselect_ws_gethostname")
public func ws_gethostname(_ name: UnsafeMutablePointer<CChar>?, _ length: Int32) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    guard let name, length > 0 else { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
    var buffer = [CChar](repeating: 0, count: 256)
    guard Glibc.gethostname(&buffer, buffer.count) == 0 else {
        return fail(wsaCode(Errno(rawValue: errno)), SOCKET_ERROR)
    }
    let count = strlen(buffer)
    guard count < Int(length) else { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
    for index in 0...count { name[index] = buffer[index] }
    return 0
}

/// AI_* bits: (Windows, Linux).
private let addrinfoFlags: [(Int32, Int32)] = [
    (0x1, AI_PASSIVE), (0x2, AI_CANONNAME), (0x4, AI_NUMERICHOST), (0x8, AI_NUMERICSERV),
    (0x100, AI_ALL), (0x400, AI_ADDRCONFIG), (0x800, AI_V4MAPPED),
]

/// EAI_* -> Windows' codes (WSA errors).
private func windowsAddrinfoError(_ code: Int32) -> Int32 {
    switch code {
    case EAI_AGAIN: return 11002
    case EAI_BADFLAGS: return WinError.wsaEINVAL
    case EAI_FAIL: return 11003
    case EAI_FAMILY: return WinError.wsaEAFNOSUPPORT
    case EAI_MEMORY: return WinError.notEnoughMemory
    case EAI_SERVICE: return 10109
    case EAI_SOCKTYPE: return 10044
    case EAI_SYSTEM: return wsaCode(Errno(rawValue: errno))
    default: return 11001  // EAI_NONAME, EAI_NODATA, EAI_ADDRFAMILY: WSAHOST_NOT_FOUND
    }
}

/// Windows' struct addrinfo: 48 bytes; ai_canonname (24) before ai_addr (32).
private enum WinAddrinfo {
    static let size = 48
    static let flags = 0, family = 4, socktype = 8, proto = 12, addrlen = 16, canonname = 24, addr = 32, next = 40
}

@_cdecl("eventselect_ws_getaddrinfo")
public func ws_getaddrinfo(
    _ node: UnsafePointer<CChar>?, _ service: UnsafePointer<CChar>?, _ hints: UnsafeRawPointer?,
    _ result: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
) -> Int32 {
    guard Startup.check() else { return WinError.wsaNOTINITIALISED }
    guard let result else { return fail(WinError.wsaEFAULT, WinError.wsaEFAULT) }
    result.pointee = nil
    var linuxHints = addrinfo()
    if let hints {
        let windowsFlags = hints.load(at: WinAddrinfo.flags, as: Int32.self)
        var flags: Int32 = 0
        var known: Int32 = 0
        for (windows, linux) in addrinfoFlags {
            known |= windows
            if windowsFlags & windows != 0 { flags |= linux }
        }
        if windowsFlags & ~known != 0 { return fail(WinError.wsaEINVAL, WinError.wsaEINVAL) }
        guard let family = Family.toLinux(hints.load(at: WinAddrinfo.family, as: Int32.self)) else {
            return fail(WinError.wsaEAFNOSUPPORT, WinError.wsaEAFNOSUPPORT)
        }
        linuxHints.ai_flags = flags
        linuxHints.ai_family = family
        linuxHints.ai_socktype = hints.load(at: WinAddrinfo.socktype, as: Int32.self)
        linuxHints.ai_protocol = hints.load(at: WinAddrinfo.proto, as: Int32.self)
    }
    var list: UnsafeMutablePointer<addrinfo>?
    let rc =
        hints == nil
        ? Glibc.getaddrinfo(node, service, nil, &list) : Glibc.getaddrinfo(node, service, &linuxHints, &list)
    if rc != 0 {
        let code = windowsAddrinfoError(rc)
        return fail(code, code)
    }
    defer { Glibc.freeaddrinfo(list) }
    // Each node is one malloc block: the Windows struct, then the address, then the canonical name,
    // so that freeaddrinfo frees node by node.
    var head: UnsafeMutableRawPointer?
    var tail: UnsafeMutableRawPointer?
    var entry = list
    while let current = entry {
        let info = current.pointee
        entry = info.ai_next
        let addressLength = Int(info.ai_addrlen)
        let nameLength = info.ai_canonname.map { strlen($0) + 1 } ?? 0
        guard let node = calloc(1, WinAddrinfo.size + addressLength + nameLength) else {
            ws_freeaddrinfo(head)
            return fail(WinError.notEnoughMemory, WinError.notEnoughMemory)
        }
        node.store(windowsFlags(info.ai_flags), at: WinAddrinfo.flags)
        node.store(Family.toWindows(info.ai_family), at: WinAddrinfo.family)
        node.store(info.ai_socktype, at: WinAddrinfo.socktype)
        node.store(info.ai_protocol, at: WinAddrinfo.proto)
        node.store(addressLength, at: WinAddrinfo.addrlen)
        if let address = info.ai_addr, addressLength > 0 {
            let copy = node + WinAddrinfo.size
            copy.copyMemory(from: address, byteCount: addressLength)
            copy.store(UInt16(Family.toWindows(Int32(address.pointee.sa_family))), at: 0)
            node.store(copy, at: WinAddrinfo.addr)
        }
        if let name = info.ai_canonname {
            let copy = node + WinAddrinfo.size + addressLength
            copy.copyMemory(from: name, byteCount: nameLength)
            node.store(copy, at: WinAddrinfo.canonname)
        }
        if let tail { tail.store(node, at: WinAddrinfo.next) } else { head = node }
        tail = node
    }
    result.pointee = head
    return 0
}

private func windowsFlags(_ linuxFlags: Int32) -> Int32 {
    var flags: Int32 = 0
    for (windows, linux) in addrinfoFlags where linuxFlags & linux != 0 { flags |= windows }
    return flags
}

@_cdecl("eventselect_ws_freeaddrinfo")
public func ws_freeaddrinfo(_ list: UnsafeMutableRawPointer?) {
    var node = list
    while let current = node {
        node = UnsafeRawPointer(current).load(at: WinAddrinfo.next, as: UnsafeMutableRawPointer?.self)
        free(current)
    }
}

/// NI_* bits: (Windows, Linux).
private let nameinfoFlags: [(Int32, Int32)] = [
    (0x01, NI_NOFQDN), (0x02, NI_NUMERICHOST), (0x04, NI_NAMEREQD), (0x08, NI_NUMERICSERV), (0x10, NI_DGRAM),
]

@_cdecl("eventselect_ws_getnameinfo")
public func ws_getnameinfo(
    _ address: UnsafeRawPointer?, _ length: Int32, _ host: UnsafeMutablePointer<CChar>?, _ hostSize: UInt32,
    _ service: UnsafeMutablePointer<CChar>?, _ serviceSize: UInt32, _ windowsFlags: Int32
) -> Int32 {
    guard Startup.check() else { return WinError.wsaNOTINITIALISED }
    let converted: LinuxAddress
    do {
        converted = try LinuxAddress(address, length)
    } catch {
        return fail(error.code, error.code)
    }
    var flags: Int32 = 0
    for (windows, linux) in nameinfoFlags where windowsFlags & windows != 0 { flags |= linux }
    let rc = converted.withPointer { pointer, linuxLength in
        Glibc.getnameinfo(pointer, linuxLength, host, socklen_t(hostSize), service, socklen_t(serviceSize), flags)
    }
    if rc != 0 {
        let code = windowsAddrinfoError(rc)
        return fail(code, code)
    }
    return 0
}

@_cdecl("eventselect_ws_gai_strerrorA")
public func ws_gai_strerrorA(_ code: Int32) -> UnsafeMutablePointer<CChar>? {
    let text: StaticString
    switch code {
    case 0: text = "The operation completed successfully."
    case 11001: text = "No such host is known."
    case 11002: text = "This is usually a temporary error during hostname resolution."
    case 11003: text = "A non-recoverable error occurred during a database lookup."
    case WinError.wsaEINVAL: text = "An invalid argument was supplied."
    case WinError.wsaEAFNOSUPPORT: text = "An address incompatible with the requested protocol was used."
    case WinError.notEnoughMemory: text = "Not enough memory resources are available."
    case 10109: text = "The specified class was not found."
    case 10044: text = "The support for the specified socket type does not exist."
    default: text = "Unknown error."
    }
    return UnsafeMutablePointer(mutating: UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self))
}

// MARK: gethostbyname

/// Windows' struct hostent: h_name (0), h_aliases (8), short h_addrtype (16), short h_length (18),
/// h_addr_list (24).
private enum WinHostent {
    static let size = 32
}

/// The calling thread's last gethostbyname result (one malloc block), freed by the next call or
/// when the thread ends.
private let hostentKey: pthread_key_t = {
    var key = pthread_key_t()
    let rc = pthread_key_create(&key) { pointer in free(pointer) }
    precondition(rc == 0, "EventSelectWinsock: pthread_key_create failed")
    return key
}()

@_cdecl("eventselect_ws_gethostbyname")
public func ws_gethostbyname(_ name: UnsafePointer<CChar>?) -> UnsafeMutableRawPointer? {
    guard Startup.check() else { return nil }
    // NULL names the local host, as on Windows.
    var local = [CChar](repeating: 0, count: 256)
    if name == nil { guard Glibc.gethostname(&local, local.count - 1) == 0 else { return fail(11001, nil) } }
    var hints = addrinfo()
    hints.ai_family = AF_INET
    hints.ai_socktype = CInt(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_CANONNAME
    var list: UnsafeMutablePointer<addrinfo>?
    let rc = local.withUnsafeBufferPointer { buffer in
        Glibc.getaddrinfo(name ?? buffer.baseAddress, nil, &hints, &list)
    }
    guard rc == 0 else { return fail(rc == EAI_AGAIN ? 11002 : rc == EAI_FAIL ? 11003 : 11001, nil) }
    defer { Glibc.freeaddrinfo(list) }
    var addresses: [UInt32] = []
    var canonical: UnsafeMutablePointer<CChar>?
    var entry = list
    while let current = entry {
        if canonical == nil { canonical = current.pointee.ai_canonname }
        if let address = current.pointee.ai_addr {
            let value = UnsafeRawPointer(address).load(at: 4, as: UInt32.self)  // sin_addr
            if !addresses.contains(value) { addresses.append(value) }
        }
        entry = current.pointee.ai_next
    }
    let hostName: String
    if let canonical {
        hostName = String(cString: canonical)
    } else if let name {
        hostName = String(cString: name)
    } else {
        hostName = local.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
    let nameBytes = Array(hostName.utf8) + [0]
    // hostent, aliases [NULL], address list (n + NULL), the addresses, the name.
    let listOffset = WinHostent.size + 8
    let addressOffset = listOffset + (addresses.count + 1) * 8
    let nameOffset = addressOffset + addresses.count * 4
    guard let block = calloc(1, nameOffset + nameBytes.count) else { return fail(WinError.notEnoughMemory, nil) }
    free(pthread_getspecific(hostentKey))
    pthread_setspecific(hostentKey, block)
    block.store(block + nameOffset, at: 0)
    block.store(block + WinHostent.size, at: 8)
    block.store(Int16(2), at: 16)  // AF_INET
    block.store(Int16(4), at: 18)
    block.store(block + listOffset, at: 24)
    for (index, address) in addresses.enumerated() {
        block.store(address, at: addressOffset + index * 4)
        block.store(block + addressOffset + index * 4, at: listOffset + index * 8)
    }
    for (index, byte) in nameBytes.enumerated() { block.store(byte, at: nameOffset + index) }
    return block
}
