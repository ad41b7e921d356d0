/// What the conformance runner does with each test.
///
/// Only parsing exists so far; `check` and `eval` join as the checker and the evaluator land.
public enum ConformanceMode: String, Sendable, Hashable, CaseIterable {
    /// Parse each expression: tests whose expected errors read like syntax errors must fail to parse,
    /// every other test must parse without error diagnostics.
    case parse
}
