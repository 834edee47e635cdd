// Child processes that run to completion (the W4 children, the peers' scripts, git), with
// swift-subprocess: stdout streamed line by line, stderr passed through, a timeout that kills the
// child's whole process group (the peers' scripts start children of their own).
import Dispatch
import Glibc
import Subprocess
import SystemPackage

enum Command {
    /// Runs `command` (looked up through PATH) with `extraEnv` added, in `directory` if given; every
    /// stdout line goes to `onLine` as it arrives.
    /// - Returns: the exit status; 128 + signal when killed by one; 124 when the timeout killed it.
    static func run(
        _ command: [String], extraEnv: [String: String] = [:], directory: String? = nil, timeoutSeconds: Int,
        onLine: (String) -> Void
    ) async throws -> CInt {
        var platform = PlatformOptions()
        platform.processGroupID = 0  // its own group, so that a timeout can kill the group
        var environment: [Environment.Key: String?] = [:]
        for (key, value) in extraEnv { environment[Environment.Key(stringLiteral: key)] = value }
        // A path runs that file; a bare name is looked up in PATH.
        let executable: Executable = command[0].contains("/") ? .path(FilePath(command[0])) : .name(command[0])
        let result = try await Subprocess.run(
            executable,
            arguments: Arguments(Array(command.dropFirst())),
            environment: .inherit.updating(environment),
            workingDirectory: directory.map { FilePath($0) },
            platformOptions: platform,
            input: .none,
            output: .sequence,
            error: .currentStandardError
        ) { execution in
            let pid = execution.processIdentifier.value
            let timer = Task {
                try await Task.sleep(for: .seconds(timeoutSeconds))
                kill(-pid, SIGKILL)
            }
            defer { timer.cancel() }
            for try await line in execution.standardOutput.strings() {
                onLine(line.hasSuffix("\n") ? String(line.dropLast()) : line)
            }
            timer.cancel()
            return await timer.result
        }
        // The timer task finished without being cancelled: it fired.
        let timedOut = (try? result.closureResult.get()) != nil
        if timedOut { return 124 }
        switch result.terminationStatus {
        case .exited(let code): return CInt(code)
        case .signaled(let signal): return 128 + CInt(signal)
        }
    }
}

extension Command {
    /// `run` for synchronous callers (the workloads interleave peer runs between their own batches):
    /// runs it on a task and blocks this thread until it ends.
    /// - Returns: the exit status and the stdout lines; nil when the child could not be started.
    static func runBlocking(_ command: [String], timeoutSeconds: Int) -> (status: CInt, lines: [String])? {
        final class Outcome: @unchecked Sendable {
            // @unchecked: written by the task before it signals `done`, read after the wait.
            var value: (status: CInt, lines: [String])?
            let done = DispatchSemaphore(value: 0)
        }
        let outcome = Outcome()
        Task.detached {
            var lines: [String] = []
            if let status = try? await run(command, timeoutSeconds: timeoutSeconds, onLine: { lines.append($0) }) {
                outcome.value = (status, lines)
            }
            outcome.done.signal()
        }
        outcome.done.wait()
        return outcome.value
    }
}
