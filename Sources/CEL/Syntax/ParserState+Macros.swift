/// Macro expansion into comprehension nodes (langdef "Macros", cel-go's `ext` docs for the extensions).
///
/// A macro is matched on its name, on whether it is written receiver-style, and on its argument count;
/// a call that matches none stays a call. Expansions use `@result` as the accumulator, a name no user
/// variable can have.
extension ParserState {
    static let accumulator = "@result"
    /// The iteration variable of comprehensions that iterate over nothing (`cel.bind`, `optMap`).
    static let unusedIterationVariable = "#unused"

    /// Expands `callNode` if it is a macro call. Returns `nil` when it is not one; returns an error node
    /// (after reporting) when it is one with unusable arguments.
    mutating func expandMacro(_ callNode: Expr) -> Expr? {
        guard case .call(let function, let target, let arguments) = callNode.kind else { return nil }
        let offset = callNode.offset
        guard let target else {
            if function == "has" && arguments.count == 1 { return expandHas(arguments[0], at: offset) }
            return nil
        }
        if case .identifier("cel") = target.kind {
            switch (function, arguments.count) {
            case ("bind", 3): return expandBind(arguments, at: offset)
            case ("block", 2): return expandBlock(arguments, at: offset)
            case ("index", 1): return expandBlockReference(function, arguments, at: offset)
            case ("iterVar", 2), ("accuVar", 2): return expandBlockReference(function, arguments, at: offset)
            default: break
            }
        }
        switch (function, arguments.count) {
        case ("all", 2), ("all", 3):
            return quantifier(target, arguments, at: offset, isAll: true)
        case ("exists", 2), ("exists", 3):
            return quantifier(target, arguments, at: offset, isAll: false)
        case ("exists_one", 2), ("existsOne", 2), ("existsOne", 3):
            return existsOne(target, arguments, at: offset)
        case ("map", 2), ("map", 3):
            return mapOrFilter(target, arguments, at: offset, keepElement: false)
        case ("filter", 2):
            return mapOrFilter(target, arguments, at: offset, keepElement: true)
        case ("transformList", 3), ("transformList", 4):
            return transform(target, arguments, at: offset, kind: .list)
        case ("transformMap", 3), ("transformMap", 4):
            return transform(target, arguments, at: offset, kind: .map)
        case ("transformMapEntry", 3), ("transformMapEntry", 4):
            return transform(target, arguments, at: offset, kind: .mapEntry)
        case ("optMap", 2), ("optFlatMap", 2):
            return optionalMap(target, arguments, at: offset, flat: function == "optFlatMap")
        case ("sortBy", 2):
            return sortBy(target, arguments, at: offset)
        default:
            return nil
        }
    }

    // MARK: - Helpers

    private mutating func macroError(_ message: String, at expr: Expr) -> Expr {
        report(.invalidMacro, message, Int(expr.offset)..<Int(expr.offset) + 1)
        return errorNode(expr.offset)
    }

    /// The variable names of a comprehension macro: the first `count` arguments, each a simple name.
    private mutating func variableNames(_ arguments: [Expr], count: Int, macro: String) -> [String]? {
        var names: [String] = []
        for argument in arguments.prefix(count) {
            guard case .identifier(let name) = argument.kind, !name.hasPrefix(".") else {
                report(
                    .invalidMacro,
                    "\(macro)(): the variable argument must be a simple name",
                    Int(argument.offset)..<Int(argument.offset) + 1
                )
                return nil
            }
            if names.contains(name) {
                report(
                    .invalidMacro,
                    "\(macro)(): the two variables must have different names, both are '\(name)'",
                    Int(argument.offset)..<Int(argument.offset) + 1
                )
                return nil
            }
            names.append(name)
        }
        return names
    }

    private mutating func identifier(_ name: String, at offset: Int32) -> Expr {
        node(offset, .identifier(name))
    }

    private mutating func accumulatorRef(_ offset: Int32) -> Expr {
        identifier(Self.accumulator, at: offset)
    }

    private mutating func comprehension(
        _ names: [String],
        range: Expr,
        accumulator: String = ParserState.accumulator,
        initial: Expr,
        condition: Expr,
        step: Expr,
        result: Expr,
        at offset: Int32
    ) -> Expr {
        node(
            offset,
            .comprehension(
                Comprehension(
                    iterVar: names[0],
                    iterVar2: names.count > 1 ? names[1] : nil,
                    iterRange: range,
                    accuVar: accumulator,
                    accuInit: initial,
                    loopCondition: condition,
                    loopStep: step,
                    result: result
                )
            )
        )
    }

    /// `predicate ? then : @result`
    private mutating func guarded(_ predicate: Expr, _ then: Expr, at offset: Int32) -> Expr {
        let otherwise = accumulatorRef(offset)
        return call(Operators.conditional, [predicate, then, otherwise], at: offset)
    }

    /// A copy of `expr` with fresh ids, for macros that use an argument twice: ids stay unique.
    private mutating func renumbered(_ expr: Expr) -> Expr {
        let kind: ExprKind
        switch expr.kind {
        case .error, .literal, .identifier:
            kind = expr.kind
        case .select(let operand, let field, let testOnly):
            kind = .select(operand: renumbered(operand), field: field, testOnly: testOnly)
        case .call(let function, let target, let arguments):
            let newTarget = target.map { renumbered($0) }
            kind = .call(function: function, target: newTarget, arguments: arguments.map { renumbered($0) })
        case .list(let elements, let optionalIndices):
            kind = .list(elements: elements.map { renumbered($0) }, optionalIndices: optionalIndices)
        case .map(let entries):
            kind = .map(
                entries: entries.map {
                    MapEntry(
                        id: allocateID(),
                        offset: $0.offset,
                        key: renumbered($0.key),
                        value: renumbered($0.value),
                        isOptional: $0.isOptional
                    )
                }
            )
        case .message(let typeName, let fields):
            kind = .message(
                typeName: typeName,
                fields: fields.map {
                    FieldInitializer(
                        id: allocateID(),
                        offset: $0.offset,
                        field: $0.field,
                        value: renumbered($0.value),
                        isOptional: $0.isOptional
                    )
                }
            )
        case .comprehension(let c):
            kind = .comprehension(
                Comprehension(
                    iterVar: c.iterVar,
                    iterVar2: c.iterVar2,
                    iterRange: renumbered(c.iterRange),
                    accuVar: c.accuVar,
                    accuInit: renumbered(c.accuInit),
                    loopCondition: renumbered(c.loopCondition),
                    loopStep: renumbered(c.loopStep),
                    result: renumbered(c.result)
                )
            )
        }
        let copy = node(expr.offset, kind)
        if let macroCall = macroCalls[expr.id] { macroCalls[copy.id] = macroCall }
        return copy
    }

    // MARK: - Macros

    /// `has(e.f)` becomes a presence test of `f` on `e`.
    private mutating func expandHas(_ argument: Expr, at offset: Int32) -> Expr {
        guard case .select(let operand, let field, false) = argument.kind else {
            return macroError("has() needs a field selection as its argument, such as has(m.f)", at: argument)
        }
        return node(offset, .select(operand: operand, field: field, testOnly: true))
    }

    /// `r.all(x, p)` / `r.exists(x, p)` and their two-variable forms `r.all(k, v, p)`.
    private mutating func quantifier(_ range: Expr, _ arguments: [Expr], at offset: Int32, isAll: Bool) -> Expr {
        let macro = isAll ? "all" : "exists"
        let variableCount = arguments.count - 1
        guard let names = variableNames(arguments, count: variableCount, macro: macro) else {
            return errorNode(offset)
        }
        let predicate = arguments[variableCount]
        let initial = node(offset, .literal(.bool(isAll)))
        var continueWhile = accumulatorRef(offset)
        if !isAll { continueWhile = call(Operators.logicalNot, [continueWhile], at: offset) }
        let condition = call(Operators.notStrictlyFalse, [continueWhile], at: offset)
        let accumulated = accumulatorRef(offset)
        let step = call(isAll ? Operators.logicalAnd : Operators.logicalOr, [accumulated, predicate], at: offset)
        let result = accumulatorRef(offset)
        return comprehension(
            names,
            range: range,
            initial: initial,
            condition: condition,
            step: step,
            result: result,
            at: offset
        )
    }

    /// `r.exists_one(x, p)`, `r.existsOne(x, p)` and `r.existsOne(k, v, p)`: counts matches, then `== 1`.
    private mutating func existsOne(_ range: Expr, _ arguments: [Expr], at offset: Int32) -> Expr {
        let variableCount = arguments.count - 1
        guard let names = variableNames(arguments, count: variableCount, macro: "exists_one") else {
            return errorNode(offset)
        }
        let initial = node(offset, .literal(.int(0)))
        let condition = node(offset, .literal(.bool(true)))
        let accumulated = accumulatorRef(offset)
        let one = node(offset, .literal(.int(1)))
        let increment = call(Operators.add, [accumulated, one], at: offset)
        let step = guarded(arguments[variableCount], increment, at: offset)
        let total = accumulatorRef(offset)
        let expected = node(offset, .literal(.int(1)))
        let result = call(Operators.equals, [total, expected], at: offset)
        return comprehension(
            names,
            range: range,
            initial: initial,
            condition: condition,
            step: step,
            result: result,
            at: offset
        )
    }

    /// `r.map(x, t)`, `r.map(x, p, t)` and `r.filter(x, p)`.
    private mutating func mapOrFilter(_ range: Expr, _ arguments: [Expr], at offset: Int32, keepElement: Bool) -> Expr {
        let macro = keepElement ? "filter" : "map"
        guard let names = variableNames(arguments, count: 1, macro: macro) else { return errorNode(offset) }
        let element: Expr
        var predicate: Expr?
        if keepElement {
            predicate = arguments[1]
            element = identifier(names[0], at: offset)
        } else {
            if arguments.count == 3 { predicate = arguments[1] }
            element = arguments[arguments.count - 1]
        }
        return listBuilder(names, range: range, element: element, predicate: predicate, at: offset)
    }

    /// The comprehension that appends `element` (where `predicate` holds) to a list accumulator.
    private mutating func listBuilder(
        _ names: [String],
        range: Expr,
        element: Expr,
        predicate: Expr?,
        at offset: Int32
    ) -> Expr {
        let initial = node(offset, .list(elements: [], optionalIndices: []))
        let condition = node(offset, .literal(.bool(true)))
        let accumulated = accumulatorRef(offset)
        let single = node(offset, .list(elements: [element], optionalIndices: []))
        var step = call(Operators.add, [accumulated, single], at: offset)
        if let predicate { step = guarded(predicate, step, at: offset) }
        let result = accumulatorRef(offset)
        return comprehension(
            names,
            range: range,
            initial: initial,
            condition: condition,
            step: step,
            result: result,
            at: offset
        )
    }

    enum TransformKind {
        case list
        case map
        case mapEntry
    }

    /// `transformList(i, v, [p,] t)`, `transformMap(k, v, [p,] t)` and `transformMapEntry(k, v, [p,] e)`.
    private mutating func transform(_ range: Expr, _ arguments: [Expr], at offset: Int32, kind: TransformKind) -> Expr {
        let macro =
            switch kind {
            case .list: "transformList"
            case .map: "transformMap"
            case .mapEntry: "transformMapEntry"
            }
        guard let names = variableNames(arguments, count: 2, macro: macro) else { return errorNode(offset) }
        let predicate: Expr? = arguments.count == 4 ? arguments[2] : nil
        let transformed = arguments[arguments.count - 1]
        if kind == .list {
            return listBuilder(names, range: range, element: transformed, predicate: predicate, at: offset)
        }
        let initial = node(offset, .map(entries: []))
        let condition = node(offset, .literal(.bool(true)))
        let accumulated = accumulatorRef(offset)
        var step: Expr
        if kind == .map {
            let key = identifier(names[0], at: offset)
            step = call(Operators.mapInsert, [accumulated, key, transformed], at: offset)
        } else {
            step = call(Operators.mapInsert, [accumulated, transformed], at: offset)
        }
        if let predicate { step = guarded(predicate, step, at: offset) }
        let result = accumulatorRef(offset)
        return comprehension(
            names,
            range: range,
            initial: initial,
            condition: condition,
            step: step,
            result: result,
            at: offset
        )
    }

    /// A comprehension that binds `name` to `value` while evaluating `body`, iterating over nothing.
    private mutating func binding(_ name: String, _ value: Expr, _ body: Expr, at offset: Int32) -> Expr {
        let range = node(offset, .list(elements: [], optionalIndices: []))
        let condition = node(offset, .literal(.bool(false)))
        let step = identifier(name, at: offset)
        return comprehension(
            [Self.unusedIterationVariable],
            range: range,
            accumulator: name,
            initial: value,
            condition: condition,
            step: step,
            result: body,
            at: offset
        )
    }

    /// `cel.bind(name, value, body)`.
    private mutating func expandBind(_ arguments: [Expr], at offset: Int32) -> Expr {
        guard let names = variableNames(arguments, count: 1, macro: "cel.bind") else { return errorNode(offset) }
        return binding(names[0], arguments[1], arguments[2], at: offset)
    }

    /// `o.optMap(x, t)` is `o.hasValue() ? optional.of(t with x = o.value()) : optional.none()`;
    /// `o.optFlatMap(x, t)` is the same without wrapping `t`.
    private mutating func optionalMap(_ target: Expr, _ arguments: [Expr], at offset: Int32, flat: Bool) -> Expr {
        let macro = flat ? "optFlatMap" : "optMap"
        guard let names = variableNames(arguments, count: 1, macro: macro) else { return errorNode(offset) }
        let hasValue = call("hasValue", [], at: offset, target: target)
        let value = call("value", [], at: offset, target: renumbered(target))
        var mapped = binding(names[0], value, arguments[1], at: offset)
        if !flat { mapped = call("optional.of", [mapped], at: offset) }
        let none = call("optional.none", [], at: offset)
        return call(Operators.conditional, [hasValue, mapped, none], at: offset)
    }

    /// `l.sortBy(x, key)` is `@sortByAssociatedKeys(l, l.map(x, key))`; a target other than a name is
    /// bound first, so that it is evaluated once.
    private mutating func sortBy(_ target: Expr, _ arguments: [Expr], at offset: Int32) -> Expr {
        guard let names = variableNames(arguments, count: 1, macro: "sortBy") else { return errorNode(offset) }
        let isName = if case .identifier = target.kind { true } else { false }
        let bound = "@sortBy"
        let list = isName ? target : identifier(bound, at: offset)
        let range = isName ? renumbered(target) : identifier(bound, at: offset)
        let keys = listBuilder(names, range: range, element: arguments[1], predicate: nil, at: offset)
        let sorted = call("@sortByAssociatedKeys", [list, keys], at: offset)
        return isName ? sorted : binding(bound, target, sorted, at: offset)
    }

    /// `cel.block([e0, e1, ...], result)`: the list of shared subexpressions must be a list literal.
    private mutating func expandBlock(_ arguments: [Expr], at offset: Int32) -> Expr {
        guard case .list = arguments[0].kind else {
            return macroError(
                "cel.block() needs a list literal of subexpressions as its first argument",
                at: arguments[0]
            )
        }
        return call(Operators.block, arguments, at: offset)
    }

    /// `cel.index(i)`, `cel.iterVar(i, j)` and `cel.accuVar(i, j)` name the block's slots: `@index<i>`,
    /// `@it:<i>:<j>` and `@ac:<i>:<j>`.
    private mutating func expandBlockReference(_ function: String, _ arguments: [Expr], at offset: Int32) -> Expr {
        var numbers: [Int64] = []
        for argument in arguments {
            guard case .literal(.int(let number)) = argument.kind, number >= 0 else {
                return macroError("cel.\(function)() needs non-negative int literals as arguments", at: argument)
            }
            numbers.append(number)
        }
        let name =
            switch function {
            case "index": "@index\(numbers[0])"
            case "iterVar": "@it:\(numbers[0]):\(numbers[1])"
            default: "@ac:\(numbers[0]):\(numbers[1])"
            }
        return identifier(name, at: offset)
    }
}
