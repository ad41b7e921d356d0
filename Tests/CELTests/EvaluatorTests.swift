import CEL
import Testing

/// Evaluates `text` with `bindings` in the default environment.
func evaluate(_ text: String, _ bindings: [String: Value] = [:]) -> Value {
    do {
        return try Environment().compile(text).evaluate(bindings)
    } catch {
        return .error(.other, "compile: \(error)")
    }
}

/// Whether `text` evaluates to a value CEL-equal to `expected`, of the same kind.
func evaluates(_ text: String, to expected: Value, _ bindings: [String: Value] = [:]) -> Bool {
    let result = evaluate(text, bindings)
    return result.celType == expected.celType && Value.celEquals(result, expected)
}

func isError(_ value: Value) -> Bool { value.isError }

@Suite("Evaluator: core semantics")
struct EvaluatorTests {
    @Test func arithmetic() {
        #expect(evaluates("1 + 2 * 3", to: .int(7)))
        #expect(evaluates("7 / 2", to: .int(3)))
        #expect(evaluates("-7 / 2", to: .int(-3)))
        #expect(evaluates("-7 % 3", to: .int(-1)))
        #expect(evaluates("1u + 2u", to: .uint(3)))
        #expect(evaluates("1.5 * 2.0", to: .double(3)))
        #expect(evaluates("'a' + 'b'", to: .string("ab")))
        #expect(evaluates("b'a' + b'b'", to: .bytes([97, 98])))
        #expect(evaluates("[1] + [2]", to: .list([.int(1), .int(2)])))
        #expect(evaluates("1.0 / 0.0", to: .double(.infinity)))
    }

    @Test func arithmeticErrors() {
        #expect(isError(evaluate("9223372036854775807 + 1")))
        #expect(isError(evaluate("-9223372036854775808 - 1")))
        #expect(isError(evaluate("-(-9223372036854775808)")))
        #expect(isError(evaluate("-9223372036854775808 / -1")))
        #expect(isError(evaluate("1 / 0")))
        #expect(isError(evaluate("1 % 0")))
        #expect(isError(evaluate("0u - 1u")))
        #expect(isError(evaluate("18446744073709551615u * 2u")))
        #expect(isError(evaluate("1 + 1u")))
        #expect(isError(evaluate("'a' + 1")))
    }

    @Test func heterogeneousEquality() {
        #expect(evaluates("1 == 1u", to: .bool(true)))
        #expect(evaluates("1 == 1.0", to: .bool(true)))
        #expect(evaluates("1u == 1.5", to: .bool(false)))
        #expect(evaluates("1 == 'a'", to: .bool(false)))
        #expect(evaluates("[1, 2] == [1.0, 2u]", to: .bool(true)))
        #expect(evaluates("{1: 'a'} == {1u: 'a'}", to: .bool(true)))
        #expect(evaluates("null == null", to: .bool(true)))
        #expect(evaluates("0.0/0.0 == 0.0/0.0", to: .bool(false)))
        #expect(evaluates("'\\u00e9' == 'e\\u0301'", to: .bool(false)))
        #expect(evaluates("-1 < 1u", to: .bool(true)))
        #expect(evaluates("18446744073709551615u > 9223372036854775807", to: .bool(true)))
        #expect(evaluates("2 > 1.5", to: .bool(true)))
        // Ints compare with doubles as doubles, as the conformance corpus requires.
        #expect(evaluates("9007199254740993 > 9007199254740992.0", to: .bool(false)))
        #expect(isError(evaluate("1 < 'a'")))
    }

    @Test func logicAbsorbsErrors() {
        #expect(evaluates("false && 1/0 == 1", to: .bool(false)))
        #expect(evaluates("1/0 == 1 && false", to: .bool(false)))
        #expect(evaluates("true || 1/0 == 1", to: .bool(true)))
        #expect(evaluates("1/0 == 1 || true", to: .bool(true)))
        #expect(isError(evaluate("1/0 == 1 && true")))
        #expect(evaluates("true ? 1 : 1/0", to: .int(1)))
        #expect(isError(evaluate("1 ? 2 : 3")))
        #expect(isError(evaluate("x && true")))
    }

    @Test func variablesAndSelection() {
        let request: Value = .map(
            CELMap.make([(.string("auth"), .map(CELMap.make([(.string("sub"), .string("me"))]).get()))]).get()
        )
        #expect(evaluates("request.auth.sub == 'me'", to: .bool(true), ["request": request]))
        #expect(evaluates("has(request.auth.sub)", to: .bool(true), ["request": request]))
        #expect(evaluates("has(request.auth.iss)", to: .bool(false), ["request": request]))
        #expect(isError(evaluate("request.auth.iss", ["request": request])))
        #expect(isError(evaluate("missing + 1")))
        #expect(evaluates("request.?auth.?iss.orValue('none')", to: .string("none"), ["request": request]))
    }

    @Test func collections() {
        #expect(evaluates("size([1, 2, 3])", to: .int(3)))
        #expect(evaluates("'héllo'.size()", to: .int(5)))
        #expect(evaluates("2 in [1, 2, 3]", to: .bool(true)))
        #expect(evaluates("2.0 in [1, 2, 3]", to: .bool(true)))
        #expect(evaluates("'b' in {'a': 1, 'b': 2}", to: .bool(true)))
        #expect(evaluates("x in ['a', 'b']", to: .bool(true), ["x": .string("b")]))
        #expect(evaluates("x in ['a', 'b']", to: .bool(false), ["x": .int(1)]))
        #expect(evaluates("[1, 2, 3][1]", to: .int(2)))
        #expect(evaluates("{'a': 1}['a']", to: .int(1)))
        #expect(evaluates("{1: 'x'}[1.0]", to: .string("x")))
        #expect(isError(evaluate("[1][1]")))
        #expect(isError(evaluate("[1][-1]")))
        #expect(isError(evaluate("{'a': 1}['b']")))
        #expect(isError(evaluate("{'a': 1, 'a': 2}")))
        #expect(isError(evaluate("{[1]: 2}")))
    }

    @Test func macros() {
        #expect(evaluates("[1, 2, 3].all(x, x > 0)", to: .bool(true)))
        #expect(evaluates("[1, 2, 3].exists(x, x > 2)", to: .bool(true)))
        #expect(evaluates("[1, 2, 3].exists_one(x, x > 1)", to: .bool(false)))
        #expect(evaluates("[1, 2, 3].map(x, x * 2)", to: .list([.int(2), .int(4), .int(6)])))
        #expect(evaluates("[1, 2, 3].filter(x, x != 2)", to: .list([.int(1), .int(3)])))
        #expect(evaluates("{'a': 1, 'b': 2}.all(k, k != 'c')", to: .bool(true)))
        #expect(evaluates("[1, 0].exists(x, 1 / x == 1)", to: .bool(true)))
        #expect(evaluates("[0, 1].exists(x, 1 / x == 1)", to: .bool(true)))
        #expect(isError(evaluate("[0].all(x, 1 / x == 1)")))
        #expect(evaluates("cel.bind(x, 2, x * x)", to: .int(4)))
        #expect(evaluates("[[1], [2]].all(l, l.all(x, x > 0))", to: .bool(true)))
        #expect(evaluates("{'a': 1}.transformMap(k, v, v + 1) == {'a': 2}", to: .bool(true)))
        #expect(evaluates("cel.block([1, cel.index(0) + 1], cel.index(1) * 10)", to: .int(20)))
    }

    @Test func optionalAlternativesAreLazy() {
        #expect(evaluates("optional.of(1).or(optional.of(1 / 0)).value()", to: .int(1)))
        #expect(evaluates("optional.of(1).orValue(1 / 0)", to: .int(1)))
        #expect(evaluates("optional.none().orValue(2)", to: .int(2)))
        #expect(evaluates("optional.none().or(optional.of(3)).value()", to: .int(3)))
        #expect(isError(evaluate("optional.none().or(3)")))
        #expect(isError(evaluate("1.orValue(3)")))
    }

    @Test func conversions() {
        #expect(evaluates("int('42')", to: .int(42)))
        #expect(evaluates("int(2.9)", to: .int(2)))
        #expect(evaluates("int(-2.9)", to: .int(-2)))
        #expect(isError(evaluate("int(1e19)")))
        #expect(isError(evaluate("uint(-1)")))
        #expect(evaluates("uint(42)", to: .uint(42)))
        #expect(evaluates("double('1.5')", to: .double(1.5)))
        #expect(evaluates("string(1.5)", to: .string("1.5")))
        #expect(evaluates("string(b'abc')", to: .string("abc")))
        #expect(isError(evaluate("string(b'\\xff')")))
        #expect(evaluates("bool('true')", to: .bool(true)))
        #expect(evaluates("type(1) == int", to: .bool(true)))
        #expect(evaluates("type(type(1)) == type", to: .bool(true)))
        #expect(evaluates("dyn(1) == 1", to: .bool(true)))
    }

    @Test func regularExpressions() {
        #expect(evaluates("'abc'.matches('^a.c$')", to: .bool(true)))
        #expect(evaluates("matches('abc', 'b')", to: .bool(true)))
        #expect(evaluates("'a\\nb'.matches('a$')", to: .bool(false)))
        #expect(evaluates("x.matches('[0-9]+')", to: .bool(true), ["x": .string("a1")]))
        // A bad constant pattern is a compile error; a bad runtime pattern is an evaluation error.
        #expect(throws: CompileError.self) { try Environment().compile("'a'.matches('(')") }
        #expect(throws: CompileError.self) { try Environment().compile("'aa'.matches('(a)\\\\1')") }
        #expect(throws: CompileError.self) { try Environment().compile("'a'.matches('a(?=b)')") }
        #expect(isError(evaluate("'a'.matches(p)", ["p": .string("(")])))
    }

    @Test func limits() {
        let environment = Environment(limits: EvaluationLimits(costBudget: 1_000))
        guard
            let program = try? environment.compile(
                "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(x, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(y, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(z, x * y * z)))"
            )
        else {
            Issue.record("did not compile")
            return
        }
        guard case .error(let error) = program.evaluate() else {
            Issue.record("the cost limit did not stop the evaluation")
            return
        }
        #expect(error.code == .limitExceeded)
        let iterations = Environment(limits: EvaluationLimits(comprehensionIterations: 5))
        #expect((try? iterations.compile("[1, 2, 3, 4, 5, 6].all(x, x > 0)").evaluate())?.isError == true)
    }

    @Test func sizeLimits() {
        let environment = Environment(limits: EvaluationLimits(maxStringLength: 1_000, maxListLength: 100))
        let strings = try? environment.compile("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(x, 'x').join('') + s")
        let joined = strings?.evaluate(["s": .string(String(repeating: "y", count: 995))])
        #expect(joined.map(isError) == true)
        let lists = try? environment.compile("lists.range(10).map(x, lists.range(10)).flatten() + [1, 2]")
        #expect(lists?.evaluate().isError == true)
    }

    @Test func wrongArityOfAKnownFunctionIsAnEvaluationError() {
        #expect(isError(evaluate("'abc'.startsWith('a', 'b')")))
        #expect(isError(evaluate("size(1, 2)")))
    }

    @Test func unknownFunctionsAreEvaluationErrors() {
        // Without a type checker, an unknown function fails when it is called, so `||` can absorb it.
        #expect(isError(evaluate("nosuch(1)")))
        #expect(evaluates("nosuch(1) || true", to: .bool(true)))
        #expect(evaluates("x.nosuch() || true", to: .bool(true)))
        #expect(throws: CompileError.self) { try Environment().compile("Msg{a: 1}") }
    }

    @Test func valueLayout() {
        #expect(MemoryLayout<Value>.size <= 24)
    }
}

extension Result {
    /// The success value; tests only.
    func get() -> Success where Failure == EvalError {
        switch self {
        case .success(let value): return value
        case .failure(let error): preconditionFailure("\(error)")
        }
    }
}
