/// CEL equality and ordering (langdef "Equality" and "Ordering"): heterogeneous numeric comparison on
/// one number line, element-wise lists, key-wise maps, code-point strings.
extension Value {
    /// CEL `==` for two values that are neither errors nor unknowns. Values of different kinds are
    /// unequal, except numbers, which compare by numeric value.
    public static func celEquals(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.uint(let a), .uint(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.int, .uint), (.uint, .int), (.int, .double), (.double, .int), (.uint, .double), (.double, .uint):
            return compareNumbers(lhs, rhs) == .equal
        case (.list(let a), .list(let b)):
            guard a.count == b.count else { return false }
            for index in a.indices where !celEquals(a[index], b[index]) { return false }
            return true
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            for (index, key) in a.keys.enumerated() {
                guard let other = b[key], celEquals(a.values[index], other) else { return false }
            }
            return true
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.duration(let a), .duration(let b)): return a == b
        case (.type(let a), .type(let b)): return a == b
        case (.object(let a), .object(let b)): return a.isEqual(to: b)
        case (.optional(let a), .optional(let b)):
            switch (a, b) {
            case (nil, nil): return true
            case (let x?, let y?): return celEquals(x, y)
            default: return false
            }
        default:
            return false
        }
    }

    /// The result of comparing two values.
    public enum Ordering: Sendable {
        case less
        case equal
        case greater
        /// Comparisons with NaN: every relation is false.
        case unordered
    }

    /// CEL ordering of two values of comparable kinds, or `nil` when the kinds have no ordering
    /// (an error: no such overload).
    public static func celCompare(_ lhs: Value, _ rhs: Value) -> Ordering? {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return order(a, b)
        case (.uint(let a), .uint(let b)): return order(a, b)
        case (.double(let a), .double(let b)):
            if a.isNaN || b.isNaN { return .unordered }
            return order(a, b)
        case (.int, .uint), (.uint, .int), (.int, .double), (.double, .int), (.uint, .double), (.double, .uint):
            return compareNumbers(lhs, rhs)
        case (.bool(let a), .bool(let b)): return a == b ? .equal : (a ? .greater : .less)
        case (.string(let a), .string(let b)): return order(a, b)
        case (.bytes(let a), .bytes(let b)):
            if a == b { return .equal }
            return a.lexicographicallyPrecedes(b) ? .less : .greater
        case (.timestamp(let a), .timestamp(let b)): return order(a, b)
        case (.duration(let a), .duration(let b)): return order(a, b)
        default: return nil
        }
    }

    @inline(__always)
    static func order<T: Comparable>(_ a: T, _ b: T) -> Ordering {
        a < b ? .less : (a == b ? .equal : .greater)
    }

    /// Compares two numbers of any of the three numeric kinds: ints and uints exactly, anything with a
    /// double as doubles.
    static func compareNumbers(_ lhs: Value, _ rhs: Value) -> Ordering {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return order(a, b)
        case (.uint(let a), .uint(let b)): return order(a, b)
        case (.double(let a), .double(let b)): return a.isNaN || b.isNaN ? .unordered : order(a, b)
        case (.int(let a), .uint(let b)): return a < 0 ? .less : order(UInt64(a), b)
        case (.uint(let a), .int(let b)): return b < 0 ? .greater : order(a, UInt64(b))
        case (.int(let a), .double(let b)): return compare(integer: a, double: b)
        case (.double(let a), .int(let b)): return invert(compare(integer: b, double: a))
        case (.uint(let a), .double(let b)): return compare(unsigned: a, double: b)
        case (.double(let a), .uint(let b)): return invert(compare(unsigned: b, double: a))
        default: return .unordered
        }
    }

    private static func invert(_ ordering: Ordering) -> Ordering {
        switch ordering {
        case .less: .greater
        case .greater: .less
        default: ordering
        }
    }

    /// Ints and uints compare with doubles as doubles (the integer converted, possibly rounding), as
    /// the conformance corpus requires (`dyn(9223372036854775807) < 9223372036854775808.0` is false).
    private static func compare(integer: Int64, double: Double) -> Ordering {
        if double.isNaN { return .unordered }
        return order(Double(integer), double)
    }

    private static func compare(unsigned: UInt64, double: Double) -> Ordering {
        if double.isNaN { return .unordered }
        return order(Double(unsigned), double)
    }
}
