internal import CEL

/// The names each node of an expression reads without binding them itself: identifiers minus the
/// variables of the comprehensions around them. Computed once, bottom-up, for every node.
struct FreeNames {
    private(set) var byNode: [ExprID: Set<String>] = [:]

    init(_ expr: Expr) {
        _ = collect(expr)
    }

    /// The free names of a node of the expression (empty for nodes of another expression).
    subscript(_ expr: Expr) -> Set<String> { byNode[expr.id] ?? [] }

    private mutating func collect(_ expr: Expr) -> Set<String> {
        var names: Set<String> = []
        switch expr.kind {
        case .error, .literal:
            break
        case .identifier(let name):
            names.insert(name)
        case .select(let operand, _, _):
            names = collect(operand)
        case .call(_, let target, let arguments):
            if let target { names.formUnion(collect(target)) }
            for argument in arguments { names.formUnion(collect(argument)) }
        case .list(let elements, _):
            for element in elements { names.formUnion(collect(element)) }
        case .map(let entries):
            for entry in entries {
                names.formUnion(collect(entry.key))
                names.formUnion(collect(entry.value))
            }
        case .message(_, let fields):
            for field in fields { names.formUnion(collect(field.value)) }
        case .comprehension(let comprehension):
            var inner = collect(comprehension.loopCondition)
            inner.formUnion(collect(comprehension.loopStep))
            inner.formUnion(collect(comprehension.result))
            inner.remove(comprehension.iterVar)
            inner.remove(comprehension.accuVar)
            if let second = comprehension.iterVar2 { inner.remove(second) }
            names = inner.union(collect(comprehension.iterRange)).union(collect(comprehension.accuInit))
        }
        byNode[expr.id] = names
        return names
    }
}

/// Folds the parts of an expression that do not depend on the input: a node whose free names are all
/// bound to constants (earlier variables and rules that folded, and `messages`) is planned and
/// evaluated on its own; `&&`, `||`, `!` and `?:` fold further by CEL's absorption rules, so
/// `input.x || true` is always true.
struct ConstantFolder {
    /// The expression.
    let parsed: ParsedExpression
    /// Names bound to known values.
    let constants: [String: Value]
    let freeNames: FreeNames

    init(_ parsed: ParsedExpression, constants: [String: Value]) {
        self.parsed = parsed
        self.constants = constants
        self.freeNames = FreeNames(parsed.expr)
    }

    /// The value of a node when it does not depend on anything but constants (and is not an error),
    /// else `nil`. Names in `shadowed` are comprehension variables around the node, never constants.
    func value(of expr: Expr, shadowed: Set<String> = []) -> Value? {
        let names = freeNames[expr]
        guard names.isDisjoint(with: shadowed), names.allSatisfy({ constants[$0] != nil }) else { return nil }
        let sorted = names.sorted()
        let program: Program
        do {
            program = try Environment(variables: sorted).program(
                for: ParsedExpression(expr: expr, source: parsed.source, macroCalls: parsed.macroCalls)
            )
        } catch {
            return nil
        }
        let result = program.evaluate(constants.filter { names.contains($0.key) })
        return result.isErrorOrUnknown ? nil : result
    }

    /// The truth value of a condition when it is the same for every input, else `nil`.
    func truth(of expr: Expr, shadowed: Set<String> = []) -> Bool? {
        if let value = value(of: expr, shadowed: shadowed) {
            if case .bool(let truth) = value { return truth }
            return nil
        }
        guard parsed.macroCalls[expr.id] == nil, case .call(let function, nil, let arguments) = expr.kind else {
            return nil
        }
        switch (function, arguments.count) {
        case (Operators.logicalAnd, 2):
            let left = truth(of: arguments[0], shadowed: shadowed)
            let right = truth(of: arguments[1], shadowed: shadowed)
            if left == false || right == false { return false }
            return left == true && right == true ? true : nil
        case (Operators.logicalOr, 2):
            let left = truth(of: arguments[0], shadowed: shadowed)
            let right = truth(of: arguments[1], shadowed: shadowed)
            if left == true || right == true { return true }
            return left == false && right == false ? false : nil
        case (Operators.logicalNot, 1):
            return truth(of: arguments[0], shadowed: shadowed).map { !$0 }
        case (Operators.conditional, 3):
            if let condition = truth(of: arguments[0], shadowed: shadowed) {
                return truth(of: arguments[condition ? 1 : 2], shadowed: shadowed)
            }
            let whenTrue = truth(of: arguments[1], shadowed: shadowed)
            return whenTrue != nil && whenTrue == truth(of: arguments[2], shadowed: shadowed) ? whenTrue : nil
        default:
            return nil
        }
    }

    /// The conditions of an expression that are always true or always false: operands of `&&`, `||`
    /// and `!`, and conditions of `?:`, outermost first (a constant condition's parts are not
    /// reported again).
    func constantConditions() -> [(expr: Expr, truth: Bool)] {
        var found: [(expr: Expr, truth: Bool)] = []
        visit(parsed.expr, isCondition: false, shadowed: [], into: &found)
        return found
    }

    private func visit(
        _ expr: Expr,
        isCondition: Bool,
        shadowed: Set<String>,
        into found: inout [(expr: Expr, truth: Bool)]
    ) {
        if isCondition, let truth = truth(of: expr, shadowed: shadowed) {
            found.append((expr: expr, truth: truth))
            return
        }
        switch expr.kind {
        case .error, .literal, .identifier:
            break
        case .select(let operand, _, _):
            visit(operand, isCondition: false, shadowed: shadowed, into: &found)
        case .call(let function, let target, let arguments):
            if let target { visit(target, isCondition: false, shadowed: shadowed, into: &found) }
            let logical = [Operators.logicalAnd, Operators.logicalOr, Operators.logicalNot].contains(function)
            for (index, argument) in arguments.enumerated() {
                let condition = logical || (function == Operators.conditional && index == 0)
                visit(argument, isCondition: condition, shadowed: shadowed, into: &found)
            }
        case .list(let elements, _):
            for element in elements { visit(element, isCondition: false, shadowed: shadowed, into: &found) }
        case .map(let entries):
            for entry in entries {
                visit(entry.key, isCondition: false, shadowed: shadowed, into: &found)
                visit(entry.value, isCondition: false, shadowed: shadowed, into: &found)
            }
        case .message(_, let fields):
            for field in fields { visit(field.value, isCondition: false, shadowed: shadowed, into: &found) }
        case .comprehension(let comprehension):
            visit(comprehension.iterRange, isCondition: false, shadowed: shadowed, into: &found)
            var inner = shadowed
            inner.insert(comprehension.iterVar)
            inner.insert(comprehension.accuVar)
            if let second = comprehension.iterVar2 { inner.insert(second) }
            // The accumulator's start and the loop condition are the macro's own; the step holds the
            // user's predicate.
            visit(comprehension.loopStep, isCondition: false, shadowed: inner, into: &found)
            visit(comprehension.result, isCondition: false, shadowed: inner, into: &found)
        }
    }
}
