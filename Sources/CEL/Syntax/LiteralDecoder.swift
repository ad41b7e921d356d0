/// Decodes the text of literal tokens into values, checking what the lexer only delimited.
enum LiteralDecoder {
    /// A problem in a literal, with the UTF-8 range it covers in the source.
    struct Failure: Error {
        var code: CELDiagnostic.Code
        var message: String
        var range: Range<Int>
    }

    /// The decoded value of a string or bytes literal token.
    enum Quoted {
        case string(String)
        case bytes([UInt8])
    }

    /// Decodes a string or bytes literal spanning `range` of `source`: prefixes, quotes and escapes.
    /// `mayHaveEscapes` false (the lexer saw no backslash) skips the search for escapes.
    static func decodeQuoted(_ source: [UInt8], _ range: Range<Int>, mayHaveEscapes: Bool = true) -> Result<
        Quoted, Failure
    > {
        var index = range.lowerBound
        var isBytes = false
        var isRaw = false
        while index < range.upperBound, !source[index].isQuote {
            switch source[index] {
            case UInt8(ascii: "b"), UInt8(ascii: "B"): isBytes = true
            default: isRaw = true
            }
            index += 1
        }
        let quote = source[index]
        let triple = range.upperBound - index >= 6 && source[index + 1] == quote && source[index + 2] == quote
        let delimiter = triple ? 3 : 1
        let content = (index + delimiter)..<(range.upperBound - delimiter)

        // Most literals have no escapes: make the value straight from the source bytes.
        if isRaw || !mayHaveEscapes || !source[content].contains(UInt8(ascii: "\\")) {
            if isBytes { return .success(.bytes(Array(source[content]))) }
            return .success(.string(String(decoding: source[content], as: UTF8.self)))
        }
        var out: [UInt8] = []
        out.reserveCapacity(content.count)
        var i = content.lowerBound
        while i < content.upperBound {
            let c = source[i]
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                i += 1
                continue
            }
            let escapeStart = i
            let kind = i + 1 < content.upperBound ? source[i + 1] : 0
            i += 2
            func fail(_ message: String) -> Result<Quoted, Failure> {
                .failure(
                    Failure(code: .invalidToken, message: message, range: escapeStart..<min(i, content.upperBound))
                )
            }
            switch kind {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "\\"), UInt8(ascii: "?"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
                out.append(kind)
            case UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let digits = kind == UInt8(ascii: "u") ? 4 : kind == UInt8(ascii: "U") ? 8 : 2
                guard i + digits <= content.upperBound else {
                    i = content.upperBound
                    return fail("escape '\\\(Character(Unicode.Scalar(kind)))' needs \(digits) hexadecimal digits")
                }
                var value: UInt32 = 0
                for _ in 0..<digits {
                    guard let digit = source[i].hexValue else {
                        i += 1
                        return fail("escape '\\\(Character(Unicode.Scalar(kind)))' needs \(digits) hexadecimal digits")
                    }
                    value = value << 4 | UInt32(digit)
                    i += 1
                }
                if digits == 2 {
                    appendCodeUnit(value, isBytes: isBytes, to: &out)
                } else {
                    guard let scalar = Unicode.Scalar(value) else {
                        return fail(
                            value >= 0xD800 && value <= 0xDFFF
                                ? "escape names a surrogate code point, which is not a character"
                                : "escape names a code point beyond U+10FFFF"
                        )
                    }
                    out.append(contentsOf: String(scalar).utf8)
                }
            case UInt8(ascii: "0")...UInt8(ascii: "3"):
                guard i + 2 <= content.upperBound, source[i].isOctalDigit, source[i + 1].isOctalDigit else {
                    i = min(i + 2, content.upperBound)
                    return fail("octal escape needs three octal digits, the first 0-3")
                }
                let value = UInt32(kind - 48) << 6 | UInt32(source[i] - 48) << 3 | UInt32(source[i + 1] - 48)
                i += 2
                appendCodeUnit(value, isBytes: isBytes, to: &out)
            default:
                let shown = kind == 0 ? "" : String(decoding: [kind], as: UTF8.self)
                return fail("invalid escape sequence '\\\(shown)'")
            }
        }
        return .success(isBytes ? .bytes(out) : .string(String(decoding: out, as: UTF8.self)))
    }

    /// `\x` and octal escapes are a byte in bytes literals and a code point (U+0000 to U+00FF) in strings.
    private static func appendCodeUnit(_ value: UInt32, isBytes: Bool, to out: inout [UInt8]) {
        if isBytes {
            out.append(UInt8(truncatingIfNeeded: value))
        } else if let scalar = Unicode.Scalar(value) {
            out.append(contentsOf: String(scalar).utf8)
        }
    }

    /// Parses the magnitude of an int or uint literal (decimal or `0x` hex, with or without `u`).
    static func magnitude(_ source: [UInt8], _ range: Range<Int>) -> UInt64? {
        var index = range.lowerBound
        var end = range.upperBound
        if end > index, source[end - 1] == UInt8(ascii: "u") || source[end - 1] == UInt8(ascii: "U") { end -= 1 }
        var radix: UInt64 = 10
        if end - index > 2, source[index] == UInt8(ascii: "0"),
            source[index + 1] == UInt8(ascii: "x") || source[index + 1] == UInt8(ascii: "X")
        {
            radix = 16
            index += 2
        }
        var value: UInt64 = 0
        while index < end {
            guard let digit = source[index].hexValue else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: radix)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return nil }
            value = sum
            index += 1
        }
        return value
    }

    /// Parses a double literal's text; `nil` when it is out of the range of a double.
    static func double(_ source: [UInt8], _ range: Range<Int>, negative: Bool) -> Double? {
        let text = String(decoding: source[range], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return negative ? -value : value
    }
}

extension UInt8 {
    var isOctalDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "7") }
    var hexValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
