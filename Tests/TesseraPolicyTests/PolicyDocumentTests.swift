import CEL
import Foundation
import TesseraPolicy
import Testing

@Suite("Policy documents")
struct PolicyDocumentTests {
    @Test func parsesAValidDocumentInOrder() throws {
        let document = try PolicyDocument.parse(yaml: Fixtures.trust, file: "trust.yaml")
        #expect(document.name == "mcp/trust_boundaries")
        #expect(document.inputType == "map(string, dyn)")
        #expect(document.variables.map(\.name) == ["tool", "trusted_tools", "is_trusted"])
        #expect(document.rules.map(\.name) == ["allow_tool"])
        #expect(document.messages.map(\.rule) == ["allow_tool"])
        let fallback = try #require(document.defaultResult)
        guard case .map(let map) = fallback else {
            Issue.record("default is not a map")
            return
        }
        #expect(map[.string("allow")].map { Value.celEquals($0, .bool(false)) } == true)
        _ = try CompiledPolicy(document)
    }

    @Test func rejectsUnknownKeysNamingFileAndKey() {
        let yaml = "name: a\ndecision: 'true'\nrulez:\n  x: 'true'\n"
        #expect {
            _ = try PolicyDocument.parse(yaml: yaml, file: "a.yaml")
        } throws: { error in
            let message = "\(error)"
            return message.contains("a.yaml:3:1") && message.contains("unknown key 'rulez'")
        }
    }

    @Test func rejectsMissingDecisionAndNonStringExpressions() {
        let yaml = "name: a\nrules:\n  x: [1]\n"
        #expect {
            _ = try PolicyDocument.parse(yaml: yaml, file: "a.yaml")
        } throws: { error in
            guard let error = error as? PolicyCompileError else { return false }
            return error.errors.count == 2 && "\(error)".contains("missing required key 'decision'")
                && "\(error)".contains("rules.x: expected a string")
        }
    }

    @Test func reportsBadCELWithFieldPositionAndCaret() throws {
        let yaml = "name: a\nrules:\n  allow: input.x == \ndecision: allow\n"
        let document = try PolicyDocument.parse(yaml: yaml, file: "a.yaml")
        #expect {
            _ = try CompiledPolicy(document)
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("a.yaml#rules.allow:1:") && message.contains("^")
        }
    }

    @Test func reportsTypeErrorsAgainstTheDeclaredInputType() throws {
        let yaml = """
            name: a
            input: map(string, int)
            rules:
              allow: input.count == "three"
            decision: '{"allow": allow}'
            """
        let document = try PolicyDocument.parse(yaml: yaml, file: "a.yaml")
        #expect {
            _ = try CompiledPolicy(document)
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("a.yaml#rules.allow:1:13: no_matching_overload")
                && message.contains(" | input.count")
        }
        // The same rule checks with the default input type, dyn.
        let dynamic = try PolicyDocument.parse(
            yaml: yaml.replacingOccurrences(of: "input: map(string, int)\n", with: ""),
            file: "a.yaml"
        )
        _ = try CompiledPolicy(dynamic)
    }

    @Test func reportsBadInputTypesAndUnknownMessageRules() throws {
        let yaml = "name: a\ninput: map(string\nmessages:\n  nope: hi\ndecision: 'true'\n"
        let document = try PolicyDocument.parse(yaml: yaml, file: "a.yaml")
        #expect {
            _ = try CompiledPolicy(document)
        } throws: { error in
            guard let error = error as? PolicyCompileError else { return false }
            return error.errors.count == 2 && error.errors[0].message.hasPrefix("a.yaml#input:")
                && error.errors[1].message.contains("no rule named 'nope'")
        }
    }
}
