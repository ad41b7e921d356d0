/// A planned node of a program: evaluates itself against a frame.
///
/// Nodes form an immutable tree built once by the ``Planner``; every subclass is `final` and holds
/// only `let`s, which is why the tree may be shared across tasks (`@unchecked Sendable`, audited: no
/// node has mutable state).
class Node: @unchecked Sendable {
    let id: ExprID

    init(id: ExprID) {
        self.id = id
    }

    func evaluate(_ frame: inout Frame) -> Value {
        preconditionFailure("Node.evaluate must be overridden by \(type(of: self))")
    }

    /// The node's value when the planner knows it without evaluating.
    var constant: Value? { nil }

    /// The nodes whose values this one is a pure function of, or `nil` when it is not one (variables,
    /// comprehensions): the planner folds a node whose inputs are all constants.
    var inputs: [Node]? { nil }

    /// Gives an error produced at this node the node's id, so it can be traced to the source.
    @inline(never)
    final func attributed(_ value: Value) -> Value {
        guard case .error(let error) = value, error.exprID == nil else { return value }
        return .error(EvalError(error.code, error.message, exprID: id))
    }
}

/// A value known at plan time.
final class ConstantNode: Node, @unchecked Sendable {
    let value: Value

    init(id: ExprID, value: Value) {
        self.value = value
        super.init(id: id)
    }

    override func evaluate(_ frame: inout Frame) -> Value { value }
    override var constant: Value? { value }
}

/// A variable: reads the activation.
final class VariableNode: Node, @unchecked Sendable {
    let slot: Int

    init(id: ExprID, slot: Int) {
        self.slot = slot
        super.init(id: id)
    }

    override func evaluate(_ frame: inout Frame) -> Value { frame.variables[slot] }
}

/// A comprehension variable, accumulator or block binding: reads its local slot.
final class LocalNode: Node, @unchecked Sendable {
    let slot: Int

    init(id: ExprID, slot: Int) {
        self.slot = slot
        super.init(id: id)
    }

    override func evaluate(_ frame: inout Frame) -> Value { frame.locals[slot] }
}
