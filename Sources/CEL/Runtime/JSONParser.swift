/// A recursive-descent reader of JSON text (RFC 8259) into CEL values, for ``JSON/parse(bytes:options:)``.
///
/// It accepts exactly the RFC's grammar: no comments, no trailing commas, no single quotes, no leading
/// zeros, no `NaN` or `Infinity`. Strings must be valid UTF-8, control characters in them must be
/// escaped, and `\u` escapes must pair surrogates. Nesting is bounded by ``JSONReadOptions/maxDepth``,
/// so the recursion depth is too, and the input size by ``JSONReadOptions/maxBytes``. Every error
/// carries the byte offset, line and column where reading stopped.
struct JSONParser {
    private let bytes: [UInt8]
    private let options: JSONReadOptions
    private var position = 0

    init(bytes: [UInt8], options: JSONReadOptions) {
        self.bytes = bytes
        self.options = options
    }

    /// Reads the whole input as one JSON value surrounded by optional white space.
    mutating func parseDocument() throws(JSONError) -> Value {
        guard bytes.count <= options.maxBytes else {
            throw error(
                .limitExceeded,
                "the input is \(bytes.count) bytes long; the limit is \(options.maxBytes)",
                at: 0
            )
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == bytes.count else {
            throw error(.syntax, "unexpected \(describeCurrent()) after the JSON value")
        }
        return value
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws(JSONError) -> Value {
        guard position < bytes.count else { throw error(.syntax, "unexpected end of input; expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return .string(CELString(try parseString()))
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw error(.syntax, "unexpected \(describeCurrent()); expected a value")
        }
    }

    /// Up to this many keys, an object's keys are checked for duplicates by a linear scan.
    private static let scannedKeys = 12

    private mutating func parseObject(depth: Int) throws(JSONError) -> Value {
        try checkDepth(depth)
        position += 1  // {
        skipWhitespace()
        var entries: [(key: Value, value: Value)] = []
        var keys: [CELString] = []
        // Small objects (the common case) are checked for duplicate keys by a scan; a set takes over
        // from `Self.scannedKeys` keys on.
        var seen: Set<CELString> = []
        if consume(UInt8(ascii: "}")) { return .map(.empty) }
        while true {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error(.syntax, "unexpected \(describeCurrent()); expected a string key")
            }
            let keyOffset = position
            let key = CELString(try parseString())
            let duplicate: Bool
            if keys.count < Self.scannedKeys {
                duplicate = keys.contains(key)
                keys.append(key)
                if keys.count == Self.scannedKeys { seen = Set(keys) }
            } else {
                duplicate = !seen.insert(key).inserted
            }
            guard !duplicate else {
                throw error(.duplicateKey, "the key \(JSONWriter.quoted(key.value)) appears twice", at: keyOffset)
            }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else {
                throw error(.syntax, "unexpected \(describeCurrent()); expected ':' after the key")
            }
            skipWhitespace()
            let value = try parseValue(depth: depth)
            entries.append((.string(key), value))
            skipWhitespace()
            if consume(UInt8(ascii: ",")) {
                skipWhitespace()
                continue
            }
            if consume(UInt8(ascii: "}")) { break }
            throw error(.syntax, "unexpected \(describeCurrent()); expected ',' or '}' in an object")
        }
        switch CELMap.make(entries) {
        case .success(let map): return .map(map)
        case .failure(let failure): throw error(.duplicateKey, failure.message)
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONError) -> Value {
        try checkDepth(depth)
        position += 1  // [
        skipWhitespace()
        var elements: [Value] = []
        if consume(UInt8(ascii: "]")) { return .list(elements) }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            if consume(UInt8(ascii: ",")) {
                skipWhitespace()
                continue
            }
            if consume(UInt8(ascii: "]")) { return .list(elements) }
            throw error(.syntax, "unexpected \(describeCurrent()); expected ',' or ']' in an array")
        }
    }

    private func checkDepth(_ depth: Int) throws(JSONError) {
        guard depth <= options.maxDepth else {
            throw error(.limitExceeded, "arrays and objects nest deeper than \(options.maxDepth) levels")
        }
    }

    private mutating func expectWord(_ word: String) throws(JSONError) {
        let start = position
        for byte in word.utf8 {
            guard position < bytes.count, bytes[position] == byte else {
                throw error(.syntax, "unexpected \(describeCurrent()); expected '\(word)'", at: position)
            }
            position += 1
        }
        if position < bytes.count, Self.isLetterOrDigit(bytes[position]) {
            throw error(.syntax, "unexpected \(describeCurrent()) after '\(word)'", at: start)
        }
    }

    // MARK: - Strings

    /// Reads a string literal starting at its opening quote.
    private mutating func parseString() throws(JSONError) -> String {
        let start = position
        position += 1  // "
        var buffer: [UInt8] = []
        var runStart = position
        while true {
            guard position < bytes.count else {
                throw error(.syntax, "unterminated string", at: start)
            }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\""), buffer.isEmpty, runStart == start + 1 {
                // No escape: the string is the bytes between the quotes.
                guard let string = String(validating: bytes[runStart..<position], as: UTF8.self) else {
                    throw error(.syntax, "the string is not valid UTF-8", at: start)
                }
                position += 1
                return string
            }
            if byte == UInt8(ascii: "\"") {
                buffer.append(contentsOf: bytes[runStart..<position])
                position += 1
                break
            }
            if byte == UInt8(ascii: "\\") {
                buffer.append(contentsOf: bytes[runStart..<position])
                try parseEscape(into: &buffer)
                runStart = position
                continue
            }
            if byte < 0x20 {
                throw error(.syntax, "a control character (\(Self.hex(byte))) in a string must be escaped")
            }
            position += 1
        }
        guard let string = String(validating: buffer, as: UTF8.self) else {
            throw error(.syntax, "the string is not valid UTF-8", at: start)
        }
        return string
    }

    /// Reads one escape sequence starting at its backslash and appends its UTF-8 encoding.
    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONError) {
        let start = position
        position += 1  // backslash
        guard position < bytes.count else { throw error(.syntax, "unterminated string", at: start) }
        let letter = bytes[position]
        position += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(letter)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var code = try parseHexQuad(escapeStart: start)
            if (0xDC00...0xDFFF).contains(code) {
                throw error(
                    .syntax,
                    "\\u\(Self.hex4(code)) is a low surrogate without a high surrogate before it",
                    at: start
                )
            }
            if (0xD800...0xDBFF).contains(code) {
                let secondStart = position
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else {
                    throw error(
                        .syntax,
                        "\\u\(Self.hex4(code)) is a high surrogate without a low surrogate after it",
                        at: start
                    )
                }
                position += 2
                let low = try parseHexQuad(escapeStart: secondStart)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error(
                        .syntax,
                        "\\u\(Self.hex4(code)) is a high surrogate without a low surrogate after it",
                        at: start
                    )
                }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else {
                throw error(.syntax, "\\u\(Self.hex4(code)) is not a Unicode scalar", at: start)
            }
            UTF8.encode(scalar) { buffer.append($0) }
        default:
            throw error(.syntax, "unknown escape sequence '\\\(Self.printable(letter))'", at: start)
        }
    }

    /// Reads the four hex digits of a `\u` escape.
    private mutating func parseHexQuad(escapeStart: Int) throws(JSONError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count, let digit = Self.hexValue(bytes[position]) else {
                throw error(.syntax, "a \\u escape needs four hex digits", at: escapeStart)
            }
            code = code << 4 | UInt32(digit)
            position += 1
        }
        return code
    }

    // MARK: - Numbers

    /// Reads a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func parseNumber() throws(JSONError) -> Value {
        let start = position
        _ = consume(UInt8(ascii: "-"))
        guard position < bytes.count, Self.isDigit(bytes[position]) else {
            throw error(.syntax, "unexpected \(describeCurrent()); expected a digit")
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, Self.isDigit(bytes[position]) {
                throw error(.syntax, "a number must not have leading zeros", at: start)
            }
        } else {
            skipDigits()
        }
        var isIntegral = true
        if consume(UInt8(ascii: ".")) {
            isIntegral = false
            guard position < bytes.count, Self.isDigit(bytes[position]) else {
                throw error(.syntax, "unexpected \(describeCurrent()); expected a digit after the decimal point")
            }
            skipDigits()
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            isIntegral = false
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard position < bytes.count, Self.isDigit(bytes[position]) else {
                throw error(.syntax, "unexpected \(describeCurrent()); expected a digit in the exponent")
            }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isIntegral, options.integersAsInt, let integer = Int64(text) {
            return .int(integer)
        }
        guard let double = Double(text), double.isFinite else {
            throw error(.numberOutOfRange, "the number \(text) is out of the range of a double", at: start)
        }
        return .double(double)
    }

    private mutating func skipDigits() {
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }

    // MARK: - Lexical helpers

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
            || byte == UInt8(ascii: "_")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" : "") + digits
    }

    private static func hex4(_ code: UInt32) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private static func printable(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? String(UnicodeScalar(byte)) : hex(byte)
    }

    /// The byte at the current position, for messages: `'x'`, `a non-ASCII character`, `end of input`.
    private func describeCurrent() -> String {
        guard position < bytes.count else { return "end of input" }
        let byte = bytes[position]
        if byte >= 0x80 { return "non-ASCII character" }
        if byte < 0x21 || byte == 0x7F { return "character \(Self.hex(byte))" }
        return "'\(String(UnicodeScalar(byte)))'"
    }

    // MARK: - Errors

    /// An error at `offset` (the current position by default), with its line and column.
    private func error(_ code: JSONError.Code, _ message: String, at offset: Int? = nil) -> JSONError {
        let offset = min(offset ?? position, bytes.count)
        var line = 1
        var column = 1
        for byte in bytes[..<offset] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONError(code: code, message: message, offset: offset, line: line, column: column)
    }
}
