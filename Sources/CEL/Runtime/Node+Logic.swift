/// The non-strict operators: `&&`, `||`, `?:` and the comprehension helper `@not_strictly_false`.
///
/// `&&` and `||` are commutative over errors and unknowns (langdef "Logical Operators"): a definite
/// `false` (for `&&`) or `true` (for `||`) on either side decides, whatever the other side is.
final class LogicalNode: Node, @unchecked Sendable {
    let lhs: Node
    let rhs: Node
    /// The value that decides alone: `false` for `&&`, `true` for `||`.
    let decisive: Bool

    init(id: ExprID, lhs: Node, rhs: Node, decisive: Bool) {
        self.lhs = lhs
        self.rhs = rhs
        self.decisive = decisive
        super.init(id: id)
    }

    override var inputs: [Node]? { [lhs, rhs] }

    override func evaluate(_ frame: inout Frame) -> Value {
        let a = lhs.evaluate(&frame)
        if case .bool(let x) = a, x == decisive { return a }
        let b = rhs.evaluate(&frame)
        if case .bool(let y) = b, y == decisive { return b }
        switch (a, b) {
        case (.bool, .bool): return a
        case (.unknown(let x), .unknown(let y)): return .unknown(x.merging(y))
        case (.unknown, _): return a
        case (_, .unknown): return b
        case (.error, _): return a
        case (_, .error): return b
        default: return attributed(.noSuchOverload(decisive ? Operators.logicalOr : Operators.logicalAnd, a, b))
        }
    }
}

final class ConditionalNode: Node, @unchecked Sendable {
    let condition: Node
    let whenTrue: Node
    let whenFalse: Node

    init(id: ExprID, condition: Node, whenTrue: Node, whenFalse: Node) {
        self.condition = condition
        self.whenTrue = whenTrue
        self.whenFalse = whenFalse
        super.init(id: id)
    }

    override func evaluate(_ frame: inout Frame) -> Value {
        let value = condition.evaluate(&frame)
        switch value {
        case .bool(true): return whenTrue.evaluate(&frame)
        case .bool(false): return whenFalse.evaluate(&frame)
        case .error, .unknown: return value
        default: return attributed(.noSuchOverload(Operators.conditional, value))
        }
    }
}

/// `@not_strictly_false(x)`: true unless `x` is `false`; errors and unknowns count as true, so a
/// quantifier keeps looking for a decisive element.
final class NotStrictlyFalseNode: Node, @unchecked Sendable {
    let operand: Node

    init(id: ExprID, operand: Node) {
        self.operand = operand
        super.init(id: id)
    }

    override func evaluate(_ frame: inout Frame) -> Value {
        if case .bool(false) = operand.evaluate(&frame) { return .bool(false) }
        return .bool(true)
    }
}

/// `a.or(b)` and `a.orValue(b)`: `b` is evaluated only when `a` is an empty optional.
final class OptionalOrNode: Node, @unchecked Sendable {
    let lhs: Node
    let rhs: Node
    /// `orValue` unwraps: a present `a` gives its value, an empty one gives `b` itself.
    let unwraps: Bool

    init(id: ExprID, lhs: Node, rhs: Node, unwraps: Bool) {
        self.lhs = lhs
        self.rhs = rhs
        self.unwraps = unwraps
        super.init(id: id)
    }

    override var inputs: [Node]? { [lhs, rhs] }

    override func evaluate(_ frame: inout Frame) -> Value {
        let value = lhs.evaluate(&frame)
        switch value {
        case .optional(let inner?):
            return unwraps ? inner : value
        case .optional(nil):
            let alternative = rhs.evaluate(&frame)
            if unwraps || alternative.isErrorOrUnknown { return alternative }
            guard case .optional = alternative else {
                return attributed(.noSuchOverload("or", value, alternative))
            }
            return alternative
        case .error, .unknown:
            return value
        default:
            return attributed(.noSuchOverload(unwraps ? "orValue" : "or", value))
        }
    }
}
