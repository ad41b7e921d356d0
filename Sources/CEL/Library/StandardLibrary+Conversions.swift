/// Type conversions `int uint double string bytes bool dyn type` (langdef "Types and Conversions").
/// Out-of-range and malformed conversions are errors.
extension Library {
    mutating func defineConversions() {
        define("int", .unary(Conversions.toInt))
        define("uint", .unary(Conversions.toUInt))
        define("double", .unary(Conversions.toDouble))
        define("string", .unary(Conversions.toString))
        define("bytes", .unary(Conversions.toBytes))
        define("bool", .unary(Conversions.toBool))
        define("dyn", .unary { $0 })
        define("type", .unary { .type($0.celType) })
    }
}

/// The conversion functions, usable by other libraries.
public enum Conversions {
    @inline(never)
    static func rangeError(_ what: String) -> Value {
        .error(.outOfRange, "range error: \(what)")
    }

    /// `int(x)`.
    @Sendable public static func toInt(_ value: Value) -> Value {
        switch value {
        case .int: return value
        case .uint(let u): return u <= UInt64(Int64.max) ? .int(Int64(u)) : rangeError("uint \(u) to int")
        case .double(let d):
            // Doubles at or beyond ±2^63 do not fit (Int64.max itself is not a double).
            guard d.isFinite, d > -9.223_372_036_854_775_808e18, d < 9.223_372_036_854_775_808e18 else {
                return rangeError("double \(d) to int")
            }
            return .int(Int64(d.rounded(.towardZero)))
        case .string(let s):
            guard let i = Int64(s.value) else {
                return .error(.conversion, "cannot convert string '\(s.value)' to int")
            }
            return .int(i)
        case .timestamp(let t): return .int(t.seconds)
        default: return .noSuchOverload("int", value)
        }
    }

    /// `uint(x)`.
    @Sendable public static func toUInt(_ value: Value) -> Value {
        switch value {
        case .uint: return value
        case .int(let i): return i >= 0 ? .uint(UInt64(i)) : rangeError("int \(i) to uint")
        case .double(let d):
            guard d.isFinite, d > -1, d < 1.844_674_407_370_955_161_6e19 else {
                return rangeError("double \(d) to uint")
            }
            return .uint(UInt64(d.rounded(.towardZero)))
        case .string(let s):
            guard let u = UInt64(s.value) else {
                return .error(.conversion, "cannot convert string '\(s.value)' to uint")
            }
            return .uint(u)
        default: return .noSuchOverload("uint", value)
        }
    }

    /// `double(x)`.
    @Sendable public static func toDouble(_ value: Value) -> Value {
        switch value {
        case .double: return value
        case .int(let i): return .double(Double(i))
        case .uint(let u): return .double(Double(u))
        case .string(let s):
            guard let d = parseDouble(s.value) else {
                return .error(.conversion, "cannot convert string '\(s.value)' to double")
            }
            return .double(d)
        default: return .noSuchOverload("double", value)
        }
    }

    /// Parses decimal and exponent forms, and the special values `NaN`, `Infinity`, `inf` (any case,
    /// optionally signed).
    static func parseDouble(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        // Reject forms Swift accepts but CEL does not: hexadecimal floats and surrounding spaces.
        if bytes.contains(where: { $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "X") || $0 == UInt8(ascii: " ") }) {
            return nil
        }
        return Double(text)
    }

    /// `string(x)`.
    @Sendable public static func toString(_ value: Value) -> Value {
        switch value {
        case .string: return value
        case .int(let i): return .string(CELString(String(i)))
        case .uint(let u): return .string(CELString(String(u)))
        case .double(let d): return .string(CELString(formatDouble(d)))
        case .bool(let b): return .string(CELString(b ? "true" : "false"))
        case .bytes(let b):
            guard let s = String(validating: b, as: UTF8.self) else {
                return .error(.conversion, "invalid UTF-8 in bytes, cannot convert to string")
            }
            return .string(CELString(s))
        case .timestamp(let t): return .string(CELString(t.description))
        case .duration(let d): return .string(CELString(d.description))
        case .object(let o): return .string(CELString(o.description))
        default: return .noSuchOverload("string", value)
        }
    }

    /// The shortest text that reads back as the same double, in CEL's style: `1e+100`, `1.5`, `-0`,
    /// `NaN`, `+Inf`, `-Inf`; integral values print without a fraction (`100`).
    public static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        var text = d.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// `bytes(x)`.
    @Sendable public static func toBytes(_ value: Value) -> Value {
        switch value {
        case .bytes: return value
        case .string(let s): return .bytes(Array(s.value.utf8))
        default: return .noSuchOverload("bytes", value)
        }
    }

    /// `bool(x)`.
    @Sendable public static func toBool(_ value: Value) -> Value {
        switch value {
        case .bool: return value
        case .string(let s):
            switch s.value {
            case "true", "TRUE", "True", "t", "T", "1": return .bool(true)
            case "false", "FALSE", "False", "f", "F", "0": return .bool(false)
            default: return .error(.conversion, "cannot convert string '\(s.value)' to bool")
            }
        default: return .noSuchOverload("bool", value)
        }
    }
}
