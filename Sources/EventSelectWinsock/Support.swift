@_spi(WinsockLayer) import EventSelect
import Glibc
import Synchronization
import SystemPackage

// The plumbing every call shares: the per-thread last error, errno -> WSAE* codes, SOCKET values,
// WSAStartup's count, and the handle table behind HANDLE/WSAEVENT/HWND.

/// Winsock and kernel32 error codes the layer sets (the headers carry the full list).
enum WinError {
    static let invalidHandle: Int32 = 6
    static let notEnoughMemory: Int32 = 8
    static let notSupported: Int32 = 50
    static let invalidParameter: Int32 = 87
    static let modNotFound: Int32 = 126
    static let invalidWindowHandle: Int32 = 1400
    static let cannotFindClass: Int32 = 1407
    static let classAlreadyExists: Int32 = 1410
    static let classDoesNotExist: Int32 = 1411
    static let classHasWindows: Int32 = 1412

    static let wsaEFAULT: Int32 = 10014
    static let wsaEINVAL: Int32 = 10022
    static let wsaEWOULDBLOCK: Int32 = 10035
    static let wsaENOTSOCK: Int32 = 10038
    static let wsaENOPROTOOPT: Int32 = 10042
    static let wsaEOPNOTSUPP: Int32 = 10045
    static let wsaEAFNOSUPPORT: Int32 = 10047
    static let wsaENOBUFS: Int32 = 10055
    static let wsaVERNOTSUPPORTED: Int32 = 10092
    static let wsaNOTINITIALISED: Int32 = 10093
}

let SOCKET_ERROR: Int32 = -1
let INVALID_SOCKET: UInt = ~0

/// The calling thread's last error: GetLastError and WSAGetLastError read the same value, as on
/// Windows. Kept as the thread-specific pointer's bits, so setting it allocates nothing.
enum LastError {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let rc = pthread_key_create(&key, nil)
        precondition(rc == 0, "EventSelectWinsock: pthread_key_create failed")
        return key
    }()

    static var value: Int32 {
        get { Int32(truncatingIfNeeded: UInt(bitPattern: pthread_getspecific(key))) }
        set { pthread_setspecific(key, UnsafeRawPointer(bitPattern: UInt(UInt32(bitPattern: newValue)))) }
    }
}

/// Sets the thread's last error and returns `result`: the shape of every failing call.
@inline(__always)
func fail<T>(_ code: Int32, _ result: T) -> T {
    LastError.value = code
    return result
}

/// The Winsock code of an errno from a socket call.
///
/// EBADF is WSAENOTSOCK: a SOCKET that names no open descriptor is "not a socket" to Winsock.
/// EPIPE (a send after the local side shut down) is WSAESHUTDOWN. Everything else maps by name,
/// as `SocketMessage.winsockCode(for:)` maps it for messages.
func wsaCode(_ error: Errno) -> Int32 {
    switch error.rawValue {
    case EBADF, ENOTSOCK: return WinError.wsaENOTSOCK
    case EPIPE: return 10058
    case ENOMEM: return WinError.wsaENOBUFS
    case ENFILE: return 10024
    case EPERM: return 10013
    default: return Int32(SocketMessage.winsockCode(for: error))
    }
}

/// The descriptor a SOCKET names, or nil for a value no descriptor can have (INVALID_SOCKET...).
@inline(__always)
func descriptor(_ socket: UInt) -> FileDescriptor? {
    socket <= UInt(Int32.max) ? FileDescriptor(rawValue: CInt(socket)) : nil
}

/// A pointer no program can pass on purpose: NULL or inside the first 64 KB, which Windows never
/// maps. Winsock reports such arguments with WSAEFAULT; checked up front so a small integer passed
/// by mistake fails cleanly instead of crashing the process.
@inline(__always)
func isBadPointer(_ pointer: UnsafeRawPointer?) -> Bool {
    UInt(bitPattern: pointer) < 0x10000
}

/// Checks that `socket` names an open socket, without touching it: nil, or the WSAE* code.
func socketProblem(_ socket: UInt) -> Int32? {
    guard let fd = descriptor(socket) else { return WinError.wsaENOTSOCK }
    var info = stat()
    if fstat(fd.rawValue, &info) != 0 { return WinError.wsaENOTSOCK }
    return (info.st_mode & S_IFMT) == S_IFSOCK ? nil : WinError.wsaENOTSOCK
}

/// WSAStartup's reference count: socket calls fail with WSANOTINITIALISED while it is zero.
enum Startup {
    static let count = Atomic<Int>(0)

    /// Opens the engine's own descriptors (the notifier's, the process's kick channel) now, before
    /// the program's first socket: opened later, one could take the number of a SOCKET the program
    /// just closed, and a stale SOCKET would then name an engine descriptor instead of failing.
    static func warmUp() {
        var pair: [CInt] = [-1, -1]
        guard socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            return
        }
        defer { Glibc.close(pair[1]) }
        _ = (cancelEvent, cancelQueue, ThreadQueue.current)
        guard let event = try? SocketEvent(),
            (try? notifier.eventSelect(FileDescriptor(rawValue: pair[0]), event, [.read])) != nil
        else {
            Glibc.close(pair[0])
            return
        }
        _ = try? notifier.close(FileDescriptor(rawValue: pair[0]))
    }

    /// Whether WSAStartup has been called; if not, sets WSANOTINITIALISED.
    @inline(__always)
    static func check() -> Bool {
        if count.load(ordering: .relaxed) > 0 { return true }
        LastError.value = WinError.wsaNOTINITIALISED
        return false
    }
}

/// The notifier every call goes through.
let notifier = Notifier.shared

// MARK: handles

/// An event object (WSACreateEvent, CreateEvent): the engine's event, and whether a satisfied wait
/// resets it (auto-reset, CreateEvent's bManualReset FALSE).
final class EventObject: Sendable {
    let event: SocketEvent
    let manualReset: Bool
    private let claim = Mutex(())

    init(manualReset: Bool) throws(Errno) {
        event = try SocketEvent()
        self.manualReset = manualReset
    }

    /// Whether the event is set, without delivering pending readiness (the wait loop does that).
    var isSet: Bool { WaitSupport.isRaised(event) }

    /// For a wait that found the event set: an auto-reset event is reset, and only one waiter may
    /// take it. Returns whether the caller took it.
    func take() -> Bool {
        if manualReset { return isSet }
        return claim.withLock { _ in
            guard isSet else { return false }
            event.reset()
            return true
        }
    }
}

/// What a HANDLE or HWND value names.
enum HandleObject: Sendable {
    case event(EventObject)
    case window(Window)
    case thread(ThreadObject)
}

/// The process's handles. Values are multiples of 4 from 0x1000, never reused, so a closed handle
/// stays invalid instead of naming a newer object.
enum Handles {
    private static let table = Mutex<(next: UInt, objects: [UInt: HandleObject])>((0x1000, [:]))

    static func add(_ object: HandleObject) -> UInt {
        table.withLock { table in
            let value = table.next
            table.next += 4
            table.objects[value] = object
            return value
        }
    }

    /// A fresh value for an object that must know its own handle before it is published.
    static func reserve() -> UInt {
        table.withLock { table in
            let value = table.next
            table.next += 4
            return value
        }
    }

    static func put(_ value: UInt, _ object: HandleObject) {
        table.withLock { $0.objects[value] = object }
    }

    static func remove(_ value: UInt) -> HandleObject? {
        table.withLock { $0.objects.removeValue(forKey: value) }
    }

    static func event(_ handle: UnsafeMutableRawPointer?) -> EventObject? {
        let value = UInt(bitPattern: handle)
        return table.withLock { table in
            if case .event(let object) = table.objects[value] { return object }
            return nil
        }
    }

    /// What a wait can wait on: an event object, or a thread's exit (a manual-reset event set when
    /// the thread ends).
    static func waitable(_ handle: UnsafeMutableRawPointer?) -> EventObject? {
        let value = UInt(bitPattern: handle)
        return table.withLock { table in
            switch table.objects[value] {
            case .event(let object): return object
            case .thread(let thread): return thread.exited
            default: return nil
            }
        }
    }

    static func thread(_ handle: UnsafeMutableRawPointer?) -> ThreadObject? {
        let value = UInt(bitPattern: handle)
        return table.withLock { table in
            if case .thread(let thread) = table.objects[value] { return thread }
            return nil
        }
    }

    static func window(_ handle: UnsafeMutableRawPointer?) -> Window? {
        let value = UInt(bitPattern: handle)
        return table.withLock { table in
            if case .window(let window) = table.objects[value] { return window }
            return nil
        }
    }
}

/// A Windows timeout in milliseconds as a Duration (INFINITE: nil).
@inline(__always)
func timeout(_ milliseconds: UInt32) -> Duration? {
    milliseconds == 0xFFFF_FFFF ? nil : .milliseconds(Int64(milliseconds))
}

// MARK: raw memory

extension UnsafeMutableRawPointer {
    @inline(__always)
    func store<T>(_ value: T, at offset: Int) {
        storeBytes(of: value, toByteOffset: offset, as: T.self)
    }
}

extension UnsafeRawPointer {
    @inline(__always)
    func load<T>(at offset: Int, as type: T.Type) -> T {
        loadUnaligned(fromByteOffset: offset, as: type)
    }
}
