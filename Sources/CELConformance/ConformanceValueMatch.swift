import CEL

/// How the eval mode compares an expected value with a result: CEL equality, and the same kinds all the
/// way down.
///
/// `Value.celEquals` alone would accept `1u` for an expected `1` and `1.0` for `1`; the corpus spells
/// the kind it wants (`int64_value` versus `uint64_value`), so kinds must match too. Beyond that:
/// NaN matches NaN (the corpus expects NaN results), type values match by name, map entries match
/// whatever their order, and optionals match when both are empty or their values match.
enum ConformanceValueMatch {
    /// Whether `actual` is `expected`, kind for kind.
    static func matches(_ expected: Value, _ actual: Value) -> Bool {
        switch (expected, actual) {
        case (.null, .null):
            return true
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.int(let a), .int(let b)):
            return a == b
        case (.uint(let a), .uint(let b)):
            return a == b
        case (.double(let a), .double(let b)):
            return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)):
            return a == b
        case (.bytes(let a), .bytes(let b)):
            return a == b
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { matches($0, $1) }
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            return a.entries.allSatisfy { entry in
                guard let index = b.keys.firstIndex(where: { matches(entry.key, $0) }) else { return false }
                return matches(entry.value, b.values[index])
            }
        case (.timestamp(let a), .timestamp(let b)):
            return a == b
        case (.duration(let a), .duration(let b)):
            return a == b
        case (.type(let a), .type(let b)):
            return a.name == b.name
        case (.object(let a), .object(let b)):
            return a.isEqual(to: b)
        case (.optional(let a), .optional(let b)):
            switch (a, b) {
            case (nil, nil): return true
            case (let x?, let y?): return matches(x, y)
            default: return false
            }
        default:
            return false
        }
    }

    /// A value with its kind, for failure messages: `1u (uint)`, `[1, 2] (list)`.
    static func describe(_ value: Value) -> String {
        switch value {
        case .error(let error): "error \(error.code.rawValue): \(error.message)"
        case .unknown: "\(value)"
        default: "\(value) (\(value.celType.name))"
        }
    }
}
