/// Member access, calls, literals and aggregate construction:
/// `Member = Primary | Member "." SELECTOR ["(" [ExprList] ")"] | Member "[" Expr "]"` and `Primary`.
extension ParserState {
    /// Words that cannot be identifiers or global function names (langdef "Syntax"), by length.
    static let reservedWordsByLength: [[[UInt8]]] = {
        let words = [
            "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
            "namespace", "return", "var", "void", "while",
        ]
        var table = [[[UInt8]]](repeating: [], count: 10)
        for word in words { table[word.utf8.count].append(Array(word.utf8)) }
        return table
    }()

    /// Whether an identifier token is a reserved word; compares bytes, without making a string.
    func isReservedWord(_ token: Token) -> Bool {
        let length = Int(token.end - token.start)
        guard length < Self.reservedWordsByLength.count else { return false }
        let text = source[Int(token.start)..<Int(token.end)]
        return Self.reservedWordsByLength[length].contains { $0.elementsEqual(text) }
    }

    /// The dotted name spelled by the tokens from `start` up to the current one (`.`, identifiers and
    /// dots only), for a message type name.
    private func qualifiedName(fromToken start: Int) -> String {
        var name = ""
        for index in start..<position { name += text(tokens[index]) }
        return name
    }

    mutating func parseMember() -> Expr {
        let start = current.start
        var (expr, nameStart) = parsePrimary()
        var steps = 0
        defer { leave(steps) }
        while true {
            switch kind {
            case .dot:
                let dot = advance()
                steps += 1
                depth += 1
                guard checkDepth() else { return expr }
                if kind == .question {
                    advance()
                    let (field, _) = parseFieldName(allowQuoted: true, context: "after '.?'")
                    let name = node(dot.start, .literal(.string(field)))
                    expr = call(Operators.optionalSelect, [expr, name], at: dot.start)
                    nameStart = nil
                    continue
                }
                let fieldToken = current
                let (field, quoted) = parseFieldName(allowQuoted: true, context: "after '.'")
                if kind == .leftParen {
                    if quoted {
                        report(
                            .syntaxError,
                            "a quoted name cannot be called; only fields may be quoted",
                            Int(fieldToken.start)..<Int(fieldToken.end)
                        )
                    }
                    advance()
                    let arguments = parseArguments()
                    expr = makeCall(field, target: expr, arguments: arguments, at: fieldToken.start)
                    nameStart = nil
                } else {
                    expr = node(dot.start, .select(operand: expr, field: field, testOnly: false))
                    if quoted { nameStart = nil }
                }
            case .leftBracket:
                let bracket = advance()
                steps += 1
                depth += 1
                guard checkDepth() else { return expr }
                let isOptional = kind == .question
                if isOptional { advance() }
                let index = parseExpr()
                expect(.rightBracket, "']' to close the index")
                expr = call(isOptional ? Operators.optionalIndex : Operators.index, [expr, index], at: bracket.start)
                nameStart = nil
            case .leftBrace:
                guard let first = nameStart else { return expr }
                expr = parseMessage(typeName: qualifiedName(fromToken: first), at: start)
                nameStart = nil
            default:
                return expr
            }
        }
    }

    /// A field or function name after `.`: an identifier (reserved words allowed) or, where allowed, a
    /// backquoted name. Keywords are rejected.
    private mutating func parseFieldName(allowQuoted: Bool, context: String) -> (name: String, quoted: Bool) {
        let token = current
        switch token.kind {
        case .identifier:
            advance()
            return (text(token), false)
        case .quotedIdentifier where allowQuoted:
            advance()
            return (String(decoding: source[Int(token.start + 1)..<Int(token.end - 1)], as: UTF8.self), true)
        case .trueKeyword, .falseKeyword, .nullKeyword, .inKeyword:
            syntaxError("keyword \(token.kind.displayName) cannot be a field name; quote it as `\(text(token))`")
            advance()
            return (text(token), false)
        case .invalid, .intLiteral, .uintLiteral, .doubleLiteral, .stringLiteral, .bytesLiteral:
            // It stands where the name should be: report it and read on after it.
            syntaxError("expected a field name \(context), found \(describe(token))")
            advance()
            return ("", false)
        default:
            syntaxError("expected a field name \(context), found \(describe(token))")
            return ("", false)
        }
    }

    /// Parses a primary; also returns, when it is a plain identifier, the position of its first token,
    /// so that a following `{` can make the dotted name a message construction.
    mutating func parsePrimary() -> (Expr, Int?) {
        let token = current
        switch token.kind {
        case .dot where peek(1) == .identifier:
            let first = position
            advance()
            let identifier = advance()
            return identifierOrCall(identifier, leadingDot: true, at: token.start, firstToken: first)
        case .identifier:
            let first = position
            advance()
            return identifierOrCall(token, leadingDot: false, at: token.start, firstToken: first)
        case .leftParen:
            advance()
            let inner = parseExpr()
            expect(.rightParen, "')' to close the parenthesis")
            return (inner, nil)
        case .leftBracket:
            advance()
            return (parseList(at: token.start), nil)
        case .leftBrace:
            advance()
            return (parseMap(at: token.start), nil)
        case .intLiteral, .uintLiteral, .doubleLiteral:
            return (parseNumber(negativeAt: nil), nil)
        case .stringLiteral, .bytesLiteral:
            advance()
            switch LiteralDecoder.decodeQuoted(
                source,
                Int(token.start)..<Int(token.end),
                mayHaveEscapes: token.hasEscape
            ) {
            case .success(.string(let value)): return (node(token.start, .literal(.string(value))), nil)
            case .success(.bytes(let value)): return (node(token.start, .literal(.bytes(value))), nil)
            case .failure(let failure):
                report(failure.code, failure.message, failure.range)
                return (errorNode(token.start), nil)
            }
        case .trueKeyword, .falseKeyword:
            advance()
            return (node(token.start, .literal(.bool(token.kind == .trueKeyword))), nil)
        case .nullKeyword:
            advance()
            return (node(token.start, .literal(.null)), nil)
        case .invalid:
            // The lexer has reported it.
            advance()
            return (errorNode(token.start), nil)
        default:
            if token.kind == .dot {
                syntaxError(
                    "expected an identifier after the leading '.', found \(describe(tokens[min(position + 1, tokens.count - 1)]))"
                )
                while kind == .dot { advance() }
                if kind.canStartExpression { return parsePrimary() }
            } else {
                syntaxError("expected an expression, found \(describe(token))")
                if !token.kind.isClosingOrSeparator {
                    advance()
                    // A stray operator (`a + * b`): read on from the next operand, so the rest of the
                    // input does not look misplaced too.
                    if kind.canStartExpression { _ = parseUnary() }
                }
            }
            return (errorNode(token.start), nil)
        }
    }

    private mutating func identifierOrCall(
        _ token: Token,
        leadingDot: Bool,
        at offset: Int32,
        firstToken: Int
    ) -> (Expr, Int?) {
        let word = text(token)
        if isReservedWord(token) {
            report(
                .reservedIdentifier,
                "'\(word)' is a reserved word and cannot be an identifier or function name",
                Int(token.start)..<Int(token.end)
            )
        }
        let name = leadingDot ? "." + word : word
        guard kind == .leftParen else {
            return (node(offset, .identifier(name)), firstToken)
        }
        advance()
        let arguments = parseArguments()
        return (makeCall(name, target: nil, arguments: arguments, at: token.start), nil)
    }

    /// The arguments of a call, after its `(`, up to and including `)`.
    mutating func parseArguments() -> [Expr] {
        guard enter() else {
            leave()
            if kind == .rightParen { advance() }
            return []
        }
        defer { leave() }
        var arguments: [Expr] = []
        if kind != .rightParen { arguments.reserveCapacity(4) }
        parseSequence(closer: .rightParen, allowTrailingComma: false, what: "the argument list") { state in
            arguments.append(state.parseExpr())
        }
        return arguments
    }

    /// Creates a call node, or its macro expansion when macros are on and one matches.
    mutating func makeCall(_ function: String, target: Expr?, arguments: [Expr], at offset: Int32) -> Expr {
        let callNode = call(function, arguments, at: offset, target: target)
        guard options.enableMacros, let expansion = expandMacro(callNode) else { return callNode }
        macroCalls[expansion.id] = callNode
        return expansion
    }

    /// An int, uint or double literal at the current token; `negativeAt` is the offset of a `-` that
    /// directly precedes it and belongs to the literal.
    mutating func parseNumber(negativeAt minus: Int32?) -> Expr {
        let token = advance()
        let offset = minus ?? token.start
        let range = Int(token.start)..<Int(token.end)
        let reportRange = Int(offset)..<Int(token.end)
        switch token.kind {
        case .doubleLiteral:
            guard let value = LiteralDecoder.double(source, range, negative: minus != nil) else {
                report(.literalOutOfRange, "double literal \(text(token)) is out of range", reportRange)
                return errorNode(offset)
            }
            return node(offset, .literal(.double(value)))
        case .uintLiteral:
            guard let value = LiteralDecoder.magnitude(source, range) else {
                report(
                    .literalOutOfRange,
                    "uint literal \(text(token)) is out of range (the largest is 18446744073709551615u)",
                    reportRange
                )
                return errorNode(offset)
            }
            return node(offset, .literal(.uint(value)))
        default:
            let limit: UInt64 = minus == nil ? UInt64(Int64.max) : UInt64(Int64.max) + 1
            guard let magnitude = LiteralDecoder.magnitude(source, range), magnitude <= limit else {
                report(
                    .literalOutOfRange,
                    "int literal \(minus == nil ? "" : "-")\(text(token)) is out of range (ints are 64-bit signed)",
                    reportRange
                )
                return errorNode(offset)
            }
            let value = minus == nil ? Int64(magnitude) : Int64(bitPattern: 0 &- magnitude)
            return node(offset, .literal(.int(value)))
        }
    }

    /// `"[" [["?"] Expr {"," ["?"] Expr}] [","] "]"`, after the `[`.
    private mutating func parseList(at offset: Int32) -> Expr {
        guard enter() else {
            leave()
            if kind == .rightBracket { advance() }
            return errorNode(offset)
        }
        defer { leave() }
        var elements: [Expr] = []
        var optionalIndices: [Int] = []
        if kind != .rightBracket { elements.reserveCapacity(4) }
        parseSequence(closer: .rightBracket, allowTrailingComma: true, what: "the list") { state in
            if state.kind == .question {
                state.advance()
                optionalIndices.append(elements.count)
            }
            elements.append(state.parseExpr())
        }
        return node(offset, .list(elements: elements, optionalIndices: optionalIndices))
    }

    /// `"{" [["?"] Expr ":" Expr {"," ...}] [","] "}"`, after the `{`.
    private mutating func parseMap(at offset: Int32) -> Expr {
        guard enter() else {
            leave()
            if kind == .rightBrace { advance() }
            return errorNode(offset)
        }
        defer { leave() }
        var entries: [MapEntry] = []
        if kind != .rightBrace { entries.reserveCapacity(4) }
        parseSequence(closer: .rightBrace, allowTrailingComma: true, what: "the map") { state in
            let isOptional = state.kind == .question
            if isOptional { state.advance() }
            let key = state.parseExpr()
            let colon = state.current
            state.expect(.colon, "':' after the map key")
            let value = state.parseExpr()
            entries.append(
                MapEntry(id: state.allocateID(), offset: colon.start, key: key, value: value, isOptional: isOptional)
            )
        }
        return node(offset, .map(entries: entries))
    }

    /// `Name "{" [["?"] Field ":" Expr {"," ...}] [","] "}"`, at the `{`.
    private mutating func parseMessage(typeName: String, at offset: Int32) -> Expr {
        advance()
        guard enter() else {
            leave()
            if kind == .rightBrace { advance() }
            return errorNode(offset)
        }
        defer { leave() }
        var fields: [FieldInitializer] = []
        parseSequence(closer: .rightBrace, allowTrailingComma: true, what: "the message fields") { state in
            let isOptional = state.kind == .question
            if isOptional { state.advance() }
            let (field, _) = state.parseFieldName(allowQuoted: true, context: "in a message construction")
            let colon = state.current
            state.expect(.colon, "':' after the field name")
            let value = state.parseExpr()
            fields.append(
                FieldInitializer(
                    id: state.allocateID(),
                    offset: colon.start,
                    field: field,
                    value: value,
                    isOptional: isOptional
                )
            )
        }
        return node(offset, .message(typeName: typeName, fields: fields))
    }
}

extension TokenKind {
    /// Closing brackets, separators and the end: tokens an enclosing rule may be waiting for.
    var isClosingOrSeparator: Bool {
        switch self {
        case .rightParen, .rightBracket, .rightBrace, .comma, .colon, .endOfInput: true
        default: false
        }
    }
}
