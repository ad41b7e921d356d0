/// The optional values library (cel-go `cel.OptionalTypes`). The syntax that makes and reads optionals
/// (`a.?b`, `a[?b]`, `[?x]`, `{?k: v}`) and the `optMap` and `optFlatMap` macros are handled by the
/// parser and the planner; this library holds the functions.
///
/// - `optional.of(x)`, `optional.none()`, `optional.ofNonZeroValue(x)` (none for a zero value: `0`,
///   `0u`, `0.0`, `""`, `b""`, `false`, `null`, `[]`, `{}`, a zero duration or timestamp).
/// - `o.hasValue()`, `o.value()` (an error for none), `o.or(other)` (`o` if it has a value, else
///   `other`), `o.orValue(default)` (the value, else `default`).
/// - `optional.unwrap(list)` and `list.unwrapOpt()`: the values of a list of optionals, skipping none.
extension Library {
    /// The optional functions.
    public static let optionals: Library = {
        var library = Library()
        library.define("optional.of", .unary { .optional($0) })
        library.define("optional.none", .variadic(arity: 0) { _ in .optional(nil) })
        library.define(
            "optional.ofNonZeroValue",
            .unary { value in
                .optional(Optionals.isZeroValue(value) ? nil : value)
            }
        )
        library.define(
            "hasValue",
            .receiver,
            .unary { optional in
                guard case .optional(let wrapped) = optional else { return .noSuchOverload("hasValue", optional) }
                return .bool(wrapped != nil)
            }
        )
        library.define(
            "value",
            .receiver,
            .unary { optional in
                guard case .optional(let wrapped) = optional else { return .noSuchOverload("value", optional) }
                return wrapped ?? .error(.invalidArgument, "optional.none() dereference")
            }
        )
        library.define(
            "or",
            .receiver,
            .binary { optional, alternative in
                guard case .optional(let wrapped) = optional, case .optional = alternative else {
                    return .noSuchOverload("or", optional, alternative)
                }
                return wrapped == nil ? alternative : optional
            }
        )
        library.define(
            "orValue",
            .receiver,
            .binary { optional, fallback in
                guard case .optional(let wrapped) = optional else {
                    return .noSuchOverload("orValue", optional, fallback)
                }
                return wrapped ?? fallback
            }
        )
        library.define("optional.unwrap", .unary(Optionals.unwrap))
        library.define("unwrapOpt", .receiver, .unary(Optionals.unwrap))
        return library
    }()
}

/// The implementations of the optionals library.
enum Optionals {
    /// Whether the value is the zero value of its type.
    static func isZeroValue(_ value: Value) -> Bool {
        switch value {
        case .null: true
        case .bool(let b): !b
        case .int(let i): i == 0
        case .uint(let u): u == 0
        case .double(let d): d == 0
        case .string(let s): s.value.isEmpty
        case .bytes(let b): b.isEmpty
        case .list(let l): l.isEmpty
        case .map(let m): m.count == 0
        case .duration(let d): d.seconds == 0 && d.nanos == 0
        case .timestamp(let t): t.seconds == 0 && t.nanos == 0
        default: false
        }
    }

    @Sendable static func unwrap(_ list: Value) -> Value {
        guard case .list(let elements) = list else { return .noSuchOverload("optional.unwrap", list) }
        var values: [Value] = []
        for element in elements {
            guard case .optional(let wrapped) = element else { return .noSuchOverload("optional.unwrap", list) }
            if let wrapped { values.append(wrapped) }
        }
        return .list(values)
    }
}
