/// A static estimate of what evaluating an expression can cost, in the same units as the runtime's
/// cost budget (one unit per call, selection and comprehension iteration, plus one per 64 bytes of
/// strings and per 16 elements of lists that operations create).
public struct CostEstimate: Sendable, Hashable, CustomStringConvertible {
    /// The least an evaluation can cost.
    public var minimum: UInt64
    /// The most an evaluation can cost, given the size bounds assumed for inputs.
    public var maximum: UInt64

    /// Creates an estimate.
    public init(minimum: UInt64, maximum: UInt64) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// `[minimum, maximum]`.
    public var description: String { "[\(minimum), \(maximum)]" }

    static let zero = CostEstimate(minimum: 0, maximum: 0)

    static func + (lhs: CostEstimate, rhs: CostEstimate) -> CostEstimate {
        CostEstimate(
            minimum: lhs.minimum.addingReportingOverflow(rhs.minimum).overflow ? .max : lhs.minimum + rhs.minimum,
            maximum: lhs.maximum.addingReportingOverflow(rhs.maximum).overflow ? .max : lhs.maximum + rhs.maximum
        )
    }

    /// The estimate of something done between `minimumCount` and `maximumCount` times.
    func repeated(minimumCount: UInt64, maximumCount: UInt64) -> CostEstimate {
        let (low, lowOverflow) = minimum.multipliedReportingOverflow(by: minimumCount)
        let (high, highOverflow) = maximum.multipliedReportingOverflow(by: maximumCount)
        return CostEstimate(minimum: lowOverflow ? .max : low, maximum: highOverflow ? .max : high)
    }

    /// Either of two branches: the cheaper minimum and the dearer maximum.
    func either(_ other: CostEstimate) -> CostEstimate {
        CostEstimate(minimum: min(minimum, other.minimum), maximum: max(maximum, other.maximum))
    }
}

/// Estimates the cost of checked expressions, as cel-go's estimator does in spirit: the worst case
/// over the inputs' sizes, which are unknown, so each list, map or string that comes from an input is
/// assumed to be at most `maximumInputSize` elements or bytes. Comprehensions multiply the cost of
/// their condition and step by the size of their range; nested ones multiply again.
public struct CostEstimator: Sendable {
    /// The largest size assumed for any input list, map or string.
    public var maximumInputSize: UInt64

    /// Creates an estimator.
    public init(maximumInputSize: UInt64 = 1_000) {
        self.maximumInputSize = maximumInputSize
    }

    /// The estimated cost of evaluating `checked`.
    public func estimate(_ checked: CheckedExpression) -> CostEstimate {
        estimate(checked.parsed.expr, checked)
    }

    private func estimate(_ expr: Expr, _ checked: CheckedExpression) -> CostEstimate {
        switch expr.kind {
        case .error, .literal, .identifier:
            return .zero
        case .select(let operand, _, _):
            return estimate(operand, checked) + CostEstimate(minimum: 1, maximum: 1)
        case .call(let function, let target, let arguments):
            var parts = arguments.map { estimate($0, checked) }
            if let target { parts.insert(estimate(target, checked), at: 0) }
            switch function {
            case Operators.logicalAnd, Operators.logicalOr:
                // The right side may be skipped.
                let first = parts.first ?? .zero
                let rest = parts.dropFirst().reduce(CostEstimate.zero, +)
                return first + CostEstimate(minimum: 0, maximum: rest.maximum)
            case Operators.conditional where parts.count == 3:
                return parts[0] + parts[1].either(parts[2])
            default:
                let own = callCost(function, arguments: (target.map { [$0] } ?? []) + arguments, checked)
                return parts.reduce(own, +)
            }
        case .list(let elements, _):
            return elements.reduce(CostEstimate(minimum: 1, maximum: 1)) { $0 + estimate($1, checked) }
        case .map(let entries):
            return entries.reduce(CostEstimate(minimum: 1, maximum: 1)) {
                $0 + estimate($1.key, checked) + estimate($1.value, checked)
            }
        case .message(_, let fields):
            return fields.reduce(CostEstimate(minimum: 1, maximum: 1)) { $0 + estimate($1.value, checked) }
        case .comprehension(let c):
            let size = sizeBound(of: c.iterRange, checked)
            let body =
                estimate(c.loopCondition, checked) + estimate(c.loopStep, checked)
                + CostEstimate(minimum: 1, maximum: 1)
            return estimate(c.iterRange, checked) + estimate(c.accuInit, checked)
                + body.repeated(minimumCount: 0, maximumCount: size) + estimate(c.result, checked)
        }
    }

    /// One unit per call, plus the size of what string and list functions walk.
    private func callCost(_ function: String, arguments: [Expr], _ checked: CheckedExpression) -> CostEstimate {
        switch function {
        case "matches", "contains", "startsWith", "endsWith", Operators.add, "split", "replace", "format", Operators.in:
            let walked = arguments.reduce(UInt64(0)) { total, argument in
                let bound = sizeBound(of: argument, checked)
                return total.addingReportingOverflow(bound).overflow ? .max : total + bound
            }
            return CostEstimate(minimum: 1, maximum: 1 + walked / 16)
        default:
            return CostEstimate(minimum: 1, maximum: 1)
        }
    }

    /// An upper bound on the number of elements (or bytes) of a value: exact for literals, the
    /// assumed maximum for anything computed or read from the input.
    private func sizeBound(of expr: Expr, _ checked: CheckedExpression) -> UInt64 {
        switch expr.kind {
        case .list(let elements, _): return UInt64(elements.count)
        case .map(let entries): return UInt64(entries.count)
        case .literal(.string(let s)): return UInt64(s.utf8.count)
        case .literal(.bytes(let b)): return UInt64(b.count)
        case .literal: return 1
        default:
            switch checked.types[expr.id] {
            case .int?, .uint?, .double?, .bool?, .null?, .timestamp?, .duration?: return 1
            default: return maximumInputSize
            }
        }
    }
}
