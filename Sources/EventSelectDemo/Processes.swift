// Plumbing for the shared-socket demo: worker processes (ChildProcess) over plain pipes,
// length-prefixed frames (acceptor -> worker, on the worker's stdin) and report lines
// (worker -> acceptor, on the worker's stdout), all read with bounded waits.
import EventSelectTools
import Glibc
import Synchronization
import SystemPackage

/// Frame types sent to a worker on its stdin: `[type: UInt8][length: UInt32 LE][payload]`.
enum Frame: UInt8 {
    /// A connection: the payload is `SocketProtocolInfo` bytes to import and serve.
    case connection = 0x43  // "C"
    /// Probe, worker A: import (payload = info) and `asyncSelect(probe, queue, WM_PROBE, [.read])`.
    case probeAsync = 0x41  // "A"
    /// Probe, worker B: import (payload = info) and `eventSelect(probe, event, [.read])`.
    case probeEvent = 0x45  // "E"
    /// Probe, worker B: wait (payload = UInt32 ms) for the probe's event, `enumNetworkEvents`, receive.
    case probeWait = 0x57  // "W"
    /// Probe, worker A: watch the queue (payload = UInt32 ms) and report any probe message in that time.
    case probeQuiet = 0x51  // "Q"

    static func encode(_ type: Frame, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [type.rawValue] + (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + payload
    }

    static func milliseconds(_ value: Int) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: UInt32(value) >> (8 * $0)) }
    }

    static func decodeMilliseconds(_ payload: [UInt8]) -> Int {
        payload.prefix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    }
}

enum IO {
    /// Reads exactly `count` bytes; nil at end of file before the first byte, throws on a partial read.
    static func readExactly(_ fd: CInt, count: Int) throws -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Errno(rawValue: errno)
            }
            if n == 0 {
                if done == 0 { return nil }
                throw Errno.ioError
            }
            done += n
        }
        return bytes
    }

    /// One report line on stdout, in one write(2) (atomic on a pipe: shorter than PIPE_BUF).
    static func report(_ line: String) {
        try? EventSelectTools.writeAll(1, Array((line + "\n").utf8))
    }

    /// The path of this executable, to re-launch it as a worker.
    static func executablePath() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { throw Errno(rawValue: errno) }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The acceptor's handle on one worker process: the child (its stdin written in frames, its
/// stdout read by a thread that collects its report lines).
final class WorkerHandle: @unchecked Sendable {
    let index: Int
    private let child: ChildProcess
    private let writeLock = Mutex(())
    private let lines = Mutex<(lines: [String], eof: Bool)>(([], false))
    private var reader: Thread?

    var pid: pid_t { child.pid }

    /// Spawns `path worker <index> <extra...>` with pipes on stdin and stdout (stderr inherited).
    init(index: Int, path: String, arguments: [String], environment: [String]) throws {
        self.index = index
        child = try ChildProcess(
            path: path, arguments: ["worker", String(index)] + arguments, environment: environment)
        reader = Thread { [self] in self.collect() }
    }

    private func collect() {
        while let line = (try? child.readLine(timeout: nil)) ?? nil {
            if line.hasPrefix("error ") {
                print("  worker \(index) (pid \(pid)) reports: \(line)")
            }
            lines.withLock { $0.lines.append(line) }
        }
        lines.withLock { $0.eof = true }
    }

    /// Sends one frame (serialised: the acceptor thread and the main thread both send).
    func send(_ type: Frame, _ payload: [UInt8]) throws {
        let bytes = Frame.encode(type, payload)
        try writeLock.withLock { _ in try child.write(bytes) }
    }

    /// True once the worker closed its stdout (it exited or crashed).
    var isGone: Bool { lines.withLock { $0.eof } }

    /// Any "error ..." line the worker reported.
    var errors: [String] { lines.withLock { $0.lines.filter { $0.hasPrefix("error ") } } }

    /// Waits (bounded) for the first report line starting with `prefix`, and takes it.
    func expect(_ prefix: String, within milliseconds: Int) -> String? {
        let deadline = Clock.now() + Int64(milliseconds) * 1_000_000
        while true {
            let (found, eof) = lines.withLock { state -> (String?, Bool) in
                if let at = state.lines.firstIndex(where: { $0.hasPrefix(prefix) }) {
                    return (state.lines.remove(at: at), state.eof)
                }
                return (nil, state.eof)
            }
            if let found { return found }
            if eof || Clock.now() >= deadline { return nil }
            usleep(2_000)
        }
    }

    /// Closes the worker's stdin: it finishes, reports its totals and exits.
    func closeInput() {
        writeLock.withLock { _ in child.closeInput() }
    }

    /// Waits up to `milliseconds` for the worker to exit; kills it after that. Returns its status text.
    @discardableResult
    func reap(within milliseconds: Int) -> String {
        let status = child.reap(within: .milliseconds(milliseconds))
        reader?.join()
        reader = nil
        return status
    }

    /// Kills the worker at once (error paths).
    func kill() { child.kill() }
}
