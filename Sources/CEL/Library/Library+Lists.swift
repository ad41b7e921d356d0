/// The lists extension (cel-go `ext.Lists`). Indexes are zero-based; bad indexes and unsortable
/// elements are errors.
///
/// - `l.slice(start, end)`: the elements from `start` up to, not including, `end`.
/// - `l.flatten()`, `l.flatten(depth)`: nested lists spliced into their parent, one level or `depth`
///   levels deep.
/// - `l.sort()`: the elements in ascending order; they must all be of one comparable kind (int, uint,
///   double, bool, string, bytes, timestamp or duration).
/// - `l.sortBy(x, key)`: a macro; the elements ordered by `key` (stable). It expands to
///   `@sortByAssociatedKeys(l, l.map(x, key))`.
/// - `l.distinct()`: the first of each set of equal elements, in order (`1`, `1u` and `1.0` are equal).
/// - `l.reverse()`, `lists.range(n)` (`[0, 1, ..., n - 1]`).
/// - `l.first()`, `l.last()`: the element as an optional, `optional.none()` for an empty list.
extension Library {
    /// The list functions, and the helper the `sortBy` macro expands into.
    public static let lists: Library = {
        var library = Library()
        library.define("slice", .receiver, .ternary(Lists.slice))
        library.define("flatten", .receiver, .unary { Lists.flatten($0, depth: .int(1)) })
        library.define("flatten", .receiver, .binary(Lists.flatten))
        library.define("sort", .receiver, .unary(Lists.sort))
        library.define(Lists.sortByAssociatedKeys, .binary(Lists.sort(_:byKeys:)))
        library.define("distinct", .receiver, .unary(Lists.distinct))
        library.define(
            "reverse",
            .receiver,
            .unary { value in
                guard case .list(let elements) = value else { return .noSuchOverload("reverse", value) }
                return .list(elements.reversed())
            }
        )
        library.define("lists.range", .unary(Lists.range))
        library.define(
            "first",
            .receiver,
            .unary { value in
                guard case .list(let elements) = value else { return .noSuchOverload("first", value) }
                return .optional(elements.first)
            }
        )
        library.define(
            "last",
            .receiver,
            .unary { value in
                guard case .list(let elements) = value else { return .noSuchOverload("last", value) }
                return .optional(elements.last)
            }
        )
        return library
    }()
}

/// The implementations of the lists extension.
enum Lists {
    /// The function `l.sortBy(x, key)` expands into: `@sortByAssociatedKeys(l, keys)`.
    static let sortByAssociatedKeys = "@sortByAssociatedKeys"

    /// The longest list `lists.range` makes: the default list length limit of an evaluation.
    static let maxRange = EvaluationLimits().maxListLength

    @Sendable static func slice(_ list: Value, _ start: Value, _ end: Value) -> Value {
        guard case .list(let elements) = list, case .int(let from) = start, case .int(let to) = end else {
            return .noSuchOverload("slice", list, start, end)
        }
        guard from >= 0, to >= 0 else {
            return .error(.invalidArgument, "cannot slice(\(from), \(to)), negative indexes not supported")
        }
        guard from <= to else {
            return .error(
                .invalidArgument,
                "cannot slice(\(from), \(to)), start index must be less than or equal to end index"
            )
        }
        guard to <= elements.count else {
            return .error(.invalidArgument, "cannot slice(\(from), \(to)), list is length \(elements.count)")
        }
        return .list(Array(elements[Int(from)..<Int(to)]))
    }

    @Sendable static func flatten(_ list: Value, depth: Value) -> Value {
        guard case .list(let elements) = list, case .int(let levels) = depth else {
            return .noSuchOverload("flatten", list, depth)
        }
        guard levels >= 0 else { return .error(.invalidArgument, "flatten(): level must be non-negative") }
        var result: [Value] = []
        result.reserveCapacity(elements.count)
        append(elements, levels: levels, to: &result)
        return .list(result)
    }

    private static func append(_ elements: [Value], levels: Int64, to result: inout [Value]) {
        for element in elements {
            if levels > 0, case .list(let nested) = element {
                append(nested, levels: levels - 1, to: &result)
            } else {
                result.append(element)
            }
        }
    }

    @Sendable static func sort(_ list: Value) -> Value {
        guard case .list(let elements) = list else { return .noSuchOverload("sort", list) }
        if let failure = sortability(elements, function: "sort") { return failure }
        return .list(elements.sorted(by: ascending))
    }

    @Sendable static func sort(_ list: Value, byKeys keys: Value) -> Value {
        guard case .list(let elements) = list, case .list(let keyValues) = keys, elements.count == keyValues.count
        else { return .noSuchOverload("sortBy", list, keys) }
        if let failure = sortability(keyValues, function: "sortBy") { return failure }
        // A stable sort of the positions by key.
        let order = keyValues.indices.sorted { a, b in
            let (x, y) = (keyValues[a], keyValues[b])
            return ascending(x, y) || (!ascending(y, x) && a < b)
        }
        return .list(order.map { elements[$0] })
    }

    /// An error when the values are not all of one orderable kind.
    private static func sortability(_ values: [Value], function: String) -> Value? {
        guard let first = values.first else { return nil }
        switch first {
        case .int, .uint, .double, .bool, .string, .bytes, .timestamp, .duration: break
        default:
            return .error(
                .invalidArgument,
                "\(function)(): list elements of type \(first.celType.name) are not comparable"
            )
        }
        let kind = first.celType
        for value in values.dropFirst() where value.celType != kind {
            return .error(
                .invalidArgument,
                "\(function)(): list elements must have the same type, found \(kind.name) and \(value.celType.name)"
            )
        }
        return nil
    }

    /// Ascending CEL order, with NaN after every other double (so the order is total).
    private static func ascending(_ a: Value, _ b: Value) -> Bool {
        if case .double(let x) = a, case .double(let y) = b, x.isNaN || y.isNaN { return !x.isNaN && y.isNaN }
        return Value.celCompare(a, b) == .less
    }

    @Sendable static func distinct(_ list: Value) -> Value {
        guard case .list(let elements) = list else { return .noSuchOverload("distinct", list) }
        var seen = ValueSet()
        return .list(elements.filter { seen.insert($0) })
    }

    @Sendable static func range(_ count: Value) -> Value {
        guard case .int(let n) = count else { return .noSuchOverload("lists.range", count) }
        guard n <= maxRange else {
            return .error(.invalidArgument, "lists.range(\(n)): longer than the limit of \(maxRange) elements")
        }
        return .list(n <= 0 ? [] : (0..<n).map { .int($0) })
    }
}
