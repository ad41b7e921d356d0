/// Which result a conformance test expects: the `result_matcher` oneof of `SimpleTest`.
public enum ConformanceResultKind: String, Sendable, Hashable, CaseIterable {
    /// `value`: the expression evaluates to this value.
    case value
    /// `typed_result`: the expression evaluates to this value, and the checker deduces this type.
    case typedResult = "typed_result"
    /// `eval_error`: evaluation fails with this set of errors.
    case evalError = "eval_error"
    /// `any_eval_errors`: evaluation fails with one of these sets of errors.
    case anyEvalErrors = "any_eval_errors"
    /// `unknown`: evaluation yields this set of unknown expression ids.
    case unknown
    /// `any_unknowns`: evaluation yields one of these sets of unknowns.
    case anyUnknowns = "any_unknowns"
    /// No matcher: the expression must evaluate to `true`.
    case none

    /// The name of the oneof field, as written in the textproto (`none` for the default).
    public var fieldName: String { rawValue }
}
