import CEL
import Testing

/// Checks and plans `text` with the variables declared, then evaluates it with `bindings`.
private func evaluateChecked(
    _ text: String,
    declarations variables: [String: CELType],
    container: String = "",
    _ bindings: [String: Value]
) -> Value? {
    var declarations = Declarations.standard.merging(.extensions)
    for (name, type) in variables { declarations.declare(variable: name, type: type) }
    guard let parsed = Parser().parse(text).parsed,
        let checked = Checker(declarations: declarations, container: container).check(parsed).checked
    else { return nil }
    return try? Environment(container: container).program(for: checked).evaluate(bindings)
}

@Suite("Programs planned from checked expressions")
struct CheckedProgramTests {
    @Test func provenOverloadsGiveTheSameResults() {
        let cases: [(String, Value)] = [
            ("x + 1", .int(42)),
            ("x - 1 >= 40 && x - 1 < 41", .bool(true)),
            ("s + 't'", .string("st")),
            ("s.startsWith('s')", .bool(true)),
            ("size(s) == 1 && l.size() == 2", .bool(true)),
            ("x >= 41 && x <= 41 && !(x < 41)", .bool(true)),
        ]
        let variables: [String: CELType] = ["x": .int, "s": .string, "l": .list(.int)]
        let bindings: [String: Value] = ["x": .int(41), "s": .string("s"), "l": .list([.int(1), .int(2)])]
        for (text, expected) in cases {
            let result = evaluateChecked(text, declarations: variables, bindings)
            #expect(result.map { Value.celEquals($0, expected) } == true, "\(text): \(String(describing: result))")
        }
    }

    @Test func overflowAndWrongKindsStayErrors() {
        #expect(evaluateChecked("x + 1", declarations: ["x": .int], ["x": .int(.max)])?.isError == true)
        // `dyn` inputs match the int overload at check time but may hold anything when evaluated.
        #expect(evaluateChecked("x + 1", declarations: ["x": .dyn], ["x": .string("a")])?.isError == true)
        #expect(
            evaluateChecked("x < 1", declarations: ["x": .dyn], ["x": .double(0.5)]).map {
                Value.celEquals($0, .bool(true))
            } == true
        )
    }

    @Test func namesResolveAsTheCheckerResolvedThem() {
        let result = evaluateChecked("b.c + 1", declarations: ["a.b.c": .int], container: "a", ["a.b.c": .int(1)])
        #expect(result.map { Value.celEquals($0, .int(2)) } == true)
    }
}
