/// Implementations of single overloads of the hottest functions, bound when the type checker proved
/// the overload. Each takes the fast path for the proven kinds and falls back to the general
/// implementation otherwise (a `dyn` input may hold anything at run time).
extension Library {
    mutating func defineOverloads() {
        defineOverload(
            "add_int64",
            .binary { a, b in
                if case .int(let x) = a, case .int(let y) = b {
                    let (r, o) = x.addingReportingOverflow(y)
                    return o ? Arithmetic.overflow("int + int") : .int(r)
                }
                return Arithmetic.add(a, b)
            }
        )
        defineOverload(
            "subtract_int64",
            .binary { a, b in
                if case .int(let x) = a, case .int(let y) = b {
                    let (r, o) = x.subtractingReportingOverflow(y)
                    return o ? Arithmetic.overflow("int - int") : .int(r)
                }
                return Arithmetic.subtract(a, b)
            }
        )
        defineOverload(
            "add_string",
            .binary { a, b in
                if case .string(let x) = a, case .string(let y) = b { return .string(CELString(x.value + y.value)) }
                return Arithmetic.add(a, b)
            }
        )
        for (id, function, holds) in Self.intRelations {
            defineOverload(
                id,
                .binary { a, b in
                    if case .int(let x) = a, case .int(let y) = b { return .bool(holds(x, y)) }
                    guard let ordering = Value.celCompare(a, b) else { return .noSuchOverload(function, a, b) }
                    return .bool(Self.relationHolds(function, ordering))
                }
            )
        }
        let startsWith: FunctionImplementation = .binary { a, b in
            if case .string(let x) = a, case .string(let y) = b {
                return .bool(x.value.utf8.starts(with: y.value.utf8))
            }
            return .noSuchOverload("startsWith", a, b)
        }
        defineOverload("starts_with_string", startsWith)
        let sizeOfString: FunctionImplementation = .unary { value in
            if case .string(let s) = value { return .int(Int64(s.count)) }
            if case .list(let l) = value { return .int(Int64(l.count)) }
            if case .map(let m) = value { return .int(Int64(m.count)) }
            if case .bytes(let b) = value { return .int(Int64(b.count)) }
            return .noSuchOverload("size", value)
        }
        for id in ["size_string", "string_size", "size_list", "list_size", "size_map", "map_size"] {
            defineOverload(id, sizeOfString)
        }
    }

    private static let intRelations: [(String, String, @Sendable (Int64, Int64) -> Bool)] = [
        ("less_int64", Operators.less, { $0 < $1 }),
        ("less_equals_int64", Operators.lessEquals, { $0 <= $1 }),
        ("greater_int64", Operators.greater, { $0 > $1 }),
        ("greater_equals_int64", Operators.greaterEquals, { $0 >= $1 }),
    ]

    private static func relationHolds(_ function: String, _ ordering: Value.Ordering) -> Bool {
        switch function {
        case Operators.less: ordering == .less
        case Operators.lessEquals: ordering == .less || ordering == .equal
        case Operators.greater: ordering == .greater
        default: ordering == .greater || ordering == .equal
        }
    }
}
