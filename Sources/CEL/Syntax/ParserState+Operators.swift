/// The operator levels of the grammar: `?:`, `||`, `&&`, relations, `+ -`, `* / %`, and unary `! -`.
extension ParserState {
    /// `Expr = ConditionalOr ["?" ConditionalOr ":" Expr]`
    mutating func parseExpr() -> Expr {
        // Fast path: a literal or name followed directly by a separator or closing bracket is the whole
        // expression (most list elements, map keys and values, and arguments).
        switch kind {
        case .stringLiteral, .intLiteral, .uintLiteral, .doubleLiteral, .trueKeyword, .falseKeyword, .nullKeyword,
            .identifier, .bytesLiteral:
            switch peek(1) {
            case .comma, .colon, .rightBracket, .rightParen, .rightBrace: return parsePrimary().0
            default: break
            }
        default:
            break
        }
        guard enter() else {
            leave()
            return errorNode(current.start)
        }
        defer { leave() }
        let condition = parseBinary(.logicalOr)
        guard kind == .question else { return condition }
        let question = advance()
        let whenTrue = parseBinary(.logicalOr)
        expect(.colon, "':' of the conditional operator")
        let whenFalse = parseExpr()
        return call(Operators.conditional, [condition, whenTrue, whenFalse], at: question.start)
    }

    /// The binary operator levels, loosest first.
    enum BinaryLevel: Int {
        case logicalOr
        case logicalAnd
        case relation
        case addition
        case multiplication

        /// The level and operator function a token stands for, or `nil` when it is no binary operator.
        static func of(_ kind: TokenKind) -> (level: BinaryLevel, function: String)? {
            switch kind {
            case .orOr: (.logicalOr, Operators.logicalOr)
            case .andAnd: (.logicalAnd, Operators.logicalAnd)
            case .equalEqual: (.relation, Operators.equals)
            case .bangEqual: (.relation, Operators.notEquals)
            case .less: (.relation, Operators.less)
            case .lessEqual: (.relation, Operators.lessEquals)
            case .greater: (.relation, Operators.greater)
            case .greaterEqual: (.relation, Operators.greaterEquals)
            case .inKeyword: (.relation, Operators.in)
            case .plus: (.addition, Operators.add)
            case .minus: (.addition, Operators.subtract)
            case .star: (.multiplication, Operators.multiply)
            case .slash: (.multiplication, Operators.divide)
            case .percent: (.multiplication, Operators.modulo)
            default: nil
            }
        }
    }

    /// The binary levels from `minimum` up, by precedence climbing: every level is left-associative
    /// (`Level = [Level op] NextLevel`). Each chained operator counts as one level of nesting, since it
    /// deepens the tree by one.
    mutating func parseBinary(_ minimum: BinaryLevel) -> Expr {
        continueBinary(parseUnary(), minimum)
    }

    /// Continues a binary expression whose first operand is `start`, with operators of at least the
    /// given level.
    private mutating func continueBinary(_ start: Expr, _ minimum: BinaryLevel) -> Expr {
        var left = start
        var chained = 0
        defer { leave(chained) }
        while let (level, function) = BinaryLevel.of(kind), level.rawValue >= minimum.rawValue {
            let op = advance()
            chained += 1
            depth += 1
            guard checkDepth() else {
                return call(function, [left, errorNode(op.start)], at: op.start)
            }
            var right = parseUnary()
            if let next = BinaryLevel.of(kind), next.level.rawValue > level.rawValue,
                let tighter = BinaryLevel(rawValue: level.rawValue + 1)
            {
                right = continueBinary(right, tighter)
            }
            left = call(function, [left, right], at: op.start)
        }
        return left
    }

    /// `Unary = Member | "!" {"!"} Member | "-" {"-"} Member`.
    ///
    /// A `-` written directly before an int or double literal (with no selection or index after the
    /// literal) makes a negative literal, so `-9223372036854775808` is the smallest int.
    mutating func parseUnary() -> Expr {
        let opKind = kind
        guard opKind == .bang || opKind == .minus else { return parseMember() }
        var offsets: [Int32] = []
        while kind == opKind {
            offsets.append(advance().start)
        }
        let levels = offsets.count
        depth += levels
        defer { leave(levels) }
        guard checkDepth() else { return errorNode(offsets[0]) }
        var operand: Expr
        if opKind == .minus, kind == .intLiteral || kind == .doubleLiteral, peek(1) != .dot, peek(1) != .leftBracket,
            let last = offsets.popLast()
        {
            operand = parseNumber(negativeAt: last)
        } else {
            operand = parseMember()
        }
        let function = opKind == .bang ? Operators.logicalNot : Operators.negate
        for offset in offsets.reversed() {
            operand = call(function, [operand], at: offset)
        }
        return operand
    }
}
