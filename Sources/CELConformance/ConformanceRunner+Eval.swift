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
    /// - Unless the test disables the check, the expression is type-checked first (the declarations of
    ///   check mode) and planned from the checked expression; a check error counts as an error outcome.
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
        // With the checker on (unless the test disables it): check, then plan from the checked
        // expression; a check error is an error outcome.
        var checked: CheckedExpression?
        if !test.disableCheck {
            let checkInput: ConformanceCheckInput
            do throws(ConformanceValueError) {
                checkInput = try test.checkInput()
            } catch {
                switch error {
                case .needsProtobuf(let reason): return .skipped("needs protobuf: \(reason)")
                case .malformed(let reason): return .failed("malformed test: \(reason)")
                }
            }
            let checker = Checker(
                declarations: Self.baseDeclarations.merging(checkInput.declarations),
                container: test.container
            )
            let result = checker.check(parsed)
            guard let proven = result.checked else {
                if case .error = input.expectation { return .passed }
                let errors = result.diagnostics.filter { $0.severity == .error }
                return mismatch(
                    test,
                    expected: input.expectation,
                    got: "check error\n" + errors.rendered(in: result.source)
                )
            }
            checked = proven
        }
        let result: Value
        do throws(CompileError) {
            let program: Program
            if let checked {
                program = try environment.program(for: checked)
            } else {
                program = try environment.program(for: parsed)
            }
            result = program.evaluate(input.bindings)
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
