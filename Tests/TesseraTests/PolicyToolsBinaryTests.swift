import Foundation
import Testing

/// The policy tools run as the built `tessera` binary: the exit statuses CI relies on.
@Suite("tessera check, test and fmt: exit statuses of the binary")
struct PolicyToolsBinaryTests {
    @Test("0 clean, 1 findings or failures, 2 usage")
    func exitStatuses() async throws {
        let tessera = try Testbed.tessera()
        let shipped = PolicyDirectory.shipped
        let directory = try PolicyDirectory.temporary()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try PolicyDirectory.write(
            "name: demo\ndecision: |\n  input.token.sub.startsWith('repo:org')\n",
            to: directory + "/demo.yaml"
        )

        let cases: [(arguments: [String], status: Int32, output: String)] = [
            (["check", shipped], 0, "3 files checked: 0 errors, 0 warnings"),
            (["check", shipped, "--format", "sarif"], 0, "\"version\": \"2.1.0\""),
            (["check", directory], 1, "\(directory)/demo.yaml:3:30: error: [identity-prefix]"),
            (["check", directory, "--format", "json"], 1, "\"rule\": \"identity-prefix\""),
            (["check", "--expr", "x + 1", "--decl", "x:int"], 0, "int"),
            (["check", "--expr", "x +"], 1, "syntax_error"),
            (["check", "/nonexistent/policies"], 2, ""),
            (["check", shipped, "--format", "xml"], 2, ""),
            (["check", "--bogus", shipped], 2, ""),
            (["test", shipped], 0, "0 failed"),
            (["test", directory], 1, "no test files"),
            (["test", "--nope"], 2, ""),
            (["fmt", "--check", directory], 1, "\(directory)/demo.yaml"),
            (["fmt", "--check", "--write", directory], 2, ""),
        ]
        for (arguments, status, output) in cases {
            let result = try await Testbed.run(tessera, arguments)
            #expect(result.status == status, "tessera \(arguments): \(result.output)\(result.error)")
            if output.isEmpty {
                #expect(result.output.isEmpty, "tessera \(arguments): \(result.output)")
                #expect(!result.error.isEmpty, "tessera \(arguments): nothing on standard error")
            } else {
                #expect(result.output.contains(output), "tessera \(arguments): \(result.output)")
            }
        }
    }
}
