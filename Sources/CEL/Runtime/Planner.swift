/// Turns a parsed expression into a ``Program`` once: identifiers to slots, field names to pre-hashed
/// keys, calls to the implementations they resolve to, constants folded, constant lists and maps
/// built, `x in [constants]` made a set probe, and specializations (such as compiled regular
/// expressions) prepared. Nothing is looked up by name when the program runs.
struct Planner {
    let environment: Environment
    let parsed: ParsedExpression
    private var variables: [String] = []
    private var variableSlots: [String: Int] = [:]
    private var declared: Set<String>
    /// Local names in scope, innermost last, with their slots.
    private var scopes: [(name: String, slot: Int)] = []
    private var localCount = 0
    private var diagnostics: [CELDiagnostic] = []

    /// The checker's results, when the expression was checked: its references name the variables and
    /// the proven overloads.
    private let checked: CheckedExpression?

    init(environment: Environment, parsed: ParsedExpression, checked: CheckedExpression? = nil) {
        self.environment = environment
        self.parsed = parsed
        self.checked = checked
        var declared = Set(environment.variables)
        if let checked {
            for case .variable(let name) in checked.references.values { declared.insert(name) }
        }
        self.declared = declared
    }

    mutating func plan() throws(CompileError) -> Program {
        let root = plan(parsed.expr)
        guard diagnostics.isEmpty else {
            throw CompileError(
                diagnostics: diagnostics.sorted { $0.range.lowerBound < $1.range.lowerBound },
                source: parsed.source
            )
        }
        return Program(
            parsed: parsed,
            root: root,
            variables: variables,
            localCount: localCount,
            limits: environment.limits
        )
    }

    // MARK: - Diagnostics

    private mutating func error(_ code: CELDiagnostic.Code, _ message: String, at expr: Expr) -> Node {
        diagnostics.append(CELDiagnostic(code: code, message: message, range: Int(expr.offset)..<Int(expr.offset) + 1))
        return ConstantNode(id: expr.id, value: .error(.other, message))
    }

    // MARK: - Names

    private func local(_ name: String) -> Int? {
        scopes.last { $0.name == name }?.slot
    }

    private mutating func pushLocal(_ name: String) -> Int {
        let slot = localCount
        localCount += 1
        scopes.append((name, slot))
        return slot
    }

    private mutating func variable(_ name: String, id: ExprID) -> Node {
        if let slot = variableSlots[name] { return VariableNode(id: id, slot: slot) }
        let slot = variables.count
        variables.append(name)
        variableSlots[name] = slot
        return VariableNode(id: id, slot: slot)
    }

    /// The names a (possibly qualified) name may refer to in the container, most specific first
    /// (langdef "Name Resolution"); a leading dot means the root scope only.
    private func candidates(_ name: String) -> [String] {
        NameResolution.candidates(name, container: environment.container)
    }

    /// A declared variable or type value the name resolves to, if any.
    private mutating func resolveGlobal(_ name: String, id: ExprID) -> Node? {
        for candidate in candidates(name) {
            if declared.contains(candidate) { return variable(candidate, id: id) }
        }
        for candidate in candidates(name) {
            if let type = CELTypeValue.builtins[candidate] { return ConstantNode(id: id, value: .type(type)) }
        }
        return nil
    }

    /// The dotted name an identifier or chain of selections spells (`a.b.c`), if it is one.
    private func qualifiedName(_ expr: Expr) -> String? {
        NameResolution.qualifiedName(expr)
    }

    // MARK: - Expressions

    private mutating func plan(_ expr: Expr) -> Node {
        switch expr.kind {
        case .error:
            return error(.syntaxError, "the expression has a syntax error here", at: expr)
        case .literal(let literal):
            return ConstantNode(id: expr.id, value: Self.value(of: literal))
        case .identifier(let name):
            return planIdentifier(name, expr)
        case .select(let operand, let field, let testOnly):
            if !testOnly, let resolved = planQualifiedSelect(expr) { return resolved }
            let operandNode = plan(operand)
            let node = SelectNode(id: expr.id, operand: operandNode, field: field, mode: testOnly ? .presence : .select)
            return fold(node)
        case .call(let function, let target, let arguments):
            return planCall(expr, function, target, arguments)
        case .list(let elements, let optionalIndices):
            let nodes = elements.map { plan($0) }
            let node = ListNode(id: expr.id, elements: nodes, optionalIndices: Set(optionalIndices))
            return fold(node, when: nodes.allSatisfy { $0.constant != nil })
        case .map(let entries):
            var keys: [Node] = []
            var values: [Node] = []
            var optional: Set<Int> = []
            for (index, entry) in entries.enumerated() {
                keys.append(plan(entry.key))
                values.append(plan(entry.value))
                if entry.isOptional { optional.insert(index) }
            }
            let node = MapNode(id: expr.id, keys: keys, values: values, optionalEntries: optional)
            return fold(node, when: (keys + values).allSatisfy { $0.constant != nil })
        case .message(let typeName, _):
            return error(
                .unknownFunction,
                "message construction (\(typeName){...}) needs protocol buffer types, which this environment does not have",
                at: expr
            )
        case .comprehension(let comprehension):
            return planComprehension(expr, comprehension)
        }
    }

    private mutating func planIdentifier(_ name: String, _ expr: Expr) -> Node {
        if !name.hasPrefix("."), let slot = local(name) { return LocalNode(id: expr.id, slot: slot) }
        if case .variable(let resolved)? = checked?.references[expr.id] { return variable(resolved, id: expr.id) }
        if let global = resolveGlobal(name, id: expr.id) { return global }
        if environment.declaredVariablesOnly {
            return error(.undeclaredReference, "undeclared reference to '\(name)'", at: expr)
        }
        return variable(name.hasPrefix(".") ? String(name.dropFirst()) : name, id: expr.id)
    }

    /// `a.b.c` where a prefix of the dotted name is a declared variable: the longest such prefix wins,
    /// unless its first segment is a local.
    private mutating func planQualifiedSelect(_ expr: Expr) -> Node? {
        if case .variable(let resolved)? = checked?.references[expr.id] { return variable(resolved, id: expr.id) }
        guard let name = qualifiedName(expr) else { return nil }
        let segments = name.split(separator: ".", omittingEmptySubsequences: false)
        if let first = segments.first, !first.isEmpty, local(String(first)) != nil { return nil }
        for candidate in candidates(name) where declared.contains(candidate) {
            return variable(candidate, id: expr.id)
        }
        // Qualified type names such as `google.protobuf.Timestamp`.
        for candidate in candidates(name) {
            if let type = CELTypeValue.builtins[candidate] { return ConstantNode(id: expr.id, value: .type(type)) }
        }
        return nil
    }

    private mutating func planComprehension(_ expr: Expr, _ c: Comprehension) -> Node {
        let range = plan(c.iterRange)
        let initial = plan(c.accuInit)
        let scopeDepth = scopes.count
        let accumulator = pushLocal(c.accuVar)
        let iteration = pushLocal(c.iterVar)
        let second = c.iterVar2.map { pushLocal($0) }
        let condition = plan(c.loopCondition)
        let step = plan(c.loopStep)
        scopes.removeLast(scopes.count - scopeDepth)
        scopes.append((c.accuVar, accumulator))
        let result = plan(c.result)
        scopes.removeLast()
        return ComprehensionNode(
            id: expr.id,
            range: range,
            iterationSlot: iteration,
            secondIterationSlot: second,
            accumulatorSlot: accumulator,
            initial: initial,
            condition: condition,
            step: step,
            result: result
        )
    }

    // MARK: - Calls

    private mutating func planCall(_ expr: Expr, _ function: String, _ target: Expr?, _ arguments: [Expr]) -> Node {
        if target == nil, let special = planOperator(expr, function, arguments) { return special }
        // `optional.of(x)`, `math.greatest(...)`: a qualified global function, unless the target is a
        // variable in scope.
        if let target, let prefix = qualifiedName(target), !isBoundName(prefix) {
            let key = FunctionKey(name: prefix + "." + function, isReceiverCall: false, arity: arguments.count)
            if environment.library.names.contains(key.name) {
                return planFunction(expr, key, arguments.map { plan($0) }, constants: arguments)
            }
        }
        if let target, arguments.count == 1, function == "or" || function == "orValue" {
            let node = OptionalOrNode(
                id: expr.id,
                lhs: plan(target),
                rhs: plan(arguments[0]),
                unwraps: function == "orValue"
            )
            return fold(node)
        }
        var argumentExprs = arguments
        if let target { argumentExprs.insert(target, at: 0) }
        let key = FunctionKey(name: function, isReceiverCall: target != nil, arity: argumentExprs.count)
        let nodes = argumentExprs.map { plan($0) }
        return planFunction(expr, key, nodes, constants: argumentExprs)
    }

    /// Whether a dotted name's first segment is a local or a declared or seen variable.
    private func isBoundName(_ name: String) -> Bool {
        let first = String(name.prefix { $0 != "." })
        if local(first) != nil { return true }
        return candidates(name).contains { declared.contains($0) } || declared.contains(first)
    }

    private mutating func planFunction(_ expr: Expr, _ key: FunctionKey, _ nodes: [Node], constants _: [Expr]) -> Node {
        let library = environment.library
        // An overload the checker proved is bound to its own implementation when the library has one.
        if case .function(_, let overloads)? = checked?.references[expr.id], overloads.count == 1,
            let proven = library.overloads[overloads[0]], proven.arity == nodes.count
        {
            return fold(Self.node(for: proven, id: expr.id, nodes), when: nodes.allSatisfy { $0.constant != nil })
        }
        guard var implementation = library.functions[key] else {
            // Without a type checker, a call no implementation matches is an evaluation error, raised
            // once the arguments are evaluated (so `||` and `&&` can absorb it), as in other CEL
            // runtimes. The type checker reports these at compile time.
            let message: String
            if library.names.contains(key.name) {
                message = "no such overload: \(key.name) with \(key.arity) argument\(key.arity == 1 ? "" : "s")"
            } else {
                message = "unknown function: \(key.name)"
            }
            let error = EvalError(.noSuchOverload, message, exprID: expr.id)
            return CallNode(
                id: expr.id,
                arguments: nodes,
                implementation: .variadic(arity: nodes.count) { _ in .error(error) }
            )
        }
        if let specializer = library.specializers[key] {
            switch specializer(nodes.map(\.constant)) {
            case .success(let specialized)?: implementation = specialized
            case .failure(let failure)?: return error(.invalidArgument, failure.message, at: expr)
            case nil: break
            }
        }
        let node = Self.node(for: implementation, id: expr.id, nodes)
        return fold(node, when: !library.impure.contains(key.name) && nodes.allSatisfy { $0.constant != nil })
    }

    /// The call node for an implementation and its argument nodes.
    private static func node(for implementation: FunctionImplementation, id: ExprID, _ nodes: [Node]) -> Node {
        switch implementation {
        case .unary(let f): UnaryCallNode(id: id, argument: nodes[0], function: f)
        case .binary(let f): BinaryCallNode(id: id, lhs: nodes[0], rhs: nodes[1], function: f)
        default: CallNode(id: id, arguments: nodes, implementation: implementation)
        }
    }

    /// Operators with planner support: non-strict logic, equality, indexing, optional selection,
    /// set membership, comprehension helpers and blocks.
    private mutating func planOperator(_ expr: Expr, _ function: String, _ arguments: [Expr]) -> Node? {
        switch (function, arguments.count) {
        case (Operators.logicalAnd, 2):
            return fold(LogicalNode(id: expr.id, lhs: plan(arguments[0]), rhs: plan(arguments[1]), decisive: false))
        case (Operators.logicalOr, 2):
            return fold(LogicalNode(id: expr.id, lhs: plan(arguments[0]), rhs: plan(arguments[1]), decisive: true))
        case (Operators.conditional, 3):
            let condition = plan(arguments[0])
            let whenTrue = plan(arguments[1])
            let whenFalse = plan(arguments[2])
            if case .bool(let decided)? = condition.constant { return decided ? whenTrue : whenFalse }
            return ConditionalNode(id: expr.id, condition: condition, whenTrue: whenTrue, whenFalse: whenFalse)
        case (Operators.notStrictlyFalse, 1):
            return NotStrictlyFalseNode(id: expr.id, operand: plan(arguments[0]))
        case (Operators.equals, 2), (Operators.notEquals, 2):
            let lhs = plan(arguments[0])
            let rhs = plan(arguments[1])
            let negated = function == Operators.notEquals
            if case .string(let constant)? = rhs.constant, lhs.constant == nil {
                return EqualsStringNode(id: expr.id, operand: lhs, constant: constant, negated: negated)
            }
            if case .string(let constant)? = lhs.constant, rhs.constant == nil {
                return EqualsStringNode(id: expr.id, operand: rhs, constant: constant, negated: negated)
            }
            let node = EqualsNode(
                id: expr.id,
                lhs: lhs,
                rhs: rhs,
                negated: negated
            )
            return fold(node)
        case (Operators.index, 2), (Operators.optionalIndex, 2):
            let node = IndexNode(
                id: expr.id,
                operand: plan(arguments[0]),
                index: plan(arguments[1]),
                isOptional: function == Operators.optionalIndex
            )
            return fold(node)
        case (Operators.optionalSelect, 2):
            guard case .literal(.string(let field)) = arguments[1].kind else {
                return error(.invalidArgument, "the field of '.?' must be a name", at: expr)
            }
            return fold(SelectNode(id: expr.id, operand: plan(arguments[0]), field: field, mode: .optional))
        case (Operators.in, 2):
            let element = plan(arguments[0])
            let container = plan(arguments[1])
            if case .list(let members)? = container.constant, members.allSatisfy(MapKey.isValidKeyKind),
                let table = Self.membershipTable(members)
            {
                return fold(SetMembershipNode(id: expr.id, element: element, members: table))
            }
            return planFunction(
                expr,
                FunctionKey(name: Operators.in, isReceiverCall: false, arity: 2),
                [element, container],
                constants: arguments
            )
        case (Operators.block, 2):
            return planBlock(expr, arguments)
        default:
            return nil
        }
    }

    private mutating func planBlock(_ expr: Expr, _ arguments: [Expr]) -> Node {
        guard case .list(let elements, _) = arguments[0].kind else {
            return error(.invalidArgument, "cel.block needs a list literal of bindings", at: expr)
        }
        let scopeDepth = scopes.count
        var slots: [Int] = []
        var bindings: [Node] = []
        for (index, element) in elements.enumerated() {
            bindings.append(plan(element))
            slots.append(pushLocal("@index\(index)"))
        }
        let result = plan(arguments[1])
        scopes.removeLast(scopes.count - scopeDepth)
        return BlockNode(id: expr.id, slots: slots, bindings: bindings, result: result)
    }

    /// The distinct members of a constant list as the keys of a map (numerically equal members are one
    /// key), for `x in [constants]`.
    private static func membershipTable(_ members: [Value]) -> CELMap? {
        var seen: Set<MapKey> = []
        var entries: [(key: Value, value: Value)] = []
        for member in members {
            guard let key = MapKey(member) else { return nil }
            if seen.insert(key).inserted { entries.append((member, .null)) }
        }
        guard case .success(let table) = CELMap.make(entries) else { return nil }
        return table
    }

    // MARK: - Folding

    /// The node, or a constant when it can be computed now: all its inputs are constants and the
    /// result is not an error (errors are left to evaluation, where they belong to a request).
    private func fold(_ node: Node, when foldable: Bool = true) -> Node {
        guard foldable, let inputs = node.inputs, inputs.allSatisfy({ $0.constant != nil }) else { return node }
        let value = Self.evaluateConstant(node, limits: environment.limits)
        if value.isErrorOrUnknown { return node }
        return ConstantNode(id: node.id, value: value)
    }

    private static func evaluateConstant(_ node: Node, limits: EvaluationLimits) -> Value {
        let noVariables = [Value]()
        return noVariables.withUnsafeBufferPointer { variables in
            withUnsafeTemporaryAllocation(of: Value.self, capacity: 1) { locals in
                locals.initialize(repeating: .null)
                var frame = Frame(variables: variables, locals: locals, limits: limits)
                let value = node.evaluate(&frame)
                locals.deinitialize()
                return frame.abort == nil ? value : .error(.limitExceeded, "constant folding exceeded limits")
            }
        }
    }

    /// The runtime value of a literal.
    static func value(of literal: Literal) -> Value {
        switch literal {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .uint(let u): .uint(u)
        case .double(let d): .double(d)
        case .string(let s): .string(CELString(s))
        case .bytes(let b): .bytes(b)
        }
    }
}
