/// Writes a syntax tree back as CEL text that parses to the same tree (ids and offsets aside).
///
/// Macro expansions are written as the macro call the user wrote, taken from the parse's record of
/// macro calls. Parentheses are added only where precedence needs them.
public struct Unparser: Sendable {
    /// Why a tree cannot be written as CEL text.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The id of the node that has no CEL syntax.
        public var id: ExprID
        /// What is wrong.
        public var message: String
        /// The failure as one line of text.
        public var description: String { "cannot unparse node #\(id): \(message)" }
    }

    /// Creates an unparser.
    public init() {}

    /// The CEL text of a parsed expression.
    /// - Throws: ``Failure`` for trees that have no CEL syntax: error placeholders, comprehensions not
    ///   produced by a recorded macro, or internal functions.
    public func unparse(_ parsed: ParsedExpression) throws(Failure) -> String {
        var writer = Writer(macroCalls: parsed.macroCalls)
        return try writer.render(parsed.expr).text
    }

    /// The CEL text of a tree with the given macro record.
    public func unparse(_ expr: Expr, macroCalls: [ExprID: Expr] = [:]) throws(Failure) -> String {
        var writer = Writer(macroCalls: macroCalls)
        return try writer.render(expr).text
    }
}

/// Precedence levels, loosest first; a subexpression needing a tighter level than it has is parenthesized.
private enum Level: Int, Comparable {
    case conditional
    case logicalOr
    case logicalAnd
    case relation
    case addition
    case multiplication
    case unary
    case member

    static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

    static func binary(_ function: String) -> (Level, String)? {
        switch function {
        case Operators.logicalOr: (.logicalOr, "||")
        case Operators.logicalAnd: (.logicalAnd, "&&")
        case Operators.equals: (.relation, "==")
        case Operators.notEquals: (.relation, "!=")
        case Operators.less: (.relation, "<")
        case Operators.lessEquals: (.relation, "<=")
        case Operators.greater: (.relation, ">")
        case Operators.greaterEquals: (.relation, ">=")
        case Operators.in: (.relation, "in")
        case Operators.add: (.addition, "+")
        case Operators.subtract: (.addition, "-")
        case Operators.multiply: (.multiplication, "*")
        case Operators.divide: (.multiplication, "/")
        case Operators.modulo: (.multiplication, "%")
        default: nil
        }
    }
}

private struct Writer {
    let macroCalls: [ExprID: Expr]

    struct Rendered {
        var text: String
        var level: Level
    }

    func fail(_ expr: Expr, _ message: String) -> Unparser.Failure {
        Unparser.Failure(id: expr.id, message: message)
    }

    mutating func render(_ expr: Expr, atLeast level: Level) throws(Unparser.Failure) -> String {
        let rendered = try render(expr)
        return rendered.level < level ? "(\(rendered.text))" : rendered.text
    }

    mutating func render(_ expr: Expr) throws(Unparser.Failure) -> Rendered {
        if let macroCall = macroCalls[expr.id] { return try render(macroCall) }
        switch expr.kind {
        case .error:
            throw fail(expr, "the tree holds an error placeholder")
        case .literal(let literal):
            return Rendered(text: literal.celText, level: literal.isNegativeNumber ? .unary : .member)
        case .identifier(let name):
            return Rendered(text: name, level: .member)
        case .select(let operand, let field, let testOnly):
            let text = try render(operand, atLeast: .member) + "." + fieldName(field, expr)
            return Rendered(text: testOnly ? "has(\(text))" : text, level: .member)
        case .call(let function, let target, let arguments):
            return try renderCall(expr, function, target, arguments)
        case .list(let elements, let optionalIndices):
            var parts: [String] = []
            for (index, element) in elements.enumerated() {
                parts.append(
                    (optionalIndices.contains(index) ? "?" : "") + (try render(element, atLeast: .conditional))
                )
            }
            return Rendered(text: "[" + parts.joined(separator: ", ") + "]", level: .member)
        case .map(let entries):
            var parts: [String] = []
            for entry in entries {
                let key = try render(entry.key, atLeast: .conditional)
                let value = try render(entry.value, atLeast: .conditional)
                parts.append("\(entry.isOptional ? "?" : "")\(key): \(value)")
            }
            return Rendered(text: "{" + parts.joined(separator: ", ") + "}", level: .member)
        case .message(let typeName, let fields):
            var parts: [String] = []
            for field in fields {
                let value = try render(field.value, atLeast: .conditional)
                parts.append("\(field.isOptional ? "?" : "")\(try fieldName(field.field, expr)): \(value)")
            }
            return Rendered(text: typeName + "{" + parts.joined(separator: ", ") + "}", level: .member)
        case .comprehension:
            throw fail(expr, "a comprehension that no recorded macro call produced has no CEL syntax")
        }
    }

    private mutating func renderCall(
        _ expr: Expr,
        _ function: String,
        _ target: Expr?,
        _ arguments: [Expr]
    ) throws(Unparser.Failure) -> Rendered {
        if target == nil {
            if let (level, symbol) = Level.binary(function), arguments.count == 2 {
                let left = try render(arguments[0], atLeast: level)
                let right = try render(arguments[1], atLeast: Level(rawValue: level.rawValue + 1) ?? .member)
                return Rendered(text: "\(left) \(symbol) \(right)", level: level)
            }
            switch (function, arguments.count) {
            case (Operators.conditional, 3):
                let condition = try render(arguments[0], atLeast: .logicalOr)
                let whenTrue = try render(arguments[1], atLeast: .logicalOr)
                let whenFalse = try render(arguments[2], atLeast: .conditional)
                return Rendered(text: "\(condition) ? \(whenTrue) : \(whenFalse)", level: .conditional)
            case (Operators.logicalNot, 1), (Operators.negate, 1):
                return Rendered(text: try renderUnary(function, arguments[0]), level: .unary)
            case (Operators.index, 2), (Operators.optionalIndex, 2):
                let operand = try render(arguments[0], atLeast: .member)
                let index = try render(arguments[1], atLeast: .conditional)
                let open = function == Operators.index ? "[" : "[?"
                return Rendered(text: "\(operand)\(open)\(index)]", level: .member)
            case (Operators.optionalSelect, 2):
                guard case .literal(.string(let field)) = arguments[1].kind else {
                    throw fail(expr, "the field of '.?' must be a string literal")
                }
                let operand = try render(arguments[0], atLeast: .member)
                return Rendered(text: "\(operand).?\(try fieldName(field, expr))", level: .member)
            default:
                break
            }
        }
        guard isCallableName(function) else {
            throw fail(expr, "function '\(function)' is internal and has no CEL syntax")
        }
        var parts: [String] = []
        for argument in arguments { parts.append(try render(argument, atLeast: .conditional)) }
        let call = "\(function)(\(parts.joined(separator: ", ")))"
        guard let target else { return Rendered(text: call, level: .member) }
        return Rendered(text: try render(target, atLeast: .member) + "." + call, level: .member)
    }

    /// `!x` and `-x`. Repeated operators of one kind stay together (`!!x`); any other operand below
    /// member level is parenthesized, and so is a non-negative number under `-`, which would
    /// otherwise read back as a negative literal.
    private mutating func renderUnary(_ function: String, _ operand: Expr) throws(Unparser.Failure) -> String {
        let symbol = function == Operators.logicalNot ? "!" : "-"
        if macroCalls[operand.id] == nil, case .call(function, nil, let inner) = operand.kind, inner.count == 1 {
            return symbol + (try renderUnary(function, inner[0]))
        }
        if function == Operators.negate, macroCalls[operand.id] == nil, case .literal(let literal) = operand.kind {
            switch literal {
            case .int, .double: return "-(\(literal.celText))"
            default: break
            }
        }
        return symbol + (try render(operand, atLeast: .member))
    }

    /// A field name as written after `.` or in a message: plain when it is an identifier, else quoted.
    private func fieldName(_ name: String, _ expr: Expr) throws(Unparser.Failure) -> String {
        let bytes = Array(name.utf8)
        if let first = bytes.first, first.isIdentifierStart, bytes.allSatisfy(\.isIdentifierContinue),
            !["true", "false", "null", "in"].contains(name)
        {
            return name
        }
        let quotable =
            !bytes.isEmpty
            && bytes.allSatisfy {
                $0.isIdentifierContinue || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/")
                    || $0 == UInt8(ascii: " ")
            }
        guard quotable else { throw fail(expr, "field name '\(name)' cannot be written in CEL, even quoted") }
        return "`\(name)`"
    }

    /// Whether a function name can be written as a call: dot-separated identifiers, maybe with a leading dot.
    private func isCallableName(_ name: String) -> Bool {
        let segments = name.split(separator: ".", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            if segment.isEmpty {
                if index == 0 && segments.count > 1 { continue }
                return false
            }
            let bytes = Array(segment.utf8)
            guard bytes[0].isIdentifierStart, bytes.allSatisfy(\.isIdentifierContinue) else { return false }
        }
        return true
    }
}
