/// What a name or call in a checked expression refers to.
public enum Reference: Sendable, Hashable {
    /// A declared variable, by its fully qualified name.
    case variable(String)
    /// A function call, with the overloads that may apply (one when the checker proved it).
    case function(name: String, overloadIDs: [String])
    /// A type name used as a value (`int`, `google.protobuf.Timestamp`).
    case type(CELType)
}

/// A parsed expression with the type of every node and what each name and call refers to.
public struct CheckedExpression: Sendable {
    /// The expression.
    public let parsed: ParsedExpression
    /// The type of each node, by id.
    public let types: [ExprID: CELType]
    /// What each identifier, qualified name and call refers to, by node id.
    public let references: [ExprID: Reference]

    /// The type of the whole expression.
    public var type: CELType { types[parsed.expr.id] ?? .dyn }
}

/// What ``Checker/check(_:)`` found: the checked expression when there were no errors, and every
/// diagnostic, sorted by position.
public struct CheckResult: Sendable {
    /// The checked expression, when there is no error.
    public let checked: CheckedExpression?
    /// Every diagnostic.
    public let diagnostics: [CELDiagnostic]
    /// The source, to render the diagnostics against.
    public let source: Source
}

extension CELDiagnostic.Code {
    /// A type does not fit where it is used (a field selection on a number, a non-bool condition, ...).
    public static let typeMismatch = CELDiagnostic.Code(rawValue: "type_mismatch")
    /// No overload of a function accepts the argument types.
    public static let noMatchingOverload = CELDiagnostic.Code(rawValue: "no_matching_overload")
}
