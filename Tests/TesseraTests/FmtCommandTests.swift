import ArgumentParser
import Foundation
import Testing

@testable import tessera

@Suite("tessera fmt")
struct FmtCommandTests {
    static let messy = "name: demo\n# the rule\nrules:\n  allow: input.role=='admin'\ndecision: allow\n"
    static let tidy = "name: demo\n# the rule\nrules:\n  allow: input.role == \"admin\"\ndecision: allow\n"

    @Test("print, --check and --write")
    func modes() throws {
        let directory = try PolicyDirectory.temporary()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/demo.yaml"
        try PolicyDirectory.write(Self.messy, to: file)

        let printed = FmtCommand.format([file], mode: .print)
        #expect(printed.output == Self.tidy)
        #expect(printed.status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == Self.messy)

        let checked = FmtCommand.format([directory], mode: .check)
        #expect(checked.output == "\(file)\n")
        #expect(checked.status == 1)

        let written = FmtCommand.format([directory], mode: .write)
        #expect(written.output == "formatted \(file)\n")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == Self.tidy)
        #expect(FmtCommand.format([directory], mode: .check) == ("", "", 0))
    }

    @Test("a file that does not compile is reported and left alone; usage errors exit 2")
    func failures() throws {
        let directory = try PolicyDirectory.temporary()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/broken.yaml"
        let broken = "name: demo\ndecision: input.a ==\n"
        try PolicyDirectory.write(broken, to: file)
        let result = FmtCommand.format([directory], mode: .write)
        #expect(result.status == 1)
        #expect(result.errors.contains("\(file): does not compile"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == broken)
        #expect(FmtCommand.format(["/nonexistent"], mode: .check).status == 2)
        #expect(throws: (any Error).self) { try FmtCommand.parse(["--check", "--write"]) }
    }
}
