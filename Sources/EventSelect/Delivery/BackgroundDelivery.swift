import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// One background thread per notifier, once background delivery is wanted: it waits for the
/// backend's readiness descriptor without consuming anything, then drains like any waiter.
final class BackgroundDelivery: Sendable {
    private let reaper: Reaper
    private let stopped = Atomic<Bool>(false)
    /// Written by `stop`.
    private let wakeFD: CInt

    private init(_ reaper: Reaper, wakeFD: CInt) {
        self.reaper = reaper
        self.wakeFD = wakeFD
    }

    deinit {
        Glibc.close(wakeFD)
    }

    static func start(_ reaper: Reaper) -> BackgroundDelivery? {
        guard let wakeFD = try? syscall({ CEventSelect_eventfd() }) else { return nil }
        let thread = BackgroundDelivery(reaper, wakeFD: wakeFD)
        var id = pthread_t()
        let context = Unmanaged.passRetained(thread).toOpaque()
        let rc = pthread_create(
            &id, nil,
            { context in
                let thread = Unmanaged<BackgroundDelivery>.fromOpaque(context!).takeRetainedValue()
                thread.run()
                return nil
            }, context)
        guard rc == 0 else {
            Unmanaged<BackgroundDelivery>.fromOpaque(context).release()
            return nil
        }
        pthread_detach(id)
        return thread
    }

    private func run() {
        var fds = [
            pollfd(fd: reaper.backend.readinessFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
        ]
        while !stopped.load(ordering: .acquiring) {
            do {
                try fds.withUnsafeMutableBufferPointer { buffer throws(Errno) in
                    try waitReadable(buffer, nanoseconds: nil)
                }
            } catch {
                assertOwned(error, "backend")
                return
            }
            if stopped.load(ordering: .acquiring) { return }
            reaper.drain(afterWake: true)
            Registry.shared.recheckSuspects()
        }
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        _ = CEventSelect_eventfd_signal(wakeFD)
    }
}
