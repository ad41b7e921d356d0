/// Splits CEL source text into tokens, following the lexis of langdef's "Syntax" section.
///
/// The lexer never stops at a bad byte: it reports a diagnostic, emits an `invalid` token and goes on,
/// so one run finds every lexical error. String and bytes literals are only delimited here; their
/// escapes are decoded (and checked) by ``LiteralDecoder`` when the parser reads them.
struct Lexer {
    /// The source, valid for the whole of ``tokenize(_:)``, which is the only place a lexer exists.
    /// Every read is at an index checked against `bytes.count` (or through `byte(at:)`).
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// Whether the quoted literal being read has a backslash escape.
    private var sawEscape = false
    private(set) var diagnostics: [CELDiagnostic] = []

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Tokenizes the whole input; the last token is always `endOfInput`.
    static func tokenize(_ source: [UInt8]) -> (tokens: [Token], diagnostics: [CELDiagnostic]) {
        source.withUnsafeBufferPointer { bytes in
            var lexer = Lexer(bytes: bytes)
            var tokens: [Token] = []
            tokens.reserveCapacity(bytes.count / 3 + 2)
            while true {
                let token = lexer.next()
                tokens.append(token)
                if token.kind == .endOfInput { break }
            }
            return (tokens, lexer.diagnostics)
        }
    }

    private func byte(at offset: Int) -> UInt8 {
        offset < bytes.count ? bytes[offset] : 0
    }

    private mutating func report(_ code: CELDiagnostic.Code, _ message: String, _ range: Range<Int>) {
        diagnostics.append(CELDiagnostic(code: code, message: message, range: range))
    }

    private func token(_ kind: TokenKind, _ start: Int) -> Token {
        Token(kind: kind, hasEscape: false, start: Int32(start), end: Int32(index))
    }

    /// Reads the next token, skipping whitespace and comments.
    mutating func next() -> Token {
        skipTrivia()
        let start = index
        guard index < bytes.count else { return token(.endOfInput, start) }
        let c = bytes[index]
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            return identifierOrPrefixedLiteral()
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number()
        case UInt8(ascii: "."):
            if byte(at: index + 1).isDigit { return number() }
            index += 1
            return token(.dot, start)
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return quoted(kind: .stringLiteral, start: start, raw: false)
        case UInt8(ascii: "`"):
            return quotedIdentifier()
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: ":"): return single(.colon)
        case UInt8(ascii: "?"): return single(.question)
        case UInt8(ascii: "("): return single(.leftParen)
        case UInt8(ascii: ")"): return single(.rightParen)
        case UInt8(ascii: "["): return single(.leftBracket)
        case UInt8(ascii: "]"): return single(.rightBracket)
        case UInt8(ascii: "{"): return single(.leftBrace)
        case UInt8(ascii: "}"): return single(.rightBrace)
        case UInt8(ascii: "+"): return single(.plus)
        case UInt8(ascii: "-"): return single(.minus)
        case UInt8(ascii: "*"): return single(.star)
        case UInt8(ascii: "/"): return single(.slash)
        case UInt8(ascii: "%"): return single(.percent)
        case UInt8(ascii: "="):
            if byte(at: index + 1) == UInt8(ascii: "=") { return double(.equalEqual) }
            index += 1
            report(.invalidToken, "unexpected '=': use '==' to compare", start..<index)
            return token(.invalid, start)
        case UInt8(ascii: "!"):
            return byte(at: index + 1) == UInt8(ascii: "=") ? double(.bangEqual) : single(.bang)
        case UInt8(ascii: "<"):
            return byte(at: index + 1) == UInt8(ascii: "=") ? double(.lessEqual) : single(.less)
        case UInt8(ascii: ">"):
            return byte(at: index + 1) == UInt8(ascii: "=") ? double(.greaterEqual) : single(.greater)
        case UInt8(ascii: "&"):
            if byte(at: index + 1) == UInt8(ascii: "&") { return double(.andAnd) }
            index += 1
            report(.invalidToken, "unexpected '&': the logical and is '&&'", start..<index)
            return token(.invalid, start)
        case UInt8(ascii: "|"):
            if byte(at: index + 1) == UInt8(ascii: "|") { return double(.orOr) }
            index += 1
            report(.invalidToken, "unexpected '|': the logical or is '||'", start..<index)
            return token(.invalid, start)
        default:
            return invalidCharacter()
        }
    }

    private mutating func single(_ kind: TokenKind) -> Token {
        index += 1
        return token(kind, index - 1)
    }

    private mutating func double(_ kind: TokenKind) -> Token {
        index += 2
        return token(kind, index - 2)
    }

    private mutating func skipTrivia() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0C:
                let text = bytes
                var i = index + 1
                while i < text.count, text[i] == UInt8(ascii: " ") { i += 1 }
                index = i
            case UInt8(ascii: "/") where byte(at: index + 1) == UInt8(ascii: "/"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            default:
                return
            }
        }
    }

    private mutating func invalidCharacter() -> Token {
        let start = index
        let lead = bytes[index]
        // Consume one whole UTF-8 sequence so the message names a character, not a byte.
        index += 1
        if lead >= 0xC0 {
            while index < bytes.count, bytes[index] & 0xC0 == 0x80, index - start < 4 { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        let shown = lead < 0x20 || lead == 0x7F ? "byte 0x\(String(lead, radix: 16, uppercase: true))" : "'\(text)'"
        report(.invalidToken, "unexpected character \(shown)", start..<index)
        return token(.invalid, start)
    }

    private mutating func identifierOrPrefixedLiteral() -> Token {
        let start = index
        let c = bytes[index]
        let n1 = byte(at: index + 1)
        // String prefixes: r"..", b"..", br"..", bR"..", B"..", R"..".
        if c == UInt8(ascii: "r") || c == UInt8(ascii: "R") {
            if n1.isQuote {
                index += 1
                return quoted(kind: .stringLiteral, start: start, raw: true)
            }
        } else if c == UInt8(ascii: "b") || c == UInt8(ascii: "B") {
            if n1.isQuote {
                index += 1
                return quoted(kind: .bytesLiteral, start: start, raw: false)
            }
            if (n1 == UInt8(ascii: "r") || n1 == UInt8(ascii: "R")) && byte(at: index + 2).isQuote {
                index += 2
                return quoted(kind: .bytesLiteral, start: start, raw: true)
            }
        }
        let text = bytes
        var i = index + 1
        while i < text.count, text[i].isIdentifierContinue { i += 1 }
        index = i
        let length = index - start
        if length == 2, c == UInt8(ascii: "i"), n1 == UInt8(ascii: "n") { return token(.inKeyword, start) }
        if length == 4, c == UInt8(ascii: "t"), matches(start, "true") { return token(.trueKeyword, start) }
        if length == 4, c == UInt8(ascii: "n"), matches(start, "null") { return token(.nullKeyword, start) }
        if length == 5, c == UInt8(ascii: "f"), matches(start, "false") { return token(.falseKeyword, start) }
        return token(.identifier, start)
    }

    private func matches(_ start: Int, _ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard start + count <= bytes.count else { return false }
        return word.withUTF8Buffer { buffer in
            for i in 0..<count where bytes[start + i] != buffer[i] { return false }
            return true
        }
    }

    private mutating func number() -> Token {
        let start = index
        if bytes[index] == UInt8(ascii: "0"),
            byte(at: index + 1) == UInt8(ascii: "x") || byte(at: index + 1) == UInt8(ascii: "X")
        {
            index += 2
            let digitsStart = index
            while index < bytes.count, bytes[index].isHexDigit { index += 1 }
            if index == digitsStart {
                report(.invalidToken, "hexadecimal literal needs at least one digit after '0x'", start..<index)
                return token(.invalid, start)
            }
            if byte(at: index) == UInt8(ascii: "u") || byte(at: index) == UInt8(ascii: "U") {
                index += 1
                return token(.uintLiteral, start)
            }
            return token(.intLiteral, start)
        }
        var isDouble = false
        while index < bytes.count, bytes[index].isDigit { index += 1 }
        if byte(at: index) == UInt8(ascii: "."), byte(at: index + 1).isDigit {
            isDouble = true
            index += 1
            while index < bytes.count, bytes[index].isDigit { index += 1 }
        }
        let e = byte(at: index)
        if e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var probe = index + 1
            if byte(at: probe) == UInt8(ascii: "+") || byte(at: probe) == UInt8(ascii: "-") { probe += 1 }
            if byte(at: probe).isDigit {
                isDouble = true
                index = probe
                while index < bytes.count, bytes[index].isDigit { index += 1 }
            }
        }
        if byte(at: index) == UInt8(ascii: "u") || byte(at: index) == UInt8(ascii: "U") {
            index += 1
            if isDouble {
                report(.invalidToken, "a double literal cannot have the 'u' suffix", start..<index)
                return token(.invalid, start)
            }
            return token(.uintLiteral, start)
        }
        return token(isDouble ? .doubleLiteral : .intLiteral, start)
    }

    /// Delimits a quoted literal whose opening quote is at `index`. Escapes are skipped, not decoded.
    private mutating func quoted(kind: TokenKind, start: Int, raw: Bool) -> Token {
        sawEscape = false
        let quote = bytes[index]
        let triple = byte(at: index + 1) == quote && byte(at: index + 2) == quote
        index += triple ? 3 : 1
        while index < bytes.count {
            // Skip ordinary bytes in a tight loop over locals, then look at the one that stopped it.
            let text = bytes
            var i = index
            while i < text.count {
                let b = text[i]
                if b == quote || b == UInt8(ascii: "\\") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { break }
                i += 1
            }
            index = i
            guard index < bytes.count else { break }
            let c = bytes[index]
            if c == UInt8(ascii: "\\") && !raw {
                // An escape: the escaped byte cannot end the literal. Raw literals have no escapes.
                sawEscape = true
                index += 2
                continue
            }
            if c == quote {
                if !triple {
                    index += 1
                    return quotedToken(kind, start)
                }
                if byte(at: index + 1) == quote && byte(at: index + 2) == quote {
                    index += 3
                    return quotedToken(kind, start)
                }
            } else if !triple && (c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r")) {
                report(
                    .invalidToken,
                    "unterminated \(kind == .bytesLiteral ? "bytes" : "string") literal: a line break needs a triple-quoted string or an escape",
                    start..<index
                )
                // Most likely a multi-line string without triple quotes: when the quote closes on a
                // later line, take all of it as this (invalid) token so its text is not read as code.
                let lineBreak = index
                while index < bytes.count, bytes[index] != quote {
                    index += bytes[index] == UInt8(ascii: "\\") && !raw ? 2 : 1
                }
                index = index < bytes.count ? index + 1 : lineBreak
                return token(.invalid, start)
            }
            index += 1
        }
        index = bytes.count
        report(.invalidToken, "unterminated \(kind == .bytesLiteral ? "bytes" : "string") literal", start..<index)
        return token(.invalid, start)
    }

    private func quotedToken(_ kind: TokenKind, _ start: Int) -> Token {
        Token(kind: kind, hasEscape: sawEscape, start: Int32(start), end: Int32(index))
    }

    private mutating func quotedIdentifier() -> Token {
        let start = index
        index += 1
        while index < bytes.count, bytes[index] != UInt8(ascii: "`") {
            let c = bytes[index]
            guard
                c.isIdentifierContinue || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "/")
                    || c == UInt8(ascii: " ")
            else {
                // Resume after the offending character so the rest of the input is still read.
                report(
                    .invalidToken,
                    "a quoted identifier may hold only letters, digits, '_', '.', '-', '/' and spaces",
                    index..<(index + 1)
                )
                while index < bytes.count, bytes[index] != UInt8(ascii: "`"), bytes[index] != UInt8(ascii: "\n") {
                    index += 1
                }
                if byte(at: index) == UInt8(ascii: "`") { index += 1 }
                return token(.invalid, start)
            }
            index += 1
        }
        guard index < bytes.count else {
            report(.invalidToken, "unterminated quoted identifier", start..<index)
            return token(.invalid, start)
        }
        index += 1
        if index - start == 2 {
            report(.invalidToken, "a quoted identifier cannot be empty", start..<index)
            return token(.invalid, start)
        }
        return token(.quotedIdentifier, start)
    }
}

extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isHexDigit: Bool {
        isDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
    var isIdentifierStart: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z"))
            || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || self == UInt8(ascii: "_")
    }
    var isIdentifierContinue: Bool { isIdentifierStart || isDigit }
    var isQuote: Bool { self == UInt8(ascii: "\"") || self == UInt8(ascii: "'") }
}
