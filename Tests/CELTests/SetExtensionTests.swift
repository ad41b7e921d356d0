import CEL
import Testing

/// Whether `text` evaluates to the bool `expected` (and not to an error).
private func decides(_ text: String, _ expected: Bool, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    let result = evaluate(text)
    guard case .bool(let value) = result else {
        Issue.record("\(text) evaluated to \(result)", sourceLocation: sourceLocation)
        return false
    }
    return value == expected
}

@Suite("Sets extension")
struct SetExtensionTests {
    @Test func contains() {
        #expect(decides("sets.contains([], [])", true))
        #expect(decides("sets.contains([], [1])", false))
        #expect(decides("sets.contains([1], [])", true))
        #expect(decides("sets.contains([1, 2, 3, 4], [2, 3])", true))
        #expect(decides("sets.contains([1, 2, 3, 4], [2, 5])", false))
        #expect(decides("sets.contains([1, 2.0, 3u], [1.0, 2u, 3])", true))
        #expect(decides("sets.contains([1.5], [1.5, 1.5])", true))
        #expect(decides("sets.contains([1.5], [1])", false))
        #expect(decides("sets.contains(['a', b'a'], [b'a'])", true))
        #expect(decides("sets.contains(['a'], [b'a'])", false))
        #expect(decides("sets.contains([[1], {'k': [2u]}], [{'k': [2.0]}, [1u]])", true))
        #expect(decides("sets.contains([null, true], [null])", true))
        #expect(decides("sets.contains([true], [1])", false))
        #expect(decides("sets.contains([18446744073709551615u], [18446744073709551615u])", true))
        #expect(decides("sets.contains([-1], [18446744073709551615u])", false))
        #expect(decides("sets.contains([0.0 / 0.0], [0.0 / 0.0])", false))
    }

    @Test func equivalent() {
        #expect(decides("sets.equivalent([], [])", true))
        #expect(decides("sets.equivalent([1], [1, 1])", true))
        #expect(decides("sets.equivalent([1], [1u, 1.0])", true))
        #expect(decides("sets.equivalent([1, 2, 3], [3u, 2.0, 1])", true))
        #expect(decides("sets.equivalent([1, 2], [1])", false))
        #expect(decides("sets.equivalent([1], [1, 2])", false))
        #expect(decides("sets.equivalent([[1, 2]], [[2, 1]])", false))
    }

    @Test func intersects() {
        #expect(decides("sets.intersects([], [])", false))
        #expect(decides("sets.intersects([1], [])", false))
        #expect(decides("sets.intersects([], [1])", false))
        #expect(decides("sets.intersects([1], [1, 2])", true))
        #expect(decides("sets.intersects([1, 2], [3])", false))
        #expect(decides("sets.intersects([[1], [2, 3]], [[1, 2], [2, 3.0]])", true))
        #expect(decides("sets.intersects(['x', 2u], [2.0])", true))
        #expect(decides("sets.intersects([{'a': 1}], [{'a': 2}])", false))
    }

    @Test func nonListArgumentsAreErrors() {
        #expect(isError(evaluate("sets.contains(dyn(1), [1])")))
        #expect(isError(evaluate("sets.contains([1], dyn({}))")))
        #expect(isError(evaluate("sets.equivalent(dyn('a'), ['a'])")))
        #expect(isError(evaluate("sets.intersects([1], dyn(1))")))
        // Errors in arguments propagate.
        #expect(isError(evaluate("sets.contains([1 / 0], [1])")))
    }

    @Test func withVariables() {
        let bindings: [String: Value] = [
            "granted": .list([.string("read"), .string("write")]),
            "requested": .list([.string("read")]),
        ]
        #expect(evaluate("sets.contains(granted, requested)", bindings).description == "true")
        #expect(evaluate("sets.contains(requested, granted)", bindings).description == "false")
    }
}
