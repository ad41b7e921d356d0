/// A compiled expression: planned once, immutable, and shared by every task that evaluates it.
public final class Program: Sendable {
    /// The variables the program reads, in slot order.
    public let variables: [String]
    /// The parsed expression it was planned from.
    public let parsed: ParsedExpression
    let root: Node
    let localCount: Int
    /// The result when planning folded the whole expression into a constant.
    let constantResult: Value?
    let limits: EvaluationLimits
    private let slotOfVariable: [String: Int]

    init(parsed: ParsedExpression, root: Node, variables: [String], localCount: Int, limits: EvaluationLimits) {
        self.parsed = parsed
        self.root = root
        self.variables = variables
        self.localCount = localCount
        self.constantResult = root.constant
        self.limits = limits
        var slots: [String: Int] = [:]
        for (slot, name) in variables.enumerated() { slots[name] = slot }
        self.slotOfVariable = slots
    }

    /// Binds variables by name for evaluation. Variables left unbound evaluate to a
    /// `no_such_attribute` error; names the program does not read are ignored.
    public func activation(_ bindings: [String: Value]) -> Activation {
        var values = variables.map { name in
            Value.error(EvalError(.noSuchAttribute, "no such attribute: \(name)"))
        }
        for (name, value) in bindings {
            if let slot = slotOfVariable[name] { values[slot] = value }
        }
        return Activation(values: values)
    }

    /// Evaluates the program with the given bindings.
    public func evaluate(_ bindings: [String: Value] = [:]) -> Value {
        evaluate(activation(bindings))
    }

    /// Evaluates the program with a prepared activation. Evaluation never traps: errors, including
    /// exceeded limits, are returned as ``Value/error(_:)``.
    public func evaluate(_ activation: Activation) -> Value {
        if let constantResult { return constantResult }
        guard activation.values.count == variables.count else {
            return .error(
                .invalidArgument,
                "the activation has \(activation.values.count) values; the program reads \(variables.count) variables"
            )
        }
        return activation.values.withUnsafeBufferPointer { variableValues in
            if localCount == 0 {
                // No comprehension or block: no local slots to set up.
                var frame = Frame(
                    variables: variableValues,
                    locals: UnsafeMutableBufferPointer(start: nil, count: 0),
                    limits: limits
                )
                let result = root.evaluate(&frame)
                if let abort = frame.abort { return .error(abort) }
                return result
            }
            return withUnsafeTemporaryAllocation(of: Value.self, capacity: localCount) { locals in
                locals.initialize(repeating: .null)
                var frame = Frame(variables: variableValues, locals: locals, limits: limits)
                let result = root.evaluate(&frame)
                locals.deinitialize()
                if let abort = frame.abort { return .error(abort) }
                return result
            }
        }
    }
}

/// Variable values for one evaluation, in the program's slot order (see ``Program/activation(_:)``).
public struct Activation: Sendable {
    /// The values by slot.
    public var values: [Value]

    /// Creates an activation from values already in the program's slot order (``Program/variables``);
    /// callers that evaluate a program many times map their names to slots once and fill this
    /// directly, without the name lookups of ``Program/activation(_:)``.
    public init(values: [Value]) {
        self.values = values
    }
}

/// The state of one evaluation: the variables, the local slots (comprehension variables, block
/// bindings), and the remaining cost budget.
///
/// Both buffers are owned by ``Program/evaluate(_:)-(Activation)``, which keeps them alive and
/// initialized for the whole evaluation; nodes only read variables and assign the locals the planner
/// gave them.
struct Frame {
    let variables: UnsafeBufferPointer<Value>
    let locals: UnsafeMutableBufferPointer<Value>
    var remainingCost: Int
    let limits: EvaluationLimits
    /// Set when a limit is exceeded: evaluation unwinds and the program returns this error.
    var abort: EvalError?

    init(variables: UnsafeBufferPointer<Value>, locals: UnsafeMutableBufferPointer<Value>, limits: EvaluationLimits) {
        self.variables = variables
        self.locals = locals
        self.remainingCost = limits.costBudget
        self.limits = limits
    }

    /// Charges `units` of cost; returns false (and records why) when the budget is spent.
    @inline(__always)
    mutating func charge(_ units: Int) -> Bool {
        remainingCost &-= units
        if remainingCost >= 0 { return true }
        exceedBudget()
        return false
    }

    @inline(never)
    mutating func exceedBudget() {
        if abort == nil {
            abort = EvalError(.limitExceeded, "evaluation cost exceeded the budget of \(limits.costBudget)")
        }
    }

    /// Checks a value an operation created against the size limits, and charges for its size
    /// (one unit per 64 bytes or 16 elements). Returns the value, or the limit error.
    @inline(__always)
    mutating func account(_ value: Value) -> Value {
        switch value {
        case .string(let s):
            let size = s.value.utf8.count
            if size > 256 {
                return accountLarge(value, size: size, limit: limits.maxStringLength, cost: size >> 6, what: "string")
            }
        case .bytes(let b):
            if b.count > 256 {
                return accountLarge(
                    value,
                    size: b.count,
                    limit: limits.maxStringLength,
                    cost: b.count >> 6,
                    what: "bytes"
                )
            }
        case .list(let l):
            if l.count > 64 {
                return accountLarge(value, size: l.count, limit: limits.maxListLength, cost: l.count >> 4, what: "list")
            }
        default:
            break
        }
        return value
    }

    @inline(never)
    private mutating func accountLarge(_ value: Value, size: Int, limit: Int, cost: Int, what: String) -> Value {
        guard size <= limit else {
            return fail(EvalError(.limitExceeded, "a \(what) of size \(size) exceeds the limit of \(limit)"))
        }
        guard charge(cost) else { return .null }
        return value
    }

    @inline(never)
    mutating func fail(_ error: EvalError) -> Value {
        if abort == nil { abort = error }
        return .error(error)
    }
}
