import CEventSelectWinsock
import Glibc

// The kernel32 helpers Winsock programs call around their event loops.

@_cdecl("eventselect_ws_GetLastError")
public func ws_GetLastError() -> UInt32 { UInt32(bitPattern: LastError.value) }

@_cdecl("eventselect_ws_SetLastError")
public func ws_SetLastError(_ code: UInt32) { LastError.value = Int32(bitPattern: code) }

@_cdecl("eventselect_ws_Sleep")
public func ws_Sleep(_ milliseconds: UInt32) {
    if milliseconds == 0xFFFF_FFFF {
        while true { pause() }
    }
    var request = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}

@_cdecl("eventselect_ws_GetTickCount")
public func ws_GetTickCount() -> UInt32 { tickCount() }

@_cdecl("eventselect_ws_GetTickCount64")
public func ws_GetTickCount64() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000
}

@_cdecl("eventselect_ws_GetCurrentProcessId")
public func ws_GetCurrentProcessId() -> UInt32 { UInt32(bitPattern: getpid()) }

@_cdecl("eventselect_ws_GetCurrentThreadId")
public func ws_GetCurrentThreadId() -> UInt32 { UInt32(bitPattern: CEventSelectWinsock_gettid()) }

/// GetModuleHandle(NULL): a stand-in HINSTANCE for the program (windows only store it).
@_cdecl("eventselect_ws_GetModuleHandleA")
public func ws_GetModuleHandleA(_ name: UnsafePointer<CChar>?) -> UnsafeMutableRawPointer? {
    guard name == nil else { return fail(WinError.modNotFound, nil) }
    return UnsafeMutableRawPointer(bitPattern: 0x40_0000)
}

@_cdecl("eventselect_ws_GetModuleHandleW")
public func ws_GetModuleHandleW(_ name: UnsafeRawPointer?) -> UnsafeMutableRawPointer? {
    guard name == nil else { return fail(WinError.modNotFound, nil) }
    return UnsafeMutableRawPointer(bitPattern: 0x40_0000)
}
