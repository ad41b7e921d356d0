/// `< <= > >=` over numbers (across int, uint and double), strings, bytes, bools, timestamps and
/// durations (langdef "Ordering").
extension Library {
    mutating func defineComparisons() {
        define(Operators.less, .binary(Self.relation(Operators.less) { $0 == .less }))
        define(Operators.lessEquals, .binary(Self.relation(Operators.lessEquals) { $0 == .less || $0 == .equal }))
        define(Operators.greater, .binary(Self.relation(Operators.greater) { $0 == .greater }))
        define(
            Operators.greaterEquals,
            .binary(Self.relation(Operators.greaterEquals) { $0 == .greater || $0 == .equal })
        )
    }

    private static func relation(
        _ function: String,
        _ holds: @escaping @Sendable (Value.Ordering) -> Bool
    ) -> @Sendable (Value, Value) -> Value {
        { a, b in
            guard let ordering = Value.celCompare(a, b) else { return .noSuchOverload(function, a, b) }
            return .bool(holds(ordering))
        }
    }
}
