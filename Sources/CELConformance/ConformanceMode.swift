/// What the conformance runner does with each test.
///
/// A `check` mode joins when the type checker lands.
public enum ConformanceMode: String, Sendable, Hashable, CaseIterable {
    /// Evaluate each expression with the test's bindings and compare the result with the expectation
    /// (the default). Tests that need protobuf message types are skipped, each with its reason.
    case eval
    /// Parse each expression: tests whose expected errors read like syntax errors must fail to parse,
    /// every other test must parse without error diagnostics.
    case parse
}
