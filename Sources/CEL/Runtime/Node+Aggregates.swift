/// A list literal whose elements are not all constants; `?e` elements are included only when present.
final class ListNode: Node, @unchecked Sendable {
    let elements: [Node]
    let optionalIndices: Set<Int>

    init(id: ExprID, elements: [Node], optionalIndices: Set<Int>) {
        self.elements = elements
        self.optionalIndices = optionalIndices
        super.init(id: id)
    }

    override var inputs: [Node]? { elements }

    override func evaluate(_ frame: inout Frame) -> Value {
        var values: [Value] = []
        values.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let value = element.evaluate(&frame)
            if value.isErrorOrUnknown { return value }
            if optionalIndices.contains(index) {
                guard case .optional(let inner) = value else {
                    return attributed(
                        .error(.invalidArgument, "a '?' list element must be an optional, not \(value.celType.name)")
                    )
                }
                if let inner { values.append(inner) }
            } else {
                values.append(value)
            }
        }
        guard frame.charge(values.count) else { return .null }
        return .list(values)
    }
}

/// A map literal; `?k: v` entries are included only when `v` is a present optional.
final class MapNode: Node, @unchecked Sendable {
    let keys: [Node]
    let values: [Node]
    let optionalEntries: Set<Int>

    init(id: ExprID, keys: [Node], values: [Node], optionalEntries: Set<Int>) {
        self.keys = keys
        self.values = values
        self.optionalEntries = optionalEntries
        super.init(id: id)
    }

    override var inputs: [Node]? { keys + values }

    override func evaluate(_ frame: inout Frame) -> Value {
        var entries: [(key: Value, value: Value)] = []
        entries.reserveCapacity(keys.count)
        for index in keys.indices {
            let key = keys[index].evaluate(&frame)
            if key.isErrorOrUnknown { return key }
            let value = values[index].evaluate(&frame)
            if value.isErrorOrUnknown { return value }
            if optionalEntries.contains(index) {
                guard case .optional(let inner) = value else {
                    return attributed(
                        .error(.invalidArgument, "a '?' map entry value must be an optional, not \(value.celType.name)")
                    )
                }
                if let inner { entries.append((key, inner)) }
            } else {
                entries.append((key, value))
            }
        }
        guard frame.charge(entries.count) else { return .null }
        switch CELMap.make(entries) {
        case .success(let map): return .map(map)
        case .failure(let error): return attributed(.error(error))
        }
    }
}

/// A comprehension: the loop the macros expand into, over the slots the planner assigned.
final class ComprehensionNode: Node, @unchecked Sendable {
    let range: Node
    let iterationSlot: Int
    /// For two-variable forms: the slot of the value (the first slot then holds the index or key).
    let secondIterationSlot: Int?
    let accumulatorSlot: Int
    let initial: Node
    let condition: Node
    let step: Node
    let result: Node

    init(
        id: ExprID,
        range: Node,
        iterationSlot: Int,
        secondIterationSlot: Int?,
        accumulatorSlot: Int,
        initial: Node,
        condition: Node,
        step: Node,
        result: Node
    ) {
        self.range = range
        self.iterationSlot = iterationSlot
        self.secondIterationSlot = secondIterationSlot
        self.accumulatorSlot = accumulatorSlot
        self.initial = initial
        self.condition = condition
        self.step = step
        self.result = result
        super.init(id: id)
    }

    override func evaluate(_ frame: inout Frame) -> Value {
        let iterated = range.evaluate(&frame)
        frame.locals[accumulatorSlot] = initial.evaluate(&frame)
        switch iterated {
        case .list(let elements):
            guard checkLength(elements.count, &frame) else { return .null }
            for (index, element) in elements.enumerated() {
                if let second = secondIterationSlot {
                    frame.locals[iterationSlot] = .int(Int64(index))
                    frame.locals[second] = element
                } else {
                    frame.locals[iterationSlot] = element
                }
                guard iterate(&frame) else { break }
            }
        case .map(let map):
            guard checkLength(map.count, &frame) else { return .null }
            for index in 0..<map.count {
                frame.locals[iterationSlot] = map.keys[index]
                if let second = secondIterationSlot { frame.locals[second] = map.values[index] }
                guard iterate(&frame) else { break }
            }
        case .error, .unknown:
            return iterated
        default:
            return attributed(.error(.noSuchOverload, "cannot iterate over a value of type '\(iterated.celType.name)'"))
        }
        if frame.abort != nil { return .null }
        return result.evaluate(&frame)
    }

    private func checkLength(_ count: Int, _ frame: inout Frame) -> Bool {
        guard count <= frame.limits.comprehensionIterations else {
            _ = frame.fail(
                EvalError(
                    .limitExceeded,
                    "comprehension over \(count) elements exceeds the limit of \(frame.limits.comprehensionIterations) iterations",
                    exprID: id
                )
            )
            return false
        }
        return true
    }

    /// One iteration: checks the condition, then steps. Returns false to stop.
    @inline(__always)
    private func iterate(_ frame: inout Frame) -> Bool {
        guard frame.charge(1) else { return false }
        guard case .bool(true) = condition.evaluate(&frame) else { return false }
        frame.locals[accumulatorSlot] = step.evaluate(&frame)
        return frame.abort == nil
    }
}

/// `cel.@block([e0, e1, ...], result)`: each `ei` is evaluated in order into its slot (`@index<i>`),
/// then the result.
final class BlockNode: Node, @unchecked Sendable {
    let slots: [Int]
    let bindings: [Node]
    let result: Node

    init(id: ExprID, slots: [Int], bindings: [Node], result: Node) {
        self.slots = slots
        self.bindings = bindings
        self.result = result
        super.init(id: id)
    }

    override func evaluate(_ frame: inout Frame) -> Value {
        for (slot, binding) in zip(slots, bindings) {
            frame.locals[slot] = binding.evaluate(&frame)
        }
        return result.evaluate(&frame)
    }
}
