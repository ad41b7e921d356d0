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

extension MapKey {
    /// A stable 64-bit hash of the key (FNV-1a over the string's UTF-8 bytes; a mix of the integer
    /// otherwise), computed once per key: maps store it beside each entry, and field selections
    /// compute it at plan time, so a lookup hashes nothing.
    @inlinable
    public var stableHash: UInt64 {
        switch self {
        case .bool(let b): return b ? 0x9E37_79B9_7F4A_7C15 : 0x7F4A_7C15_9E37_79B9
        case .int(let i): return Self.mix(UInt64(bitPattern: i))
        case .uint(let u): return Self.mix(u ^ 0xA5A5_A5A5_A5A5_A5A5)
        case .string(let s): return s.fnv1a
        }
    }

    @inlinable
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What a map's index stores per key, so that a probe compares a few integers and touches no string:
/// the hash, the key's first 16 UTF-8 bytes as two words (or an integer key's value and kind), and
/// the length. Keys of at most 16 bytes are equal exactly when their digests are; longer string
/// keys also compare their bytes.
public struct KeyDigest: Sendable, Hashable {
    /// ``MapKey/stableHash``.
    public var hash: UInt64
    /// Bytes 0–7 of a string key (little-endian, zero-padded), or the value of another key.
    public var word0: UInt64
    /// Bytes 8–15 of a string key, or the kind of another key.
    public var word1: UInt64
    /// The UTF-8 length of a string key, or -1.
    public var length: Int

    /// The digest of a key.
    @inlinable
    public init(_ key: MapKey) {
        switch key {
        case .bool(let b): self.init(hash: key.stableHash, word0: b ? 1 : 0, word1: 3, length: -1)
        case .int(let i): self.init(hash: key.stableHash, word0: UInt64(bitPattern: i), word1: 1, length: -1)
        case .uint(let u): self.init(hash: key.stableHash, word0: u, word1: 2, length: -1)
        case .string(let s): self.init(string: s)
        }
    }

    /// The digest of a string key, computed in one pass over its bytes.
    @inlinable
    public init(string: CELString) {
        if let digest = string.value.utf8.withContiguousStorageIfAvailable({ Self(bytes: $0) }) {
            self = digest
        } else {
            self = Array(string.value.utf8).withUnsafeBufferPointer { Self(bytes: $0) }
        }
    }

    @inlinable
    init(hash: UInt64, word0: UInt64, word1: UInt64, length: Int) {
        self.hash = hash
        self.word0 = word0
        self.word1 = word1
        self.length = length
    }

    /// The digest of a string key's UTF-8 bytes.
    @inlinable
    public init(bytes: UnsafeBufferPointer<UInt8>) {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        for index in 0..<min(bytes.count, 16) {
            let shifted = UInt64(bytes[index]) << UInt64((index & 7) * 8)
            if index < 8 { w0 |= shifted } else { w1 |= shifted }
        }
        self.init(hash: CELString.fnv1a(bytes), word0: w0, word1: w1, length: bytes.count)
    }

    /// Whether two keys with these digests are certainly equal without comparing their bytes.
    @inlinable
    var isComplete: Bool { length <= 16 }
}

extension CELString {
    /// FNV-1a over the UTF-8 bytes.
    @inlinable
    var fnv1a: UInt64 {
        if let hash = value.utf8.withContiguousStorageIfAvailable({ Self.fnv1a($0) }) { return hash }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in value.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    @inlinable
    static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// An immutable CEL map: entries in insertion order, with an open-addressing index that stores each
/// key's ``MapKey/stableHash``.
public final class CELMap: Sendable {
    /// The keys, in insertion order.
    public let keys: [Value]
    /// The values, parallel to `keys`.
    public let values: [Value]
    @usableFromInline let normalizedKeys: [MapKey]
    @usableFromInline let digests: [KeyDigest]
    /// Entry position + 1 for each slot of the table; 0 marks an empty slot. Its size is a power of
    /// two, at least twice the entry count.
    @usableFromInline let slots: [Int32]

    /// Builds a map from entries; fails on a key that is not int, uint, bool or string, or on a repeated
    /// key.
    public static func make(_ entries: [(key: Value, value: Value)]) -> Result<CELMap, EvalError> {
        var keys: [Value] = []
        var values: [Value] = []
        var normalized: [MapKey] = []
        keys.reserveCapacity(entries.count)
        values.reserveCapacity(entries.count)
        normalized.reserveCapacity(entries.count)
        for (key, value) in entries {
            guard MapKey.isValidKeyKind(key), let mapKey = MapKey(key) else {
                return .failure(EvalError(.invalidArgument, "unsupported key type: \(key.celType.name)"))
            }
            keys.append(key)
            values.append(value)
            normalized.append(mapKey)
        }
        guard let map = CELMap(keys: keys, values: values, normalizedKeys: normalized) else {
            let repeated = Self.firstRepeatedKey(keys, normalized)
            return .failure(EvalError(.invalidArgument, "Failed with repeated key: \(repeated)"))
        }
        return .success(map)
    }

    private static func firstRepeatedKey(_ keys: [Value], _ normalized: [MapKey]) -> Value {
        var seen: Set<MapKey> = []
        for (index, key) in normalized.enumerated() where !seen.insert(key).inserted {
            return keys[index]
        }
        return .null
    }

    /// An empty map.
    public static let empty = CELMap(keys: [], values: [], normalizedKeys: []) ?? CELMap(unchecked: ())

    private init(unchecked: ()) {
        keys = []
        values = []
        normalizedKeys = []
        digests = []
        slots = [0, 0]
    }

    /// Builds the index; `nil` when two keys are equal.
    init?(keys: [Value], values: [Value], normalizedKeys: [MapKey]) {
        var capacity = 2
        while capacity < normalizedKeys.count * 2 { capacity <<= 1 }
        let mask = capacity - 1
        var slots = [Int32](repeating: 0, count: capacity)
        var digests: [KeyDigest] = []
        digests.reserveCapacity(normalizedKeys.count)
        for (position, key) in normalizedKeys.enumerated() {
            let digest = KeyDigest(key)
            digests.append(digest)
            var slot = Int(truncatingIfNeeded: digest.hash) & mask
            while slots[slot] != 0 {
                let other = Int(slots[slot]) - 1
                if digests[other] == digest && (digest.isComplete || normalizedKeys[other] == key) { return nil }
                slot = (slot + 1) & mask
            }
            slots[slot] = Int32(position + 1)
        }
        self.keys = keys
        self.values = values
        self.normalizedKeys = normalizedKeys
        self.digests = digests
        self.slots = slots
    }

    /// The number of entries.
    @inlinable public var count: Int { keys.count }

    /// The entries in insertion order.
    public var entries: [(key: Value, value: Value)] {
        Array(zip(keys, values).map { (key: $0.0, value: $0.1) })
    }

    /// The value for the key with this digest (`key` is compared only for string keys longer than 16
    /// bytes), or `nil` when absent.
    @inlinable
    public func value(for key: MapKey, digest: KeyDigest) -> Value? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: digest.hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if digests[entry - 1] == digest && (digest.isComplete || normalizedKeys[entry - 1] == key) {
                return values[entry - 1]
            }
            slot = (slot + 1) & mask
        }
    }

    /// The value for a key, or `nil` when absent.
    @inlinable
    public subscript(key: MapKey) -> Value? {
        value(for: key, digest: KeyDigest(key))
    }

    /// The value for a key value, or `nil` when absent or not a possible key.
    @inlinable
    public subscript(key: Value) -> Value? {
        guard let mapKey = MapKey(key) else { return nil }
        return self[mapKey]
    }

    /// A copy with one entry added (for `cel.@mapInsert`); fails when the key exists or cannot be a key.
    public func inserting(key: Value, value: Value) -> Result<CELMap, EvalError> {
        guard MapKey.isValidKeyKind(key), let mapKey = MapKey(key) else {
            return .failure(EvalError(.invalidArgument, "unsupported key type: \(key.celType.name)"))
        }
        guard let map = CELMap(keys: keys + [key], values: values + [value], normalizedKeys: normalizedKeys + [mapKey])
        else {
            return .failure(EvalError(.invalidArgument, "insert failed: key \(key) already exists"))
        }
        return .success(map)
    }
}
