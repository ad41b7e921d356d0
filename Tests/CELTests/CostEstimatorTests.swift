import CEL
import Testing

private func estimate(_ text: String, _ variables: [String: CELType] = [:], maximumInputSize: UInt64 = 100)
    -> CostEstimate?
{
    var declarations = Declarations.standard.merging(.extensions)
    for (name, type) in variables { declarations.declare(variable: name, type: type) }
    guard let parsed = Parser().parse(text).parsed,
        let checked = Checker(declarations: declarations).check(parsed).checked
    else { return nil }
    return CostEstimator(maximumInputSize: maximumInputSize).estimate(checked)
}

@Suite("Static cost estimate")
struct CostEstimatorTests {
    @Test func constantsAndCalls() {
        #expect(estimate("1") == CostEstimate(minimum: 0, maximum: 0))
        #expect(estimate("1 + 2") == CostEstimate(minimum: 1, maximum: 1))
        #expect(estimate("a.b.c", ["a": .map(.string, .dyn)]) == CostEstimate(minimum: 2, maximum: 2))
    }

    @Test func shortCircuitsAndBranches() {
        let and = estimate("x > 1 && y > 2", ["x": .int, "y": .int])
        #expect(and == CostEstimate(minimum: 1, maximum: 2))
        let conditional = estimate("b ? 1 : 1 + 2 + 3", ["b": .bool])
        #expect(conditional == CostEstimate(minimum: 0, maximum: 2))
    }

    @Test func comprehensionsMultiplyByTheRange() {
        guard let literal = estimate("[1, 2, 3].all(x, x > 0)"),
            let input = estimate("l.all(x, x > 0)", ["l": .list(.int)], maximumInputSize: 100),
            let nested = estimate("l.all(x, l.all(y, x > y))", ["l": .list(.int)], maximumInputSize: 100)
        else {
            Issue.record("did not check")
            return
        }
        #expect(literal.maximum < input.maximum)
        #expect(input.maximum >= 100)
        #expect(nested.maximum >= 100 * 100)
        #expect(nested.minimum <= input.minimum + 1)
    }

    @Test func staysFiniteAndSaturates() {
        let deep = "l.all(a, l.all(b, l.all(c, l.all(d, l.all(e, l.all(f, a > f))))))"
        guard let cost = estimate(deep, ["l": .list(.int)], maximumInputSize: 1_000_000) else {
            Issue.record("did not check")
            return
        }
        #expect(cost.maximum == .max)
    }
}
