import CEL

/// The `eval` mode: does evaluating each expression give what the test expects?
extension ConformanceRunner {
    /// Parses (with macros as the test asks), compiles in an environment that declares the test's
    /// identifier declarations and bindings in its container, evaluates with the bindings, and compares the
    /// result with the expectation (see `ConformanceExpectation` and `ConformanceValueMatch`).
    ///
    /// - A test expecting a syntax error passes when the parser reports an error, as in parse mode.
    /// - A test that needs protobuf message types is skipped with the reason ("needs protobuf: ..."), and so
    ///   is a `check_only` test ("needs the type checker").
    /// - A compile error (an unknown function, say) counts as an error outcome.
    /// - `typed_result` compares the result only: the deduced type needs the type checker.
    func evalOutcome(of test: ConformanceTest) -> ConformanceOutcome {
        if test.expectsParseError {
            return parseOutcome(of: test)
        }
        if test.checkOnly {
            return .skipped("needs the type checker: a check_only test")
        }
        let parserOptions = ParserOptions(enableMacros: !test.disableMacros)
        let parse = Parser(options: parserOptions).parse(test.expr)
        guard let parsed = parse.parsed, !parse.hasErrors else {
            let errors = parse.diagnostics.filter { $0.severity == .error }
            return .failed("unexpected parse error\n" + errors.rendered(in: parse.source))
        }
        if let reason = ConformanceProtobufDetector.reason(for: parsed.expr) {
            return .skipped("needs protobuf: \(reason)")
        }
        let input: ConformanceEvalInput
        do throws(ConformanceValueError) {
            input = try test.evalInput()
        } catch {
            switch error {
            case .needsProtobuf(let reason): return .skipped("needs protobuf: \(reason)")
            case .malformed(let reason): return .failed("malformed test: \(reason)")
            }
        }

        let environment = Environment(
            variables: input.variables,
            container: test.container,
            parserOptions: parserOptions
        )
        let result: Value
        do throws(CompileError) {
            result = try environment.program(for: parsed).evaluate(input.bindings)
        } catch {
            if case .error = input.expectation { return .passed }
            return mismatch(test, expected: input.expectation, got: "compile error\n\(error.description)")
        }
        return compare(test, input.expectation, result)
    }

    /// Compares a result with the expectation.
    private func compare(
        _ test: ConformanceTest,
        _ expectation: ConformanceExpectation,
        _ result: Value
    ) -> ConformanceOutcome {
        switch (expectation, result) {
        case (.error, .error), (.unknown, .unknown):
            return .passed
        case (.value(let expected), _) where ConformanceValueMatch.matches(expected, result):
            return .passed
        default:
            return mismatch(test, expected: expectation, got: ConformanceValueMatch.describe(result))
        }
    }

    /// A failure naming what was expected and what came instead, with the expression.
    private func mismatch(
        _ test: ConformanceTest,
        expected: ConformanceExpectation,
        got: String
    ) -> ConformanceOutcome {
        let wanted: String
        switch expected {
        case .value(let value): wanted = ConformanceValueMatch.describe(value)
        case .error:
            let messages = test.expectedErrorMessages.map { "'\($0)'" }.joined(separator: " or ")
            wanted = messages.isEmpty ? "an error" : "an error (\(messages))"
        case .unknown: wanted = "an unknown"
        }
        return .failed("expected \(wanted), got \(got)\nexpr: \(test.expr)")
    }
}
