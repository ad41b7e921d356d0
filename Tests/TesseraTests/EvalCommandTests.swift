import Testing

@testable import tessera

/// The printed result of `tessera eval`, or `FAIL` and the printed error.
private func evaluate(_ expression: String, input: String? = nil, integersAsInt: Bool = true) -> String {
    let options = EvalCommand.EvalOptions(integersAsInt: integersAsInt)
    switch EvalCommand.evaluate(expression, input: input.map { Array($0.utf8) }, options: options) {
    case .success(let json): return json
    case .failure(let failure): return "FAIL " + failure.message
    }
}

@Suite("tessera eval")
struct EvalCommandTests {
    @Test("top-level input keys are variables; the result is JSON")
    func results() {
        let claims = #"{"claims": {"groups": ["dev", "admins"], "exp": 1700003600}, "now": 1700000000}"#
        #expect(evaluate("'admins' in claims.groups && claims.exp > now", input: claims) == "true")
        #expect(evaluate("claims.groups.map(g, 'group:' + g)", input: claims) == #"["group:dev","group:admins"]"#)
        #expect(
            evaluate("{'n': now + 1, 'd': 1.5, 'b': b'\\x00\\xff'}", input: claims)
                == #"{"n":1700000001,"d":1.5,"b":"AP8="}"#
        )
        #expect(evaluate("1 + 2") == "3")
    }

    @Test("integral numbers are ints by default, doubles with --integers-as-double")
    func integers() {
        #expect(evaluate("type(x) == int", input: #"{"x": 3}"#) == "true")
        #expect(evaluate("x", input: #"{"x": 3}"#, integersAsInt: false) == "3.0")
        #expect(
            evaluate("x + 1", input: #"{"x": 3}"#, integersAsInt: false).hasPrefix("FAIL <input>:1:3: no_such_overload")
        )
    }

    @Test("errors: input, compile and evaluation errors with their positions")
    func errors() {
        #expect(evaluate("x", input: "{\"x\": }") == "FAIL --input: 1:7: unexpected '}'; expected a value")
        #expect(
            evaluate("x", input: "[1]")
                == "FAIL --input: the input must be a JSON object whose keys are the variables, not a list"
        )
        let undeclared = evaluate("y + 1", input: #"{"x": 1}"#)
        #expect(undeclared.hasPrefix("FAIL <input>:1:1: undeclared_reference"), "\(undeclared)")
        #expect(
            evaluate("x.a + \n x.b / 0", input: #"{"x": {"a": 1, "b": 2}}"#)
                == "FAIL <input>:2:6: division_by_zero: divide by zero\n |  x.b / 0\n |      ^"
        )
        let missing = evaluate("x.missing", input: #"{"x": {}}"#)
        #expect(missing.hasPrefix("FAIL <input>:1:2: no_such_key"), "\(missing)")
    }
}
