import Foundation
import Testing

@testable import TesseraPolicy

/// `tessera test`'s logic: the test file format, running cases through `decide`, the summary and JUnit.
@Suite("Policy test runner")
struct PolicyTestRunnerTests {
    static let policy = """
        name: demo/access
        input: map(string, dyn)
        rules:
          allow: "input.?role.orValue('') == 'admin'"
        decision: |
          {'allow': allow, 'limit': 10 / input.?n.orValue(1)}
        default: {allow: false}
        """

    private func run(_ tests: String, policy: String = Self.policy) -> PolicyTestRunner.FileResult? {
        PolicyTestRunner.run(
            testFiles: [("demo/access_test.yaml", tests)],
            policyFiles: [("demo/access.yaml", policy)]
        ).first
    }

    @Test("the shipped policies pass their tests, and every case of both tables is there")
    func shipped() throws {
        let report = try PolicyTestRunner.run(paths: [ShippedPolicyTests.directory])
        #expect(report.succeeded, "\(report.text())")
        #expect(report.files.count == 3)
        // Every cell of both tables, by trust_level and by SPIFFE ID, in both files (the tool table).
        for file in report.files where file.file.contains("/mcp/") {
            let names = Set(file.cases.map(\.testCase.name))
            let tables = file.file.hasSuffix("trust_boundaries_test.yaml") ? ["", "use "] : ["use "]
            for tier in ["trusted", "semi-trusted", "untrusted"] {
                for prefix in [tier, "spiffe \(tier)"] {
                    for table in tables {
                        let columns = table.isEmpty ? ShippedPolicyTests.operations : ShippedPolicyTests.tools
                        let all =
                            table.isEmpty
                            ? ["read", "write", "execute", "admin", "list"]
                            : ["filesystem", "database", "api", "shell", "network"]
                        for column in all {
                            let verb = columns[tier, default: []].contains(column) ? "may" : "may not"
                            #expect(
                                names.contains("\(prefix) \(verb) \(table)\(column)"),
                                "\(file.file): \(prefix) \(column)"
                            )
                        }
                    }
                }
            }
        }
    }

    @Test("values, undefined, paths and expected failures")
    func expectations() throws {
        let result = try #require(
            run(
                """
                cases:
                  - name: admin
                    input: {role: admin}
                    expect: {allow: true, limit: 10}
                  - name: subpath
                    path: allow
                    input: {role: dev}
                    expect: false
                  - name: missing field
                    path: nosuch
                    expect: undefined
                  - name: the string undefined is a value
                    path: nosuch
                    expect: 'undefined'
                  - name: division by zero falls back to the default
                    input: {n: 0}
                    failure: division
                    expect: {allow: false}
                  - name: an unexpected failure
                    input: {n: 0}
                    expect: {allow: false}
                  - name: a failure that does not happen
                    failure: true
                """
            )
        )
        #expect(result.errors.isEmpty)
        #expect(result.cases.map(\.passed) == [true, true, true, false, true, false, false])
        #expect(result.cases[3].failure == "expected: \"undefined\"\nactual:   undefined")
        #expect(
            result.cases[5].failure?.hasPrefix("evaluation failed: policy 'demo/access' failed: division_by_zero")
                == true
        )
        #expect(result.cases[6].failure == "expected the evaluation to fail; it did not")
        #expect(result.cases[1].path == "demo/access/allow")
    }

    @Test("a mismatch shows the expected and actual results")
    func mismatch() throws {
        let tests = """
            cases:
              - name: wrong
                input: {role: admin}
                expect: {allow: false, limit: 10}
            """
        let result = try #require(run(tests))
        #expect(
            result.cases.first?.failure
                == "expected: {\"allow\":false,\"limit\":10}\nactual:   {\"allow\":true,\"limit\":10}"
        )
        let report = PolicyTestRunner.Report(files: [result])
        #expect(!report.succeeded)
        #expect(
            report.text() == """
                demo/access_test.yaml: 0 passed, 1 failed
                  FAIL  wrong (demo/access_test.yaml:2:5, path demo/access)
                        expected: {"allow":false,"limit":10}
                        actual:   {"allow":true,"limit":10}
                1 test file: 0 passed, 1 failed

                """
        )
    }

    @Test("malformed test files are errors with positions")
    func malformed() throws {
        let result = try #require(
            run(
                """
                cases:
                  - name: a
                    expect: 1
                  - name: a
                    expect: 2
                  - name: c
                    expect: 1
                    color: red
                  - input: {}
                  - name: no expectation
                """
            )
        )
        #expect(result.cases.isEmpty)
        #expect(
            result.errors.map { "\($0.position) \($0.message)" } == [
                "4:5 duplicate case name 'a'",
                "8:5 unknown key 'color' (expected one of: name, path, input, expect, failure)",
                "9:5 a test case needs a 'name'",
                "10:5 test case 'no expectation' needs 'expect' (a value or undefined) or 'failure'",
            ]
        )
        #expect(run("cases: 1\n")?.errors.first?.message == "'cases' must be a list of test cases")
        #expect(run("cases: [\n")?.errors.first?.message.hasPrefix("invalid YAML") == true)
    }

    @Test("policies that do not compile fail the run with positioned errors")
    func brokenPolicy() throws {
        let broken = Self.policy.replacingOccurrences(of: "== 'admin'", with: "== ")
        let result = try #require(run("cases:\n  - name: a\n    expect: 1\n", policy: broken))
        #expect(result.cases.isEmpty)
        let error = try #require(result.errors.first)
        #expect(error.file == "demo/access.yaml")
        #expect(error.position == FilePosition(line: 4, column: 38))
        #expect(
            PolicyTestRunner.Report(files: [result]).text().contains(
                "demo/access.yaml:4:38: error: rules.allow: syntax_error"
            )
        )
    }

    @Test("a test file without a policy beside it names one, or fails")
    func policyName() throws {
        let named = PolicyTestRunner.run(
            testFiles: [
                ("other_test.yaml", "policy: demo/access\ncases:\n  - name: a\n    path: allow\n    expect: false\n")
            ],
            policyFiles: [("demo/access.yaml", Self.policy)]
        )
        #expect(named.first?.cases.first?.passed == true)
        let orphan = PolicyTestRunner.run(
            testFiles: [("other_test.yaml", "cases: []\n")],
            policyFiles: [("demo/access.yaml", Self.policy)]
        )
        #expect(orphan.first?.errors.first?.message.hasPrefix("no policy to test: other.yaml") == true)
    }

    @Test("JUnit XML")
    func junit() throws {
        let result = try #require(
            run(
                """
                cases:
                  - name: ok <1>
                    path: allow
                    expect: false
                  - name: "bad & wrong"
                    expect: 1
                """
            )
        )
        let xml = JUnitReport.xml(PolicyTestRunner.Report(files: [result]))
        #expect(
            xml.hasPrefix(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tessera\" tests=\"2\" failures=\"1\" errors=\"0\""
            )
        )
        #expect(xml.contains("<testsuite name=\"demo/access_test.yaml\" tests=\"2\" failures=\"1\" errors=\"0\""))
        #expect(
            xml.contains(
                "<testcase classname=\"demo/access/allow\" name=\"ok &lt;1&gt;\" file=\"demo/access_test.yaml\" line=\"2\""
            )
        )
        #expect(xml.contains("name=\"bad &amp; wrong\""))
        #expect(
            xml.contains(
                "<failure message=\"expected: 1\">expected: 1&#10;actual:   {&quot;allow&quot;:false,&quot;limit&quot;:10}</failure>"
            )
        )
    }

    @Test("paths: a test file runs against the policy beside it; a missing path is a usage error")
    func paths() throws {
        #expect(throws: PolicyFiles.PathError.self) { try PolicyTestRunner.run(paths: ["/nonexistent"]) }
        let file = ShippedPolicyTests.directory + "/mcp/tool_access_test.yaml"
        let report = try PolicyTestRunner.run(paths: [file])
        #expect(report.succeeded, "\(report.text())")
        #expect(report.files.map(\.file) == [file])
        let byPolicy = try PolicyTestRunner.run(paths: [ShippedPolicyTests.directory + "/mcp/tool_access.yaml"])
        #expect(byPolicy.files.map(\.file) == [file])
    }
}
