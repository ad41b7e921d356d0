/// `+ - * / %`, unary `-` and `!` (langdef "Arithmetic Operators", "Overflow").
extension Library {
    mutating func defineArithmetic() {
        define(Operators.add, .binary(Arithmetic.add))
        define(Operators.subtract, .binary(Arithmetic.subtract))
        define(Operators.multiply, .binary(Arithmetic.multiply))
        define(Operators.divide, .binary(Arithmetic.divide))
        define(Operators.modulo, .binary(Arithmetic.modulo))
        define(Operators.negate, .unary(Arithmetic.negate))
        define(
            Operators.logicalNot,
            .unary { value in
                if case .bool(let b) = value { return .bool(!b) }
                return .noSuchOverload(Operators.logicalNot, value)
            }
        )
    }
}

/// The arithmetic of CEL values: overflow and division by zero are errors, never traps.
public enum Arithmetic {
    @inline(never)
    static func overflow(_ operation: String) -> Value {
        .error(.overflow, "return error for overflow: \(operation)")
    }

    /// `a + b`: numbers of one kind, strings, bytes, lists, and timestamp/duration arithmetic.
    @Sendable public static func add(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            return o ? overflow("int + int") : .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.addingReportingOverflow(y)
            return o ? overflow("uint + uint") : .uint(r)
        case (.double(let x), .double(let y)): return .double(x + y)
        case (.string(let x), .string(let y)): return .string(CELString(x.value + y.value))
        case (.bytes(let x), .bytes(let y)): return .bytes(x + y)
        case (.list(let x), .list(let y)): return .list(x + y)
        case (.timestamp(let t), .duration(let d)), (.duration(let d), .timestamp(let t)):
            return t.adding(d).map(Value.timestamp) ?? .error(.outOfRange, "timestamp out of range: \(t) + \(d)")
        case (.duration(let x), .duration(let y)):
            return x.adding(y).map(Value.duration) ?? .error(.outOfRange, "duration out of range: \(x) + \(y)")
        default: return .noSuchOverload(Operators.add, a, b)
        }
    }

    /// `a - b`.
    @Sendable public static func subtract(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? overflow("int - int") : .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.subtractingReportingOverflow(y)
            return o ? overflow("uint - uint") : .uint(r)
        case (.double(let x), .double(let y)): return .double(x - y)
        case (.timestamp(let x), .timestamp(let y)):
            return x.subtracting(y).map(Value.duration) ?? .error(.outOfRange, "duration out of range: \(x) - \(y)")
        case (.timestamp(let t), .duration(let d)):
            return t.subtracting(d).map(Value.timestamp) ?? .error(.outOfRange, "timestamp out of range: \(t) - \(d)")
        case (.duration(let x), .duration(let y)):
            return x.subtracting(y).map(Value.duration) ?? .error(.outOfRange, "duration out of range: \(x) - \(y)")
        default: return .noSuchOverload(Operators.subtract, a, b)
        }
    }

    /// `a * b`.
    @Sendable public static func multiply(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? overflow("int * int") : .int(r)
        case (.uint(let x), .uint(let y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? overflow("uint * uint") : .uint(r)
        case (.double(let x), .double(let y)): return .double(x * y)
        default: return .noSuchOverload(Operators.multiply, a, b)
        }
    }

    /// `a / b`: integer division truncates toward zero; by zero is an error for ints and uints.
    @Sendable public static func divide(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { return .error(.divisionByZero, "divide by zero") }
            let (r, o) = x.dividedReportingOverflow(by: y)
            return o ? overflow("int / int") : .int(r)
        case (.uint(let x), .uint(let y)):
            if y == 0 { return .error(.divisionByZero, "divide by zero") }
            return .uint(x / y)
        case (.double(let x), .double(let y)): return .double(x / y)
        default: return .noSuchOverload(Operators.divide, a, b)
        }
    }

    /// `a % b`: the remainder has the sign of `a`; by zero is an error.
    @Sendable public static func modulo(_ a: Value, _ b: Value) -> Value {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            if y == 0 { return .error(.divisionByZero, "modulus by zero") }
            let (r, o) = x.remainderReportingOverflow(dividingBy: y)
            return o ? overflow("int % int") : .int(r)
        case (.uint(let x), .uint(let y)):
            if y == 0 { return .error(.divisionByZero, "modulus by zero") }
            return .uint(x % y)
        default: return .noSuchOverload(Operators.modulo, a, b)
        }
    }

    /// `-a` for ints, doubles and durations.
    @Sendable public static func negate(_ a: Value) -> Value {
        switch a {
        case .int(let x):
            let (r, o) = Int64(0).subtractingReportingOverflow(x)
            return o ? overflow("-int") : .int(r)
        case .double(let x): return .double(-x)
        case .duration(let d):
            return d.negated.map(Value.duration) ?? .error(.outOfRange, "duration out of range: -\(d)")
        default: return .noSuchOverload(Operators.negate, a)
        }
    }
}
