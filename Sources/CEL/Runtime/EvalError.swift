/// An error produced while evaluating: a value, so that logical operators can absorb it.
///
/// Immutable and shared. It records the node where it arose, so a failed decision points at the
/// policy text responsible.
public final class EvalError: Error, Sendable, CustomStringConvertible {
    /// The stable kind of the error.
    public let code: Code
    /// What went wrong, for people.
    public let message: String
    /// The id of the node that produced it, when known.
    public let exprID: ExprID?

    /// Kinds of evaluation error.
    public enum Code: String, Sendable {
        case noSuchOverload = "no_such_overload"
        case noSuchKey = "no_such_key"
        case noSuchField = "no_such_field"
        case noSuchAttribute = "no_such_attribute"
        case divisionByZero = "division_by_zero"
        case overflow = "overflow"
        case outOfRange = "out_of_range"
        case invalidArgument = "invalid_argument"
        case conversion = "conversion"
        case unknownIdentifier = "unknown_identifier"
        case limitExceeded = "limit_exceeded"
        case other = "error"
    }

    /// Creates an error.
    public init(_ code: Code, _ message: String, exprID: ExprID? = nil) {
        self.code = code
        self.message = message
        self.exprID = exprID
    }

    /// The code and message.
    public var description: String { "\(code.rawValue): \(message)" }
}

/// The unknown inputs a result depends on (partial evaluation).
public final class UnknownSet: Sendable {
    /// The ids of the expressions whose inputs were unknown.
    public let exprIDs: Set<ExprID>

    /// Creates a set.
    public init(_ exprIDs: Set<ExprID>) {
        self.exprIDs = exprIDs
    }

    /// The union of two sets.
    public func merging(_ other: UnknownSet) -> UnknownSet {
        UnknownSet(exprIDs.union(other.exprIDs))
    }
}

extension Value {
    /// An error value; cold path, kept out of line.
    @inline(never)
    public static func error(_ code: EvalError.Code, _ message: String) -> Value {
        .error(EvalError(code, message))
    }

    /// The error for a function applied to arguments it has no overload for.
    @inline(never)
    public static func noSuchOverload(_ function: String, _ arguments: Value...) -> Value {
        let kinds = arguments.map(\.celType.name).joined(separator: ", ")
        return .error(EvalError(.noSuchOverload, "no such overload: \(function)(\(kinds))"))
    }
}
