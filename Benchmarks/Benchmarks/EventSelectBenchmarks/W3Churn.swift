// W3, registration churn: on a connected socket with no data pending, one iteration =
// eventSelect(s, e, [.read]) then eventSelect(s, e, []) (two selection calls), epoll backend.
import Benchmark
import EventSelect
import SystemPackage

func w3Churn() {
    nonisolated(unsafe) var fixture: Fixture?
    Benchmark(
        "W3 churn: eventSelect [.read] + cancel, epoll",
        closure: { benchmark, f in
            measured(benchmark) {
                for _ in benchmark.scaledIterations {
                    do {
                        try f.notifier.eventSelect(f.b, f.eventB, [.read])
                        try f.notifier.eventSelect(f.b, f.eventB, [])
                    } catch {
                        fatalError("W3 churn: \(error)")
                    }
                }
            }
        },
        setup: { () throws -> Fixture in
            let f = try Fixture(backend: .epoll)
            for _ in 0..<1_000 {  // warm-up, and the socket's first arming
                try f.notifier.eventSelect(f.b, f.eventB, [.read])
                try f.notifier.eventSelect(f.b, f.eventB, [])
            }
            fixture = f
            return f
        },
        teardown: {
            fixture?.close()
            fixture = nil
        }
    )
}
