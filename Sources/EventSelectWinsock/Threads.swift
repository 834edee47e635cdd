import CEventSelectWinsock
import Glibc
import Synchronization
import SystemPackage

// CreateThread for the worker threads Winsock programs start: a pthread whose handle is waitable
// (a manual-reset event set when the thread ends, however it ends) and keeps its exit code.

/// LPTHREAD_START_ROUTINE: DWORD WINAPI start(LPVOID).
public typealias ThreadStart = @convention(c) (UnsafeMutableRawPointer?) -> UInt32

/// A thread started by CreateThread.
final class ThreadObject: @unchecked Sendable {
    /// Set when the thread ends: what WaitForSingleObject on the thread handle waits for.
    let exited: EventObject
    let start: ThreadStartBox
    let parameter: UInt
    let state = Mutex<(id: UInt32, exitCode: UInt32?)>((0, nil))
    /// Posted by the thread once it knows its id, so CreateThread can return it (a semaphore is
    /// safe to share between threads by address; hence @unchecked).
    let started = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    init(start: ThreadStartBox, parameter: UInt) throws(Errno) {
        exited = try EventObject(manualReset: true)
        self.start = start
        self.parameter = parameter
        sem_init(started, 0, 0)
    }

    deinit {
        sem_destroy(started)
        started.deallocate()
    }
}

/// A C function pointer, marked Sendable for storage (it is immutable code).
struct ThreadStartBox: @unchecked Sendable {
    let function: ThreadStart
}

private let STILL_ACTIVE: UInt32 = 259

/// The running thread's object: its destructor runs when the thread ends (return or ExitThread)
/// and records the exit code and sets the exit event.
private let currentThreadKey: pthread_key_t = {
    var key = pthread_key_t()
    let rc = pthread_key_create(&key) { pointer in
        guard let pointer else { return }
        let thread = Unmanaged<ThreadObject>.fromOpaque(pointer).takeRetainedValue()
        thread.state.withLock { state in
            if state.exitCode == nil { state.exitCode = 0 }
        }
        thread.exited.event.set()
    }
    precondition(rc == 0, "EventSelectWinsock: pthread_key_create failed")
    return key
}()

@_cdecl("eventselect_ws_CreateThread")
public func ws_CreateThread(
    _ attributes: UnsafeMutableRawPointer?, _ stackSize: Int, _ start: ThreadStart?,
    _ parameter: UnsafeMutableRawPointer?,
    _ flags: UInt32, _ threadID: UnsafeMutablePointer<UInt32>?
) -> UnsafeMutableRawPointer? {
    guard let start else { return fail(WinError.invalidParameter, nil) }
    // CREATE_SUSPENDED (and ResumeThread) is not offered: a pthread cannot start suspended.
    guard flags & 0x4 == 0 else { return fail(WinError.notSupported, nil) }
    let thread: ThreadObject
    do {
        thread = try ThreadObject(start: ThreadStartBox(function: start), parameter: UInt(bitPattern: parameter))
    } catch {
        return fail(WinError.notEnoughMemory, nil)
    }
    _ = currentThreadKey
    var attributesStorage = pthread_attr_t()
    pthread_attr_init(&attributesStorage)
    defer { pthread_attr_destroy(&attributesStorage) }
    if stackSize > 0 { _ = pthread_attr_setstacksize(&attributesStorage, max(stackSize, Int(PTHREAD_STACK_MIN))) }
    pthread_attr_setdetachstate(&attributesStorage, CInt(PTHREAD_CREATE_DETACHED))
    var id = pthread_t()
    let context = Unmanaged.passRetained(thread).toOpaque()
    let rc = pthread_create(
        &id, &attributesStorage,
        { context in
            let thread = Unmanaged<ThreadObject>.fromOpaque(context!).takeUnretainedValue()
            // The key holds the reference CreateThread passed; its destructor releases it.
            pthread_setspecific(currentThreadKey, context)
            thread.state.withLock { $0.id = UInt32(bitPattern: CEventSelectWinsock_gettid()) }
            sem_post(thread.started)
            let code = thread.start.function(UnsafeMutableRawPointer(bitPattern: thread.parameter))
            thread.state.withLock { $0.exitCode = code }
            return nil
        }, context)
    guard rc == 0 else {
        Unmanaged<ThreadObject>.fromOpaque(context).release()
        return fail(WinError.notEnoughMemory, nil)
    }
    // The id is known once the thread runs; sem_wait returns on its post (EINTR: wait again).
    while sem_wait(thread.started) != 0 && errno == EINTR {}
    threadID?.pointee = thread.state.withLock { $0.id }
    return UnsafeMutableRawPointer(bitPattern: Handles.add(.thread(thread)))
}

@_cdecl("eventselect_ws_ExitThread")
public func ws_ExitThread(_ code: UInt32) -> Never {
    if let pointer = pthread_getspecific(currentThreadKey) {
        Unmanaged<ThreadObject>.fromOpaque(pointer).takeUnretainedValue().state.withLock { $0.exitCode = code }
    }
    pthread_exit(nil)
}

@_cdecl("eventselect_ws_GetExitCodeThread")
public func ws_GetExitCodeThread(_ handle: UnsafeMutableRawPointer?, _ code: UnsafeMutablePointer<UInt32>?) -> Int32 {
    guard let thread = Handles.thread(handle) else { return fail(WinError.invalidHandle, 0) }
    guard let code, !isBadPointer(code) else { return fail(WinError.invalidParameter, 0) }
    // Still running until the exit event is set (the code is recorded just before).
    code.pointee = thread.exited.isSet ? (thread.state.withLock { $0.exitCode } ?? 0) : STILL_ACTIVE
    return 1
}
