import ArgumentParser
import Foundation
import Testing

@testable import tessera

@Suite("tessera test")
struct PolicyTestCommandTests {
    @Test("the shipped policies pass their tests")
    func shipped() {
        let result = PolicyTestCommand.test([PolicyDirectory.shipped])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("mcp/trust_boundaries_test.yaml: "))
        #expect(result.output.contains(" passed, 0 failed\n"))
        #expect(
            result.junit?.contains("<testsuite name=\"\(PolicyDirectory.shipped)/mcp/tool_access_test.yaml\"") == true
        )
    }

    @Test("a wrong expectation fails with expected and actual; a broken policy fails with its position")
    func failures() throws {
        let directory = try PolicyDirectory.copyOfShipped()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tests = directory + "/mcp/tool_access_test.yaml"
        let original = try String(contentsOfFile: tests, encoding: .utf8)
        let wrong = original.replacingOccurrences(
            of:
                "  - name: trusted may use shell\n    path: allow\n    input: {agent: {trust_level: trusted}, request: {tool: shell}}\n    expect: true",
            with:
                "  - name: trusted may use shell\n    path: allow\n    input: {agent: {trust_level: trusted}, request: {tool: shell}}\n    expect: false"
        )
        #expect(wrong != original)
        try PolicyDirectory.write(wrong, to: tests)
        let failed = PolicyTestCommand.test([directory], verbose: true)
        #expect(failed.status == 1)
        #expect(failed.output.contains("  FAIL  trusted may use shell (\(tests):"))
        #expect(failed.output.contains("        expected: false\n        actual:   true\n"))
        #expect(failed.output.contains("  ok    trusted may use filesystem\n"))

        let policy = directory + "/mcp/tool_access.yaml"
        let text = try String(contentsOfFile: policy, encoding: .utf8)
        try PolicyDirectory.write(
            text.replacingOccurrences(of: "tool in tools_by_tier[tier]", with: "tool in"),
            to: policy
        )
        let broken = PolicyTestCommand.test([directory])
        #expect(broken.status == 1)
        #expect(broken.output.contains("\(policy):"), "\(broken.output)")
        #expect(broken.output.contains("error: rules.tool_allowed: syntax_error"))
    }

    @Test("usage: a missing path exits 2; no tests exits 1")
    func usage() throws {
        #expect(PolicyTestCommand.test(["/nonexistent/policies"]).status == 2)
        let empty = try PolicyDirectory.temporary()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let none = PolicyTestCommand.test([empty])
        #expect(none.status == 1)
        #expect(none.output.contains("no test files"))
        #expect(throws: (any Error).self) { try PolicyTestCommand.parse(["--bogus"]) }
    }
}
