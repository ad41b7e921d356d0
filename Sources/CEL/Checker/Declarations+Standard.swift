/// The function declarations of langdef's "Standard Definitions", with cel-go's overload ids.
///
/// `cel.@block` is not declared: its type is the type of its result expression, which the checker
/// derives itself from the bindings.
extension Declarations {
    /// Every operator and function of langdef's standard definitions, plus the internal helpers that
    /// the macros expand into (`@not_strictly_false`, `cel.@mapInsert`).
    ///
    /// Overload ids are spelled as cel-go spells them (`add_int64`, `less_int64_uint64`,
    /// `timestamp_to_year_with_tz`, `string_size`...). Generic overloads use the type parameters
    /// `A` and `B`: `_==_` is `(A, A) -> bool`, `_[_]` is `(list(A), int) -> A` and
    /// `(map(A, B), A) -> B`, `_?_:_` is `(bool, A, A) -> A`.
    public static let standard: Declarations = {
        var declarations = Declarations()
        declarations.declareLogic()
        declarations.declareArithmetic()
        declarations.declareComparisons()
        declarations.declareCollections()
        declarations.declareStrings()
        declarations.declareTime()
        declarations.declareConversions()
        return declarations
    }()
}

extension OverloadDeclaration {
    /// A global overload: `f(a, b)`.
    static func global(_ id: String, _ parameters: [CELType], _ result: CELType) -> OverloadDeclaration {
        OverloadDeclaration(id: id, parameters: parameters, result: result)
    }

    /// A receiver-style overload: `a.f(b)`; the receiver is the first parameter.
    static func receiver(_ id: String, _ parameters: [CELType], _ result: CELType) -> OverloadDeclaration {
        OverloadDeclaration(id: id, receiverStyle: true, parameters: parameters, result: result)
    }
}

extension CELType {
    /// The type parameter `A` of generic declarations.
    static let parameterA = CELType.typeParameter("A")
    /// The type parameter `B` of generic declarations.
    static let parameterB = CELType.typeParameter("B")
}

extension Declarations {
    private mutating func declareLogic() {
        let a = CELType.parameterA
        declare(Operators.conditional, [.global("conditional", [.bool, a, a], a)])
        declare(Operators.logicalAnd, [.global("logical_and", [.bool, .bool], .bool)])
        declare(Operators.logicalOr, [.global("logical_or", [.bool, .bool], .bool)])
        declare(Operators.logicalNot, [.global("logical_not", [.bool], .bool)])
        declare(Operators.notStrictlyFalse, [.global("not_strictly_false", [.bool], .bool)])
        declare(Operators.equals, [.global("equals", [a, a], .bool)])
        declare(Operators.notEquals, [.global("not_equals", [a, a], .bool)])
    }

    private mutating func declareArithmetic() {
        let numbers: [(String, CELType)] = [("int64", .int), ("uint64", .uint), ("double", .double)]
        declare(
            Operators.negate,
            [.global("negate_int64", [.int], .int), .global("negate_double", [.double], .double)]
        )
        declare(
            Operators.add,
            numbers.map { .global("add_\($0.0)", [$0.1, $0.1], $0.1) } + [
                .global("add_string", [.string, .string], .string),
                .global("add_bytes", [.bytes, .bytes], .bytes),
                .global("add_list", [.list(.parameterA), .list(.parameterA)], .list(.parameterA)),
                .global("add_timestamp_duration", [.timestamp, .duration], .timestamp),
                .global("add_duration_timestamp", [.duration, .timestamp], .timestamp),
                .global("add_duration_duration", [.duration, .duration], .duration),
            ]
        )
        declare(
            Operators.subtract,
            numbers.map { .global("subtract_\($0.0)", [$0.1, $0.1], $0.1) } + [
                .global("subtract_timestamp_timestamp", [.timestamp, .timestamp], .duration),
                .global("subtract_timestamp_duration", [.timestamp, .duration], .timestamp),
                .global("subtract_duration_duration", [.duration, .duration], .duration),
            ]
        )
        declare(Operators.multiply, numbers.map { .global("multiply_\($0.0)", [$0.1, $0.1], $0.1) })
        declare(Operators.divide, numbers.map { .global("divide_\($0.0)", [$0.1, $0.1], $0.1) })
        declare(
            Operators.modulo,
            [.global("modulo_int64", [.int, .int], .int), .global("modulo_uint64", [.uint, .uint], .uint)]
        )
    }

    private mutating func declareComparisons() {
        let numbers: [(String, CELType)] = [("int64", .int), ("uint64", .uint), ("double", .double)]
        let others: [(String, CELType)] = [
            ("bool", .bool), ("string", .string), ("bytes", .bytes), ("timestamp", .timestamp),
            ("duration", .duration),
        ]
        let operators = [
            (Operators.less, "less"), (Operators.lessEquals, "less_equals"), (Operators.greater, "greater"),
            (Operators.greaterEquals, "greater_equals"),
        ]
        for (function, prefix) in operators {
            var overloads: [OverloadDeclaration] = []
            for (name, type) in numbers + others {
                overloads.append(.global("\(prefix)_\(name)", [type, type], .bool))
                // Numbers compare across kinds at runtime, and the checker accepts it.
                guard numbers.contains(where: { $0.1 == type }) else { continue }
                for (otherName, otherType) in numbers where otherType != type {
                    overloads.append(.global("\(prefix)_\(name)_\(otherName)", [type, otherType], .bool))
                }
            }
            declare(function, overloads)
        }
    }

    private mutating func declareCollections() {
        let (a, b) = (CELType.parameterA, CELType.parameterB)
        declare(
            Operators.index,
            [.global("index_list", [.list(a), .int], a), .global("index_map", [.map(a, b), a], b)]
        )
        declare(Operators.in, [.global("in_list", [a, .list(a)], .bool), .global("in_map", [a, .map(a, b)], .bool)])
        let sized: [(String, CELType)] = [
            ("string", .string), ("bytes", .bytes), ("list", .list(a)), ("map", .map(a, b)),
        ]
        declare(
            "size",
            sized.map { .global("size_\($0.0)", [$0.1], .int) } + sized.map { .receiver("\($0.0)_size", [$0.1], .int) }
        )
        declare(
            Operators.mapInsert,
            [
                .global("cel_@mapInsert_map_key_value", [.map(a, b), a, b], .map(a, b)),
                .global("cel_@mapInsert_map_map", [.map(a, b), .map(a, b)], .map(a, b)),
            ]
        )
    }

    private mutating func declareStrings() {
        declare("contains", [.receiver("contains_string", [.string, .string], .bool)])
        declare("startsWith", [.receiver("starts_with_string", [.string, .string], .bool)])
        declare("endsWith", [.receiver("ends_with_string", [.string, .string], .bool)])
        declare(
            "matches",
            [
                .global("matches", [.string, .string], .bool),
                .receiver("matches_string", [.string, .string], .bool),
            ]
        )
    }

    private mutating func declareTime() {
        // (function, overload id stem, also defined on durations)
        let accessors: [(String, String, Bool)] = [
            ("getFullYear", "year", false), ("getMonth", "month", false), ("getDayOfYear", "day_of_year", false),
            ("getDayOfMonth", "day_of_month", false), ("getDate", "day_of_month_1_based", false),
            ("getDayOfWeek", "day_of_week", false), ("getHours", "hours", true), ("getMinutes", "minutes", true),
            ("getSeconds", "seconds", true), ("getMilliseconds", "milliseconds", true),
        ]
        for (function, stem, onDurations) in accessors {
            var overloads: [OverloadDeclaration] = [
                .receiver("timestamp_to_\(stem)", [.timestamp], .int),
                .receiver("timestamp_to_\(stem)_with_tz", [.timestamp, .string], .int),
            ]
            if onDurations { overloads.append(.receiver("duration_to_\(stem)", [.duration], .int)) }
            declare(function, overloads)
        }
    }

    private mutating func declareConversions() {
        let a = CELType.parameterA
        // (function, result, overload id name of the result, [(argument id name, argument type)])
        let conversions: [(String, CELType, String, [(String, CELType)])] = [
            (
                "int", .int, "int64",
                [
                    ("int64", .int), ("uint64", .uint), ("double", .double), ("string", .string),
                    ("timestamp", .timestamp),
                ]
            ),
            ("uint", .uint, "uint64", [("uint64", .uint), ("int64", .int), ("double", .double), ("string", .string)]),
            (
                "double", .double, "double",
                [("double", .double), ("int64", .int), ("uint64", .uint), ("string", .string)]
            ),
            (
                "string", .string, "string",
                [
                    ("string", .string), ("bool", .bool), ("int64", .int), ("uint64", .uint), ("double", .double),
                    ("bytes", .bytes), ("timestamp", .timestamp), ("duration", .duration),
                ]
            ),
            ("bytes", .bytes, "bytes", [("bytes", .bytes), ("string", .string)]),
            ("bool", .bool, "bool", [("bool", .bool), ("string", .string)]),
            (
                "timestamp", .timestamp, "timestamp",
                [("timestamp", .timestamp), ("string", .string), ("int64", .int)]
            ),
            ("duration", .duration, "duration", [("duration", .duration), ("string", .string)]),
        ]
        for (function, result, resultName, arguments) in conversions {
            declare(function, arguments.map { .global("\($0.0)_to_\(resultName)", [$0.1], result) })
        }
        declare("dyn", [.global("to_dyn", [a], .dyn)])
        declare("type", [.global("type", [a], .type(a))])
    }
}
