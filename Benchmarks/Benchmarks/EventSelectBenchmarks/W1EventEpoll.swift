// W1, event objects, epoll backend: one round trip = send(A), waitAny([evB]),
// enumNetworkEvents(B, resetting: evB), receive(B), then the same from B to A. One thread.
import Benchmark
import EventSelect
import SystemPackage

func w1EventEpoll() {
    nonisolated(unsafe) var fixture: Fixture?
    Benchmark(
        "W1 ping-pong round trip, event objects, epoll, AF_UNIX",
        closure: { benchmark, f in
            measured(benchmark) {
                for _ in benchmark.scaledIterations {
                    do {
                        try eventStep(f, from: f.a, to: f.b, f.eventB)
                        try eventStep(f, from: f.b, to: f.a, f.eventA)
                    } catch {
                        fatalError("W1 event epoll: \(error)")
                    }
                }
            }
        },
        setup: { () throws -> Fixture in
            let f = try Fixture(backend: .epoll)
            try f.notifier.eventSelect(f.a, f.eventA, [.read])
            try f.notifier.eventSelect(f.b, f.eventB, [.read])
            for _ in 0..<1_000 {  // warm-up
                try eventStep(f, from: f.a, to: f.b, f.eventB)
                try eventStep(f, from: f.b, to: f.a, f.eventA)
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

@inline(__always)
func eventStep(_ f: Fixture, from: FileDescriptor, to: FileDescriptor, _ event: SocketEvent) throws {
    var byte: UInt8 = 0x42
    try withUnsafeMutableBytes(of: &byte) { buffer in
        guard try f.notifier.send(from, UnsafeRawBufferPointer(buffer), flags: 0) == 1 else {
            throw BenchmarkFailure(description: "short send")
        }
        guard try SocketEvent.waitAny([event], timeout: .seconds(5)) == 0 else {
            throw BenchmarkFailure(description: "wait timed out")
        }
        guard try f.notifier.enumNetworkEvents(to, resetting: event).events.contains(.read) else {
            throw BenchmarkFailure(description: "no FD_READ")
        }
        guard try f.notifier.receive(to, into: buffer, flags: 0) == 1 else {
            throw BenchmarkFailure(description: "short receive")
        }
    }
}
