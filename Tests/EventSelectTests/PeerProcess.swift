// A second process for the cross-process tests: the EventSelectTestPeer executable, driven one
// command per line over pipes, every answer awaited with a bounded wait.
import EventSelect
import Glibc
import SystemPackage
import Testing

final class PeerProcess {
    let pid: pid_t
    private let input: CInt
    private let output: CInt
    private var pending: [UInt8] = []

    /// Starts a peer; `environment` entries (NAME=value) are added to this process's environment.
    /// `user`: run it as that uid and gid, with no supplementary groups (setpriv(1); the tests run
    /// as root), for the attacks that need a second user.
    init(environment: [String] = [], user: uid_t? = nil) throws {
        let peer = try PeerProcess.executable()
        let path = user == nil ? peer : "/usr/bin/setpriv"
        var toPeer: [CInt] = [0, 0]
        var fromPeer: [CInt] = [0, 0]
        guard pipe(&toPeer) == 0, pipe(&fromPeer) == 0 else { throw Errno(rawValue: errno) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toPeer[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromPeer[1], 1)
        for fd in toPeer + fromPeer { posix_spawn_file_actions_addclose(&actions, fd) }
        // The child must not hold the test process's sockets (they are not close-on-exec): a copy
        // would keep other tests' sockets alive (their peers would not see EOF; a close would not
        // be their last). Closed in the child before exec.
        // (glibc 2.34's posix_spawn_file_actions_addclosefrom_np; Swift's Glibc module hides it.)
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
        let arguments = user.map { ["setpriv", "--reuid=\($0)", "--regid=\($0)", "--clear-groups", peer] } ?? [peer]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var child = pid_t()
        let rc = spawnLock.withLock { _ in posix_spawn(&child, path, &actions, nil, argv, envp) }
        Glibc.close(toPeer[0])
        Glibc.close(fromPeer[1])
        guard rc == 0 else {
            Glibc.close(toPeer[1])
            Glibc.close(fromPeer[0])
            throw Errno(rawValue: rc)
        }
        pid = child
        input = toPeer[1]
        output = fromPeer[0]
        _ = fcntl(input, F_SETFD, FD_CLOEXEC)
        _ = fcntl(output, F_SETFD, FD_CLOEXEC)
    }

    deinit {
        Glibc.close(input)
        Glibc.close(output)
        kill(pid, SIGKILL)
        var status: CInt = 0
        waitpid(pid, &status, 0)
    }

    /// The pid the peer reports (differs from `pid` only if a wrapper had to fork).
    func reportedPID() throws -> pid_t {
        let words = try call("pid").split(separator: " ")
        guard words.count == 2, let pid = pid_t(words[1]) else {
            throw SocketError(description: "peer: bad pid answer")
        }
        return pid
    }

    /// Sends one command and returns the peer's one-line answer (bounded wait).
    @discardableResult
    func call(_ command: String, timeout: Duration = mustHappen) throws -> String {
        let bytes = Array((command + "\n").utf8)
        guard bytes.withUnsafeBytes({ write(input, $0.baseAddress, bytes.count) }) == bytes.count else {
            throw SocketError(description: "peer \(pid) is gone (write)")
        }
        return try readLine(timeout: timeout)
    }

    /// Sends one command without waiting for the answer (several peers then work at once);
    /// `answer` reads it.
    func begin(_ command: String) throws {
        let bytes = Array((command + "\n").utf8)
        guard bytes.withUnsafeBytes({ write(input, $0.baseAddress, bytes.count) }) == bytes.count else {
            throw SocketError(description: "peer \(pid) is gone (write)")
        }
    }

    /// The answer to the command `begin` sent (bounded wait).
    func answer(timeout: Duration = mustHappen) throws -> String {
        try readLine(timeout: timeout)
    }

    /// `call`, expecting "ok <n>" or "ok"; returns n (or 0).
    @discardableResult
    func ok(_ command: String) throws -> Int {
        let answer = try call(command)
        let words = answer.split(separator: " ")
        guard words.first == "ok" else { throw SocketError(description: "peer: \(command) -> \(answer)") }
        return words.count > 1 ? Int(words[1]) ?? 0 : 0
    }

    /// Imports `info` in the peer; returns the peer's descriptor.
    func importSocket(_ info: SocketProtocolInfo) throws -> Int {
        try ok(
            "import "
                + info.bytes.map { byte in
                    let digits = Array("0123456789abcdef")
                    return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
                }.joined())
    }

    /// Kills the peer and reaps it.
    func terminate() {
        kill(pid, SIGKILL)
        var status: CInt = 0
        waitpid(pid, &status, 0)
    }

    private func readLine(timeout: Duration) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw SocketError(description: "peer \(pid) did not answer in time") }
            var entry = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ms = CInt(
                min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            if poll(&entry, 1, ms) <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, 4096) }
            guard n > 0 else { throw SocketError(description: "peer \(pid) exited") }
            pending += chunk[..<n]
        }
    }

    /// The peer executable, built beside the test bundle.
    private static func executable() throws -> String {
        var candidates: [String] = []
        if let first = CommandLine.arguments.first {
            var directory = first
            while let slash = directory.lastIndex(of: "/") {
                directory = String(directory[..<slash])
                candidates.append(directory + "/EventSelectTestPeer")
                if candidates.count > 3 { break }
            }
        }
        candidates += [".build/debug/EventSelectTestPeer", ".build/release/EventSelectTestPeer"]
        for candidate in candidates where access(candidate, X_OK) == 0 { return candidate }
        throw SocketError(description: "EventSelectTestPeer not found (looked in \(candidates))")
    }
}
