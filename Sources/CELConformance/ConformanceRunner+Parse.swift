import CEL

/// The `parse` mode: does the parser accept exactly the expressions it should?
extension ConformanceRunner {
    /// Parses the test's expression, with macros as the test asks. A test expecting a syntax error
    /// (`ConformanceTest.expectsParseError`) passes when the parser reports an error; any other test passes
    /// when the parser reports none.
    func parseOutcome(of test: ConformanceTest) -> ConformanceOutcome {
        let parser = Parser(options: ParserOptions(enableMacros: !test.disableMacros))
        let result = parser.parse(test.expr)
        if test.expectsParseError {
            if result.hasErrors { return .passed }
            var lines = ["expected a parse error, but the expression parsed", "expr: \(test.expr)"]
            lines += test.expectedErrorMessages.map { "expected error: \($0)" }
            return .failed(lines.joined(separator: "\n"))
        }
        guard result.hasErrors else { return .passed }
        let errors = result.diagnostics.filter { $0.severity == .error }
        return .failed("unexpected parse error\n" + errors.rendered(in: result.source))
    }
}
