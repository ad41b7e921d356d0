/// A CEL type checker, written from langdef's "Gradual Type Checking": it infers the type of every
/// node from declared variables and function overloads, resolves names in the container, and
/// reports every error of an expression in one run, each with a code and a position.
public struct Checker: Sendable {
    /// The variables and functions the expression may use.
    public let declarations: Declarations
    /// The namespace names are resolved in (langdef "Name Resolution").
    public let container: String
    /// See ``CheckerState/qualifiedRoots``; computed once per checker.
    private let qualifiedRoots: Set<String>

    /// Creates a checker.
    public init(declarations: Declarations, container: String = "") {
        self.declarations = declarations
        self.container = container
        var roots: Set<String> = []
        for name in Array(declarations.variables.keys) + Array(CheckerState.typeNames.keys) where name.contains(".") {
            roots.insert(String(name.prefix { $0 != "." }))
        }
        self.qualifiedRoots = roots
    }

    /// Checks a parsed expression.
    public func check(_ parsed: ParsedExpression) -> CheckResult {
        var state = CheckerState(
            declarations: declarations,
            container: container,
            macroCalls: parsed.macroCalls,
            qualifiedRoots: qualifiedRoots
        )
        _ = state.visit(parsed.expr)
        let diagnostics = state.diagnostics.sorted { $0.range.lowerBound < $1.range.lowerBound }
        guard diagnostics.allSatisfy({ $0.severity != .error }) else {
            return CheckResult(checked: nil, diagnostics: diagnostics, source: parsed.source)
        }
        var types: [ExprID: CELType] = [:]
        for (id, type) in state.types { types[id] = type.substituting(state.substitution, unboundParametersAs: .dyn) }
        let checked = CheckedExpression(parsed: parsed, types: types, references: state.references)
        return CheckResult(checked: checked, diagnostics: diagnostics, source: parsed.source)
    }
}

/// The state of one check: scopes of comprehension variables, the substitution of type parameters,
/// and what has been found.
struct CheckerState {
    let declarations: Declarations
    let container: String
    let macroCalls: [ExprID: Expr]
    var types: [ExprID: CELType] = [:]
    var references: [ExprID: Reference] = [:]
    var diagnostics: [CELDiagnostic] = []
    var substitution = TypeSubstitution()
    /// Local names in scope with their types, innermost last.
    var scopes: [(name: String, type: CELType)] = []
    private var freshCount = 0

    /// The first segments of the dotted names that may be written as selections (`a` of a declared
    /// `a.b.c`, `google` of `google.protobuf.Timestamp`): only chains rooted at one of these are tried
    /// as qualified names, so ordinary field selections cost no string work.
    let qualifiedRoots: Set<String>

    init(declarations: Declarations, container: String, macroCalls: [ExprID: Expr], qualifiedRoots: Set<String>) {
        self.declarations = declarations
        self.container = container
        self.macroCalls = macroCalls
        self.qualifiedRoots = qualifiedRoots
    }

    /// Whether a selection chain may spell a qualified name: its root identifier starts a dotted
    /// declared name, or a container or leading dot changes how names resolve.
    func mayBeQualifiedName(_ expr: Expr) -> Bool {
        var current = expr
        while true {
            switch current.kind {
            case .select(let operand, _, false):
                current = operand
            case .identifier(let name):
                if !container.isEmpty || name.hasPrefix(".") { return true }
                return qualifiedRoots.contains(name)
            default:
                return false
            }
        }
    }

    // MARK: - Helpers

    mutating func error(_ code: CELDiagnostic.Code, _ message: String, at expr: Expr) {
        diagnostics.append(CELDiagnostic(code: code, message: message, range: Int(expr.offset)..<Int(expr.offset) + 1))
    }

    /// The type as currently known, with the bindings found so far applied.
    func resolved(_ type: CELType) -> CELType {
        type.substituting(substitution)
    }

    /// A fresh type parameter, for a call's overload or an empty literal.
    mutating func fresh() -> CELType {
        freshCount += 1
        return .typeParameter("_T\(freshCount)")
    }

    mutating func record(_ expr: Expr, _ type: CELType) -> CELType {
        types[expr.id] = type
        return type
    }

    func local(_ name: String) -> CELType? {
        scopes.last { $0.name == name }?.type
    }

    /// The names a (possibly qualified) name may refer to in the container, most specific first.
    func candidates(_ name: String) -> [String] {
        NameResolution.candidates(name, container: container)
    }

    func qualifiedName(_ expr: Expr) -> String? {
        NameResolution.qualifiedName(expr)
    }

    /// The declared variable or type a global name resolves to.
    func resolveGlobal(_ name: String) -> (String, CELType, Reference)? {
        for candidate in candidates(name) {
            if let type = declarations.variables[candidate] { return (candidate, type, .variable(candidate)) }
        }
        for candidate in candidates(name) {
            if let type = Self.typeNames[candidate] { return (candidate, .type(type), .type(type)) }
        }
        return nil
    }

    static let typeNames: [String: CELType] = [
        "int": .int, "uint": .uint, "double": .double, "bool": .bool, "string": .string, "bytes": .bytes,
        "null_type": .null, "list": .list(.dyn), "map": .map(.dyn, .dyn), "type": .type(nil),
        "google.protobuf.Timestamp": .timestamp, "google.protobuf.Duration": .duration,
        "optional_type": .optional(.dyn), "net.IP": CELType.ipAddress, "net.CIDR": CELType.ipNetwork,
    ]

    // MARK: - Expressions

    mutating func visit(_ expr: Expr) -> CELType {
        switch expr.kind {
        case .error:
            return record(expr, .error)
        case .literal(let literal):
            return record(expr, Self.type(of: literal))
        case .identifier(let name):
            if !name.hasPrefix("."), let type = local(name) { return record(expr, type) }
            if let (_, type, reference) = resolveGlobal(name) {
                references[expr.id] = reference
                return record(expr, type)
            }
            let shown = container.isEmpty ? "" : container
            error(.undeclaredReference, "undeclared reference to '\(name)' (in container '\(shown)')", at: expr)
            return record(expr, .error)
        case .select(let operand, let field, let testOnly):
            if !testOnly, mayBeQualifiedName(expr), let name = qualifiedName(expr),
                let first = name.split(separator: ".").first,
                name.hasPrefix(".") || local(String(first)) == nil, let (_, type, reference) = resolveGlobal(name)
            {
                references[expr.id] = reference
                return record(expr, type)
            }
            let operandType = visit(operand)
            let fieldType = selectType(operandType, field: field, at: expr)
            return record(expr, testOnly ? .bool : fieldType)
        case .call(let function, let target, let arguments):
            return record(expr, visitCall(expr, function, target, arguments))
        case .list(let elements, let optionalIndices):
            var elementType: CELType?
            for (index, element) in elements.enumerated() {
                var type = visit(element)
                if optionalIndices.contains(index) { type = optionalValue(type, at: element) }
                elementType = elementType.map { CELType.join($0, type, substitution: &substitution) } ?? type
            }
            return record(expr, .list(elementType ?? fresh()))
        case .map(let entries):
            var keyType: CELType?
            var valueType: CELType?
            for entry in entries {
                let key = visit(entry.key)
                var value = visit(entry.value)
                if entry.isOptional { value = optionalValue(value, at: entry.value) }
                keyType = keyType.map { CELType.join($0, key, substitution: &substitution) } ?? key
                valueType = valueType.map { CELType.join($0, value, substitution: &substitution) } ?? value
            }
            return record(expr, .map(keyType ?? fresh(), valueType ?? fresh()))
        case .message(let typeName, let fields):
            for field in fields { _ = visit(field.value) }
            error(.undeclaredReference, "undeclared message type '\(typeName)'", at: expr)
            return record(expr, .error)
        case .comprehension(let comprehension):
            return record(expr, visitComprehension(comprehension, at: expr))
        }
    }

    static func type(of literal: Literal) -> CELType {
        switch literal {
        case .null: .null
        case .bool: .bool
        case .int: .int
        case .uint: .uint
        case .double: .double
        case .string: .string
        case .bytes: .bytes
        }
    }

    /// The `T` of an `optional_type(T)` written with `?`; other types are errors unless dynamic.
    mutating func optionalValue(_ type: CELType, at expr: Expr) -> CELType {
        let current = resolved(type)
        if let inner = current.optionalValueType { return inner }
        if current.isDynamic { return .dyn }
        var trial = substitution
        let inner = fresh()
        if CELType.isAssignable(from: current, to: .optional(inner), substitution: &trial) {
            substitution = trial
            return inner
        }
        error(.typeMismatch, "expected an optional value after '?', found \(current)", at: expr)
        return .error
    }

    /// The type of `operand.field`.
    mutating func selectType(_ operandType: CELType, field: String, at expr: Expr) -> CELType {
        let type = resolved(operandType)
        switch type {
        case .map(let key, let value):
            if CELType.isAssignable(from: .string, to: key, substitution: &substitution) { return value }
            error(.typeMismatch, "type '\(type)' does not support field selection: its keys are not strings", at: expr)
            return .error
        case .dyn, .any, .error, .typeParameter:
            return .dyn
        case .message:
            return .dyn
        default:
            if let inner = type.optionalValueType {
                // Selection through an optional value is optional selection.
                let selected = selectType(inner, field: field, at: expr)
                return .optional(selected.optionalValueType ?? selected)
            }
            error(.typeMismatch, "type '\(type)' does not support field selection ('\(field)')", at: expr)
            return .error
        }
    }

    mutating func visitComprehension(_ c: Comprehension, at expr: Expr) -> CELType {
        let rangeType = resolved(visit(c.iterRange))
        var iterationType: CELType = .dyn
        var secondType: CELType = .dyn
        switch rangeType {
        case .list(let element):
            iterationType = c.iterVar2 == nil ? element : .int
            secondType = element
        case .map(let key, let value):
            iterationType = key
            secondType = value
        case .dyn, .any, .error, .typeParameter:
            break
        default:
            error(
                .typeMismatch,
                "expression of type '\(rangeType)' cannot be the range of a comprehension",
                at: c.iterRange
            )
        }
        let accumulatorType = visit(c.accuInit)
        let depth = scopes.count
        scopes.append((c.accuVar, accumulatorType))
        scopes.append((c.iterVar, iterationType))
        if let second = c.iterVar2 { scopes.append((second, secondType)) }
        let condition = resolved(visit(c.loopCondition))
        if !CELType.isAssignable(from: condition, to: .bool, substitution: &substitution) {
            error(.typeMismatch, "a comprehension condition must be a bool, found '\(condition)'", at: c.loopCondition)
        }
        let step = visit(c.loopStep)
        if !CELType.isAssignable(from: step, to: accumulatorType, substitution: &substitution) {
            error(
                .typeMismatch,
                "the step of a comprehension has type '\(resolved(step))', its accumulator '\(resolved(accumulatorType))'",
                at: c.loopStep
            )
        }
        scopes.removeLast(scopes.count - depth)
        scopes.append((c.accuVar, accumulatorType))
        let result = visit(c.result)
        scopes.removeLast()
        return result
    }

    // MARK: - Calls

    mutating func visitCall(_ expr: Expr, _ function: String, _ target: Expr?, _ arguments: [Expr]) -> CELType {
        if target == nil, function == Operators.block, arguments.count == 2,
            case .list(let bindings, _) = arguments[0].kind
        {
            let depth = scopes.count
            for (index, binding) in bindings.enumerated() { scopes.append(("@index\(index)", visit(binding))) }
            _ = record(arguments[0], .list(.dyn))
            let result = visit(arguments[1])
            scopes.removeLast(scopes.count - depth)
            return result
        }
        // `optional.of(x)`, `math.greatest(...)`: a qualified function, unless the target is bound.
        if let target, case .identifier = target.kind, let prefix = qualifiedName(target),
            declarations.functions[prefix + "." + function] != nil
        {
            let first = String(prefix.prefix { $0 != "." })
            if local(first) == nil && resolveGlobal(prefix) == nil {
                let types = arguments.map { visit($0) }
                return resolveOverload(expr, prefix + "." + function, receiverStyle: false, types, arguments)
            }
        }
        var argumentExprs = arguments
        if let target { argumentExprs.insert(target, at: 0) }
        let types = argumentExprs.map { visit($0) }
        return resolveOverload(expr, function, receiverStyle: target != nil, types, argumentExprs)
    }

    /// Picks the overloads whose parameters accept the argument types; the result is their common
    /// result type.
    mutating func resolveOverload(
        _ expr: Expr,
        _ function: String,
        receiverStyle: Bool,
        _ argumentTypes: [CELType],
        _ argumentExprs: [Expr]
    ) -> CELType {
        if argumentTypes.contains(where: { resolved($0) == .error }) { return .error }
        guard let declaration = declarations.functions[function] else {
            error(.undeclaredReference, "undeclared reference to '\(function)' (in container '\(container)')", at: expr)
            return .error
        }
        var matched: [String] = []
        var resultType: CELType?
        var committed = substitution
        // When several overloads fit, the most specific ones (fewest `dyn` parameters) decide.
        var fewestDynamic = Int.max
        for overload in declaration.overloads
        where overload.isReceiverStyle == receiverStyle && overload.parameters.count == argumentTypes.count {
            // Give the overload's type parameters fresh names for this call.
            var renamed: [String: CELType] = [:]
            for name in overload.typeParameters { renamed[name] = fresh() }
            let generic = !renamed.isEmpty
            func instantiate(_ type: CELType) -> CELType {
                generic ? type.replacingTypeParameters { renamed[$0] ?? .typeParameter($0) } : type
            }
            var trial = substitution
            var fits = true
            for (argument, parameter) in zip(argumentTypes, overload.parameters)
            where !CELType.isAssignable(from: argument, to: instantiate(parameter), substitution: &trial) {
                fits = false
                break
            }
            guard fits else { continue }
            let dynamicCount = overload.parameters.filter(\.isDynamic).count
            if dynamicCount > fewestDynamic { continue }
            let result = instantiate(overload.result).substituting(trial)
            if dynamicCount < fewestDynamic {
                fewestDynamic = dynamicCount
                matched = []
                resultType = nil
            }
            matched.append(overload.id)
            if let previous = resultType {
                resultType = previous == result ? previous : .dyn
            } else {
                resultType = result
                committed = trial
            }
        }
        guard let resultType else {
            let shown = argumentTypes.map { resolved($0).description }.joined(separator: ", ")
            let callee =
                receiverStyle ? "\(shown.split(separator: ",").first.map(String.init) ?? "").\(function)" : function
            error(
                .noMatchingOverload,
                "found no matching overload for '\(function)' applied to '(\(shown))'"
                    + (receiverStyle ? " (receiver-style, as \(callee)(...))" : ""),
                at: expr
            )
            return .error
        }
        if matched.count == 1 { substitution = committed }
        references[expr.id] = .function(name: function, overloadIDs: matched)
        return resultType
    }
}
