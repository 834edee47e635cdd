@_spi(WinsockLayer) import EventSelect
import Glibc
import SystemPackage

// WSAEventSelect / WSAAsyncSelect / WSAEnumNetworkEvents on the Notifier, and the event objects
// with their waits (WSA* and kernel32 forms).

/// Stands in for the event object or window of a cancelling call (mask 0), which Windows accepts
/// with any handle, even NULL.
let cancelEvent: SocketEvent = {
    do { return try SocketEvent() } catch {
        fatalError("EventSelectWinsock: no eventfd for the cancel event: \(error)")
    }
}()
let cancelQueue: MessageQueue = {
    do { return try MessageQueue() } catch {
        fatalError("EventSelectWinsock: no eventfd for the cancel queue: \(error)")
    }
}()

/// The network-event mask of a call, or nil (WSAEINVAL) for bits outside FD_ALL_EVENTS.
///
/// FD_QOS, FD_GROUP_QOS, FD_ROUTING_INTERFACE_CHANGE and FD_ADDRESS_LIST_CHANGE are accepted, as
/// Windows accepts them, and dropped: they never occur on the sockets EventSelect carries, and the
/// engine answers bits it does not model with EINVAL. So `FD_ALL_EVENTS` selects the six events.
private func networkEvents(_ mask: Int) -> NetworkEvents? {
    guard mask >= 0, mask <= 0x3FF else { return nil }
    return NetworkEvents(rawValue: UInt32(mask) & NetworkEvents.all.rawValue)
}

@_cdecl("eventselect_ws_WSAEventSelect")
public func ws_WSAEventSelect(_ s: UInt, _ handle: UnsafeMutableRawPointer?, _ mask: Int) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    guard let fd = descriptor(s) else { return fail(WinError.wsaENOTSOCK, SOCKET_ERROR) }
    guard let events = networkEvents(mask) else {
        if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
        return fail(WinError.wsaEINVAL, SOCKET_ERROR)
    }
    let event: SocketEvent
    if let object = Handles.event(handle) {
        event = object.event
    } else if events.isEmpty {
        event = cancelEvent
    } else {
        if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
        return fail(WinError.wsaEINVAL, SOCKET_ERROR)
    }
    do {
        try notifier.eventSelect(fd, event, events)
        return 0
    } catch {
        return fail(wsaCode(error), SOCKET_ERROR)
    }
}

@_cdecl("eventselect_ws_WSAAsyncSelect")
public func ws_WSAAsyncSelect(_ s: UInt, _ hwnd: UnsafeMutableRawPointer?, _ message: UInt32, _ mask: Int) -> Int32 {
    guard Startup.check() else { return SOCKET_ERROR }
    guard let fd = descriptor(s) else { return fail(WinError.wsaENOTSOCK, SOCKET_ERROR) }
    guard let events = networkEvents(mask) else {
        if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
        return fail(WinError.wsaEINVAL, SOCKET_ERROR)
    }
    let queue: MessageQueue
    if let window = Handles.window(hwnd) {
        queue = window.queue
    } else if events.isEmpty {
        queue = cancelQueue
    } else {
        if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
        return fail(WinError.wsaEINVAL, SOCKET_ERROR)
    }
    do {
        try notifier.asyncSelect(fd, queue, message: message, events)
        return 0
    } catch {
        return fail(wsaCode(error), SOCKET_ERROR)
    }
}

@_cdecl("eventselect_ws_WSAEnumNetworkEvents")
public func ws_WSAEnumNetworkEvents(_ s: UInt, _ handle: UnsafeMutableRawPointer?, _ record: UnsafeMutableRawPointer?)
    -> Int32
{
    guard Startup.check() else { return SOCKET_ERROR }
    if let problem = socketProblem(s) { return fail(problem, SOCKET_ERROR) }
    // Checked before reading, so that a failing call neither clears the record nor resets the event.
    guard let record, !isBadPointer(record) else { return fail(WinError.wsaEFAULT, SOCKET_ERROR) }
    var event: SocketEvent?
    if handle != nil {
        guard let object = Handles.event(handle) else { return fail(WinError.wsaEINVAL, SOCKET_ERROR) }
        event = object.event
    }
    do {
        // Readiness the kernel reported is recorded first, as Windows records each event when it
        // happens: a record read right after data arrived holds FD_READ even when another event
        // (FD_WRITE) was already recorded.
        WaitSupport.deliverPending()
        let result = try notifier.enumNetworkEvents(FileDescriptor(rawValue: CInt(s)), resetting: event)
        // WSANETWORKEVENTS: LONG lNetworkEvents, then int iErrorCode[FD_MAX_EVENTS] (Winsock codes),
        // written only for the events returned; the other entries keep what the caller put there.
        record.store(Int32(bitPattern: result.events.rawValue), at: 0)
        for bit in 0..<6 where result.events.contains(NetworkEvents(rawValue: 1 << bit)) {
            let code = result.error(for: NetworkEvents(rawValue: 1 << bit)).map {
                Int32(SocketMessage.winsockCode(for: $0))
            }
            record.store(code ?? 0, at: 4 + bit * 4)
        }
        return 0
    } catch {
        return fail(wsaCode(error), SOCKET_ERROR)
    }
}

// MARK: event objects

private func createEvent(manualReset: Bool, initiallySet: Bool) -> UnsafeMutableRawPointer? {
    do {
        let object = try EventObject(manualReset: manualReset)
        if initiallySet { object.event.set() }
        return UnsafeMutableRawPointer(bitPattern: Handles.add(.event(object)))
    } catch {
        return fail(error == .noMemory ? WinError.notEnoughMemory : 10024, nil)
    }
}

@_cdecl("eventselect_ws_WSACreateEvent")
public func ws_WSACreateEvent() -> UnsafeMutableRawPointer? {
    createEvent(manualReset: true, initiallySet: false)
}

@_cdecl("eventselect_ws_CreateEventA")
public func ws_CreateEventA(
    _ attributes: UnsafeMutableRawPointer?, _ manualReset: Int32, _ initialState: Int32, _ name: UnsafePointer<CChar>?
) -> UnsafeMutableRawPointer? {
    // Named events would be shared between processes on Windows; EventSelect's are not.
    guard name == nil else { return fail(WinError.notSupported, nil) }
    return createEvent(manualReset: manualReset != 0, initiallySet: initialState != 0)
}

@_cdecl("eventselect_ws_CreateEventW")
public func ws_CreateEventW(
    _ attributes: UnsafeMutableRawPointer?, _ manualReset: Int32, _ initialState: Int32, _ name: UnsafeRawPointer?
) -> UnsafeMutableRawPointer? {
    guard name == nil else { return fail(WinError.notSupported, nil) }
    return createEvent(manualReset: manualReset != 0, initiallySet: initialState != 0)
}

private func withEvent(_ handle: UnsafeMutableRawPointer?, _ body: (EventObject) -> Void) -> Int32 {
    guard let object = Handles.event(handle) else { return fail(WinError.invalidHandle, 0) }
    body(object)
    return 1
}

@_cdecl("eventselect_ws_WSASetEvent")
public func ws_WSASetEvent(_ handle: UnsafeMutableRawPointer?) -> Int32 { withEvent(handle) { $0.event.set() } }

@_cdecl("eventselect_ws_WSAResetEvent")
public func ws_WSAResetEvent(_ handle: UnsafeMutableRawPointer?) -> Int32 { withEvent(handle) { $0.event.reset() } }

@_cdecl("eventselect_ws_SetEvent")
public func ws_SetEvent(_ handle: UnsafeMutableRawPointer?) -> Int32 { withEvent(handle) { $0.event.set() } }

@_cdecl("eventselect_ws_ResetEvent")
public func ws_ResetEvent(_ handle: UnsafeMutableRawPointer?) -> Int32 { withEvent(handle) { $0.event.reset() } }

/// Closes an event or thread handle. A selection that uses the event keeps it (and keeps setting
/// it) until the selection ends, as Windows keeps a reference; a thread runs on.
@_cdecl("eventselect_ws_CloseHandle")
public func ws_CloseHandle(_ handle: UnsafeMutableRawPointer?) -> Int32 {
    guard Handles.waitable(handle) != nil, Handles.remove(UInt(bitPattern: handle)) != nil else {
        return fail(WinError.invalidHandle, 0)
    }
    return 1
}

@_cdecl("eventselect_ws_WSACloseEvent")
public func ws_WSACloseEvent(_ handle: UnsafeMutableRawPointer?) -> Int32 { ws_CloseHandle(handle) }

// MARK: waits

private let WAIT_FAILED: UInt32 = 0xFFFF_FFFF
private let WAIT_TIMEOUT: UInt32 = 258

/// The wait behind WSAWaitForMultipleEvents, WaitForMultipleObjects and MsgWaitForMultipleObjects:
/// the lowest set index (or all, with `all`), auto-reset events taken by the wait; `input` is an
/// extra condition (messages) that counts as index `objects.count`.
func waitForObjects(
    _ objects: [EventObject], all: Bool, milliseconds: UInt32, queues: [MessageQueue] = [],
    extra: [SocketEvent] = [], input: (() -> Bool)? = nil
) -> UInt32 {
    var outcome: UInt32 = WAIT_TIMEOUT
    let satisfied = { () -> Bool in
        if all {
            guard objects.allSatisfy(\.isSet), input?() ?? true else { return false }
            for object in objects where !object.manualReset { _ = object.take() }
            outcome = 0
            return true
        }
        for (index, object) in objects.enumerated() where object.isSet && object.take() {
            outcome = UInt32(index)
            return true
        }
        if let input, input() {
            outcome = UInt32(objects.count)
            return true
        }
        return false
    }
    do {
        _ = try WaitSupport.wait(
            events: objects.map(\.event) + extra, queues: queues, timeout: timeout(milliseconds), until: satisfied)
        return outcome
    } catch {
        return fail(wsaCode(error), WAIT_FAILED)
    }
}

/// Resolves an array of event handles: nil (with the error set) when one is not an event.
func resolveEvents(_ count: UInt32, _ handles: UnsafePointer<UnsafeMutableRawPointer?>?) -> [EventObject]? {
    guard let handles else { return count == 0 ? [] : fail(WinError.invalidParameter, nil) }
    var objects: [EventObject] = []
    objects.reserveCapacity(Int(count))
    for index in 0..<Int(count) {
        guard let object = Handles.waitable(handles[index]) else { return fail(WinError.invalidHandle, nil) }
        objects.append(object)
    }
    return objects
}

/// No 64-event limit: any number of events may be waited on.
@_cdecl("eventselect_ws_WSAWaitForMultipleEvents")
public func ws_WSAWaitForMultipleEvents(
    _ count: UInt32, _ handles: UnsafePointer<UnsafeMutableRawPointer?>?, _ waitAll: Int32, _ milliseconds: UInt32,
    _ alertable: Int32
) -> UInt32 {
    guard count > 0, !isBadPointer(handles) else { return fail(WinError.invalidParameter, WAIT_FAILED) }
    guard let objects = resolveEvents(count, handles) else { return WAIT_FAILED }
    return waitForObjects(objects, all: waitAll != 0, milliseconds: milliseconds)
}

@_cdecl("eventselect_ws_WaitForMultipleObjects")
public func ws_WaitForMultipleObjects(
    _ count: UInt32, _ handles: UnsafePointer<UnsafeMutableRawPointer?>?, _ waitAll: Int32, _ milliseconds: UInt32
) -> UInt32 {
    guard count > 0, !isBadPointer(handles) else { return fail(WinError.invalidParameter, WAIT_FAILED) }
    guard let objects = resolveEvents(count, handles) else { return WAIT_FAILED }
    return waitForObjects(objects, all: waitAll != 0, milliseconds: milliseconds)
}

@_cdecl("eventselect_ws_WaitForSingleObject")
public func ws_WaitForSingleObject(_ handle: UnsafeMutableRawPointer?, _ milliseconds: UInt32) -> UInt32 {
    guard let object = Handles.waitable(handle) else { return fail(WinError.invalidHandle, WAIT_FAILED) }
    return waitForObjects([object], all: false, milliseconds: milliseconds)
}
