import CEL
import Testing

@testable import tessera

/// The printed type of `tessera check`, or `FAIL` and the printed errors.
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
}
