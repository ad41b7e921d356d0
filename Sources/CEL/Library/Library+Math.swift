/// The math extension (cel-go `ext.Math`, version 2): `math.greatest`, `math.least`, rounding,
/// `abs`, `sign`, the IEEE tests, bitwise operations and `sqrt`, all as namespaced global functions.
///
/// `math.greatest` and `math.least` compare ints, uints and doubles with each other exactly, as CEL
/// comparisons do, and return the winning argument unchanged (with its own type).
extension Library {
    /// The most arguments `math.greatest` and `math.least` take in their variadic form; a list
    /// argument may hold any number.
    static let mathVariadicLimit = 32

    /// The math extension library.
    public static let math: Library = {
        var library = Library()
        for arity in 1...mathVariadicLimit {
            library.define(
                "math.greatest",
                .variadic(arity: arity) { MathExtension.extremum("math.greatest", $0, .greater) }
            )
            library.define("math.least", .variadic(arity: arity) { MathExtension.extremum("math.least", $0, .less) })
        }
        library.define("math.ceil", .unary(MathExtension.rounding("math.ceil", .up)))
        library.define("math.floor", .unary(MathExtension.rounding("math.floor", .down)))
        library.define("math.round", .unary(MathExtension.rounding("math.round", .toNearestOrAwayFromZero)))
        library.define("math.trunc", .unary(MathExtension.rounding("math.trunc", .towardZero)))
        library.define("math.abs", .unary(MathExtension.abs))
        library.define("math.sign", .unary(MathExtension.sign))
        library.define("math.isNaN", .unary(MathExtension.doubleTest("math.isNaN") { $0.isNaN }))
        library.define("math.isInf", .unary(MathExtension.doubleTest("math.isInf") { $0.isInfinite }))
        library.define("math.isFinite", .unary(MathExtension.doubleTest("math.isFinite") { $0.isFinite }))
        library.define("math.sqrt", .unary(MathExtension.sqrt))
        library.define("math.bitAnd", .binary(MathExtension.bitwise("math.bitAnd", { $0 & $1 }, { $0 & $1 })))
        library.define("math.bitOr", .binary(MathExtension.bitwise("math.bitOr", { $0 | $1 }, { $0 | $1 })))
        library.define("math.bitXor", .binary(MathExtension.bitwise("math.bitXor", { $0 ^ $1 }, { $0 ^ $1 })))
        library.define("math.bitNot", .unary(MathExtension.bitNot))
        library.define("math.bitShiftLeft", .binary { MathExtension.shift("math.bitShiftLeft", $0, $1, left: true) })
        library.define("math.bitShiftRight", .binary { MathExtension.shift("math.bitShiftRight", $0, $1, left: false) })
        return library
    }()
}

/// The implementations of the math extension.
enum MathExtension {
    static func isNumber(_ value: Value) -> Bool {
        switch value {
        case .int, .uint, .double: true
        default: false
        }
    }

    /// `math.greatest` (`wanted` is `.greater`) or `math.least` (`.less`) of numeric arguments, or of
    /// the elements of a single list argument. The first of equal candidates wins; a NaN argument
    /// makes the result NaN.
    static func extremum(_ name: String, _ arguments: [Value], _ wanted: Value.Ordering) -> Value {
        var candidates = arguments
        if arguments.count == 1, case .list(let elements) = arguments[0] {
            guard !elements.isEmpty else {
                return .error(.invalidArgument, "\(name)(list) requires at least one element")
            }
            candidates = elements
        }
        var best: Value?
        for candidate in candidates {
            guard isNumber(candidate) else {
                let kinds = arguments.map(\.celType.name).joined(separator: ", ")
                return .error(.noSuchOverload, "no such overload: \(name)(\(kinds))")
            }
            if case .double(let d) = candidate, d.isNaN { return candidate }
            guard let current = best else {
                best = candidate
                continue
            }
            if Value.celCompare(candidate, current) == wanted { best = candidate }
        }
        return best ?? .error(.invalidArgument, "\(name) requires at least one argument")
    }

    /// `math.ceil`, `math.floor`, `math.round` (half away from zero) and `math.trunc` of a double.
    static func rounding(_ name: String, _ rule: FloatingPointRoundingRule) -> @Sendable (Value) -> Value {
        { value in
            guard case .double(let d) = value else { return .noSuchOverload(name, value) }
            return .double(d.rounded(rule))
        }
    }

    /// `math.abs`: an error for the int with no positive counterpart.
    @Sendable static func abs(_ value: Value) -> Value {
        switch value {
        case .int(let i):
            guard i != .min else { return .error(.overflow, "integer overflow: math.abs(\(i))") }
            return .int(Swift.abs(i))
        case .uint: return value
        case .double(let d): return .double(d.magnitude)
        default: return .noSuchOverload("math.abs", value)
        }
    }

    /// `math.sign`: -1, 0 or 1 of the argument's type; NaN for NaN, 0.0 for either zero.
    @Sendable static func sign(_ value: Value) -> Value {
        switch value {
        case .int(let i): return .int(i.signum())
        case .uint(let u): return .uint(u == 0 ? 0 : 1)
        case .double(let d):
            if d.isNaN { return value }
            return .double(d > 0 ? 1 : (d < 0 ? -1 : 0))
        default: return .noSuchOverload("math.sign", value)
        }
    }

    /// `math.isNaN`, `math.isInf`, `math.isFinite`.
    static func doubleTest(_ name: String, _ test: @escaping @Sendable (Double) -> Bool) -> @Sendable (Value) -> Value {
        { value in
            guard case .double(let d) = value else { return .noSuchOverload(name, value) }
            return .bool(test(d))
        }
    }

    /// `math.sqrt` of any number, as a double; NaN for a negative number.
    @Sendable static func sqrt(_ value: Value) -> Value {
        switch value {
        case .int(let i): return .double(Double(i).squareRoot())
        case .uint(let u): return .double(Double(u).squareRoot())
        case .double(let d): return .double(d.squareRoot())
        default: return .noSuchOverload("math.sqrt", value)
        }
    }

    /// `math.bitAnd`, `math.bitOr`, `math.bitXor`: two ints or two uints.
    static func bitwise(
        _ name: String,
        _ signed: @escaping @Sendable (Int64, Int64) -> Int64,
        _ unsigned: @escaping @Sendable (UInt64, UInt64) -> UInt64
    ) -> @Sendable (Value, Value) -> Value {
        { lhs, rhs in
            switch (lhs, rhs) {
            case (.int(let a), .int(let b)): .int(signed(a, b))
            case (.uint(let a), .uint(let b)): .uint(unsigned(a, b))
            default: .noSuchOverload(name, lhs, rhs)
            }
        }
    }

    /// `math.bitNot`: the ones' complement of an int or a uint.
    @Sendable static func bitNot(_ value: Value) -> Value {
        switch value {
        case .int(let i): .int(~i)
        case .uint(let u): .uint(~u)
        default: .noSuchOverload("math.bitNot", value)
        }
    }

    /// `math.bitShiftLeft` and `math.bitShiftRight` of an int or a uint by an int: 64 or more gives
    /// 0, a negative amount is an error, and right shifts of ints fill with zeros (no sign extension).
    static func shift(_ name: String, _ value: Value, _ amount: Value, left: Bool) -> Value {
        guard case .int(let bits) = amount else { return .noSuchOverload(name, value, amount) }
        let bitPattern: UInt64
        switch value {
        case .int(let i): bitPattern = UInt64(bitPattern: i)
        case .uint(let u): bitPattern = u
        default: return .noSuchOverload(name, value, amount)
        }
        guard bits >= 0 else { return .error(.invalidArgument, "\(name)() negative offset: \(bits)") }
        var shifted: UInt64 = 0
        if bits < 64 { shifted = left ? bitPattern << UInt64(bits) : bitPattern >> UInt64(bits) }
        if case .int = value { return .int(Int64(bitPattern: shifted)) }
        return .uint(shifted)
    }
}
