/// The mutable state of one parse: the token cursor, id allocation, limits and collected diagnostics.
///
/// The grammar itself lives in the `ParserState+*.swift` extensions, one file per grammar area.
struct ParserState {
    let source: [UInt8]
    let options: ParserOptions
    let tokens: [Token]
    var position = 0
    var nextID: ExprID = 1
    var diagnostics: [CELDiagnostic]
    var macroCalls: [ExprID: Expr] = [:]
    /// The current nesting of the tree being built (recursive rules and chained operators).
    var depth = 0
    var nodeCount = 0
    /// Set once `maxDiagnostics` is reached: from then on the input reads as ended.
    var stopped = false
    private var lastSyntaxErrorPosition = -1
    private var reportedLimits: Set<String> = []

    init(source: [UInt8], options: ParserOptions) {
        self.source = source
        self.options = options
        let (tokens, diagnostics) = Lexer.tokenize(source)
        self.tokens = tokens
        if diagnostics.count >= options.maxDiagnostics {
            let kept = Array(diagnostics.prefix(options.maxDiagnostics))
            self.diagnostics = kept
            self.diagnostics.append(Self.tooManyErrors(options.maxDiagnostics, at: kept.last?.range ?? 0..<0))
            stopped = true
        } else {
            self.diagnostics = diagnostics
        }
    }

    /// Parses the whole input as one expression; text after it is reported, then parsed for more errors.
    mutating func parseInput() -> Expr {
        let expr = parseExpr()
        while kind != .endOfInput {
            syntaxError("unexpected \(describe(current)) after the end of the expression")
            // Skip what cannot start an expression, then parse on to find any later errors.
            while kind != .endOfInput && !kind.canStartExpression { advance() }
            if kind == .endOfInput { break }
            let before = position
            _ = parseExpr()
            if position == before { advance() }
        }
        return expr
    }

    // MARK: - Tokens

    var current: Token { tokens[position] }

    /// The kind of the current token; `endOfInput` once the parse has been stopped.
    var kind: TokenKind { stopped ? .endOfInput : tokens[position].kind }

    /// The kind of the token `distance` tokens ahead.
    func peek(_ distance: Int) -> TokenKind {
        stopped ? .endOfInput : tokens[min(position + distance, tokens.count - 1)].kind
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func text(_ token: Token) -> String {
        String(decoding: source[Int(token.start)..<Int(token.end)], as: UTF8.self)
    }

    func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfInput, .invalid: return token.kind.displayName
        case .identifier: return "identifier '\(text(token))'"
        case .intLiteral, .uintLiteral, .doubleLiteral, .stringLiteral, .bytesLiteral, .quotedIdentifier:
            let shown = text(token)
            return "\(token.kind.displayName) \(shown.utf8.count > 24 ? String(shown.prefix(20)) + "..." : shown)"
        default: return token.kind.displayName
        }
    }

    // MARK: - Nodes

    @inline(__always)
    mutating func allocateID() -> ExprID {
        let id = nextID
        nextID += 1
        nodeCount += 1
        if nodeCount > options.maxNodes { nodeLimitExceeded() }
        return id
    }

    @inline(never)
    private mutating func nodeLimitExceeded() {
        limitError("expression has more than \(options.maxNodes) nodes", at: Int(current.start))
    }

    mutating func node(_ offset: Int32, _ kind: ExprKind) -> Expr {
        Expr(id: allocateID(), offset: offset, kind: kind)
    }

    mutating func errorNode(_ offset: Int32) -> Expr {
        node(offset, .error)
    }

    mutating func call(_ function: String, _ arguments: [Expr], at offset: Int32, target: Expr? = nil) -> Expr {
        node(offset, .call(function: function, target: target, arguments: arguments))
    }

    // MARK: - Nesting

    /// Enters one level of nesting. When the limit is passed it reports once, skips to the next place
    /// where the enclosing rule can go on, and returns `false`; the caller then leaves and returns an
    /// error node.
    mutating func enter() -> Bool {
        depth += 1
        return checkDepth()
    }

    /// Checks the current depth against the limit; past it, reports once, skips to the next place
    /// where the enclosing rule can go on, and returns `false`.
    @inline(__always)
    mutating func checkDepth() -> Bool {
        if depth <= options.maxNestingDepth { return true }
        depthExceeded()
        return false
    }

    @inline(never)
    private mutating func depthExceeded() {
        limitError("expression nests deeper than \(options.maxNestingDepth) levels", at: Int(current.start))
        skipBalanced(stoppingAt: [])
    }

    mutating func leave(_ levels: Int = 1) {
        depth -= levels
    }

    // MARK: - Diagnostics

    mutating func report(_ code: CELDiagnostic.Code, _ message: String, _ range: Range<Int>) {
        guard !stopped else { return }
        diagnostics.append(CELDiagnostic(code: code, message: message, range: range))
        if diagnostics.count >= options.maxDiagnostics {
            diagnostics.append(Self.tooManyErrors(options.maxDiagnostics, at: range))
            stopped = true
        }
    }

    private static func tooManyErrors(_ limit: Int, at range: Range<Int>) -> CELDiagnostic {
        CELDiagnostic(code: .limitExceeded, message: "too many errors; stopped after \(limit)", range: range)
    }

    /// Reports a syntax error at the current token, once per token: the errors that follow from an
    /// error already reported there are dropped.
    mutating func syntaxError(_ message: String) {
        guard position != lastSyntaxErrorPosition else { return }
        lastSyntaxErrorPosition = position
        // An invalid token was reported by the lexer already.
        guard current.kind != .invalid else { return }
        report(.syntaxError, message, Int(current.start)..<Int(max(current.end, current.start + 1)))
    }

    mutating func limitError(_ message: String, at offset: Int) {
        guard reportedLimits.insert(message).inserted else { return }
        report(.limitExceeded, message, offset..<(offset + 1))
    }

    /// Consumes the current token if it is `expected`; otherwise reports what was expected.
    @discardableResult
    mutating func expect(_ expected: TokenKind, _ what: String) -> Bool {
        if kind == expected {
            advance()
            return true
        }
        syntaxError("expected \(what), found \(describe(current))")
        return false
    }

    /// Skips tokens, keeping brackets balanced, up to (not past) a token of `stops` at the starting
    /// level, a closing bracket of an enclosing rule, or the end of the input.
    mutating func skipBalanced(stoppingAt stops: Set<TokenKind>) {
        var open: [TokenKind] = []
        while kind != .endOfInput {
            let k = kind
            if open.isEmpty {
                if stops.contains(k) { return }
                if k == .rightParen || k == .rightBracket || k == .rightBrace || k == .comma || k == .colon {
                    if stops.isEmpty { return }
                    if !stops.contains(k) && (k == .comma || k == .colon) {
                        advance()
                        continue
                    }
                }
            }
            switch k {
            case .leftParen: open.append(.rightParen)
            case .leftBracket: open.append(.rightBracket)
            case .leftBrace: open.append(.rightBrace)
            case .rightParen, .rightBracket, .rightBrace:
                if let last = open.last, last == k { open.removeLast() }
            default: break
            }
            advance()
        }
    }

    /// Parses `element` repeatedly, separated by commas, up to and including `closer`. The opener has
    /// been consumed. Errors inside one element do not stop the others from being parsed.
    mutating func parseSequence(
        closer: TokenKind,
        allowTrailingComma: Bool,
        what: String,
        _ element: (inout ParserState) -> Void
    ) {
        if kind == closer {
            advance()
            return
        }
        while true {
            let before = position
            element(&self)
            if kind == .comma {
                advance()
                if kind == closer {
                    if !allowTrailingComma { syntaxError("expected an expression after ',' in \(what)") }
                    advance()
                    return
                }
                continue
            }
            if kind == closer {
                advance()
                return
            }
            if kind == .endOfInput {
                syntaxError("expected ',' or \(closer.displayName) to continue \(what), found end of input")
                return
            }
            syntaxError("expected ',' or \(closer.displayName) in \(what), found \(describe(current))")
            if kind == .rightParen || kind == .rightBracket || kind == .rightBrace {
                // The wrong closing bracket: most likely meant to close this sequence.
                advance()
                return
            }
            skipBalanced(stoppingAt: [.comma, closer])
            if kind == .comma {
                advance()
            } else if kind == closer {
                advance()
                return
            } else if kind == .endOfInput {
                return
            }
            if position == before { advance() }
        }
    }

    /// The diagnostics sorted by position, errors at one place in the order they were found.
    func sortedDiagnostics() -> [CELDiagnostic] {
        diagnostics.enumerated()
            .sorted { ($0.element.range.lowerBound, $0.offset) < ($1.element.range.lowerBound, $1.offset) }
            .map(\.element)
    }
}

extension TokenKind {
    /// Whether an expression can begin with a token of this kind.
    var canStartExpression: Bool {
        switch self {
        case .identifier, .intLiteral, .uintLiteral, .doubleLiteral, .stringLiteral, .bytesLiteral, .trueKeyword,
            .falseKeyword, .nullKeyword, .dot, .leftParen, .leftBracket, .leftBrace, .minus, .bang:
            true
        default:
            false
        }
    }
}
