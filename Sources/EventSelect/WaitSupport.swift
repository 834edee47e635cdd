import SystemPackage

/// The engine's wait loop, for a layer that waits on event objects and message queues together
/// (the Winsock C API's `MsgWaitForMultipleObjects`, `GetMessage` over several windows).
///
/// Not part of the Swift API (`@_spi(WinsockLayer)`): Swift programs use `SocketEvent.waitAny` and
/// `MessageQueue.next`, which are this loop with a fixed condition.
@_spi(WinsockLayer)
public enum WaitSupport {
    /// Delivers readiness the kernel has reported and no thread has delivered yet, so that a
    /// non-blocking look (`PeekMessage`, a zero-timeout wait) sees events as they happen.
    public static func deliverPending() {
        LiveNotifiers.driveAll()
    }

    /// Whether an event is set, without delivering pending readiness first (`SocketEvent.isSet`
    /// delivers; a wait condition must not, the loop does).
    public static func isRaised(_ event: SocketEvent) -> Bool {
        event.flag.isRaised
    }

    /// Waits until `satisfied()` holds, as `SocketEvent.waitAny` does: test; deliver pending
    /// readiness inline and test again; then block in one ppoll over the events' and queues'
    /// descriptors and every notifier's readiness descriptor, until something changes.
    ///
    /// `satisfied` is called after every change and must only test (it may reset an event it
    /// claims, as an auto-reset wait does).
    /// - Returns: true once `satisfied()` held, false on timeout (nil: forever).
    public static func wait(
        events: [SocketEvent], queues: [MessageQueue], timeout: Duration?, until satisfied: () -> Bool
    ) throws(Errno) -> Bool {
        let deadline = Deadline(timeout)
        let flags = events.map(\.flag) + queues.map(\.flag)
        while true {
            if satisfied() { return true }
            LiveNotifiers.driveAll()
            if satisfied() { return true }
            let remaining = deadline.remaining
            if remaining == 0 { return false }
            for flag in flags { flag.beginPoll() }
            defer { for flag in flags { flag.endPoll() } }
            if satisfied() { return true }
            try LiveNotifiers.block(extra: flags.map(\.fd), nanoseconds: remaining)
            LiveNotifiers.driveAll(afterWake: true)
        }
    }
}
