/// The kinds of token the lexer produces.
enum TokenKind: UInt8, Sendable {
    case endOfInput
    /// Bytes the lexer could not read; it has already reported why.
    case invalid
    case identifier
    /// A backquoted field name, such as `` `content-type` ``.
    case quotedIdentifier
    case intLiteral
    case uintLiteral
    case doubleLiteral
    case stringLiteral
    case bytesLiteral
    case trueKeyword
    case falseKeyword
    case nullKeyword
    case inKeyword
    case dot
    case comma
    case colon
    case question
    case leftParen
    case rightParen
    case leftBracket
    case rightBracket
    case leftBrace
    case rightBrace
    case plus
    case minus
    case star
    case slash
    case percent
    case equalEqual
    case bangEqual
    case less
    case lessEqual
    case greater
    case greaterEqual
    case andAnd
    case orOr
    case bang

    /// How the token is named in diagnostics.
    var displayName: String {
        switch self {
        case .endOfInput: "end of input"
        case .invalid: "invalid input"
        case .identifier: "identifier"
        case .quotedIdentifier: "quoted identifier"
        case .intLiteral: "int literal"
        case .uintLiteral: "uint literal"
        case .doubleLiteral: "double literal"
        case .stringLiteral: "string literal"
        case .bytesLiteral: "bytes literal"
        case .trueKeyword: "'true'"
        case .falseKeyword: "'false'"
        case .nullKeyword: "'null'"
        case .inKeyword: "'in'"
        case .dot: "'.'"
        case .comma: "','"
        case .colon: "':'"
        case .question: "'?'"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .plus: "'+'"
        case .minus: "'-'"
        case .star: "'*'"
        case .slash: "'/'"
        case .percent: "'%'"
        case .equalEqual: "'=='"
        case .bangEqual: "'!='"
        case .less: "'<'"
        case .lessEqual: "'<='"
        case .greater: "'>'"
        case .greaterEqual: "'>='"
        case .andAnd: "'&&'"
        case .orOr: "'||'"
        case .bang: "'!'"
        }
    }
}

/// One token: its kind and the UTF-8 range of the source it covers.
struct Token: Sendable, Hashable {
    var kind: TokenKind
    /// For string and bytes literals: whether the literal has a backslash escape to decode.
    var hasEscape: Bool
    var start: Int32
    var end: Int32
}
