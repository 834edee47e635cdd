// The Winsock examples (Examples/winsock) compile unchanged with gcc against the compat headers
// and print exactly what the same files print on Windows (Wine): expected/NAME.txt.
import Glibc
import Testing

@Suite("Winsock examples")
struct ExamplesTests {
    @Test("the example prints what it prints under Wine", arguments: ["async_select_echo", "event_select_server"])
    func example(name: String) throws {
        let executable = try CProgram.build("Examples/winsock/\(name).c")
        let (status, output) = CProgram.run(executable)
        let expected = CProgram.shell("cat '\(CProgram.root)/Examples/winsock/expected/\(name).txt'").output
        #expect(status == 0, "\(name) exited with \(status):\n\(output)")
        #expect(output == expected)
    }
}

// Programs that tour the C API's surface (windows and messages, event objects and waits, options,
// addresses, shared-socket arguments, error codes): expected/NAME.txt is their output under Wine.
@Suite("Winsock C API tour")
struct TourTests {
    @Test("the program prints what it prints under Wine", arguments: ["api_tour"])
    func program(name: String) throws {
        let executable = try CProgram.build("Tests/WinsockPrograms/\(name).c")
        let (status, output) = CProgram.run(executable)
        let expected = CProgram.shell("cat '\(CProgram.root)/Tests/WinsockPrograms/expected/\(name).txt'").output
        #expect(status == 0, "\(name) exited with \(status):\n\(output)")
        #expect(output == expected)
    }
}
