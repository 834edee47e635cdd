// A child process driven over pipes: its stdin written, its stdout read line by line with bounded
// waits. Used by the demo (worker processes) and the tests' PeerProcess; the benchmark's
// run-to-completion children use swift-subprocess instead.
import Glibc
import SystemPackage

package final class ChildProcess: @unchecked Sendable {
    package let pid: pid_t
    /// The write end of the child's stdin (close-on-exec here).
    private let input: CInt
    /// The read end of the child's stdout (close-on-exec here).
    private let output: CInt
    private var pending: [UInt8] = []
    private var reaped = false

    /// Starts `path` with `arguments` and this process's environment plus `environment` (NAME=value
    /// entries); its stdin and stdout are pipes, stderr is inherited.
    ///
    /// Every other descriptor is closed in the child before exec: a child holding copies of this
    /// process's sockets would keep them alive (their peers would not see EOF, a close would not be
    /// their last).
    package init(path: String, arguments: [String] = [], environment: [String] = []) throws(Errno) {
        var toChild: [CInt] = [-1, -1]
        var fromChild: [CInt] = [-1, -1]
        guard pipe(&toChild) == 0 else { throw Errno(rawValue: errno) }
        guard pipe(&fromChild) == 0 else {
            let code = errno
            Glibc.close(toChild[0])
            Glibc.close(toChild[1])
            throw Errno(rawValue: code)
        }
        // (pipe2(O_CLOEXEC) needs _GNU_SOURCE, which Swift's Glibc module does not define.)
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        // glibc 2.34's posix_spawn_file_actions_addclosefrom_np, which Swift's Glibc module hides.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        var variables: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            variables.append(String(cString: entry))
            cursor += 1
        }
        variables += environment
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var child = pid_t()
        let rc = posix_spawn(&child, path, &actions, nil, argv, envp)
        Glibc.close(toChild[0])
        Glibc.close(fromChild[1])
        guard rc == 0 else {
            Glibc.close(toChild[1])
            Glibc.close(fromChild[0])
            throw Errno(rawValue: rc)
        }
        pid = child
        input = toChild[1]
        output = fromChild[0]
    }

    deinit {
        kill()
        Glibc.close(output)
        closeInput()
    }

    /// Writes all of `bytes` to the child's stdin.
    package func write(_ bytes: [UInt8]) throws(Errno) {
        try writeAll(input, bytes)
    }

    private var inputClosed = false

    /// Closes the child's stdin (it sees end of file). Idempotent.
    package func closeInput() {
        if inputClosed { return }
        inputClosed = true
        Glibc.close(input)
    }

    /// The next line of the child's stdout, without its newline; waits at most `timeout` (nil:
    /// until one comes). Returns nil when the child closed its stdout.
    /// - Throws: `Errno.timedOut` when no line came in time.
    package func readLine(timeout: Duration?) throws(Errno) -> String? {
        let deadline = timeout.map {
            Clock.now() + $0.components.seconds * 1_000_000_000 + $0.components.attoseconds / 1_000_000_000
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            if let deadline {
                let left = deadline - Clock.now()
                guard left > 0 else { throw .timedOut }
                var entry = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
                if poll(&entry, 1, CInt(min(left / 1_000_000 + 1, 60_000))) <= 0 { continue }
            }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(output, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            pending += chunk[..<n]
        }
    }

    /// Waits up to `timeout` for the child to exit, then kills it. Returns how it ended.
    @discardableResult
    package func reap(within timeout: Duration) -> String {
        if reaped { return "exited" }
        let deadline =
            Clock.now() + timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        var status: CInt = 0
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { break }
            if rc < 0 && errno != EINTR {
                reaped = true
                return "gone"
            }
            if Clock.now() >= deadline {
                kill()
                return "killed after \(timeout)"
            }
            usleep(5_000)  // a bounded poll for the child's exit; nothing else is waited on here
        }
        reaped = true
        let code = (status >> 8) & 0xff
        let signal = status & 0x7f
        return signal != 0 ? "killed by signal \(signal)" : "exit \(code)"
    }

    /// Kills the child at once and reaps it. Idempotent.
    package func kill() {
        if reaped { return }
        Glibc.kill(pid, SIGKILL)
        var status: CInt = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
    }
}

/// Writes all of `bytes` to a blocking descriptor, retrying on EINTR and short writes.
package func writeAll(_ fd: CInt, _ bytes: [UInt8]) throws(Errno) {
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, bytes.count - done) }
        if n < 0 {
            if errno == EINTR { continue }
            throw Errno(rawValue: errno)
        }
        done += n
    }
}
