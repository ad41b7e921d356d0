/// What the conformance runner does with each test.
public enum ConformanceMode: String, Sendable, Hashable, CaseIterable {
    /// Evaluate each expression with the test's bindings and compare the result with the expectation
    /// (the default). Tests that need protobuf message types are skipped, each with its reason.
    case eval
    /// Parse each expression: tests whose expected errors read like syntax errors must fail to parse,
    /// every other test must parse without error diagnostics.
    case parse
    /// Type-check each expression with the standard and extension declarations plus the test's
    /// `type_env`: `deduced_type` must match, check-time errors must be reported, every other test must
    /// check without error. Tests with `disable_check` are skipped.
    case check
}
