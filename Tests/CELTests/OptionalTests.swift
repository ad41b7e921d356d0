import CEL
import Testing

/// Whether `text` evaluates to `true`.
private func holds(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    let result = evaluate(text)
    guard case .bool(true) = result else {
        Issue.record("\(text) evaluated to \(result)", sourceLocation: sourceLocation)
        return false
    }
    return true
}

@Suite("Optionals library")
struct OptionalTests {
    @Test func constructors() {
        #expect(holds("optional.of(1).hasValue()"))
        #expect(holds("optional.of(null).hasValue()"))
        #expect(holds("optional.of(0).value() == 0"))
        #expect(holds("!optional.none().hasValue()"))
        #expect(holds("type(optional.none()) == optional_type"))
        #expect(holds("type(optional.of(1)) == optional_type"))
        #expect(evaluate("optional.of('a')").description == "optional.of(\"a\")")
    }

    @Test(
        arguments: [
            "0", "0u", "0.0", "-0.0", "''", "b''", "false", "null", "[]", "{}", "duration('0s')",
            "timestamp(0)",
        ]
    )
    func zeroValuesAreNone(_ zero: String) {
        #expect(holds("!optional.ofNonZeroValue(\(zero)).hasValue()"))
    }

    @Test(arguments: [
        "1", "1u", "0.5", "' '", "b'\\x00'", "true", "[0]", "{0: 0}", "duration('1ns')", "optional.none()",
    ])
    func otherValuesAreKept(_ value: String) {
        #expect(holds("optional.ofNonZeroValue(\(value)).hasValue()"))
        #expect(holds("optional.ofNonZeroValue(\(value)).value() == \(value)"))
    }

    @Test func value() {
        #expect(holds("optional.of([1]).value() == [1]"))
        guard case .error(let error) = evaluate("optional.none().value()") else {
            Issue.record("value() of none is not an error")
            return
        }
        #expect(error.message.contains("optional.none()"))
        #expect(isError(evaluate("dyn(1).value()")))
        #expect(isError(evaluate("dyn(1).hasValue()")))
    }

    @Test func orAndOrValue() {
        #expect(holds("optional.none().or(optional.none()).orValue(42) == 42"))
        #expect(holds("optional.none().or(optional.of(2)).value() == 2"))
        #expect(holds("optional.of(1).or(optional.of(2)).value() == 1"))
        #expect(holds("optional.of(1).or(optional.none()).value() == 1"))
        #expect(holds("optional.of(1).orValue(2) == 1"))
        #expect(holds("optional.none().orValue('default') == 'default'"))
        #expect(holds("optional.ofNonZeroValue(42).or(optional.of(20)).value() == 42"))
        // `or` needs an optional on both sides; `orValue` takes any fallback.
        #expect(isError(evaluate("optional.none().or(dyn(1))")))
        #expect(isError(evaluate("dyn(1).or(optional.none())")))
        #expect(isError(evaluate("dyn(1).orValue(2)")))
        #expect(isError(evaluate("optional.none().orValue(1 / 0)")))
    }

    @Test func equality() {
        #expect(holds("optional.none() == optional.none()"))
        #expect(holds("optional.of(1) == optional.of(1.0)"))
        #expect(holds("optional.of(1) != optional.none()"))
        #expect(holds("optional.of(1) != optional.of(2)"))
        #expect(holds("optional.of(1) != 1"))
    }

    @Test func optionalSyntax() {
        #expect(holds("{'a': 1}.?a == optional.of(1)"))
        #expect(holds("{}.?a == optional.none()"))
        #expect(holds("[1, 2][?1] == optional.of(2)"))
        #expect(holds("[1, 2][?2] == optional.none()"))
        #expect(holds("optional.of({'a': {'b': 1}}).a.b.value() == 1"))
        #expect(holds("optional.of({'a': {}}).a.b.orValue(0) == 0"))
        #expect(holds("[?optional.of(1), ?optional.none(), 2] == [1, 2]"))
        #expect(holds("{?'a': optional.of(1), ?'b': optional.none()} == {'a': 1}"))
        #expect(isError(evaluate("[?1]")))
    }

    @Test func optMapAndOptFlatMap() {
        #expect(holds("optional.of(42).optMap(y, y + 1).value() == 43"))
        #expect(holds("!optional.none().optMap(y, y + 1).hasValue()"))
        #expect(holds("{'key': {'subkey': 'v'}}.?key.optFlatMap(k, k.?subkey).value() == 'v'"))
        #expect(holds("!{'key': {}}.?key.optFlatMap(k, k.?subkey).hasValue()"))
    }

    @Test func unwrap() {
        #expect(holds("optional.unwrap([optional.of(1), optional.none(), optional.of(3)]) == [1, 3]"))
        #expect(holds("[optional.none(), optional.of('a')].unwrapOpt() == ['a']"))
        #expect(holds("optional.unwrap([]) == []"))
        #expect(isError(evaluate("optional.unwrap([1])")))
        #expect(isError(evaluate("optional.unwrap(dyn(1))")))
    }

    @Test func errorsPropagate() {
        #expect(isError(evaluate("optional.of(1 / 0)")))
        #expect(isError(evaluate("optional.ofNonZeroValue({}.a)")))
    }
}
