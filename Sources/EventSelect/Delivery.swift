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
        var backend: any Backend
        var thread: DeliveryThread?
    }

    private static let entries = Mutex<[Entry]>([])
    private static let backgroundWanted = Atomic<Bool>(false)

    static func add(_ id: ObjectIdentifier, _ backend: any Backend) {
        if let kicks = KickChannel.current { try? backend.watch(kicks, token: Token.kick.raw) }
        entries.withLock { entries in
            var entry = Entry(id: id, backend: backend, thread: nil)
            if backgroundWanted.load(ordering: .acquiring) { entry.thread = DeliveryThread.start(backend) }
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
                entries[index].thread = DeliveryThread.start(entries[index].backend)
            }
        }
    }

    /// Every notifier watches the process's kick channel (created after some notifiers exist).
    static func watchKicks(_ fd: CInt) {
        let snapshot = entries.withLock { $0 }
        for entry in snapshot { try? entry.backend.watch(fd, token: Token.kick.raw) }
    }

    /// Every notifier's backend.
    static func backends() -> [any Backend] {
        entries.withLock { $0.map(\.backend) }
    }

    /// Reaps every notifier's backend without blocking and delivers what it reports.
    static func driveAll() {
        let snapshot = entries.withLock { $0 }  // copy-on-write: a retain, no allocation
        for entry in snapshot {
            _ = try? entry.backend.reap(nanoseconds: 0, dispatch)
        }
    }

    /// Blocks until one of `extra` or a backend's readiness descriptor is readable, or
    /// `nanoseconds` pass (nil: forever).
    static func block(extra: [CInt], nanoseconds: Int64?) throws(Errno) {
        let snapshot = entries.withLock { $0 }
        var fds = [pollfd]()
        fds.reserveCapacity(extra.count + snapshot.count)
        for fd in extra { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        for entry in snapshot { fds.append(pollfd(fd: entry.backend.readinessFD, events: Int16(POLLIN), revents: 0)) }
        try fds.withUnsafeMutableBufferPointer { buffer throws(Errno) in
            try waitReadable(buffer, nanoseconds: nanoseconds)
        }
    }

    /// Delivers one readiness report: records what the bits show on the socket the token names and
    /// sets its event object or posts its messages. Stale tokens are dropped (STYLE 5).
    static func dispatch(_ token: UInt64, _ bits: UInt32) {
        if token == Token.kick.raw {
            KickChannel.drain()
            return
        }
        guard let registration = Registry.shared.registration(token: token) else { return }
        registration.withState { state in
            // Only the process whose selection is current observes; others' entries are leftovers.
            guard state.ownedHere else { return }
            var probe = Probe(remembered: state.knownFD, identity: registration.identity)
            let recorded = state.observe(bits, probe: &probe)
            if !recorded.isEmpty { state.deliver(recorded: recorded) }
        }
    }
}

/// One background thread blocked in a backend, delivering as reports arrive.
final class DeliveryThread: Sendable {
    private let backend: any Backend
    private let stopped = Atomic<Bool>(false)

    private init(_ backend: any Backend) {
        self.backend = backend
    }

    static func start(_ backend: any Backend) -> DeliveryThread {
        let thread = DeliveryThread(backend)
        var id = pthread_t()
        let context = Unmanaged.passRetained(thread).toOpaque()
        let rc = pthread_create(
            &id, nil,
            { context in
                let thread = Unmanaged<DeliveryThread>.fromOpaque(context!).takeRetainedValue()
                thread.run()
                return nil
            }, context)
        precondition(rc == 0, "EventSelect: cannot start a delivery thread (pthread_create: \(rc))")
        pthread_detach(id)
        return thread
    }

    private func run() {
        while !stopped.load(ordering: .acquiring) {
            do {
                _ = try backend.reap(nanoseconds: nil, NotifierDirectory.dispatch)
            } catch {
                // EINTR is retried inside; anything else on our own descriptor means it is gone.
                assertOwned(error, "backend")
                return
            }
        }
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
        backend.interrupt()
    }
}
