/// Splits protobuf text format into tokens.
///
/// Works on UTF-8 bytes. It tracks the current line and the offset where that line starts; a column is
/// the number of Unicode scalars from the line start, plus one. Every call to `next()` consumes at least
/// one byte or returns `.end`, so a caller looping until `.end` always terminates.
struct TextProtoLexer: Sendable {
    private let bytes: [UInt8]
    private var offset = 0
    private var line = 1
    private var lineStart = 0
    /// An offset on the current line whose column is `countedColumn` (see `column(at:)`).
    private var countedOffset = 0
    private var countedColumn = 1

    /// Creates a lexer over UTF-8 text.
    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Reads the next token, skipping whitespace and `#` comments.
    mutating func next() throws(TextProtoError) -> TextProtoToken {
        skipTrivia()
        let line = self.line
        let column = column(at: offset)
        guard offset < bytes.count else { return TextProtoToken(kind: .end, line: line, column: column) }
        let byte = bytes[offset]
        let kind: TextProtoToken.Kind
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "/"),
            UInt8(ascii: "-"):
            offset += 1
            kind = .symbol(byte)
        case UInt8(ascii: "."):
            if offset + 1 < bytes.count, Self.isDigit(bytes[offset + 1]) {
                kind = .number(try lexNumber(line: line, column: column))
            } else {
                offset += 1
                kind = .symbol(byte)
            }
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            kind = .string(try lexString(line: line, column: column))
        case _ where Self.isDigit(byte):
            kind = .number(try lexNumber(line: line, column: column))
        case _ where Self.isIdentifierStart(byte):
            let start = offset
            while offset < bytes.count, Self.isIdentifierStart(bytes[offset]) || Self.isDigit(bytes[offset]) {
                offset += 1
            }
            kind = .identifier(String(decoding: bytes[start..<offset], as: UTF8.self))
        default:
            throw TextProtoError(line: line, column: column, message: "unexpected character \(describeCharacter())")
        }
        return TextProtoToken(kind: kind, line: line, column: column)
    }

    /// The 1-based column of a byte offset on the current line.
    ///
    /// Columns are asked for in increasing order, so counting resumes from the last answer: a document
    /// on one very long line still lexes in linear time.
    private mutating func column(at position: Int) -> Int {
        if countedOffset < lineStart || countedOffset > position {
            countedOffset = lineStart
            countedColumn = 1
        }
        while countedOffset < position {
            if bytes[countedOffset] & 0xC0 != 0x80 { countedColumn += 1 }
            countedOffset += 1
        }
        return countedColumn
    }

    private mutating func skipTrivia() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: "\n"):
                offset += 1
                line += 1
                lineStart = offset
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                offset += 1
            case UInt8(ascii: "#"):
                while offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") { offset += 1 }
            default:
                return
            }
        }
    }

    /// The character at the current offset, for an error message.
    private func describeCharacter() -> String {
        let byte = bytes[offset]
        if byte >= 0x20, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let end = min(offset + 4, bytes.count)
        let decoded = String(decoding: bytes[offset..<end], as: UTF8.self).unicodeScalars.first
        if byte >= 0x80, let scalar = decoded, scalar != "\u{FFFD}" {
            return "U+\(Self.hex(scalar.value, width: 4))"
        }
        return "byte 0x\(Self.hex(UInt32(byte), width: 2))"
    }

    // MARK: Numbers

    /// Reads a numeric literal greedily (digits, letters, `_`, `.`, and a sign right after an exponent
    /// marker), then checks that what was read is a well-formed number.
    private mutating func lexNumber(line: Int, column: Int) throws(TextProtoError) -> String {
        let start = offset
        let isHex =
            bytes[offset] == UInt8(ascii: "0") && offset + 1 < bytes.count
            && bytes[offset + 1] | 0x20 == UInt8(ascii: "x")
        while offset < bytes.count {
            let byte = bytes[offset]
            if Self.isIdentifierStart(byte) || Self.isDigit(byte) || byte == UInt8(ascii: ".") {
                offset += 1
            } else if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-"), !isHex, offset > start,
                bytes[offset - 1] | 0x20 == UInt8(ascii: "e")
            {
                offset += 1
            } else {
                break
            }
        }
        let text = Array(bytes[start..<offset])
        let string = String(decoding: text, as: UTF8.self)
        guard isHex ? Self.isWellFormedHex(text) : Self.isWellFormedDecimal(text) else {
            throw TextProtoError(line: line, column: column, message: "malformed number '\(string)'")
        }
        return string
    }

    /// `0x` followed by hex digits, with an optional `u` suffix.
    private static func isWellFormedHex(_ text: [UInt8]) -> Bool {
        var digits = text.dropFirst(2)
        if let last = digits.last, last | 0x20 == UInt8(ascii: "u") { digits = digits.dropLast() }
        return !digits.isEmpty && digits.allSatisfy(isHexDigit)
    }

    /// Digits with an optional fraction and exponent, then an optional `f` (any number) or `u` (integers)
    /// suffix.
    private static func isWellFormedDecimal(_ text: [UInt8]) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < text.count, isDigit(text[index]) { index += 1 }
            return index - start
        }
        var mantissaDigits = digits()
        var isInteger = true
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            isInteger = false
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return false }
        if index < text.count, text[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            isInteger = false
            if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return false }
        }
        if index < text.count {
            let suffix = text[index] | 0x20
            guard suffix == UInt8(ascii: "f") || (isInteger && suffix == UInt8(ascii: "u")) else { return false }
            index += 1
        }
        return index == text.count
    }

    // MARK: Strings

    /// Reads one quoted string literal and decodes its escapes. A string may not span lines.
    private mutating func lexString(line: Int, column: Int) throws(TextProtoError) -> [UInt8] {
        let quote = bytes[offset]
        offset += 1
        var decoded: [UInt8] = []
        while true {
            guard offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") else {
                throw TextProtoError(line: line, column: column, message: "unterminated string literal")
            }
            let byte = bytes[offset]
            if byte == quote {
                offset += 1
                return decoded
            }
            if byte == UInt8(ascii: "\\") {
                try lexEscape(into: &decoded, stringLine: line, stringColumn: column)
            } else {
                decoded.append(byte)
                offset += 1
            }
        }
    }

    /// Decodes the escape sequence at the current offset (which holds the backslash).
    private mutating func lexEscape(
        into decoded: inout [UInt8],
        stringLine: Int,
        stringColumn: Int
    ) throws(TextProtoError) {
        let escapeLine = line
        let escapeColumn = column(at: offset)
        func failure(_ message: String) -> TextProtoError {
            TextProtoError(line: escapeLine, column: escapeColumn, message: message)
        }
        offset += 1
        guard offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") else {
            throw TextProtoError(line: stringLine, column: stringColumn, message: "unterminated string literal")
        }
        let letter = bytes[offset]
        offset += 1
        switch letter {
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "a"): decoded.append(0x07)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "v"): decoded.append(0x0B)
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "?"):
            decoded.append(letter)
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            guard let value = readHex(maxDigits: 2), value.digits > 0 else {
                throw failure("\\x escape needs one or two hex digits")
            }
            decoded.append(UInt8(value.value))
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var value = UInt32(letter - UInt8(ascii: "0"))
            var count = 1
            while count < 3, offset < bytes.count, bytes[offset] >= UInt8(ascii: "0"),
                bytes[offset] <= UInt8(ascii: "7")
            {
                value = value * 8 + UInt32(bytes[offset] - UInt8(ascii: "0"))
                offset += 1
                count += 1
            }
            guard value <= 0xFF else { throw failure("octal escape \\\(String(value, radix: 8)) is larger than \\377") }
            decoded.append(UInt8(value))
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let width = letter == UInt8(ascii: "u") ? 4 : 8
            guard let first = readHex(maxDigits: width), first.digits == width else {
                throw failure("\\\(Character(Unicode.Scalar(letter))) escape needs \(width) hex digits")
            }
            var value = first.value
            if width == 4, (0xD800...0xDBFF).contains(value) {
                guard let combined = lowSurrogate(after: value) else {
                    throw failure(
                        "\\u\(Self.hex(value, width: 4)) is a high surrogate without a following low surrogate"
                    )
                }
                value = combined
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw failure(
                    "escape \\\(Character(Unicode.Scalar(letter)))\(Self.hex(value, width: width)) is not a Unicode scalar value"
                )
            }
            UTF8.encode(scalar) { decoded.append($0) }
        default:
            throw failure("invalid escape sequence '\\\(Self.printable(letter))'")
        }
    }

    /// Reads the `\uDC00`–`\uDFFF` half of a surrogate pair and returns the combined code point; `nil`
    /// (consuming nothing) when no low surrogate follows.
    private mutating func lowSurrogate(after high: UInt32) -> UInt32? {
        let saved = offset
        if offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
            offset += 2
            if let low = readHex(maxDigits: 4), low.digits == 4, (0xDC00...0xDFFF).contains(low.value) {
                return 0x10000 + ((high - 0xD800) << 10) + (low.value - 0xDC00)
            }
        }
        offset = saved
        return nil
    }

    /// Reads up to `maxDigits` hex digits; `nil` when there is none.
    private mutating func readHex(maxDigits: Int) -> (value: UInt32, digits: Int)? {
        var value: UInt32 = 0
        var count = 0
        while count < maxDigits, offset < bytes.count, let digit = Self.hexValue(bytes[offset]) {
            value = value << 4 | digit
            offset += 1
            count += 1
        }
        return count == 0 ? nil : (value, count)
    }

    // MARK: Character classes

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        hexValue(byte) != nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(Character(Unicode.Scalar(byte))) : "x" + hex(UInt32(byte), width: 2)
    }
}
