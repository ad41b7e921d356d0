/// `format`, of the strings extension: `"%s is %d".format([name, count])`, as cel-spec's
/// `doc/extensions/strings.md` defines it, with the error messages of the conformance corpus.
///
/// Clauses are `%[.precision]conversion` with the conversions `s d f e b o x X` and `%%` for a
/// percent sign. Doubles are formatted exactly: `%f` and `%e` round the binary value half to even,
/// and `%s` writes the shortest decimal that reads back as the same double, without an exponent.
extension Library {
    mutating func defineFormat() {
        define(
            "format",
            .receiver,
            .binary { receiver, arguments in
                guard case .string(let format) = receiver, case .list(let values) = arguments else {
                    return .noSuchOverload("format", receiver, arguments)
                }
                switch StringFormat.parse(format.value) {
                case .success(let segments): return StringFormat.render(segments, values)
                case .failure(let error): return .error(error)
                }
            }
        )
        // A constant format string is parsed once, when the program is planned. A bad one is left to
        // evaluation, which reports it as an error value.
        specialize("format", .receiver, arity: 2) { constants in
            guard constants.count == 2, case .string(let format)? = constants[0],
                case .success(let segments) = StringFormat.parse(format.value)
            else {
                return nil
            }
            return .success(
                .binary { receiver, arguments in
                    guard case .list(let values) = arguments else {
                        return .noSuchOverload("format", receiver, arguments)
                    }
                    return StringFormat.render(segments, values)
                }
            )
        }
    }
}

/// Parsing format strings and formatting values for `format`.
enum StringFormat {
    /// The largest precision accepted, which bounds the length of one formatted number.
    static let maximumPrecision = 1_000
    /// How deeply lists and maps may nest in a `%s` argument.
    static let maximumNesting = 1_000

    /// A conversion of a formatting clause.
    enum Conversion: Sendable {
        case string
        case decimal
        case fixed(precision: Int)
        case scientific(precision: Int)
        case binary
        case octal
        case hexadecimal(uppercase: Bool)
    }

    /// A piece of a parsed format string.
    enum Segment: Sendable {
        case text(String)
        case clause(Conversion)
    }

    @inline(never)
    static func parseError(_ detail: String) -> EvalError {
        EvalError(.invalidArgument, "could not parse formatting clause: \(detail)")
    }

    @inline(never)
    static func formattingError(_ detail: String) -> EvalError {
        EvalError(.invalidArgument, "error during formatting: \(detail)")
    }

    /// Splits a format string into literal text and clauses.
    static func parse(_ format: String) -> Result<[Segment], EvalError> {
        var segments: [Segment] = []
        var text = String.UnicodeScalarView()
        var scalars = format.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "%" else {
                text.append(scalar)
                continue
            }
            guard var next = scalars.next() else { return .failure(parseError("the format string ends with '%'")) }
            if next == "%" {
                text.append("%")
                continue
            }
            var precision: Int?
            if next == "." {
                var value = 0
                var digitCount = 0
                var conversionScalar: Unicode.Scalar?
                while let scalar = scalars.next() {
                    guard let digit = asciiDigit(scalar) else {
                        conversionScalar = scalar
                        break
                    }
                    value = min(value * 10 + digit, maximumPrecision + 1)
                    digitCount += 1
                }
                guard let conversionScalar else {
                    return .failure(parseError("the format string ends inside a clause"))
                }
                guard digitCount > 0 else {
                    return .failure(parseError("a precision needs at least one digit after '.'"))
                }
                guard value <= maximumPrecision else {
                    return .failure(parseError("the precision exceeds the maximum of \(maximumPrecision)"))
                }
                precision = value
                next = conversionScalar
            }
            let conversion: Conversion
            switch next {
            case "s": conversion = .string
            case "d": conversion = .decimal
            case "f": conversion = .fixed(precision: precision ?? 6)
            case "e": conversion = .scientific(precision: precision ?? 6)
            case "b": conversion = .binary
            case "o": conversion = .octal
            case "x": conversion = .hexadecimal(uppercase: false)
            case "X": conversion = .hexadecimal(uppercase: true)
            default: return .failure(parseError("unrecognized formatting clause \"\(next)\""))
            }
            if precision != nil {
                switch conversion {
                case .fixed, .scientific: break
                default: return .failure(parseError("the \"\(next)\" clause does not take a precision"))
                }
            }
            if !text.isEmpty {
                segments.append(.text(String(text)))
                text = String.UnicodeScalarView()
            }
            segments.append(.clause(conversion))
        }
        if !text.isEmpty { segments.append(.text(String(text))) }
        return .success(segments)
    }

    private static func asciiDigit(_ scalar: Unicode.Scalar) -> Int? {
        scalar.value >= 0x30 && scalar.value <= 0x39 ? Int(scalar.value - 0x30) : nil
    }

    /// Formats the arguments into the parsed format string.
    static func render(_ segments: [Segment], _ arguments: [Value]) -> Value {
        var output = ""
        var next = 0
        for segment in segments {
            switch segment {
            case .text(let text):
                output += text
            case .clause(let conversion):
                guard next < arguments.count else { return .error(.outOfRange, "index \(next) out of range") }
                switch format(arguments[next], conversion) {
                case .success(let text): output += text
                case .failure(let error): return .error(error)
                }
                next += 1
            }
        }
        return .string(output)
    }

    /// One argument formatted by one conversion.
    static func format(_ value: Value, _ conversion: Conversion) -> Result<String, EvalError> {
        switch conversion {
        case .string:
            return string(value, depth: 0)
        case .decimal:
            switch value {
            case .int(let i): return .success(String(i))
            case .uint(let u): return .success(String(u))
            case .double(let d) where !d.isFinite: return .success(nonFinite(d))
            default:
                return .failure(
                    formattingError("decimal clause can only be used on integers, was given \(value.celType.name)")
                )
            }
        case .fixed(let precision):
            guard let decimal = DecimalValue(value) else {
                return .failure(
                    formattingError("fixed-point clause can only be used on doubles, was given \(value.celType.name)")
                )
            }
            return .success(decimal.fixed(precision: precision))
        case .scientific(let precision):
            guard let decimal = DecimalValue(value) else {
                return .failure(
                    formattingError("scientific clause can only be used on doubles, was given \(value.celType.name)")
                )
            }
            return .success(decimal.scientific(precision: precision))
        case .binary:
            switch value {
            case .int(let i): return .success(signed(i, radix: 2, uppercase: false))
            case .uint(let u): return .success(String(u, radix: 2))
            case .bool(let b): return .success(b ? "1" : "0")
            default:
                return .failure(
                    formattingError(
                        "only integers and bools can be formatted as binary, was given \(value.celType.name)"
                    )
                )
            }
        case .octal:
            switch value {
            case .int(let i): return .success(signed(i, radix: 8, uppercase: false))
            case .uint(let u): return .success(String(u, radix: 8))
            default:
                return .failure(
                    formattingError("octal clause can only be used on integers, was given \(value.celType.name)")
                )
            }
        case .hexadecimal(let uppercase):
            switch value {
            case .int(let i): return .success(signed(i, radix: 16, uppercase: uppercase))
            case .uint(let u): return .success(String(u, radix: 16, uppercase: uppercase))
            case .string(let s): return .success(hexadecimal(Array(s.value.utf8), uppercase: uppercase))
            case .bytes(let b): return .success(hexadecimal(b, uppercase: uppercase))
            default:
                return .failure(
                    formattingError(
                        "only integers, byte buffers, and strings can be formatted as hex, was given \(value.celType.name)"
                    )
                )
            }
        }
    }

    /// `NaN`, `Infinity` or `-Infinity`.
    static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "NaN" : (value < 0 ? "-Infinity" : "Infinity")
    }

    /// An integer in a radix, with `-` before the magnitude of a negative one.
    static func signed(_ value: Int64, radix: Int, uppercase: Bool) -> String {
        (value < 0 ? "-" : "") + String(value.magnitude, radix: radix, uppercase: uppercase)
    }

    /// Two hexadecimal digits per byte.
    static func hexadecimal(_ bytes: [UInt8], uppercase: Bool) -> String {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The `%s` form of a value: strings as they are, lists and maps with their elements in `%s` form,
    /// map entries sorted by their formatted keys.
    static func string(_ value: Value, depth: Int) -> Result<String, EvalError> {
        switch value {
        case .null: return .success("null")
        case .bool(let b): return .success(b ? "true" : "false")
        case .int(let i): return .success(String(i))
        case .uint(let u): return .success(String(u))
        case .double(let d): return .success(shortest(d))
        case .string(let s): return .success(s.value)
        case .bytes(let b): return .success(decodeReplacingInvalid(b))
        case .timestamp(let t): return .success(t.description)
        case .duration(let d): return .success(d.description)
        case .type(let t): return .success(t.name)
        case .list(let elements):
            guard depth < maximumNesting else { return .failure(formattingError("values are nested too deeply")) }
            var parts: [String] = []
            parts.reserveCapacity(elements.count)
            for element in elements {
                switch string(element, depth: depth + 1) {
                case .success(let text): parts.append(text)
                case .failure(let error): return .failure(error)
                }
            }
            return .success("[" + parts.joined(separator: ", ") + "]")
        case .map(let map):
            guard depth < maximumNesting else { return .failure(formattingError("values are nested too deeply")) }
            var entries: [(key: CELString, value: String)] = []
            entries.reserveCapacity(map.count)
            for (key, entry) in zip(map.keys, map.values) {
                let keyText = string(key, depth: depth + 1)
                let valueText = string(entry, depth: depth + 1)
                switch (keyText, valueText) {
                case (.success(let k), .success(let v)): entries.append((CELString(k), v))
                case (.failure(let error), _), (_, .failure(let error)): return .failure(error)
                }
            }
            entries.sort { $0.key < $1.key }
            return .success("{" + entries.map { "\($0.key.value): \($0.value)" }.joined(separator: ", ") + "}")
        default:
            return .failure(
                formattingError(
                    """
                    string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, \
                    durations, and timestamps, was given \(value.celType.name)
                    """
                )
            )
        }
    }

    /// Bytes as UTF-8, each run of invalid sequences replaced by a single U+FFFD.
    static func decodeReplacingInvalid(_ bytes: [UInt8]) -> String {
        var output = String.UnicodeScalarView()
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var previousWasInvalid = false
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                output.append(scalar)
                previousWasInvalid = false
            case .error:
                if !previousWasInvalid { output.append("\u{FFFD}") }
                previousWasInvalid = true
            case .emptyInput:
                break decoding
            }
        }
        return String(output)
    }

    /// The shortest decimal that reads back as `value`, without an exponent and without
    /// insignificant zeros: `3.14`, `100`, `0.0001`, `NaN`, `-Infinity`.
    static func shortest(_ value: Double) -> String {
        guard value.isFinite else { return nonFinite(value) }
        guard let decimal = DecimalDigits(shortestOf: value) else { return value.description }
        return (value.sign == .minus ? "-" : "") + decimal.positional
    }
}

/// A number for `%f` and `%e`: a finite double, an int or a uint as exact decimal digits, or a
/// double that is not finite.
struct DecimalValue {
    var negative: Bool
    var digits: DecimalDigits
    var nonFinite: Double?

    /// The value, when it is a double, an int or a uint.
    init?(_ value: Value) {
        switch value {
        case .double(let d):
            negative = d.sign == .minus
            if d.isFinite {
                digits = DecimalDigits(exactly: d.magnitude)
                nonFinite = nil
            } else {
                digits = DecimalDigits(digits: [], pointPosition: 0)
                nonFinite = d
            }
        case .int(let i):
            negative = i < 0
            digits = DecimalDigits(integer: i.magnitude)
            nonFinite = nil
        case .uint(let u):
            negative = false
            digits = DecimalDigits(integer: u)
            nonFinite = nil
        default:
            return nil
        }
    }

    /// `[-]ddd.ddd` with `precision` digits after the point (and no point when it is zero).
    func fixed(precision: Int) -> String {
        if let nonFinite { return StringFormat.nonFinite(nonFinite) }
        var integer = digits.rounded(toFractionDigits: precision)
        if integer.count < precision + 1 {
            integer.insert(contentsOf: repeatElement(0, count: precision + 1 - integer.count), at: 0)
        }
        var text = negative ? "-" : ""
        text += DecimalDigits.text(integer[..<(integer.count - precision)])
        if precision > 0 { text += "." + DecimalDigits.text(integer[(integer.count - precision)...]) }
        return text
    }

    /// `[-]d.ddde±dd` with `precision` digits after the point (and no point when it is zero).
    func scientific(precision: Int) -> String {
        if let nonFinite { return StringFormat.nonFinite(nonFinite) }
        var mantissa: [UInt8]
        var exponent: Int
        if digits.digits.isEmpty {
            mantissa = Array(repeating: 0, count: precision + 1)
            exponent = 0
        } else {
            mantissa = digits.rounded(toFractionDigits: precision + 1 - digits.pointPosition)
            exponent = digits.pointPosition - 1
            if mantissa.count > precision + 1 {
                // Rounding carried into a new digit (9.99 to 10.0): the rest are zeros.
                mantissa.removeLast(mantissa.count - precision - 1)
                exponent += 1
            }
        }
        var text = negative ? "-" : ""
        text += DecimalDigits.text(mantissa[..<1])
        if precision > 0 { text += "." + DecimalDigits.text(mantissa[1...]) }
        let exponentDigits = String(exponent.magnitude)
        text += (exponent < 0 ? "e-" : "e+") + (exponentDigits.count < 2 ? "0" : "") + exponentDigits
        return text
    }
}

/// A non-negative decimal number: its significant digits (no leading or trailing zeros, none for
/// zero) and how many digits stand before the decimal point (possibly negative, or more than the
/// digits). The value is `0.d₁d₂…dₙ × 10^pointPosition`.
struct DecimalDigits {
    var digits: [UInt8]
    var pointPosition: Int

    init(digits: [UInt8], pointPosition: Int) {
        self.digits = digits
        self.pointPosition = pointPosition
    }

    /// The digits of an integer.
    init(integer: UInt64) {
        self.init(digits: integer == 0 ? [] : String(integer).utf8.map { $0 - 0x30 }, pointPosition: 0)
        pointPosition = digits.count
        trimTrailingZeros()
    }

    /// The exact value of a finite, non-negative double. A double is `m × 2^e`, so it is
    /// `m × 5^-e × 10^e` when `e` is negative: its exact decimal expansion is finite.
    init(exactly value: Double) {
        guard value != 0 else {
            self.init(digits: [], pointPosition: 0)
            return
        }
        var significand = value.significandBitPattern
        var exponent: Int
        if value.isNormal {
            significand |= 1 << 52
            exponent = Int(value.exponentBitPattern) - 1_075
        } else {
            exponent = -1_074
        }
        let zeros = significand.trailingZeroBitCount
        significand >>= UInt64(zeros)
        exponent += zeros
        var number = BigNatural(significand)
        if exponent >= 0 {
            number.multiply(byPowerOf: 2, exponent)
            let decimal = number.decimalDigits()
            self.init(digits: decimal, pointPosition: decimal.count)
        } else {
            number.multiply(byPowerOf: 5, -exponent)
            let decimal = number.decimalDigits()
            self.init(digits: decimal, pointPosition: decimal.count + exponent)
        }
        trimTrailingZeros()
    }

    /// The shortest digits that read back as `value` (finite), from Swift's shortest round-trip
    /// description, such as `1e-05` or `123.45`.
    init?(shortestOf value: Double) {
        var text = Substring(value.magnitude.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let parsed = Int(text[text.index(after: e)...].drop { $0 == "+" }) else { return nil }
            exponent = parsed
            text = text[..<e]
        }
        var digits: [UInt8] = []
        var beforePoint: Int?
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                beforePoint = digits.count
            } else if byte >= 0x30 && byte <= 0x39 {
                digits.append(byte - 0x30)
            } else {
                return nil
            }
        }
        var point = (beforePoint ?? digits.count) + exponent
        let leadingZeros = digits.prefix { $0 == 0 }.count
        digits.removeFirst(leadingZeros)
        point -= leadingZeros
        self.init(digits: digits, pointPosition: digits.isEmpty ? 0 : point)
        trimTrailingZeros()
    }

    private mutating func trimTrailingZeros() {
        while digits.last == 0 { digits.removeLast() }
    }

    /// The digits of `value × 10^fractionDigits` rounded half to even to an integer, without
    /// leading zeros (empty for zero).
    func rounded(toFractionDigits fractionDigits: Int) -> [UInt8] {
        let keep = pointPosition + fractionDigits
        guard keep >= 0 else { return [] }
        var kept = Array(digits.prefix(keep))
        if kept.count < keep { kept += repeatElement(0, count: keep - kept.count) }
        var roundUp = false
        if keep < digits.count {
            let first = digits[keep]
            if first != 5 {
                roundUp = first > 5
            } else if digits[(keep + 1)...].contains(where: { $0 != 0 }) {
                roundUp = true
            } else {
                roundUp = (kept.last ?? 0) % 2 == 1
            }
        }
        if roundUp {
            var index = kept.count - 1
            while index >= 0 && kept[index] == 9 {
                kept[index] = 0
                index -= 1
            }
            if index >= 0 {
                kept[index] += 1
            } else {
                kept.insert(1, at: 0)
            }
        }
        let leadingZeros = kept.prefix { $0 == 0 }.count
        return Array(kept.dropFirst(leadingZeros))
    }

    /// Positional notation without insignificant zeros: `123.45`, `0.001`, `100`, `0`.
    var positional: String {
        guard !digits.isEmpty else { return "0" }
        if pointPosition <= 0 {
            return "0." + String(repeating: "0", count: -pointPosition) + Self.text(digits[...])
        }
        if pointPosition >= digits.count {
            return Self.text(digits[...]) + String(repeating: "0", count: pointPosition - digits.count)
        }
        return Self.text(digits[..<pointPosition]) + "." + Self.text(digits[pointPosition...])
    }

    /// Digit values as text.
    static func text(_ digits: ArraySlice<UInt8>) -> String {
        String(decoding: digits.map { $0 + 0x30 }, as: UTF8.self)
    }
}

/// A natural number of any size, as 32-bit limbs, least significant first: just what exact decimal
/// expansion of doubles needs.
struct BigNatural {
    private var limbs: [UInt32]

    init(_ value: UInt64) {
        limbs = [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)]
        normalize()
    }

    private mutating func normalize() {
        while limbs.last == 0 { limbs.removeLast() }
    }

    /// Multiplies by a 32-bit factor.
    mutating func multiply(by factor: UInt32) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(factor) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
    }

    /// Multiplies by `base^exponent` for a base of 2 or 5.
    mutating func multiply(byPowerOf base: UInt32, _ exponent: Int) {
        // The largest powers that fit in 32 bits: 2^31 and 5^13.
        let (step, chunk): (Int, UInt32) = base == 2 ? (31, 1 << 31) : (13, 1_220_703_125)
        var remaining = exponent
        while remaining >= step {
            multiply(by: chunk)
            remaining -= step
        }
        var last: UInt32 = 1
        for _ in 0..<remaining { last *= base }
        multiply(by: last)
    }

    /// The decimal digits, most significant first (empty for zero).
    func decimalDigits() -> [UInt8] {
        var work = limbs
        var groups: [UInt32] = []
        while !work.isEmpty {
            var remainder: UInt64 = 0
            for index in work.indices.reversed() {
                let current = remainder << 32 | UInt64(work[index])
                work[index] = UInt32(current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            groups.append(UInt32(remainder))
            while work.last == 0 { work.removeLast() }
        }
        var digits: [UInt8] = []
        for (index, group) in groups.reversed().enumerated() {
            let text = String(group).utf8.map { $0 - 0x30 }
            if index > 0 { digits += repeatElement(0, count: 9 - text.count) }
            digits += text
        }
        return digits
    }
}
