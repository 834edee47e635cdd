import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// One background thread per notifier, once background delivery is wanted: it waits for the
/// backend's readiness descriptor without consuming anything, then drains like any waiter.
///
/// Everything the thread needs that could run out (its wake-up eventfd) is made with the notifier,
/// in `Notifier.init`, which can throw. Starting the thread later, when a program first asks for a
/// `fileDescriptor` (a getter that cannot throw), then opens no descriptor, so an fd table that is
/// full at that moment (EMFILE) cannot lose background delivery. Only `pthread_create` can still
/// fail there; `LiveNotifiers` reports that and retries it.
final class BackgroundDelivery: Sendable {
    let reaper: Reaper
    private let stopped = Atomic<Bool>(false)
    private let running = Atomic<Bool>(false)
    /// Written by `stop`.
    private let wakeFD: CInt

    /// Prepares (does not start) background delivery for `reaper`'s notifier.
    /// - Throws: `Errno` when no eventfd can be created (EMFILE, ENFILE, ENOMEM).
    init(_ reaper: Reaper) throws(Errno) {
        self.reaper = reaper
        self.wakeFD = try syscall { CEventSelect_eventfd() }
    }

    deinit {
        Glibc.close(wakeFD)
    }

    /// Whether the thread has been started (and not stopped).
    var isRunning: Bool { running.load(ordering: .acquiring) }

    /// Starts the thread unless it runs already. Called under `LiveNotifiers`' lock.
    /// - Throws: the `pthread_create` error (EAGAIN when the process or user is out of threads).
    func start() throws(Errno) {
        if running.load(ordering: .acquiring) || stopped.load(ordering: .acquiring) { return }
        var id = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(
            &id, nil,
            { context in
                let thread = Unmanaged<BackgroundDelivery>.fromOpaque(context!).takeRetainedValue()
                thread.run()
                return nil
            }, context)
        guard rc == 0 else {
            Unmanaged<BackgroundDelivery>.fromOpaque(context).release()
            throw Errno(rawValue: rc)
        }
        pthread_detach(id)
        running.store(true, ordering: .releasing)
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

    /// Stops the thread, if it runs, for good (the notifier is going away).
    func stop() {
        stopped.store(true, ordering: .releasing)
        running.store(false, ordering: .releasing)
        _ = CEventSelect_eventfd_signal(wakeFD)
    }
}
