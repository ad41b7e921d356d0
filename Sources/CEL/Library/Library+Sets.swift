/// The sets extension (cel-go `ext.Sets`): set relations between lists, under CEL equality, so that
/// `1`, `1u` and `1.0` are the same element.
///
/// - `sets.contains(list, sublist)`: whether every element of `sublist` is in `list`.
/// - `sets.equivalent(a, b)`: whether each list contains the other.
/// - `sets.intersects(a, b)`: whether the lists share an element.
extension Library {
    /// `sets.contains`, `sets.equivalent` and `sets.intersects`.
    public static let sets: Library = {
        var library = Library()
        library.define(
            "sets.contains",
            .binary { list, sublist in
                guard case .list(let elements) = list, case .list(let candidates) = sublist else {
                    return .noSuchOverload("sets.contains", list, sublist)
                }
                return .bool(ValueSet(elements).containsAll(candidates))
            }
        )
        library.define(
            "sets.equivalent",
            .binary { first, second in
                guard case .list(let a) = first, case .list(let b) = second else {
                    return .noSuchOverload("sets.equivalent", first, second)
                }
                return .bool(ValueSet(a).containsAll(b) && ValueSet(b).containsAll(a))
            }
        )
        library.define(
            "sets.intersects",
            .binary { first, second in
                guard case .list(let a) = first, case .list(let b) = second else {
                    return .noSuchOverload("sets.intersects", first, second)
                }
                let (smaller, larger) = a.count <= b.count ? (a, b) : (b, a)
                let members = ValueSet(smaller)
                return .bool(larger.contains { members.contains($0) })
            }
        )
        return library
    }()
}

/// A set of values under CEL equality, for membership tests in linear time.
///
/// Values that can be map keys (bools, ints, uints, strings and integral doubles) are hashed by their
/// normalized ``MapKey``, which makes numerically equal numbers one key. Any value equal to such a
/// value is itself one of them, so the other values (lists, maps, bytes, fractional doubles, ...) are
/// only compared with each other, one by one.
struct ValueSet {
    private var hashed: Set<MapKey> = []
    private var others: [Value] = []

    /// An empty set.
    init() {}

    /// The set of the elements.
    init(_ elements: [Value]) {
        for element in elements { insert(element) }
    }

    /// Whether an element equal to `value` is in the set.
    func contains(_ value: Value) -> Bool {
        if let key = MapKey(value) { return hashed.contains(key) }
        return others.contains { Value.celEquals($0, value) }
    }

    /// Whether every one of `values` is in the set.
    func containsAll(_ values: [Value]) -> Bool {
        values.allSatisfy { contains($0) }
    }

    /// Adds `value`; returns whether it was new.
    @discardableResult
    mutating func insert(_ value: Value) -> Bool {
        if let key = MapKey(value) { return hashed.insert(key).inserted }
        if others.contains(where: { Value.celEquals($0, value) }) { return false }
        others.append(value)
        return true
    }
}
