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
enum LiveNotifiers {
    private struct Entry {
        var id: ObjectIdentifier
        var reaper: Reaper
        /// Prepared with the notifier (its descriptor exists); started when background delivery
        /// is wanted.
        var delivery: BackgroundDelivery
    }

    private static let entries = Mutex<[Entry]>([])
    private static let backgroundWanted = Atomic<Bool>(false)
    /// Background delivery is wanted but some notifier's thread could not be started: every
    /// inline drive and every later request retries (one relaxed load while all is well).
    private static let backgroundIncomplete = Atomic<Bool>(false)
    /// Numbers every reap, so a delivery can tell that a re-enabling call ran after its readiness
    /// was collected (`RegistrationState.markReenabled`).
    static let reapSequence = Atomic<UInt64>(0)

    /// Registers a new notifier's backend. Everything background delivery will need that could run
    /// out is made here, where the notifier's initializer can throw it.
    /// - Throws: `Errno` when the background thread's wake-up eventfd cannot be created.
    static func add(_ id: ObjectIdentifier, _ backend: any Backend) throws(Errno) {
        let reaper = Reaper(backend)
        let delivery = try BackgroundDelivery(reaper)
        if let kicks = Doorbell.current { try? backend.watch(kicks, token: Token.kick.raw) }
        let failure = entries.withLock { entries -> Errno? in
            entries.append(Entry(id: id, reaper: reaper, delivery: delivery))
            guard backgroundWanted.load(ordering: .acquiring) else { return nil }
            do throws(Errno) {
                try delivery.start()
                return nil
            } catch {
                backgroundIncomplete.store(true, ordering: .releasing)
                return error
            }
        }
        if let failure { report(failure) }
    }

    static func remove(_ id: ObjectIdentifier) {
        let removed = entries.withLock { entries -> Entry? in
            guard let index = entries.firstIndex(where: { $0.id == id }) else { return nil }
            return entries.remove(at: index)
        }
        removed?.delivery.stop()
    }

    /// Starts background delivery for every notifier, now and later (sticky for the process).
    ///
    /// Starting a thread opens no descriptor (its eventfd was made with the notifier), so a full
    /// descriptor table cannot lose it. If `pthread_create` fails, the failure is written to
    /// standard error once and the start is retried by every later request and every inline
    /// drive (each wait through EventSelect), until it succeeds: never silently given up.
    static func requireBackgroundDelivery() {
        if backgroundWanted.load(ordering: .relaxed) && !backgroundIncomplete.load(ordering: .relaxed) { return }
        if let failure = startBackgroundDelivery() { report(failure) }
    }

    /// Starts every notifier's background thread that is not running; returns the first failure
    /// (and leaves `backgroundIncomplete` set for a retry), or nil when all run.
    @discardableResult
    static func startBackgroundDelivery() -> Errno? {
        entries.withLock { entries -> Errno? in
            backgroundWanted.store(true, ordering: .releasing)
            var failure: Errno?
            for entry in entries where !entry.delivery.isRunning {
                do throws(Errno) {
                    try entry.delivery.start()
                } catch {
                    failure = failure ?? error
                }
            }
            backgroundIncomplete.store(failure != nil, ordering: .releasing)
            return failure
        }
    }

    /// Whether background delivery is wanted and runs for every notifier (for tests and
    /// diagnostics).
    static var backgroundDeliveryRunning: Bool {
        backgroundWanted.load(ordering: .acquiring) && !backgroundIncomplete.load(ordering: .acquiring)
    }

    private static let reported = Atomic<Bool>(false)

    /// A background thread could not start: say so once on standard error (the getters that want
    /// it cannot throw), then keep retrying quietly.
    private static func report(_ error: Errno) {
        guard !reported.exchange(true, ordering: .relaxed) else { return }
        let line =
            "EventSelect: background delivery could not start a thread (\(error)); "
            + "retrying on every wait and every fileDescriptor request\n"
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// Every notifier watches the process's kick channel (created after some notifiers exist).
    static func watchKicks(_ fd: CInt) {
        let snapshot = entries.withLock { $0 }
        for entry in snapshot { try? entry.reaper.backend.watch(fd, token: Token.kick.raw) }
    }

    /// Every notifier's backend.
    static func backends() -> [any Backend] {
        entries.withLock { $0.map(\.reaper.backend) }
    }

    /// Reaps every notifier's backend without blocking and delivers what it reports.
    /// `afterWake`: a ppoll over the backends' descriptors just returned.
    static func driveAll(afterWake: Bool = false) {
        if backgroundIncomplete.load(ordering: .relaxed) { startBackgroundDelivery() }
        let snapshot = entries.withLock { $0 }  // copy-on-write: a retain, no allocation
        // By index: no copy (and retain) of each entry's thread reference.
        for index in snapshot.indices { snapshot[index].reaper.drain(afterWake: afterWake) }
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
            fds.append(pollfd(fd: entry.reaper.backend.readinessFD, events: Int16(POLLIN), revents: 0))
        }
        try fds.withUnsafeMutableBufferPointer { buffer throws(Errno) in
            try waitReadable(buffer, nanoseconds: nanoseconds)
        }
    }

    /// Delivers one readiness report: records what the bits show on the socket the token names and
    /// sets its event object or posts its messages. Stale tokens are dropped. If a
    /// re-enabling call ran on the socket after this report was collected (reap `sequence`), the
    /// bits may show a condition that call consumed (the connection it accepted, the data it
    /// read): the socket is looked at again instead.
    static func dispatch(_ token: UInt64, _ bits: UInt32, sequence: UInt64) {
        if token == Token.kick.raw {
            Doorbell.drain()
            return
        }
        guard let registration = Registry.shared.registration(token: token) else { return }
        registration.withState { state in
            // Only the process whose selection is current observes; others' entries are leftovers.
            guard state.ownedHere else { return }
            var probe = Probe(remembered: state.knownFD, identity: registration.identity)
            var bits = bits
            let stale = state.local.pointee.reenabledAt >= sequence
            if stale {
                guard let fd = probe.fd, let current = try? levelCheck(fd) else { return }
                bits = current
            }
            // A stale report is no arrival: what the look finds may have been there before.
            let recorded = state.observeForDelivery(bits, probe: &probe, arrival: !stale)
            if !recorded.isEmpty { state.deliver(recorded: recorded) }
        }
    }
}
