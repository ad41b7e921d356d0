/// Interpretations of a scalar as the protobuf field types of the conformance schema.
///
/// Each returns `nil` when the scalar cannot be read as that type, so the caller can report a schema
/// error at the field's position.
extension TextProtoScalar {
    /// The decoded bytes of a string literal.
    public var bytes: [UInt8]? {
        guard case .string(let bytes) = self else { return nil }
        return bytes
    }

    /// The string literal decoded as UTF-8; `nil` for other scalars and for bytes that are not valid
    /// UTF-8.
    public var string: String? {
        guard case .string(let bytes) = self else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// A `bool` as protobuf text format spells it: `true`, `True`, `t`, `1`, `false`, `False`, `f`, `0`.
    public var bool: Bool? {
        switch self {
        case .identifier("true"), .identifier("True"), .identifier("t"), .number("1"):
            return true
        case .identifier("false"), .identifier("False"), .identifier("f"), .number("0"):
            return false
        default:
            return nil
        }
    }

    /// A signed 64-bit integer written in decimal, hexadecimal (`0x`) or octal (leading `0`).
    public var int64: Int64? {
        guard case .number(let text) = self, let (negative, magnitude) = Self.integer(text) else { return nil }
        if !negative {
            return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
        }
        if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
        return magnitude <= UInt64(Int64.max) ? -Int64(magnitude) : nil
    }

    /// An unsigned 64-bit integer written in decimal, hexadecimal (`0x`) or octal (leading `0`).
    public var uint64: UInt64? {
        guard case .number(let text) = self, let (negative, magnitude) = Self.integer(text) else { return nil }
        return negative && magnitude != 0 ? nil : magnitude
    }

    /// A `double`: any numeric literal, or `inf`, `infinity` or `nan` in any case, with an optional `-`.
    public var double: Double? {
        switch self {
        case .string:
            return nil
        case .identifier(let text):
            let negative = text.hasPrefix("-")
            switch text.dropFirst(negative ? 1 : 0).lowercased() {
            case "inf", "infinity": return negative ? -Double.infinity : Double.infinity
            case "nan": return Double.nan
            default: return nil
            }
        case .number(let text):
            if let (negative, magnitude) = Self.integer(text) {
                let value = Double(magnitude)
                return negative ? -value : value
            }
            var body = Substring(text)
            if let last = body.last, last == "f" || last == "F" { body = body.dropLast() }
            return Double(body)
        }
    }

    /// Splits integer text into its sign and magnitude; `nil` for floating-point text or out-of-range values.
    private static func integer(_ text: String) -> (negative: Bool, magnitude: UInt64)? {
        var body = Substring(text)
        let negative = body.first == "-"
        if negative { body = body.dropFirst() }
        if let last = body.last, last == "u" || last == "U" { body = body.dropLast() }
        guard let first = body.first, first.isASCII, first.isNumber else { return nil }
        let magnitude: UInt64?
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            magnitude = UInt64(body.dropFirst(2), radix: 16)
        } else if body.count > 1, first == "0" {
            magnitude = UInt64(body.dropFirst(), radix: 8)
        } else {
            magnitude = UInt64(body, radix: 10)
        }
        guard let magnitude else { return nil }
        return (negative, magnitude)
    }
}
