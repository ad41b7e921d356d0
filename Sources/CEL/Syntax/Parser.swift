/// Parses CEL source text into an ``Expr`` tree, expanding macros, with every syntax error reported.
///
/// The parser is a hand-written lexer and recursive-descent parser for the grammar of langdef's
/// "Syntax" section. It recovers from errors, so one run reports every problem of an input, sorted by
/// position. It never traps and never loops forever: nesting depth, length and node count are bounded
/// by ``ParserOptions``.
///
/// ```swift
/// let result = Parser().parse("request.auth.claims.sub == 'admin'")
/// if let parsed = result.parsed { print(parsed.expr) } else { print(result.diagnostics.rendered(in: result.source)) }
/// ```
public struct Parser: Sendable {
    /// The settings and limits this parser applies.
    public var options: ParserOptions

    /// Creates a parser.
    public init(options: ParserOptions = ParserOptions()) {
        self.options = options
    }

    /// Parses one expression.
    ///
    /// - Parameters:
    ///   - text: The expression.
    ///   - sourceName: The name diagnostics use for the text, such as a policy file and rule.
    /// - Returns: The tree and macro record when the text has no errors, and every diagnostic.
    public func parse(_ text: String, sourceName: String = "<input>") -> ParseResult {
        parse(Source(text, name: sourceName))
    }

    /// Parses the text of a ``Source``.
    public func parse(_ source: Source) -> ParseResult {
        guard source.bytes.count <= options.maxExpressionLength else {
            let diagnostic = CELDiagnostic(
                code: .limitExceeded,
                message: "expression is \(source.bytes.count) bytes long; the limit is \(options.maxExpressionLength)",
                range: 0..<0
            )
            return ParseResult(source: source, expr: nil, macroCalls: [:], diagnostics: [diagnostic])
        }
        var state = ParserState(source: source.bytes, options: options)
        let expr = state.parseInput()
        let diagnostics = state.sortedDiagnostics()
        return ParseResult(source: source, expr: expr, macroCalls: state.macroCalls, diagnostics: diagnostics)
    }
}

/// What ``Parser/parse(_:sourceName:)`` found.
public struct ParseResult: Sendable {
    /// The source that was parsed.
    public let source: Source
    /// The tree, possibly with ``ExprKind/error`` placeholders where the parser recovered.
    public let recoveredExpr: Expr?
    /// The original macro calls, keyed by the id of the node each expanded into.
    public let macroCalls: [ExprID: Expr]
    /// Every diagnostic, sorted by position.
    public let diagnostics: [CELDiagnostic]

    init(source: Source, expr: Expr?, macroCalls: [ExprID: Expr], diagnostics: [CELDiagnostic]) {
        self.source = source
        self.recoveredExpr = expr
        self.macroCalls = macroCalls
        self.diagnostics = diagnostics
    }

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The parsed expression when the text has no errors, else `nil`.
    public var parsed: ParsedExpression? {
        guard !hasErrors, let expr = recoveredExpr else { return nil }
        return ParsedExpression(expr: expr, source: source, macroCalls: macroCalls)
    }
}

/// A syntax tree without errors, with its source and the record of the macros it expanded.
public struct ParsedExpression: Sendable {
    /// The root of the tree.
    public let expr: Expr
    /// The text the tree came from.
    public let source: Source
    /// The original macro calls, keyed by the id of the node each expanded into (for the unparser and
    /// for diagnostics that should name what the user wrote).
    public let macroCalls: [ExprID: Expr]

    /// Creates a parsed expression.
    public init(expr: Expr, source: Source, macroCalls: [ExprID: Expr] = [:]) {
        self.expr = expr
        self.source = source
        self.macroCalls = macroCalls
    }
}
