// A second process for the cross-process tests: the EventSelectTestPeer executable, driven one
// command per line over pipes, every answer awaited with a bounded wait.
import EventSelect
import EventSelectTools
import Glibc
import SystemPackage
import Testing

final class PeerProcess {
    private let child: ChildProcess
    var pid: pid_t { child.pid }

    /// Starts a peer; `environment` entries (NAME=value) are added to this process's environment.
    init(environment: [String] = []) throws {
        let path = try PeerProcess.executable()
        // Under spawnLock: between clone and exec the child holds every descriptor of this process.
        child = try spawnLock.withLock { _ in try ChildProcess(path: path, environment: environment) }
    }

    /// Sends one command and returns the peer's one-line answer (bounded wait).
    @discardableResult
    func call(_ command: String, timeout: Duration = mustHappen) throws -> String {
        do {
            try child.write(Array((command + "\n").utf8))
        } catch {
            throw SocketError(description: "peer \(pid) is gone (write: \(error))")
        }
        let line: String?
        do {
            line = try child.readLine(timeout: timeout)
        } catch {
            throw SocketError(description: "peer \(pid) did not answer in time")
        }
        guard let line else { throw SocketError(description: "peer \(pid) exited") }
        return line
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
        try ok("import " + info.bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }.joined())
    }

    /// Kills the peer and reaps it.
    func terminate() { child.kill() }

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
