/// Strict function calls: arguments are evaluated first, and an error or unknown argument is the
/// result without calling the function (unknowns merged, else the first error).
enum Strictness {
    /// The value to return instead of calling, when an argument is an error or unknown.
    @inline(__always)
    static func propagated(_ arguments: [Value]) -> Value? {
        var unknown: UnknownSet?
        var error: Value?
        for argument in arguments {
            switch argument {
            case .unknown(let set): unknown = unknown.map { $0.merging(set) } ?? set
            case .error: if error == nil { error = argument }
            default: break
            }
        }
        if let unknown { return .unknown(unknown) }
        return error
    }

    @inline(__always)
    static func propagated(_ a: Value, _ b: Value) -> Value? {
        switch (a, b) {
        case (.unknown(let x), .unknown(let y)): return .unknown(x.merging(y))
        case (.unknown, _): return a
        case (_, .unknown): return b
        case (.error, _): return a
        case (_, .error): return b
        default: return nil
        }
    }
}

final class UnaryCallNode: Node, @unchecked Sendable {
    let argument: Node
    let function: @Sendable (Value) -> Value

    init(id: ExprID, argument: Node, function: @escaping @Sendable (Value) -> Value) {
        self.argument = argument
        self.function = function
        super.init(id: id)
    }

    override var inputs: [Node]? { [argument] }

    override func evaluate(_ frame: inout Frame) -> Value {
        let value = argument.evaluate(&frame)
        if value.isErrorOrUnknown { return value }
        guard frame.charge(1) else { return .null }
        let result = function(value)
        return result.isError ? attributed(result) : frame.account(result)
    }
}

final class BinaryCallNode: Node, @unchecked Sendable {
    let lhs: Node
    let rhs: Node
    let function: @Sendable (Value, Value) -> Value

    init(id: ExprID, lhs: Node, rhs: Node, function: @escaping @Sendable (Value, Value) -> Value) {
        self.lhs = lhs
        self.rhs = rhs
        self.function = function
        super.init(id: id)
    }

    override var inputs: [Node]? { [lhs, rhs] }

    override func evaluate(_ frame: inout Frame) -> Value {
        let a = lhs.evaluate(&frame)
        let b = rhs.evaluate(&frame)
        if let propagated = Strictness.propagated(a, b) { return propagated }
        guard frame.charge(1) else { return .null }
        let result = function(a, b)
        return result.isError ? attributed(result) : frame.account(result)
    }
}

final class CallNode: Node, @unchecked Sendable {
    let arguments: [Node]
    let implementation: FunctionImplementation

    init(id: ExprID, arguments: [Node], implementation: FunctionImplementation) {
        self.arguments = arguments
        self.implementation = implementation
        super.init(id: id)
    }

    override var inputs: [Node]? { arguments }

    override func evaluate(_ frame: inout Frame) -> Value {
        var values: [Value] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments { values.append(argument.evaluate(&frame)) }
        if let propagated = Strictness.propagated(values) { return propagated }
        guard frame.charge(1) else { return .null }
        let result = implementation.call(values)
        return result.isError ? attributed(result) : frame.account(result)
    }
}

/// `a == b` and `a != b`.
final class EqualsNode: Node, @unchecked Sendable {
    let lhs: Node
    let rhs: Node
    let negated: Bool

    init(id: ExprID, lhs: Node, rhs: Node, negated: Bool) {
        self.lhs = lhs
        self.rhs = rhs
        self.negated = negated
        super.init(id: id)
    }

    override var inputs: [Node]? { [lhs, rhs] }

    override func evaluate(_ frame: inout Frame) -> Value {
        let a = lhs.evaluate(&frame)
        let b = rhs.evaluate(&frame)
        if let propagated = Strictness.propagated(a, b) { return propagated }
        return .bool(Value.celEquals(a, b) != negated)
    }
}

/// `x == 'constant'` and `x != 'constant'`: compares bytes prepared at plan time.
final class EqualsStringNode: Node, @unchecked Sendable {
    let operand: Node
    let bytes: [UInt8]
    let negated: Bool

    init(id: ExprID, operand: Node, constant: CELString, negated: Bool) {
        self.operand = operand
        self.bytes = Array(constant.value.utf8)
        self.negated = negated
        super.init(id: id)
    }

    override var inputs: [Node]? { [operand] }

    override func evaluate(_ frame: inout Frame) -> Value {
        let value = operand.evaluate(&frame)
        switch value {
        case .string(let s): return .bool(s.hasBytes(bytes) != negated)
        case .error, .unknown: return value
        default: return .bool(negated)
        }
    }
}

/// `x in [constants]`: a hash probe into a table built at plan time.
final class SetMembershipNode: Node, @unchecked Sendable {
    let element: Node
    /// The members as the keys of a map, for its hashed lookup.
    let members: CELMap

    init(id: ExprID, element: Node, members: CELMap) {
        self.element = element
        self.members = members
        super.init(id: id)
    }

    override var inputs: [Node]? { [element] }

    override func evaluate(_ frame: inout Frame) -> Value {
        let value = element.evaluate(&frame)
        if value.isErrorOrUnknown { return value }
        guard let key = MapKey(value) else { return .bool(false) }
        return .bool(members.value(for: key, digest: KeyDigest(key)) != nil)
    }
}
