// MessageQueue under contention: 4 producer threads post 25,000 messages each (100,000 in all)
// while 2 consumer threads take them with next(timeout:). Every message is received exactly once,
// none lost or duplicated, and each producer's messages reach each consumer in posting order (the
// queue is one FIFO, so a consumer's takes of one producer's messages are increasing).
// Payload: `message` = producer index, `socket` = sequence number within the producer.
import EventSelect
import Glibc
import Synchronization
import SystemPackage
import Testing

private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

private func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(
        &thread, nil,
        { context in
            Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
    precondition(rc == 0, "pthread_create: \(rc)")
    return thread
}

@Test(.timeLimit(.minutes(1)))
func queueStress_fourProducersTwoConsumers_everyMessageExactlyOnceInProducerOrder() throws {
    let producers = 4
    let perProducer = 25_000
    let total = producers * perProducer
    let consumers = 2
    let q = try MessageQueue()

    let taken = Atomic<Int>(0)
    let results = Mutex<[[SocketMessage]]>(Array(repeating: [], count: consumers))
    let errors = Atomic<Int>(0)
    // Bound for the whole run: consumers give up here instead of waiting forever.
    let deadline = ContinuousClock.now + .seconds(30)

    var threads: [pthread_t] = []
    for c in 0..<consumers {
        threads.append(
            startThread {
                var local: [SocketMessage] = []
                local.reserveCapacity(total)
                while taken.load(ordering: .relaxed) < total && ContinuousClock.now < deadline {
                    do {
                        if let m = try q.next(timeout: .milliseconds(100)) {
                            local.append(m)
                            taken.add(1, ordering: .relaxed)
                        }
                    } catch {
                        errors.add(1, ordering: .relaxed)
                        break
                    }
                }
                let mine = local
                results.withLock { $0[c] = mine }
            })
    }
    for p in 0..<producers {
        threads.append(
            startThread {
                for i in 0..<perProducer {
                    q.post(
                        SocketMessage(
                            message: UInt32(p), socket: FileDescriptor(rawValue: CInt(i)), event: .read, error: nil))
                }
            })
    }
    let start = ContinuousClock.now
    for thread in threads { pthread_join(thread, nil) }
    let elapsed = ContinuousClock.now - start

    let lists = results.withLock { $0 }
    #expect(errors.load(ordering: .relaxed) == 0, "next(timeout:) threw")
    #expect(lists.reduce(0) { $0 + $1.count } == total, "received \(lists.map(\.count)) of \(total) in \(elapsed)")
    #expect(q.poll() == nil, "nothing left over")

    var seen = Array(repeating: [Bool](repeating: false, count: perProducer), count: producers)
    var duplicates = 0
    var malformed = 0
    var outOfOrder = 0
    for list in lists {
        var last = Array(repeating: -1, count: producers)
        for m in list {
            let p = Int(m.message)
            let i = Int(m.socket.rawValue)
            guard p < producers, i >= 0, i < perProducer, m.event == .read, m.error == nil else {
                malformed += 1
                continue
            }
            if seen[p][i] { duplicates += 1 }
            seen[p][i] = true
            if i <= last[p] { outOfOrder += 1 }
            last[p] = i
        }
    }
    let missing = seen.reduce(0) { $0 + $1.filter { !$0 }.count }
    #expect(malformed == 0)
    #expect(duplicates == 0)
    #expect(missing == 0)
    #expect(outOfOrder == 0, "per-producer order preserved")
}
