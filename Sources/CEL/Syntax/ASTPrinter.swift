/// Prints a syntax tree as an indented outline, one node per line, for `tessera parse` and for tests.
///
/// ```
/// call _==_ #5 1:25
///   select sub #4 1:20
/// ```
public struct ASTPrinter: Sendable {
    /// Whether each line shows the node's id and source position.
    public var showsPositions: Bool

    /// Creates a printer.
    public init(showsPositions: Bool = true) {
        self.showsPositions = showsPositions
    }

    /// The outline of a parsed expression, with positions as line:column of its source.
    public func print(_ parsed: ParsedExpression) -> String {
        var out = ""
        write(parsed.expr, source: parsed.source, indent: 0, label: nil, into: &out)
        return out
    }

    /// The outline of a tree; positions are shown as UTF-8 offsets when no source is given.
    public func print(_ expr: Expr, source: Source? = nil) -> String {
        var out = ""
        write(expr, source: source, indent: 0, label: nil, into: &out)
        return out
    }

    private func position(_ id: ExprID, _ offset: Int32, _ source: Source?) -> String {
        guard showsPositions else { return "" }
        if let source { return " #\(id) \(source.location(of: Int(offset)))" }
        return " #\(id) @\(offset)"
    }

    private func write(_ expr: Expr, source: Source?, indent: Int, label: String?, into out: inout String) {
        let pad = String(repeating: "  ", count: indent)
        let prefix = pad + (label.map { "\($0): " } ?? "")
        let at = position(expr.id, expr.offset, source)
        switch expr.kind {
        case .error:
            out += "\(prefix)error\(at)\n"
        case .literal(let literal):
            out += "\(prefix)literal \(literal.celText)\(at)\n"
        case .identifier(let name):
            out += "\(prefix)ident \(name)\(at)\n"
        case .select(let operand, let field, let testOnly):
            out += "\(prefix)\(testOnly ? "has" : "select") \(field)\(at)\n"
            write(operand, source: source, indent: indent + 1, label: nil, into: &out)
        case .call(let function, let target, let arguments):
            out += "\(prefix)call \(function)\(at)\n"
            if let target { write(target, source: source, indent: indent + 1, label: "target", into: &out) }
            for argument in arguments { write(argument, source: source, indent: indent + 1, label: nil, into: &out) }
        case .list(let elements, let optionalIndices):
            out += "\(prefix)list\(at)\n"
            for (index, element) in elements.enumerated() {
                let mark = optionalIndices.contains(index) ? "?" : nil
                write(element, source: source, indent: indent + 1, label: mark, into: &out)
            }
        case .map(let entries):
            out += "\(prefix)map\(at)\n"
            for entry in entries {
                out += "\(pad)  \(entry.isOptional ? "?" : "")entry\(position(entry.id, entry.offset, source))\n"
                write(entry.key, source: source, indent: indent + 2, label: "key", into: &out)
                write(entry.value, source: source, indent: indent + 2, label: "value", into: &out)
            }
        case .message(let typeName, let fields):
            out += "\(prefix)message \(typeName)\(at)\n"
            for field in fields {
                let label = "\(field.isOptional ? "?" : "")\(field.field)\(position(field.id, field.offset, source))"
                write(field.value, source: source, indent: indent + 1, label: label, into: &out)
            }
        case .comprehension(let c):
            let variables = c.iterVar2.map { "\(c.iterVar), \($0)" } ?? c.iterVar
            out += "\(prefix)comprehension (\(variables)) accumulator \(c.accuVar)\(at)\n"
            write(c.iterRange, source: source, indent: indent + 1, label: "range", into: &out)
            write(c.accuInit, source: source, indent: indent + 1, label: "init", into: &out)
            write(c.loopCondition, source: source, indent: indent + 1, label: "condition", into: &out)
            write(c.loopStep, source: source, indent: indent + 1, label: "step", into: &out)
            write(c.result, source: source, indent: indent + 1, label: "result", into: &out)
        }
    }
}
