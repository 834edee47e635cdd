import CEventSelectWinsock
@_spi(WinsockLayer) import EventSelect
import Glibc
import Synchronization
import SystemPackage

// Windows for WSAAsyncSelect: an HWND names a window with a window procedure and its own engine
// MessageQueue, which WSAAsyncSelect hands to Notifier.asyncSelect. Each thread has one message
// queue (ThreadQueue), as on Windows: GetMessage/PeekMessage on a thread take the messages of the
// windows that thread created, plus PostMessage's and PostQuitMessage's. Socket messages are
// moved from the windows' engine queues into the thread's list in the engine's order whenever the
// thread looks or something is posted, so they interleave with posted messages as they arrived.

typealias WindowProcedure = @convention(c) (UnsafeMutableRawPointer?, UInt32, UInt, Int) -> Int

private let WM_CREATE: UInt32 = 0x0001
private let WM_DESTROY: UInt32 = 0x0002
private let WM_CLOSE: UInt32 = 0x0010
private let WM_TIMER: UInt32 = 0x0113
private let WM_QUIT: UInt32 = 0x0012
private let WM_NCCREATE: UInt32 = 0x0081
private let WM_NCDESTROY: UInt32 = 0x0082
private let HWND_MESSAGE = UInt(bitPattern: -3)
private let HWND_BROADCAST: UInt = 0xFFFF

/// A message in a thread's queue (the fields of MSG).
struct QueuedMessage {
    var hwnd: UInt
    var message: UInt32
    var wParam: UInt
    var lParam: Int
    var time: UInt32
}

/// A registered window class.
struct WindowClass: @unchecked Sendable {
    var name: String
    var atom: UInt16
    var procedure: WindowProcedure
    var windowExtra: Int
    var instance: UInt
}

/// A window: where WSAAsyncSelect's messages for it are posted, and the procedure that
/// DispatchMessage calls.
final class Window: @unchecked Sendable {
    let handle: UInt
    let queue: MessageQueue
    let owner: ThreadQueue
    let className: String
    let instance: UInt
    private let state: Mutex<(procedure: WindowProcedure, userData: Int, extra: [UInt8])>

    init(handle: UInt, queue: MessageQueue, owner: ThreadQueue, windowClass: WindowClass, instance: UInt) {
        self.handle = handle
        self.queue = queue
        self.owner = owner
        self.className = windowClass.name
        self.instance = instance
        state = Mutex((windowClass.procedure, 0, [UInt8](repeating: 0, count: max(0, windowClass.windowExtra))))
    }

    var procedure: WindowProcedure { state.withLock { $0.procedure } }

    /// Calls the window procedure (never under a lock: it may call anything).
    func call(_ message: UInt32, _ wParam: UInt, _ lParam: Int) -> Int {
        procedure(UnsafeMutableRawPointer(bitPattern: handle), message, wParam, lParam)
    }

    /// GetWindowLongPtr / SetWindowLongPtr: nil for an index the window does not have.
    func long(_ index: Int32, set newValue: Int?) -> Int? {
        state.withLock { state -> Int? in
            switch index {
            case -21:  // GWLP_USERDATA
                let old = state.userData
                if let newValue { state.userData = newValue }
                return old
            case -4:  // GWLP_WNDPROC
                let old = unsafeBitCast(state.procedure, to: Int.self)
                if let newValue, newValue != 0 { state.procedure = unsafeBitCast(newValue, to: WindowProcedure.self) }
                return old
            case -6:  // GWLP_HINSTANCE
                return Int(bitPattern: instance)
            case let offset where offset >= 0 && Int(offset) + 8 <= state.extra.count:
                return state.extra.withUnsafeMutableBytes { raw -> Int in
                    let old = raw.loadUnaligned(fromByteOffset: Int(offset), as: Int.self)
                    if let newValue { raw.storeBytes(of: newValue, toByteOffset: Int(offset), as: Int.self) }
                    return old
                }
            default:
                return nil
            }
        }
    }
}

/// A thread's message queue.
final class ThreadQueue: Sendable {
    /// Set when something arrives for the thread (a post, a quit); reset when the thread looks.
    /// MsgWaitForMultipleObjects waits for it (and for the windows' engine queues).
    let signal: SocketEvent
    let state = Mutex(State())

    struct State {
        var posted: [QueuedMessage] = []
        var quit: Int32?
        var windows: [Window] = []
        var timers: [Timer] = []
        var nextTimerID: UInt = 0x7FF0

        /// Moves the windows' socket messages into the list, in the engine's order per window.
        mutating func collect() {
            for window in windows {
                while window.queue.count > 0, let message = window.queue.poll() {
                    posted.append(
                        QueuedMessage(
                            hwnd: window.handle, message: message.message, wParam: UInt(message.socket.rawValue),
                            lParam: Int(message.lParam), time: tickCount()))
                }
            }
        }
    }

    /// The owning thread's id (GetCurrentThreadId), for PostThreadMessage.
    let threadID: UInt32

    init() throws(Errno) {
        signal = try SocketEvent()
        threadID = UInt32(bitPattern: CEventSelectWinsock_gettid())
    }

    /// The queues of live threads by id: PostThreadMessage's targets.
    static let byThread = Mutex<[UInt32: ThreadQueue]>([:])

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let rc = pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            let queue = Unmanaged<ThreadQueue>.fromOpaque(pointer)
            let id = queue.takeUnretainedValue().threadID
            _ = ThreadQueue.byThread.withLock { $0.removeValue(forKey: id) }
            queue.release()
        }
        precondition(rc == 0, "EventSelectWinsock: pthread_key_create failed")
        return key
    }()

    /// The calling thread's queue, created on first use (as Windows creates a thread's queue at
    /// its first user32 call).
    static var current: ThreadQueue? {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<ThreadQueue>.fromOpaque(pointer).takeUnretainedValue()
        }
        guard let queue = try? ThreadQueue() else { return nil }
        pthread_setspecific(key, Unmanaged.passRetained(queue).toOpaque())
        byThread.withLock { $0[queue.threadID] = queue }
        return queue
    }

    var windowQueues: [MessageQueue] { state.withLock { $0.windows.map(\.queue) } }

    func post(_ message: QueuedMessage) {
        state.withLock { state in
            state.collect()
            state.posted.append(message)
        }
        signal.set()
    }

    func postQuit(_ code: Int32) {
        state.withLock { $0.quit = code }
        signal.set()
    }

    /// A SetTimer timer: WM_TIMER is generated (not posted) when due and nothing else waits, once
    /// per due time, as Windows does.
    struct Timer {
        var hwnd: UInt
        var id: UInt
        var interval: Int64
        var due: Int64
        var procedure: UInt
    }

    /// Whether a timer's WM_TIMER passes GetMessage/PeekMessage's filters.
    static func timerMatches(_ timer: Timer, hwnd: UInt, min: UInt32, max: UInt32) -> Bool {
        (hwnd == 0 || (hwnd == UInt.max ? timer.hwnd == 0 : timer.hwnd == hwnd))
            && ((min == 0 && max == 0) || (WM_TIMER >= min && WM_TIMER <= max))
    }

    /// Time until the next timer passing the filters is due (zero if one is), nil without one.
    func nextTimerDelay(hwnd: UInt = 0, min: UInt32 = 0, max: UInt32 = 0) -> Duration? {
        state.withLock { state in
            let dues = state.timers.filter { ThreadQueue.timerMatches($0, hwnd: hwnd, min: min, max: max) }.map(\.due)
            guard let due = dues.min() else { return nil }
            return .milliseconds(Swift.max(0, due - monotonicMilliseconds()))
        }
    }

    /// Whether a timer is due (QS_TIMER).
    var hasDueTimer: Bool {
        let now = monotonicMilliseconds()
        return state.withLock { $0.timers.contains { $0.due <= now } }
    }

    /// Whether any message waits (MWMO_INPUTAVAILABLE), not only a new one.
    var hasInput: Bool {
        state.withLock { state in
            !state.posted.isEmpty || state.quit != nil || state.windows.contains { $0.queue.count > 0 }
        }
    }

    /// Whether something arrived since the thread last looked.
    var hasNewInput: Bool {
        WaitSupport.isRaised(signal) || state.withLock { $0.windows.contains { $0.queue.count > 0 } }
    }

    enum Look {
        case message(QueuedMessage)
        case quit(Int32)
        case nothing
    }

    /// Looks for the first message matching the filters (WM_QUIT matches any filter, after the
    /// posted messages), removing it if asked.
    func look(hwnd: UInt, min: UInt32, max: UInt32, remove: Bool) -> Look {
        state.withLock { state -> Look in
            state.collect()
            signal.reset()
            let index = state.posted.firstIndex { message in
                let windowMatches =
                    hwnd == 0 || (hwnd == UInt.max ? message.hwnd == 0 : message.hwnd == hwnd)
                let rangeMatches = (min == 0 && max == 0) || (message.message >= min && message.message <= max)
                return windowMatches && rangeMatches
            }
            if let index {
                let message = state.posted[index]
                if remove { state.posted.remove(at: index) }
                return .message(message)
            }
            if let code = state.quit {
                if remove { state.quit = nil }
                return .quit(code)
            }
            // WM_TIMER last, as Windows generates it: when due and nothing else matches.
            let now = monotonicMilliseconds()
            let timer = state.timers.firstIndex { timer in
                timer.due <= now && ThreadQueue.timerMatches(timer, hwnd: hwnd, min: min, max: max)
            }
            if let timer {
                let found = state.timers[timer]
                if remove { state.timers[timer].due = now + found.interval }
                return .message(
                    QueuedMessage(
                        hwnd: found.hwnd, message: WM_TIMER, wParam: found.id, lParam: Int(bitPattern: found.procedure),
                        time: tickCount()))
            }
            return .nothing
        }
    }
}

func monotonicMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}

func tickCount() -> UInt32 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt32(truncatingIfNeeded: now.tv_sec * 1000 + now.tv_nsec / 1_000_000)
}

// MARK: classes

private let classes = Mutex<(nextAtom: UInt16, byName: [String: WindowClass])>((0xC000, [:]))

/// A class name argument: a string, or an atom in the pointer's low word (MAKEINTATOM).
private func className(_ pointer: UnsafeRawPointer?, wide: Bool) -> (name: String?, atom: UInt16?) {
    guard let pointer else { return (nil, nil) }
    let bits = UInt(bitPattern: pointer)
    if bits < 0x10000 { return (nil, UInt16(bits)) }
    if !wide { return (String(cString: pointer.assumingMemoryBound(to: CChar.self)), nil) }
    var scalars = String.UnicodeScalarView()
    var index = 0
    while true {
        let unit = pointer.load(fromByteOffset: index * 4, as: UInt32.self)
        if unit == 0 { break }
        scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
        index += 1
    }
    return (String(scalars), nil)
}

/// Finds a class by name (case-insensitive, as Windows) or atom.
private func findClass(_ pointer: UnsafeRawPointer?, wide: Bool) -> WindowClass? {
    let (name, atom) = className(pointer, wide: wide)
    return classes.withLock { classes in
        if let name { return classes.byName[name.lowercased()] }
        return classes.byName.values.first { $0.atom == atom }
    }
}

/// RegisterClass(Ex)A/W: the fields common to WNDCLASS (base 0) and WNDCLASSEX (base 4, after cbSize).
private func registerClass(_ raw: UnsafeRawPointer?, extended: Bool, wide: Bool) -> UInt16 {
    guard let raw else { return fail(WinError.invalidParameter, 0) }
    if extended && raw.load(at: 0, as: UInt32.self) != 80 { return fail(WinError.invalidParameter, 0) }
    let procedure = raw.load(fromByteOffset: 8, as: WindowProcedure?.self)
    let windowExtra = Int(raw.load(at: 20, as: Int32.self))
    let instance = raw.load(at: 24, as: UInt.self)
    let namePointer = raw.load(at: 64, as: UnsafeRawPointer?.self)
    guard let procedure, let name = className(namePointer, wide: wide).name, !name.isEmpty else {
        return fail(WinError.invalidParameter, 0)
    }
    return classes.withLock { classes -> UInt16 in
        let key = name.lowercased()
        if classes.byName[key] != nil { return fail(WinError.classAlreadyExists, 0) }
        let atom = classes.nextAtom
        classes.nextAtom &+= 1
        classes.byName[key] = WindowClass(
            name: name, atom: atom, procedure: procedure, windowExtra: windowExtra, instance: instance)
        return atom
    }
}

@_cdecl("eventselect_ws_RegisterClassA")
public func ws_RegisterClassA(_ c: UnsafeRawPointer?) -> UInt16 { registerClass(c, extended: false, wide: false) }

@_cdecl("eventselect_ws_RegisterClassW")
public func ws_RegisterClassW(_ c: UnsafeRawPointer?) -> UInt16 { registerClass(c, extended: false, wide: true) }

@_cdecl("eventselect_ws_RegisterClassExA")
public func ws_RegisterClassExA(_ c: UnsafeRawPointer?) -> UInt16 { registerClass(c, extended: true, wide: false) }

@_cdecl("eventselect_ws_RegisterClassExW")
public func ws_RegisterClassExW(_ c: UnsafeRawPointer?) -> UInt16 { registerClass(c, extended: true, wide: true) }

private func unregisterClass(_ pointer: UnsafeRawPointer?, wide: Bool) -> Int32 {
    guard let found = findClass(pointer, wide: wide) else { return fail(WinError.classDoesNotExist, 0) }
    return classes.withLock { classes in
        classes.byName.removeValue(forKey: found.name.lowercased())
        return 1
    }
}

@_cdecl("eventselect_ws_UnregisterClassA")
public func ws_UnregisterClassA(_ name: UnsafeRawPointer?, _ instance: UnsafeMutableRawPointer?) -> Int32 {
    unregisterClass(name, wide: false)
}

@_cdecl("eventselect_ws_UnregisterClassW")
public func ws_UnregisterClassW(_ name: UnsafeRawPointer?, _ instance: UnsafeMutableRawPointer?) -> Int32 {
    unregisterClass(name, wide: true)
}

// MARK: windows

private func createWindow(
    _ exStyle: UInt32, _ classPointer: UnsafeRawPointer?, _ windowName: UnsafeRawPointer?, _ style: UInt32,
    _ x: Int32, _ y: Int32, _ width: Int32, _ height: Int32, _ parent: UnsafeMutableRawPointer?,
    _ menu: UnsafeMutableRawPointer?, _ instance: UnsafeMutableRawPointer?, _ parameter: UnsafeMutableRawPointer?,
    wide: Bool
) -> UnsafeMutableRawPointer? {
    guard let windowClass = findClass(classPointer, wide: wide) else { return fail(WinError.cannotFindClass, nil) }
    let parentValue = UInt(bitPattern: parent)
    if parentValue != 0 && parentValue != HWND_MESSAGE && Handles.window(parent) == nil {
        return fail(WinError.invalidWindowHandle, nil)
    }
    guard let owner = ThreadQueue.current else { return fail(WinError.notEnoughMemory, nil) }
    let queue: MessageQueue
    do {
        queue = try MessageQueue()
    } catch {
        return fail(WinError.notEnoughMemory, nil)
    }
    // The handle is reserved first, so the window knows its own value.
    let placeholder = Handles.reserve()
    let window = Window(
        handle: placeholder, queue: queue, owner: owner, windowClass: windowClass,
        instance: UInt(bitPattern: instance))
    Handles.put(placeholder, .window(window))
    owner.state.withLock { $0.windows.append(window) }
    let hwnd = UnsafeMutableRawPointer(bitPattern: placeholder)
    // WM_NCCREATE then WM_CREATE, sent to the procedure with a CREATESTRUCT (80 bytes).
    let create = UnsafeMutableRawPointer.allocate(byteCount: 80, alignment: 8)
    defer { create.deallocate() }
    memset(create, 0, 80)
    create.store(parameter, at: 0)
    create.store(instance, at: 8)
    create.store(menu, at: 16)
    create.store(parent, at: 24)
    create.store(height, at: 32)
    create.store(width, at: 36)
    create.store(y, at: 40)
    create.store(x, at: 44)
    create.store(Int32(bitPattern: style), at: 48)
    create.store(windowName, at: 56)
    create.store(classPointer, at: 64)
    create.store(exStyle, at: 72)
    let lParam = Int(bitPattern: UInt(bitPattern: create))
    if window.call(WM_NCCREATE, 0, lParam) == 0 {
        destroy(window, sendDestroy: false)
        return nil
    }
    if window.call(WM_CREATE, 0, lParam) == -1 {
        destroy(window, sendDestroy: true)
        return nil
    }
    return hwnd
}

private func destroy(_ window: Window, sendDestroy: Bool) {
    if sendDestroy { _ = window.call(WM_DESTROY, 0, 0) }
    _ = window.call(WM_NCDESTROY, 0, 0)
    _ = Handles.remove(window.handle)
    window.owner.state.withLock { state in
        state.collect()
        state.windows.removeAll { $0 === window }
        state.posted.removeAll { $0.hwnd == window.handle }
        state.timers.removeAll { $0.hwnd == window.handle }
    }
}

@_cdecl("eventselect_ws_CreateWindowExA")
public func ws_CreateWindowExA(
    _ exStyle: UInt32, _ className: UnsafeRawPointer?, _ windowName: UnsafeRawPointer?, _ style: UInt32, _ x: Int32,
    _ y: Int32, _ width: Int32, _ height: Int32, _ parent: UnsafeMutableRawPointer?, _ menu: UnsafeMutableRawPointer?,
    _ instance: UnsafeMutableRawPointer?, _ parameter: UnsafeMutableRawPointer?
) -> UnsafeMutableRawPointer? {
    createWindow(
        exStyle, className, windowName, style, x, y, width, height, parent, menu, instance, parameter, wide: false)
}

@_cdecl("eventselect_ws_CreateWindowExW")
public func ws_CreateWindowExW(
    _ exStyle: UInt32, _ className: UnsafeRawPointer?, _ windowName: UnsafeRawPointer?, _ style: UInt32, _ x: Int32,
    _ y: Int32, _ width: Int32, _ height: Int32, _ parent: UnsafeMutableRawPointer?, _ menu: UnsafeMutableRawPointer?,
    _ instance: UnsafeMutableRawPointer?, _ parameter: UnsafeMutableRawPointer?
) -> UnsafeMutableRawPointer? {
    createWindow(
        exStyle, className, windowName, style, x, y, width, height, parent, menu, instance, parameter, wide: true)
}

/// Destroys a window: WM_DESTROY, then WM_NCDESTROY; its queued messages go with it. A socket still
/// selected for it keeps posting to a queue nobody reads, as Windows drops messages for a
/// destroyed window.
@_cdecl("eventselect_ws_DestroyWindow")
public func ws_DestroyWindow(_ hwnd: UnsafeMutableRawPointer?) -> Int32 {
    guard let window = Handles.window(hwnd) else { return fail(WinError.invalidWindowHandle, 0) }
    destroy(window, sendDestroy: true)
    return 1
}

@_cdecl("eventselect_ws_IsWindow")
public func ws_IsWindow(_ hwnd: UnsafeMutableRawPointer?) -> Int32 { Handles.window(hwnd) == nil ? 0 : 1 }

@_cdecl("eventselect_ws_DefWindowProcA")
public func ws_DefWindowProcA(_ hwnd: UnsafeMutableRawPointer?, _ message: UInt32, _ wParam: UInt, _ lParam: Int) -> Int
{
    switch message {
    case WM_NCCREATE: return 1
    case WM_CLOSE:
        _ = ws_DestroyWindow(hwnd)
        return 0
    default: return 0
    }
}

@_cdecl("eventselect_ws_DefWindowProcW")
public func ws_DefWindowProcW(_ hwnd: UnsafeMutableRawPointer?, _ message: UInt32, _ wParam: UInt, _ lParam: Int) -> Int
{
    ws_DefWindowProcA(hwnd, message, wParam, lParam)
}

@_cdecl("eventselect_ws_SetWindowLongPtrA")
public func ws_SetWindowLongPtrA(_ hwnd: UnsafeMutableRawPointer?, _ index: Int32, _ value: Int) -> Int {
    guard let window = Handles.window(hwnd) else { return fail(WinError.invalidWindowHandle, 0) }
    guard let old = window.long(index, set: value) else { return fail(1413, 0) }  // ERROR_INVALID_INDEX
    LastError.value = 0
    return old
}

@_cdecl("eventselect_ws_GetWindowLongPtrA")
public func ws_GetWindowLongPtrA(_ hwnd: UnsafeMutableRawPointer?, _ index: Int32) -> Int {
    guard let window = Handles.window(hwnd) else { return fail(WinError.invalidWindowHandle, 0) }
    guard let value = window.long(index, set: nil) else { return fail(1413, 0) }
    return value
}

// MARK: the message loop

private func fill(_ target: UnsafeMutableRawPointer, _ message: QueuedMessage) {
    memset(target, 0, 48)
    target.store(message.hwnd, at: 0)
    target.store(message.message, at: 8)
    target.store(message.wParam, at: 16)
    target.store(message.lParam, at: 24)
    target.store(message.time, at: 32)
}

/// The hWnd filter of GetMessage/PeekMessage: 0 (any), UInt.max (thread messages only, -1), or a
/// window of this thread; nil when it names no window of the calling thread.
private func filter(_ hwnd: UnsafeMutableRawPointer?, _ thread: ThreadQueue) -> UInt? {
    let value = UInt(bitPattern: hwnd)
    if value == 0 || value == UInt.max { return value }
    guard let window = Handles.window(hwnd), window.owner === thread else { return nil }
    return value
}

@_cdecl("eventselect_ws_GetMessageA")
public func ws_GetMessageA(
    _ message: UnsafeMutableRawPointer?, _ hwnd: UnsafeMutableRawPointer?, _ min: UInt32, _ max: UInt32
) -> Int32 {
    guard let message else { return fail(WinError.invalidParameter, -1) }
    guard let thread = ThreadQueue.current else { return fail(WinError.notEnoughMemory, -1) }
    guard let window = filter(hwnd, thread) else { return fail(WinError.invalidWindowHandle, -1) }
    while true {
        switch thread.look(hwnd: window, min: min, max: max, remove: true) {
        case .message(let found):
            fill(message, found)
            return 1
        case .quit(let code):
            fill(
                message,
                QueuedMessage(
                    hwnd: 0, message: WM_QUIT, wParam: UInt(bitPattern: Int(code)), lParam: 0, time: tickCount()))
            return 0
        case .nothing:
            do {
                // Bounded by the next timer, whose WM_TIMER the next look generates.
                _ = try WaitSupport.wait(
                    events: [thread.signal], queues: thread.windowQueues,
                    timeout: thread.nextTimerDelay(hwnd: window, min: min, max: max)
                ) {
                    thread.hasNewInput
                }
            } catch {
                return fail(wsaCode(error), -1)
            }
        }
    }
}

@_cdecl("eventselect_ws_PeekMessageA")
public func ws_PeekMessageA(
    _ message: UnsafeMutableRawPointer?, _ hwnd: UnsafeMutableRawPointer?, _ min: UInt32, _ max: UInt32,
    _ remove: UInt32
) -> Int32 {
    guard let message else { return fail(WinError.invalidParameter, 0) }
    guard let thread = ThreadQueue.current else { return fail(WinError.notEnoughMemory, 0) }
    guard let window = filter(hwnd, thread) else { return fail(WinError.invalidWindowHandle, 0) }
    // Readiness the kernel has reported is delivered first, so a PeekMessage loop sees socket
    // messages as they happen.
    WaitSupport.deliverPending()
    switch thread.look(hwnd: window, min: min, max: max, remove: remove & 1 != 0) {
    case .message(let found):
        fill(message, found)
        return 1
    case .quit(let code):
        fill(
            message,
            QueuedMessage(hwnd: 0, message: WM_QUIT, wParam: UInt(bitPattern: Int(code)), lParam: 0, time: tickCount()))
        return 1
    case .nothing:
        return 0
    }
}

@_cdecl("eventselect_ws_TranslateMessage")
public func ws_TranslateMessage(_ message: UnsafeRawPointer?) -> Int32 { 0 }  // no keyboard messages

@_cdecl("eventselect_ws_DispatchMessageA")
public func ws_DispatchMessageA(_ message: UnsafeRawPointer?) -> Int {
    guard let message, !isBadPointer(message) else { return 0 }
    let hwnd = message.load(at: 0, as: UnsafeMutableRawPointer?.self)
    // WM_TIMER with a TIMERPROC (lParam): the procedure is called instead of the window's.
    let timerProcedure = message.load(at: 24, as: UInt.self)
    if message.load(at: 8, as: UInt32.self) == WM_TIMER && timerProcedure != 0 {
        typealias TimerProcedure = @convention(c) (UnsafeMutableRawPointer?, UInt32, UInt, UInt32) -> Void
        let procedure = unsafeBitCast(timerProcedure, to: TimerProcedure.self)
        procedure(hwnd, WM_TIMER, message.load(at: 16, as: UInt.self), tickCount())
        return 0
    }
    guard hwnd != nil else { return 0 }
    guard let window = Handles.window(hwnd) else { return fail(WinError.invalidWindowHandle, 0) }
    return window.call(
        message.load(at: 8, as: UInt32.self), message.load(at: 16, as: UInt.self), message.load(at: 24, as: Int.self))
}

@_cdecl("eventselect_ws_PostMessageA")
public func ws_PostMessageA(_ hwnd: UnsafeMutableRawPointer?, _ message: UInt32, _ wParam: UInt, _ lParam: Int) -> Int32
{
    let value = UInt(bitPattern: hwnd)
    let queued = QueuedMessage(hwnd: value, message: message, wParam: wParam, lParam: lParam, time: tickCount())
    if value == 0 {
        guard let thread = ThreadQueue.current else { return fail(WinError.notEnoughMemory, 0) }
        thread.post(queued)
        return 1
    }
    if value == HWND_BROADCAST { return fail(WinError.notSupported, 0) }
    guard let window = Handles.window(hwnd) else { return fail(WinError.invalidWindowHandle, 0) }
    window.owner.post(queued)
    return 1
}

/// Posts a thread message (hwnd NULL) to another thread's queue; ERROR_INVALID_THREAD_ID when that
/// thread has no queue yet (it has made no window or message call), as on Windows.
@_cdecl("eventselect_ws_PostThreadMessageA")
public func ws_PostThreadMessageA(_ thread: UInt32, _ message: UInt32, _ wParam: UInt, _ lParam: Int) -> Int32 {
    guard let queue = ThreadQueue.byThread.withLock({ $0[thread] }) else { return fail(1444, 0) }
    queue.post(QueuedMessage(hwnd: 0, message: message, wParam: wParam, lParam: lParam, time: tickCount()))
    return 1
}

/// Calls the window procedure directly, from the calling thread (Windows would switch to the
/// window's thread).
@_cdecl("eventselect_ws_SendMessageA")
public func ws_SendMessageA(_ hwnd: UnsafeMutableRawPointer?, _ message: UInt32, _ wParam: UInt, _ lParam: Int) -> Int {
    guard let window = Handles.window(hwnd) else { return fail(WinError.invalidWindowHandle, 0) }
    return window.call(message, wParam, lParam)
}

@_cdecl("eventselect_ws_PostQuitMessage")
public func ws_PostQuitMessage(_ code: Int32) {
    ThreadQueue.current?.postQuit(code)
}

// MARK: timers

@_cdecl("eventselect_ws_SetTimer")
public func ws_SetTimer(
    _ hwnd: UnsafeMutableRawPointer?, _ id: UInt, _ elapse: UInt32, _ procedure: UnsafeMutableRawPointer?
) -> UInt {
    let owner: ThreadQueue
    let handle = UInt(bitPattern: hwnd)
    if hwnd != nil {
        guard let window = Handles.window(hwnd) else { return fail(WinError.invalidWindowHandle, 0) }
        owner = window.owner
    } else {
        guard let thread = ThreadQueue.current else { return fail(WinError.notEnoughMemory, 0) }
        owner = thread
    }
    // USER_TIMER_MINIMUM (10 ms) to USER_TIMER_MAXIMUM, as Windows clamps.
    let interval = Int64(Swift.min(Swift.max(elapse, 10), 0x7FFF_FFFF))
    let result = owner.state.withLock { state -> UInt in
        let existing = state.timers.firstIndex { $0.hwnd == handle && $0.id == id && (handle != 0 || id != 0) }
        let timerID: UInt
        if let existing {
            timerID = id
            state.timers.remove(at: existing)
        } else if handle == 0 {
            timerID = state.nextTimerID
            state.nextTimerID += 1
        } else {
            timerID = id
        }
        state.timers.append(
            ThreadQueue.Timer(
                hwnd: handle, id: timerID, interval: interval, due: monotonicMilliseconds() + interval,
                procedure: UInt(bitPattern: procedure)))
        return handle == 0 ? timerID : (id == 0 ? 1 : id)
    }
    owner.signal.set()  // a GetMessage blocked without timers must learn the new deadline
    return result
}

@_cdecl("eventselect_ws_KillTimer")
public func ws_KillTimer(_ hwnd: UnsafeMutableRawPointer?, _ id: UInt) -> Int32 {
    let owner: ThreadQueue?
    if hwnd != nil {
        guard let window = Handles.window(hwnd) else { return fail(WinError.invalidWindowHandle, 0) }
        owner = window.owner
    } else {
        owner = ThreadQueue.current
    }
    let handle = UInt(bitPattern: hwnd)
    let removed =
        owner?.state.withLock { state -> Bool in
            guard let index = state.timers.firstIndex(where: { $0.hwnd == handle && $0.id == id }) else { return false }
            state.timers.remove(at: index)
            return true
        } ?? false
    return removed ? 1 : fail(WinError.invalidParameter, 0)
}

private let QS_TIMER: UInt32 = 0x0010
private let QS_POSTMESSAGE: UInt32 = 0x0008
private let QS_ALLPOSTMESSAGE: UInt32 = 0x0100
private let QS_SENDMESSAGE: UInt32 = 0x0040

@_cdecl("eventselect_ws_MsgWaitForMultipleObjectsEx")
public func ws_MsgWaitForMultipleObjectsEx(
    _ count: UInt32, _ handles: UnsafePointer<UnsafeMutableRawPointer?>?, _ milliseconds: UInt32, _ wakeMask: UInt32,
    _ flags: UInt32
) -> UInt32 {
    guard let objects = resolveEvents(count, handles) else { return 0xFFFF_FFFF }
    guard let thread = ThreadQueue.current else { return fail(WinError.notEnoughMemory, 0xFFFF_FFFF) }
    // Posted messages (socket messages are posted) wake for QS_POSTMESSAGE and QS_ALLPOSTMESSAGE;
    // there are no input, paint, timer or cross-thread sent messages to wake for.
    let wantsPosted = wakeMask & (QS_POSTMESSAGE | QS_ALLPOSTMESSAGE) != 0
    let wantsTimers = wakeMask & QS_TIMER != 0
    let available = flags & 0x4 != 0  // MWMO_INPUTAVAILABLE: any queued message, not only new ones
    let input: () -> Bool = {
        (wantsPosted && (available ? thread.hasInput : thread.hasNewInput)) || (wantsTimers && thread.hasDueTimer)
    }
    // A due timer is no descriptor event: the wait is cut at the next timer's deadline and retried.
    let deadline = milliseconds == 0xFFFF_FFFF ? nil : monotonicMilliseconds() + Int64(milliseconds)
    while true {
        var slice = deadline.map { Swift.max(0, $0 - monotonicMilliseconds()) }
        if wantsTimers, let next = thread.nextTimerDelay() {
            let (seconds, attoseconds) = next.components
            let untilTimer = seconds * 1000 + attoseconds / 1_000_000_000_000_000
            slice = Swift.min(slice ?? untilTimer, untilTimer)
        }
        let result = waitForObjects(
            objects, all: flags & 0x1 != 0,
            milliseconds: slice.map { UInt32(Swift.min($0, 0xFFFF_FFFE)) } ?? 0xFFFF_FFFF,
            queues: wantsPosted ? thread.windowQueues : [], extra: wantsPosted ? [thread.signal] : [], input: input)
        if result != 258 { return result }
        if let deadline, monotonicMilliseconds() >= deadline { return result }
    }
}

@_cdecl("eventselect_ws_MsgWaitForMultipleObjects")
public func ws_MsgWaitForMultipleObjects(
    _ count: UInt32, _ handles: UnsafePointer<UnsafeMutableRawPointer?>?, _ waitAll: Int32, _ milliseconds: UInt32,
    _ wakeMask: UInt32
) -> UInt32 {
    ws_MsgWaitForMultipleObjectsEx(count, handles, milliseconds, wakeMask, waitAll != 0 ? 0x1 : 0)
}
