// W1, message queue (asyncSelect), default backend: one round trip = send(A), queue.next,
// receive(B), then the same from B to A. One thread.
import Benchmark
import EventSelect
import SystemPackage

func w1Message() {
    nonisolated(unsafe) var fixture: Fixture?
    Benchmark(
        "W1 ping-pong round trip, message queue, automatic backend, AF_UNIX",
        closure: { benchmark, f in
            measured(benchmark) {
                for _ in benchmark.scaledIterations {
                    do {
                        try messageStep(f, from: f.a, to: f.b)
                        try messageStep(f, from: f.b, to: f.a)
                    } catch {
                        fatalError("W1 message: \(error)")
                    }
                }
            }
        },
        setup: { () throws -> Fixture in
            let f = try Fixture(backend: .automatic)
            try f.notifier.asyncSelect(f.a, f.queue, message: 0x0401, [.read])
            try f.notifier.asyncSelect(f.b, f.queue, message: 0x0401, [.read])
            for _ in 0..<1_000 {  // warm-up
                try messageStep(f, from: f.a, to: f.b)
                try messageStep(f, from: f.b, to: f.a)
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
func messageStep(_ f: Fixture, from: FileDescriptor, to: FileDescriptor) throws {
    var byte: UInt8 = 0x42
    try withUnsafeMutableBytes(of: &byte) { buffer in
        guard try f.notifier.send(from, UnsafeRawBufferPointer(buffer), flags: 0) == 1 else {
            throw BenchmarkFailure(description: "short send")
        }
        guard let message = try f.queue.next(timeout: .seconds(5)), message.socket == to, message.event == .read else {
            throw BenchmarkFailure(description: "no FD_READ message")
        }
        guard try f.notifier.receive(to, into: buffer, flags: 0) == 1 else {
            throw BenchmarkFailure(description: "short receive")
        }
    }
}
