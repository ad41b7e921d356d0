/// `operand.field`, `has(operand.field)` and `operand.?field`, with the key hashed at plan time.
final class SelectNode: Node, @unchecked Sendable {
    enum Mode {
        case select
        case presence
        case optional
    }

    let operand: Node
    let field: CELString
    let key: MapKey
    let digest: KeyDigest
    let mode: Mode

    init(id: ExprID, operand: Node, field: String, mode: Mode) {
        self.operand = operand
        self.field = CELString(field)
        self.key = .string(CELString(field))
        self.digest = KeyDigest(string: CELString(field))
        self.mode = mode
        super.init(id: id)
    }

    override var inputs: [Node]? { [operand] }

    override func evaluate(_ frame: inout Frame) -> Value {
        let value = operand.evaluate(&frame)
        if case .map(let map) = value {
            switch mode {
            case .select:
                if let found = map.value(for: key, digest: digest) { return found }
            case .presence:
                return .bool(map.value(for: key, digest: digest) != nil)
            case .optional:
                return .optional(map.value(for: key, digest: digest))
            }
        }
        let result: Value
        switch mode {
        case .select: result = Value.select(value, field: field, key: key)
        case .presence: result = Value.hasField(value, field: field, key: key)
        case .optional: result = Value.optionalSelect(value, field: field, key: key)
        }
        return result.isError ? attributed(result) : result
    }
}

/// `operand[index]` and `operand[?index]`.
final class IndexNode: Node, @unchecked Sendable {
    let operand: Node
    let index: Node
    let isOptional: Bool

    init(id: ExprID, operand: Node, index: Node, isOptional: Bool) {
        self.operand = operand
        self.index = index
        self.isOptional = isOptional
        super.init(id: id)
    }

    override var inputs: [Node]? { [operand, index] }

    override func evaluate(_ frame: inout Frame) -> Value {
        let container = operand.evaluate(&frame)
        let key = index.evaluate(&frame)
        if let propagated = Strictness.propagated(container, key) { return propagated }
        let result = isOptional ? Value.optionalIndex(container, key) : Value.index(container, key)
        return result.isError ? attributed(result) : result
    }
}
