/// The key of a CEL map entry, normalized so numerically equal keys are one key: `1`, `1u` and `1.0`
/// find the same entry, as langdef's heterogeneous equality requires.
public enum MapKey: Sendable, Hashable {
    case bool(Bool)
    /// Ints, and uints up to `Int64.max`.
    case int(Int64)
    /// Uints above `Int64.max`.
    case uint(UInt64)
    case string(CELString)

    /// The key for a value, or `nil` when the value cannot be a map key (lists, maps, doubles with a
    /// fraction, ...). Integral doubles map to the equal int or uint key, for lookups.
    @inlinable
    public init?(_ value: Value) {
        switch value {
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .uint(let u): self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .uint(u)
        case .string(let s): self = .string(s)
        case .double(let d):
            if d.rounded(.towardZero) == d, d >= -9.223_372_036_854_775_808e18, d < 9.223_372_036_854_775_808e18 {
                self = .int(Int64(d))
            } else if d.rounded(.towardZero) == d, d >= 0, d < 1.844_674_407_370_955_161_6e19 {
                self = .uint(UInt64(d))
            } else {
                return nil
            }
        default: return nil
        }
    }

    /// Whether a value is of a kind allowed as a key when building a map (int, uint, bool, string).
    @inlinable
    public static func isValidKeyKind(_ value: Value) -> Bool {
        switch value {
        case .bool, .int, .uint, .string: true
        default: false
        }
    }
}

/// An immutable CEL map: entries in insertion order, with a hash index by normalized key.
public final class CELMap: Sendable {
    /// The keys, in insertion order.
    public let keys: [Value]
    /// The values, parallel to `keys`.
    public let values: [Value]
    @usableFromInline let index: [MapKey: Int]

    /// Builds a map from entries; fails on a key that is not int, uint, bool or string, or on a repeated
    /// key.
    public static func make(_ entries: [(key: Value, value: Value)]) -> Result<CELMap, EvalError> {
        var keys: [Value] = []
        var values: [Value] = []
        var index: [MapKey: Int] = [:]
        keys.reserveCapacity(entries.count)
        values.reserveCapacity(entries.count)
        index.reserveCapacity(entries.count)
        for (key, value) in entries {
            guard MapKey.isValidKeyKind(key), let mapKey = MapKey(key) else {
                return .failure(EvalError(.invalidArgument, "unsupported key type: \(key.celType.name)"))
            }
            guard index.updateValue(keys.count, forKey: mapKey) == nil else {
                return .failure(EvalError(.invalidArgument, "Failed with repeated key: \(key)"))
            }
            keys.append(key)
            values.append(value)
        }
        return .success(CELMap(keys: keys, values: values, index: index))
    }

    /// An empty map.
    public static let empty = CELMap(keys: [], values: [], index: [:])

    init(keys: [Value], values: [Value], index: [MapKey: Int]) {
        self.keys = keys
        self.values = values
        self.index = index
    }

    /// The number of entries.
    @inlinable public var count: Int { keys.count }

    /// The entries in insertion order.
    public var entries: [(key: Value, value: Value)] {
        Array(zip(keys, values).map { (key: $0.0, value: $0.1) })
    }

    /// The value for a key, or `nil` when absent.
    @inlinable
    public subscript(key: MapKey) -> Value? {
        guard let position = index[key] else { return nil }
        return values[position]
    }

    /// The value for a key value, or `nil` when absent or not a possible key.
    @inlinable
    public subscript(key: Value) -> Value? {
        guard let mapKey = MapKey(key) else { return nil }
        return self[mapKey]
    }

    /// A copy with one entry added or replaced (for `cel.@mapInsert`).
    public func inserting(key: Value, value: Value) -> Result<CELMap, EvalError> {
        guard MapKey.isValidKeyKind(key), let mapKey = MapKey(key) else {
            return .failure(EvalError(.invalidArgument, "unsupported key type: \(key.celType.name)"))
        }
        guard index[mapKey] == nil else {
            return .failure(EvalError(.invalidArgument, "insert failed: key \(key) already exists"))
        }
        var newIndex = index
        newIndex[mapKey] = keys.count
        return .success(CELMap(keys: keys + [key], values: values + [value], index: newIndex))
    }
}
