import CEventSelect
import Glibc
import Synchronization
import SystemPackage

/// Delivery: turning readiness reports into recorded events, set event objects and posted messages.
///
/// There is no delivery thread on the hot path. A thread that waits through EventSelect
/// (`SocketEvent.waitAny`/`waitAll`, `MessageQueue.next`, `isSet`, `poll`) first reaps every
/// notifier's backend without blocking and delivers inline; only when nothing it waits for is ready
/// does it block, in one ppoll over its events' eventfds and the backends' readiness descriptors.
/// So a program that waits on its own events pays no cross-thread wake-up (tens of microseconds on
/// these VMs) per event.
///
/// A program that waits elsewhere (poll(2) on `SocketEvent.fileDescriptor`, `await event.wait()`,
/// `for await` over `MessageQueue.messages`) needs delivery without calling in: the first such use
/// starts one background thread per notifier, blocked in its backend, for the rest of the process.
enum NotifierDirectory {
    private struct Entry {
        var id: ObjectIdentifier
        var driver: Driver
        var thread: DeliveryThread?
    }

    private static let entries = Mutex<[Entry]>([])
    private static let backgroundWanted = Atomic<Bool>(false)
    /// Numbers every reap, so a delivery can tell that a re-enabling call ran after its readiness
    /// was collected (`RegistrationState.markReenabled`).
    static let reapSequence = Atomic<UInt64>(0)

    static func add(_ id: ObjectIdentifier, _ backend: any Backend) {
        if let kicks = KickChannel.current { try? backend.watch(kicks, token: Token.kick.raw) }
        entries.withLock { entries in
            var entry = Entry(id: id, driver: Driver(backend), thread: nil)
            if backgroundWanted.load(ordering: .acquiring) { entry.thread = DeliveryThread.start(entry.driver) }
            entries.append(entry)
        }
    }

    static func remove(_ id: ObjectIdentifier) {
        let removed = entries.withLock { entries -> Entry? in
            guard let index = entries.firstIndex(where: { $0.id == id }) else { return nil }
            return entries.remove(at: index)
        }
        removed?.thread?.stop()
    }

    /// Starts background delivery for every notifier, now and later (sticky for the process).
    static func requireBackgroundDelivery() {
        if backgroundWanted.load(ordering: .relaxed) { return }
        entries.withLock { entries in
            guard !backgroundWanted.exchange(true, ordering: .acquiringAndReleasing) else { return }
            for index in entries.indices where entries[index].thread == nil {
                entries[index].thread = DeliveryThread.start(entries[index].driver)
            }
        }
    }

    /// Every notifier watches the process's kick channel (created after some notifiers exist).
    static func watchKicks(_ fd: CInt) {
        let snapshot = entries.withLock { $0 }
        for entry in snapshot { try? entry.driver.backend.watch(fd, token: Token.kick.raw) }
    }

    /// Every notifier's backend.
    static func backends() -> [any Backend] {
        entries.withLock { $0.map(\.driver.backend) }
    }

    /// Reaps every notifier's backend without blocking and delivers what it reports.
    /// `afterWake`: a ppoll over the backends' descriptors just returned.
    static func driveAll(afterWake: Bool = false) {
        let snapshot = entries.withLock { $0 }  // copy-on-write: a retain, no allocation
        for entry in snapshot { entry.driver.drain(afterWake: afterWake) }
        Registry.shared.recheckSuspects()
    }

    /// Blocks until one of `extra` or a backend's readiness descriptor is readable, or
    /// `nanoseconds` pass (nil: forever).
    static func block(extra: [CInt], nanoseconds: Int64?) throws(Errno) {
        let snapshot = entries.withLock { $0 }
        var fds = [pollfd]()
        fds.reserveCapacity(extra.count + snapshot.count)
        for fd in extra { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        for entry in snapshot {
            fds.append(pollfd(fd: entry.driver.backend.readinessFD, events: Int16(POLLIN), revents: 0))
        }
        try fds.withUnsafeMutableBufferPointer { buffer throws(Errno) in
            try waitReadable(buffer, nanoseconds: nanoseconds)
        }
    }

    /// Delivers one readiness report: records what the bits show on the socket the token names and
    /// sets its event object or posts its messages. Stale tokens are dropped (STYLE 5). If a
    /// re-enabling call ran on the socket after this report was collected (reap `sequence`), the
    /// bits may show a condition that call consumed (the connection it accepted, the data it
    /// read): the socket is looked at again instead.
    static func dispatch(_ token: UInt64, _ bits: UInt32, sequence: UInt64) {
        if token == Token.kick.raw {
            KickChannel.drain()
            return
        }
        guard let registration = Registry.shared.registration(token: token) else { return }
        registration.withState { state in
            // Only the process whose selection is current observes; others' entries are leftovers.
            guard state.ownedHere else { return }
            var probe = Probe(remembered: state.knownFD, identity: registration.identity)
            var bits = bits
            if state.local.pointee.reenabledAt >= sequence {
                guard let fd = probe.fd, let current = try? levelCheck(fd) else { return }
                bits = current
            }
            let recorded = state.observeForDelivery(bits, probe: &probe)
            if !recorded.isEmpty { state.deliver(recorded: recorded) }
        }
    }
}

/// One notifier's delivery: reaping its backend and dispatching what it reports happen together
/// under one lock, so once a thread has drained, every report taken before it by another thread
/// has been delivered too (a wait never misses an event that another thread is still delivering).
final class Driver: Sendable {
    let backend: any Backend
    private let lock = Mutex(())

    init(_ backend: any Backend) {
        self.backend = backend
    }

    /// Reaps without blocking and delivers.
    func drain(afterWake: Bool = false) {
        lock.withLock { _ in
            let sequence = NotifierDirectory.reapSequence.add(1, ordering: .acquiringAndReleasing).newValue
            _ = try? backend.reap(afterWake: afterWake) { token, bits in
                NotifierDirectory.dispatch(token, bits, sequence: sequence)
            }
        }
    }
}

/// One background thread per notifier, once background delivery is wanted: it waits for the
/// backend's readiness descriptor without consuming anything, then drains like any waiter.
final class DeliveryThread: Sendable {
    private let driver: Driver
    private let stopped = Atomic<Bool>(false)
    /// Written by `stop`.
    private let wakeFD: CInt

    private init(_ driver: Driver, wakeFD: CInt) {
        self.driver = driver
        self.wakeFD = wakeFD
    }

    deinit {
        Glibc.close(wakeFD)
    }

    static func start(_ driver: Driver) -> DeliveryThread? {
        guard let wakeFD = try? syscall({ CEventSelect_eventfd() }) else { return nil }
        let thread = DeliveryThread(driver, wakeFD: wakeFD)
        var id = pthread_t()
        let context = Unmanaged.passRetained(thread).toOpaque()
        let rc = pthread_create(
            &id, nil,
            { context in
                let thread = Unmanaged<DeliveryThread>.fromOpaque(context!).takeRetainedValue()
                thread.run()
                return nil
            }, context)
        guard rc == 0 else {
            Unmanaged<DeliveryThread>.fromOpaque(context).release()
            return nil
        }
        pthread_detach(id)
        return thread
    }

    private func run() {
        var fds = [
            pollfd(fd: driver.backend.readinessFD, events: Int16(POLLIN), revents: 0),
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
            driver.drain(afterWake: true)
            Registry.shared.recheckSuspects()
        }
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        _ = CEventSelect_eventfd_signal(wakeFD)
    }
}
