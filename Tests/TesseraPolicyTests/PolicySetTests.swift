import CEL
import Foundation
import TesseraPolicy
import Testing

@Suite("Policy sets")
struct PolicySetTests {
    private func directory(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)")
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return root.path
    }

    @Test func compilesADirectoryIgnoringTestFiles() throws {
        let path = try directory([
            "mcp/trust.yaml": Fixtures.trust,
            "access.yaml": Fixtures.access,
            "access_test.yaml": "not: a policy",
            "README.md": "ignored",
        ])
        let set = try PolicySet.compile(directory: path)
        #expect(set.policies.keys.sorted() == ["mcp/tool_access", "mcp/trust_boundaries"])
        #expect(set.revision.count == 16)
    }

    @Test func revisionHashChangesWithContent() throws {
        let first = try PolicySet.compile(files: [(path: "a.yaml", text: Fixtures.access)])
        let again = try PolicySet.compile(files: [(path: "a.yaml", text: Fixtures.access)])
        let changed = try PolicySet.compile(files: [(path: "a.yaml", text: Fixtures.access + "\n")])
        let moved = try PolicySet.compile(files: [(path: "b.yaml", text: Fixtures.access)])
        #expect(first.revision == again.revision)
        #expect(first.revision != changed.revision)
        #expect(first.revision != moved.revision)
    }

    @Test func duplicateAndNestedNamesAreErrors() {
        #expect {
            _ = try PolicySet.compile(files: [
                (path: "a.yaml", text: Fixtures.access),
                (path: "b.yaml", text: Fixtures.access),
                (path: "c.yaml", text: "name: mcp/tool_access/x\ndecision: 'true'"),
            ])
        } throws: { error in
            guard let error = error as? PolicyCompileError else { return false }
            return error.errors.count == 2
                && error.errors[0].message == "b.yaml: name: policy 'mcp/tool_access' is already defined in a.yaml"
                && error.errors[1].message.contains("lies under policy 'mcp/tool_access'")
        }
    }

    @Test func reportsEveryErrorOfEveryFile() throws {
        let path = try directory([
            "a.yaml": "name: a\nextra: 1\ndecision: 'true'",
            "b.yaml": "name: b\ndecision: 'nope +'",
            "c.yaml": Fixtures.access,
        ])
        #expect {
            _ = try PolicySet.compile(directory: path)
        } throws: { error in
            guard let error = error as? PolicyCompileError else { return false }
            return error.errors.map(\.file) == ["a.yaml", "b.yaml"]
        }
    }

    @Test func decidesOnPathsAndSubpaths() throws {
        let set = try PolicySet.compile(
            files: [(path: "trust.yaml", text: Fixtures.trust), (path: "access.yaml", text: Fixtures.access)],
            idGenerator: Fixtures.sequentialIDs()
        )
        let allowed = try Fixtures.input(#"{"tool": "search", "user": "ann", "divisor": 2}"#)
        let whole = set.decide(path: "mcp/trust_boundaries", input: allowed)
        #expect(json(whole.result) == #"{"allow":true,"reasons":[],"limits":{"calls":5}}"#)
        #expect(whole.id == "d1")
        #expect(whole.revision == set.revision)
        #expect(whole.failure == nil)
        #expect(whole.duration >= .zero)

        let allow = set.decide(path: "/mcp/trust_boundaries/allow", input: allowed)
        #expect(json(allow.result) == "true")
        #expect(allow.id == "d2")
        let calls = set.decide(path: "mcp/trust_boundaries/limits/calls", input: allowed)
        #expect(json(calls.result) == "5")

        let denied = try Fixtures.input(#"{"tool": "exec", "user": "ann", "divisor": 1}"#)
        let reasons = set.decide(path: "mcp/trust_boundaries/reasons", input: denied)
        #expect(json(reasons.result) == #"["the tool is outside the trust boundary"]"#)
    }

    @Test func undefinedPathsHaveNoResult() throws {
        let set = try PolicySet.compile(files: [(path: "trust.yaml", text: Fixtures.trust)])
        let input = try Fixtures.input(#"{"tool": "search", "user": "ann", "divisor": 2}"#)
        #expect(set.decide(path: "mcp/other", input: input).result == nil)
        #expect(set.decide(path: "mc", input: input).result == nil)
        #expect(set.decide(path: "mcp/trust_boundaries/missing", input: input).result == nil)
        #expect(set.decide(path: "mcp/trust_boundaries/allow/deeper", input: input).result == nil)
    }

    @Test func packagePathsNestThePoliciesBelow() throws {
        let set = try PolicySet.compile(files: [
            (path: "trust.yaml", text: Fixtures.trust), (path: "access.yaml", text: Fixtures.access),
        ])
        let input = try Fixtures.input(#"{"tool": "search", "user": "ann", "divisor": 2, "role": "admin", "n": 0}"#)
        let package = set.decide(path: "mcp", input: input)
        // tool_access divides by zero and has no default: it is left out, and the failure is named.
        #expect(json(package.result) == #"{"trust_boundaries":{"allow":true,"reasons":[],"limits":{"calls":5}}}"#)
        #expect(package.failure?.contains("mcp/tool_access") == true)
        #expect(json(set.decide(path: "", input: input).result)?.hasPrefix(#"{"mcp":{"trust_boundaries":"#) == true)
    }

    @Test func failsClosedWithTheDefaultDocument() throws {
        let set = try PolicySet.compile(files: [(path: "trust.yaml", text: Fixtures.trust)])
        let input = try Fixtures.input(#"{"tool": "search", "user": "ann", "divisor": 0}"#)
        let decision = set.decide(path: "mcp/trust_boundaries", input: input)
        #expect(json(decision.result) == #"{"allow":false,"reasons":["evaluation failed"]}"#)
        #expect(decision.failure?.contains("division_by_zero") == true)
        let allow = set.decide(path: "mcp/trust_boundaries/allow", input: input)
        #expect(json(allow.result) == "false")
    }

    @Test func failsWithAnErrorValueWithoutDefault() throws {
        let set = try PolicySet.compile(files: [(path: "access.yaml", text: Fixtures.access)])
        let decision = set.decide(
            path: "mcp/tool_access/allow",
            input: try Fixtures.input(#"{"role": "admin", "n": 0}"#)
        )
        guard case .error(let error) = decision.result else {
            Issue.record("expected an error value, got \(String(describing: decision.result))")
            return
        }
        #expect(error.message.contains("policy 'mcp/tool_access' failed"))
        #expect(decision.failure != nil)
    }

    @Test func variablesSeeEarlierVariablesAndTheirTypes() throws {
        let yaml = """
            name: calc
            input: map(string, int)
            variables:
              a: input.x + 1
              b: a * 2
              c: b + a
            decision: '{"c": c}'
            """
        let set = try PolicySet.compile(files: [(path: "calc.yaml", text: yaml)])
        #expect(json(set.decide(path: "calc/c", input: try Fixtures.input(#"{"x": 2}"#)).result) == "9")
        // `b` is inferred as int, so using it as a string is a type error.
        let bad = yaml.replacingOccurrences(of: "c: b + a", with: "c: b + \"s\"")
        #expect {
            _ = try PolicySet.compile(files: [(path: "calc.yaml", text: bad)])
        } throws: { error in
            "\(error)".hasPrefix("calc.yaml#variables.c:1:3: no_matching_overload")
        }
        // A later variable is not visible to an earlier one.
        let forward = yaml.replacingOccurrences(of: "a: input.x + 1", with: "a: c")
        #expect(throws: PolicyCompileError.self) {
            _ = try PolicySet.compile(files: [(path: "calc.yaml", text: forward)])
        }
    }

    @Test func randomIDsAreUnique() throws {
        let set = try PolicySet.compile(files: [(path: "a.yaml", text: Fixtures.access)])
        // More ids than one block of the random pool holds (256), so a refill is crossed.
        let ids = (0..<600).map { _ in set.decide(path: "x", input: .null).id }
        #expect(Set(ids).count == 600)
        let hex = Set("0123456789abcdef")
        for id in ids {
            let groups = id.split(separator: "-", omittingEmptySubsequences: false)
            #expect(groups.map(\.count) == [8, 4, 4, 4, 12], "\(id)")
            #expect(groups.joined().allSatisfy(hex.contains), "\(id)")
            #expect(groups[2].first == "4", "version 4: \(id)")
            #expect(groups[3].first.map { "89ab".contains($0) } == true, "RFC 4122 variant: \(id)")
        }
    }

    @Test func pathsWithEmptySegmentsDecideAsTheirNormalForm() throws {
        let set = try PolicySet.compile(files: [(path: "trust.yaml", text: Fixtures.trust)])
        let input = try Fixtures.input(#"{"tool": "search", "user": "ann", "divisor": 2}"#)
        let expected = json(set.decide(path: "mcp/trust_boundaries/allow", input: input).result)
        #expect(expected == "true")
        for path in ["/mcp/trust_boundaries/allow", "mcp//trust_boundaries/allow", "mcp/trust_boundaries/allow/"] {
            #expect(json(set.decide(path: path, input: input).result) == expected, "\(path)")
        }
        #expect(set.decide(path: "mcp/trust_boundaries/allo", input: input).result == nil)
        #expect(set.decide(path: "mcp/trust_boundarie", input: input).result == nil)
    }
}
