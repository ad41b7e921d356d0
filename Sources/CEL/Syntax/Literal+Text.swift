extension Literal {
    /// The literal written as CEL source text that parses back to the same value.
    ///
    /// Doubles that are not finite have no literal form; they are written as `double("...")` calls.
    public var celText: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .uint(let value): return "\(value)u"
        case .double(let value):
            if value.isNaN { return "double(\"NaN\")" }
            if value.isInfinite { return value < 0 ? "double(\"-Infinity\")" : "double(\"Infinity\")" }
            return value.description
        case .string(let value):
            var out = "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 || scalar.value == 0x7F {
                        out += "\\x" + Self.hex(UInt8(scalar.value))
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        case .bytes(let value):
            var out = "b\""
            for byte in value {
                if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                } else {
                    out += "\\x" + Self.hex(byte)
                }
            }
            return out + "\""
        }
    }

    /// Whether the literal is written with a leading minus sign.
    var isNegativeNumber: Bool {
        switch self {
        case .int(let value): value < 0
        case .double(let value): value.sign == .minus && !value.isNaN
        default: false
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        return String(Character(digits[Int(byte >> 4)])) + String(Character(digits[Int(byte & 0xF)]))
    }
}
