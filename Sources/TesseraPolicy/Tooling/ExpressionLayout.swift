internal import CEL

/// Lays out a CEL expression over several lines, for the block scalars of `tessera fmt`.
///
/// The text is the ``Unparser``'s, with line breaks added only between the parts the unparser
/// would separate with a space or a comma, so it parses back to the same tree: a top-level map
/// literal has one entry per line; any other map or list that does not fit in the width has one
/// element per line; a chain of `?:` that does not fit puts each `condition ? value :` on its own
/// line (the layout of a decision table); a chain of `&&`, `||` or `+` that does not fit puts each
/// operand on its own line, the operator ending the line before. Everything else stays on one line.
struct ExpressionLayout {
    /// The widest a line should be, counting the YAML indentation.
    var width = 100
    /// The YAML indentation of the block's lines.
    var baseIndent: Int
    let macroCalls: [ExprID: Expr]

    /// Creates a layout for an expression parsed with `macroCalls`.
    init(baseIndent: Int, macroCalls: [ExprID: Expr]) {
        self.baseIndent = baseIndent
        self.macroCalls = macroCalls
    }

    /// The lines of an expression, without the block's indentation.
    func lines(_ expr: Expr) throws(Unparser.Failure) -> [String] {
        try lines(expr, column: 0, indent: 0, hang: 0, level: .conditional, forceBreak: true)
    }

    /// Precedence levels, loosest first, as the unparser uses them.
    enum Level: Int, Comparable {
        case conditional
        case logicalOr
        case logicalAnd
        case relation
        case addition
        case multiplication
        case unary
        case member

        static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The next tighter level.
        var tighter: Level { Level(rawValue: rawValue + 1) ?? .member }
    }

    /// The binary operators a chain may break at, with their level and symbol.
    private static let chains: [String: (Level, String)] = [
        Operators.logicalOr: (.logicalOr, "||"),
        Operators.logicalAnd: (.logicalAnd, "&&"),
        Operators.add: (.addition, "+"),
    ]

    /// The level the unparser writes a node at.
    func level(of expr: Expr) -> Level {
        if macroCalls[expr.id] != nil { return .member }
        switch expr.kind {
        case .literal(.int(let value)) where value < 0: return .unary
        case .literal(.double(let value)) where value.sign == .minus && !value.isNaN: return .unary
        case .call(let function, nil, let arguments):
            switch (function, arguments.count) {
            case (Operators.conditional, 3): return .conditional
            case (Operators.logicalOr, 2): return .logicalOr
            case (Operators.logicalAnd, 2): return .logicalAnd
            case (Operators.equals, 2), (Operators.notEquals, 2), (Operators.less, 2), (Operators.lessEquals, 2),
                (Operators.greater, 2), (Operators.greaterEquals, 2), (Operators.in, 2):
                return .relation
            case (Operators.add, 2), (Operators.subtract, 2): return .addition
            case (Operators.multiply, 2), (Operators.divide, 2), (Operators.modulo, 2): return .multiplication
            case (Operators.logicalNot, 1), (Operators.negate, 1): return .unary
            default: return .member
            }
        default:
            return .member
        }
    }

    /// The unparser's one-line text, in parentheses when the node is looser than `level`.
    func flat(_ expr: Expr, atLeast level: Level) throws(Unparser.Failure) -> String {
        let text = try Unparser().unparse(expr, macroCalls: macroCalls)
        return self.level(of: expr) < level ? "(\(text))" : text
    }

    private func fits(_ text: String, column: Int) -> Bool {
        baseIndent + column + text.count <= width
    }

    private func pad(_ count: Int) -> String { String(repeating: " ", count: count) }

    /// - Parameters:
    ///   - column: where the first line starts (after whatever precedes it on its line).
    ///   - indent: the indentation of the line the expression starts on (closing brackets go there).
    ///   - hang: the indentation of continuation lines of a chain.
    private func lines(
        _ expr: Expr,
        column: Int,
        indent: Int,
        hang: Int,
        level: Level,
        forceBreak: Bool = false
    ) throws(Unparser.Failure) -> [String] {
        let text = try flat(expr, atLeast: level)
        if self.level(of: expr) < level || macroCalls[expr.id] != nil { return [text] }
        switch expr.kind {
        case .map(let entries)
        where !entries.isEmpty && (forceBreak && entries.count > 1 || !fits(text, column: column)):
            var result = ["{"]
            for (index, entry) in entries.enumerated() {
                let key = (entry.isOptional ? "?" : "") + (try flat(entry.key, atLeast: .conditional)) + ": "
                var value = try lines(
                    entry.value,
                    column: indent + 2 + key.count,
                    indent: indent + 2,
                    hang: indent + 4,
                    level: .conditional
                )
                value[0] = pad(indent + 2) + key + value[0]
                if index < entries.count - 1 { value[value.count - 1] += "," }
                result += value
            }
            return result + [pad(indent) + "}"]
        case .list(let elements, let optionalIndices) where !elements.isEmpty && !fits(text, column: column):
            var result = ["["]
            for (index, element) in elements.enumerated() {
                let mark = optionalIndices.contains(index) ? "?" : ""
                var value = try lines(
                    element,
                    column: indent + 2 + mark.count,
                    indent: indent + 2,
                    hang: indent + 4,
                    level: .conditional
                )
                value[0] = pad(indent + 2) + mark + value[0]
                if index < elements.count - 1 { value[value.count - 1] += "," }
                result += value
            }
            return result + [pad(indent) + "]"]
        case .call(Operators.conditional, nil, let arguments) where arguments.count == 3 && !fits(text, column: column):
            var result: [String] = []
            var current = expr
            while macroCalls[current.id] == nil, case .call(Operators.conditional, nil, let parts) = current.kind,
                parts.count == 3
            {
                let line =
                    (try flat(parts[0], atLeast: .logicalOr)) + " ? " + (try flat(parts[1], atLeast: .logicalOr)) + " :"
                result.append(result.isEmpty ? line : pad(hang) + line)
                current = parts[2]
            }
            var last = try lines(current, column: hang, indent: hang, hang: hang, level: .conditional)
            last[0] = pad(hang) + last[0]
            return result + last
        case .call(let function, nil, let arguments)
        where arguments.count == 2 && Self.chains[function] != nil && !fits(text, column: column):
            guard let (chainLevel, symbol) = Self.chains[function] else { return [text] }
            var operands = [arguments[1]]
            var left = arguments[0]
            while macroCalls[left.id] == nil, case .call(function, nil, let inner) = left.kind, inner.count == 2 {
                operands.insert(inner[1], at: 0)
                left = inner[0]
            }
            var result = [(try flat(left, atLeast: chainLevel)) + " \(symbol)"]
            for (index, operand) in operands.enumerated() {
                let line = pad(hang) + (try flat(operand, atLeast: chainLevel.tighter))
                result.append(index < operands.count - 1 ? line + " \(symbol)" : line)
            }
            return result
        default:
            return [text]
        }
    }
}
