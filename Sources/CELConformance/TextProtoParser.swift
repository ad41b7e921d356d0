/// The recursive-descent parser behind `TextProtoReader`, with one token of lookahead.
///
/// Recursion happens only on nested messages, and `maxNestingDepth` bounds it.
struct TextProtoParser: Sendable {
    private var lexer: TextProtoLexer
    private var current: TextProtoToken
    private let maxNestingDepth: Int

    /// Creates a parser and reads the first token.
    init(lexer: TextProtoLexer, maxNestingDepth: Int) throws(TextProtoError) {
        var lexer = lexer
        self.current = try lexer.next()
        self.lexer = lexer
        self.maxNestingDepth = maxNestingDepth
    }

    /// Parses fields up to the end of the input.
    mutating func parseDocument() throws(TextProtoError) -> TextProtoMessage {
        try parseFields(opener: nil, depth: 0)
    }

    private mutating func advance() throws(TextProtoError) {
        current = try lexer.next()
    }

    /// Parses fields until the delimiter closing `opener`, or until the end of input when `opener` is nil.
    private mutating func parseFields(opener: TextProtoToken?, depth: Int) throws(TextProtoError) -> TextProtoMessage {
        let closing: Unicode.Scalar? = opener.map { $0.isSymbol("<") ? ">" : "}" }
        var fields: [TextProtoField] = []
        while true {
            if current.kind == .end {
                guard let opener, let closing else { return TextProtoMessage(fields: fields) }
                throw current.error(
                    "expected '\(closing)' to close the message opened at \(opener.line):\(opener.column), "
                        + "found end of input"
                )
            }
            if let closing, current.isSymbol(closing) {
                try advance()
                return TextProtoMessage(fields: fields)
            }
            fields += try parseField(depth: depth)
            if current.isSymbol(",") || current.isSymbol(";") {
                try advance()
            }
        }
    }

    /// Parses one field; a list value yields one field per element.
    private mutating func parseField(depth: Int) throws(TextProtoError) -> [TextProtoField] {
        let start = current
        let name: String
        let isBracketed: Bool
        switch current.kind {
        case .identifier(let identifier):
            name = identifier
            isBracketed = false
            try advance()
        case .symbol(UInt8(ascii: "[")):
            name = try parseBracketedName()
            isBracketed = true
        default:
            throw current.error("expected a field name, found \(current.summary)")
        }
        func field(_ value: TextProtoValue, at token: TextProtoToken) -> TextProtoField {
            TextProtoField(name: name, isBracketed: isBracketed, value: value, line: token.line, column: token.column)
        }

        let hasColon = current.isSymbol(":")
        if hasColon {
            try advance()
        } else if !(current.isSymbol("{") || current.isSymbol("<") || current.isSymbol("[")) {
            throw current.error("expected ':' or '{' after field name '\(name)', found \(current.summary)")
        }

        guard current.isSymbol("[") else {
            let value = try parseValue(allowScalar: hasColon, depth: depth)
            return [field(value, at: start)]
        }
        // A list value: `[a, b, c]`, possibly empty, with no nested lists.
        try advance()
        var fields: [TextProtoField] = []
        if current.isSymbol("]") {
            try advance()
            return fields
        }
        while true {
            let element = current
            if element.isSymbol("[") {
                throw element.error("lists cannot be nested")
            }
            fields.append(field(try parseValue(allowScalar: hasColon, depth: depth), at: element))
            if current.isSymbol(",") {
                try advance()
            } else if current.isSymbol("]") {
                try advance()
                return fields
            } else {
                throw current.error("expected ',' or ']' in the list value of '\(name)', found \(current.summary)")
            }
        }
    }

    /// Parses `[a.b.c]` or `[domain/path.Type]` and returns the text between the brackets.
    private mutating func parseBracketedName() throws(TextProtoError) -> String {
        try advance()
        var name = ""
        while true {
            guard case .identifier(let part) = current.kind else {
                throw current.error("expected a name inside '[ ]', found \(current.summary)")
            }
            name += part
            try advance()
            if current.isSymbol(".") || current.isSymbol("/") {
                name += current.isSymbol(".") ? "." : "/"
                try advance()
            } else if current.isSymbol("]") {
                try advance()
                return name
            } else {
                throw current.error("expected '.', '/' or ']' in a bracketed name, found \(current.summary)")
            }
        }
    }

    /// Parses a message value, or a scalar when `allowScalar` (the field had a colon).
    private mutating func parseValue(allowScalar: Bool, depth: Int) throws(TextProtoError) -> TextProtoValue {
        let token = current
        if token.isSymbol("{") || token.isSymbol("<") {
            guard depth < maxNestingDepth else {
                throw token.error("messages nest deeper than the limit of \(maxNestingDepth)")
            }
            try advance()
            return .message(try parseFields(opener: token, depth: depth + 1))
        }
        guard allowScalar else {
            throw token.error("expected '{' to start a message value, found \(token.summary)")
        }
        return .scalar(try parseScalar())
    }

    /// Parses a string (with adjacent literals joined), a number, an identifier, or `-` before a number
    /// or `inf`/`infinity`/`nan`.
    private mutating func parseScalar() throws(TextProtoError) -> TextProtoScalar {
        let token = current
        switch token.kind {
        case .string(let first):
            var bytes = first
            try advance()
            while case .string(let next) = current.kind {
                bytes += next
                try advance()
            }
            return .string(bytes)
        case .number(let text):
            try advance()
            return .number(text)
        case .identifier(let name):
            try advance()
            return .identifier(name)
        case .symbol(UInt8(ascii: "-")):
            try advance()
            switch current.kind {
            case .number(let text):
                try advance()
                return .number("-" + text)
            case .identifier(let name) where ["inf", "infinity", "nan"].contains(name.lowercased()):
                try advance()
                return .identifier("-" + name)
            default:
                throw current.error("expected a number after '-', found \(current.summary)")
            }
        default:
            throw token.error("expected a value, found \(token.summary)")
        }
    }
}
