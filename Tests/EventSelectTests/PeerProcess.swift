// A second process for the cross-process tests: the EventSelectTestPeer executable, driven one
// command per line over pipes, every answer awaited with a bounded wait.
import EventSelect
import EventSelectTools
import Glibc
import SystemPackage
import Testing

final class PeerProcess {
    let pid: pid_t
    private let child: ChildProcess

    /// Starts a peer; `environment` entries (NAME=value) are added to this process's environment.
    /// `user`: run it as that uid and gid, with no supplementary groups (setpriv(1); the tests run
    /// as root), for the attacks that need a second user.
    init(environment: [String] = [], user: uid_t? = nil) throws {
        let peer = try PeerProcess.executable()
        let (path, arguments) =
            user.map { ("/usr/bin/setpriv", ["--reuid=\($0)", "--regid=\($0)", "--clear-groups", peer]) } ?? (peer, [])
        // ChildProcess closes every other descriptor in the child before exec; spawnLock keeps a
        // test that asserts a close was a socket's last out of the clone-to-exec window.
        child = try spawnLock.withLock { _ throws(Errno) in
            try ChildProcess(path: path, arguments: arguments, environment: environment)
        }
        pid = child.pid
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
        try begin(command)
        return try readLine(timeout: timeout)
    }

    /// Sends one command without waiting for the answer (several peers then work at once);
    /// `answer` reads it.
    func begin(_ command: String) throws {
        do {
            try child.write(Array((command + "\n").utf8))
        } catch {
            throw SocketError(description: "peer \(pid) is gone (write: \(error))")
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
        try ok("import " + hexBytes(info.bytes))
    }

    /// Kills the peer and reaps it.
    func terminate() {
        child.kill()
    }

    private func readLine(timeout: Duration) throws -> String {
        let line: String?
        do {
            line = try child.readLine(timeout: timeout)
        } catch {
            throw SocketError(description: "peer \(pid) did not answer in time")
        }
        guard let line else { throw SocketError(description: "peer \(pid) exited") }
        return line
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
