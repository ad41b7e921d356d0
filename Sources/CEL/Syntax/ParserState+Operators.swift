/// The operator levels of the grammar: `?:`, `||`, `&&`, relations, `+ -`, `* / %`, and unary `! -`.
extension ParserState {
    /// `Expr = ConditionalOr ["?" ConditionalOr ":" Expr]`
    mutating func parseExpr() -> Expr {
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

        /// The operator function a token stands for at this level, or `nil`.
        func function(for kind: TokenKind) -> String? {
            switch (self, kind) {
            case (.logicalOr, .orOr): Operators.logicalOr
            case (.logicalAnd, .andAnd): Operators.logicalAnd
            case (.relation, .equalEqual): Operators.equals
            case (.relation, .bangEqual): Operators.notEquals
            case (.relation, .less): Operators.less
            case (.relation, .lessEqual): Operators.lessEquals
            case (.relation, .greater): Operators.greater
            case (.relation, .greaterEqual): Operators.greaterEquals
            case (.relation, .inKeyword): Operators.in
            case (.addition, .plus): Operators.add
            case (.addition, .minus): Operators.subtract
            case (.multiplication, .star): Operators.multiply
            case (.multiplication, .slash): Operators.divide
            case (.multiplication, .percent): Operators.modulo
            default: nil
            }
        }
    }

    /// One left-associative level: `Level = [Level op] NextLevel`. Each chained operator counts as
    /// one level of nesting, since it deepens the tree by one.
    mutating func parseBinary(_ level: BinaryLevel) -> Expr {
        var left = parseOperand(of: level)
        var chained = 0
        defer { leave(chained) }
        while let function = level.function(for: kind) {
            let op = advance()
            chained += 1
            depth += 1
            guard checkDepth() else {
                return call(function, [left, errorNode(op.start)], at: op.start)
            }
            let right = parseOperand(of: level)
            left = call(function, [left, right], at: op.start)
        }
        return left
    }

    private mutating func parseOperand(of level: BinaryLevel) -> Expr {
        if let next = BinaryLevel(rawValue: level.rawValue + 1) {
            return parseBinary(next)
        }
        return parseUnary()
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
