// Builds C programs against the Winsock compat headers and libEventSelectWinsock (as built by
// `swift build --build-tests`, beside this test binary) and runs them with a bounded wait.
import Glibc
import Testing

enum CProgram {
    /// The repository root (this file is Tests/EventSelectWinsockTests/CProgram.swift).
    static let root: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    /// The directory holding the test binary, and so libEventSelectWinsock.so.
    static let binDirectory: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        precondition(count > 0, "readlink /proc/self/exe failed")
        let path = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // .build/<triple>/debug/EventSelectPackageTests.xctest
        return String(path[..<path.lastIndex(of: "/")!])
    }()

    /// Runs a shell command, returning its exit status and standard output (stderr is merged).
    static func shell(_ command: String) -> (status: Int32, output: String) {
        guard let pipe = popen(command + " 2>&1", "r") else { return (-1, "popen failed") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, pipe)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        let status = pclose(pipe)
        return ((status >> 8) & 0xFF, String(decoding: bytes, as: UTF8.self))
    }

    /// Compiles `source` (relative to the root) with gcc -Wall -Wextra -Werror into a temporary
    /// directory; returns the executable's path.
    static func build(_ source: String) throws -> String {
        let library = binDirectory + "/libEventSelectWinsock.so"
        guard access(library, R_OK) == 0 else {
            Issue.record("\(library) is missing: build with `swift build --build-tests`")
            throw BuildFailure(output: "no library")
        }
        let name = String(source[source.index(after: source.lastIndex(of: "/")!)...].dropLast(2))
        let output = "\(binDirectory)/winsock-c-tests/\(name)"
        let command =
            "mkdir -p '\(binDirectory)/winsock-c-tests' && gcc -Wall -Wextra -Werror -I'\(root)/include/eventselect/compat' "
            + "'\(root)/\(source)' -o '\(output)' -L'\(binDirectory)' -lEventSelectWinsock -Wl,-rpath,'\(binDirectory)'"
        let (status, text) = shell(command)
        guard status == 0 else {
            Issue.record("gcc failed for \(source):\n\(text)")
            throw BuildFailure(output: text)
        }
        return output
    }

    /// Runs an executable with arguments, bounded by coreutils' timeout (60 s).
    static func run(_ executable: String, _ arguments: String = "") -> (status: Int32, output: String) {
        shell("timeout 60 '\(executable)' \(arguments)")
    }

    struct BuildFailure: Error {
        let output: String
    }
}
