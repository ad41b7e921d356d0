import ArgumentParser
import CEL
import Foundation
import TesseraPolicy
import Testing

@testable import tessera

/// The printed type of `tessera check --expr`, or `FAIL` and the printed errors.
private func check(_ expression: String, _ declarations: String...) -> String {
    switch CheckCommand.check(expression, declarations: declarations) {
    case .success(let type): return type
    case .failure(let failure): return "FAIL " + failure.message
    }
}

@Suite("tessera check")
struct CheckCommandTests {
    @Test("a mismatch is reported under the operator; with dyn types the same expression checks")
    func issueExample() {
        let typed = check(
            "request.auth.claims.sub == 1",
            "request:map(string, map(string, map(string, string)))"
        )
        #expect(
            typed == """
                FAIL <input>:1:25: no_matching_overload: found no matching overload for '_==_' applied to '(string, int)'
                 | request.auth.claims.sub == 1
                 |                         ^
                """
        )
        #expect(check("request.auth.claims.sub == 1", "request:map(string, dyn)") == "bool")
    }

    @Test("result types")
    func types() {
        #expect(check("[1, 2].map(x, x * 2).size() + n", "n:int") == "int")
        #expect(check("'admins' in groups", "groups: list(string)") == "bool")
        #expect(check("{'a': 1}.?a") == "optional_type(int)")
        #expect(check("t < timestamp('2030-01-01T00:00:00Z')", "t:google.protobuf.Timestamp") == "bool")
    }

    @Test("the static cost estimate on request")
    func cost() {
        let result = CheckCommand.check(
            "groups.exists(g, g.startsWith('team-'))",
            declarations: ["groups:list(string)"],
            cost: CostEstimator(maximumInputSize: 10)
        )
        guard case .success(let text) = result else {
            Issue.record("did not check")
            return
        }
        #expect(text.hasPrefix("bool\ncost: ["))
    }

    @Test("every error of an expression, and bad declarations")
    func errors() {
        let result = check("x.y + 1 == 'a' && nosuch(1)", "x:map(string, int)")
        #expect(result.hasPrefix("FAIL <input>:1:9: no_matching_overload"))
        #expect(result.contains("<input>:1:19: undeclared_reference: undeclared reference to 'nosuch'"))
        #expect(check("1", "x") == "FAIL --decl 'x': expected NAME:TYPE")
        #expect(check("1", "x:list(").hasPrefix("FAIL --decl 'x:list(':"))
        #expect(check("1 +").hasPrefix("FAIL <input>:1:4: syntax_error"))
    }

    @Test("--expr selects the expression mode; a bare argument is a policy path")
    func modes() throws {
        let command = try CheckCommand.parse(["--expr", "x + 1", "--decl", "x:int", "--cost"])
        #expect(command.expression == "x + 1")
        #expect(command.declarations == ["x:int"])
        #expect(command.policyPaths.isEmpty)
        let paths = try CheckCommand.parse(["policies", "more/", "--format", "sarif"])
        #expect(paths.expression == nil)
        #expect(paths.policyPaths == ["policies", "more/"])
        #expect(paths.format == "sarif")
    }

    @Test("usage errors exit with 2")
    func usage() {
        for arguments in [
            ["--bogus"], ["policies", "-x"], ["--format", "xml"], ["--expr", "1", "policies"], ["--decl", "x:int"],
            ["--expr", "1", "--format", "json"],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try CheckCommand.parse(arguments) }
            do {
                _ = try CheckCommand.parse(arguments)
            } catch {
                #expect(CheckCommand.exitCode(for: error) == ExitCode(2), "\(arguments)")
            }
        }
        #expect(CheckCommand.checkPolicies(["/nonexistent/policies"], format: .text).status == 2)
    }

    @Test("policy files: the shipped ones are clean, a broken one fails with its position")
    func policies() throws {
        let shipped = CheckCommand.checkPolicies([PolicyDirectory.shipped], format: .text)
        #expect(shipped.status == 0, "\(shipped.output)")
        #expect(shipped.output.hasSuffix("3 files checked: 0 errors, 0 warnings\n"))

        let directory = try PolicyDirectory.temporary()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try PolicyDirectory.write(
            "name: demo\nrules:\n  allow: |\n    input.user ==\n      && true\ndecision: allow\n",
            to: directory + "/demo.yaml"
        )
        let broken = CheckCommand.checkPolicies([directory], format: .text)
        #expect(broken.status == 1)
        #expect(broken.output.hasPrefix("\(directory)/demo.yaml:5:7: error: [compile] rules.allow: syntax_error:"))
        let github = CheckCommand.checkPolicies([directory], format: .github)
        #expect(github.output.hasPrefix("::error file=\(directory)/demo.yaml,line=5,col=7,"))
    }
}

/// Policy directories for the CLI tests.
enum PolicyDirectory {
    /// The repository's `policies/`.
    static let shipped = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("policies").path

    /// A fresh empty directory (the caller removes it).
    static func temporary() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tessera-policy-tools-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes a file, creating its directory.
    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Copies the shipped policies and their tests into a fresh directory.
    static func copyOfShipped() throws -> String {
        let directory = try temporary()
        try FileManager.default.removeItem(atPath: directory)
        try FileManager.default.copyItem(atPath: shipped, toPath: directory)
        return directory
    }
}
