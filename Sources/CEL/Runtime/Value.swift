/// A CEL runtime value.
///
/// Scalars are stored inline; aggregates are immutable and shared (arrays and final classes), so
/// copying a value never copies its contents. Errors and unknowns are values too, so that `&&`, `||`
/// and `?:` can absorb them as langdef requires.
public enum Value: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(CELString)
    case bytes([UInt8])
    case list([Value])
    case map(CELMap)
    case timestamp(Timestamp)
    case duration(Duration)
    /// A type value, such as the result of `type(1)` (`int`).
    case type(CELTypeValue)
    /// An optional value (`optional.of(x)`, `optional.none()`); `nil` is the empty optional.
    indirect case optional(Value?)
    /// An evaluation error.
    case error(EvalError)
    /// Unknown inputs the result depends on.
    case unknown(UnknownSet)
    /// A value of a type a library defines, such as `net.IP`.
    case object(CELObject)

    /// A string value.
    public static func string(_ value: String) -> Value { .string(CELString(value)) }

    /// Whether the value is an error.
    @inlinable public var isError: Bool {
        if case .error = self { return true }
        return false
    }

    /// Whether the value is an error or an unknown: a value that operators propagate.
    @inlinable public var isErrorOrUnknown: Bool {
        switch self {
        case .error, .unknown: true
        default: false
        }
    }

    /// The CEL type of the value.
    public var celType: CELTypeValue {
        switch self {
        case .null: .null
        case .bool: .bool
        case .int: .int
        case .uint: .uint
        case .double: .double
        case .string: .string
        case .bytes: .bytes
        case .list: .list
        case .map: .map
        case .timestamp: .timestamp
        case .duration: .duration
        case .type: .type
        case .optional: .optional
        case .error: .error
        case .unknown: .unknown
        case .object(let object): object.type
        }
    }
}

extension Value: CustomStringConvertible {
    /// A debugging rendering of the value in CEL-like syntax.
    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .uint(let value): "\(value)u"
        case .double(let value): value.description
        case .string(let value): Literal.string(value.value).celText
        case .bytes(let value): Literal.bytes(value).celText
        case .list(let elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .map(let map): "{" + map.entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .timestamp(let value): "timestamp(\"\(value)\")"
        case .duration(let value): "duration(\"\(value)\")"
        case .type(let value): value.name
        case .optional(let value): value.map { "optional.of(\($0))" } ?? "optional.none()"
        case .error(let error): "error(\(error.message))"
        case .unknown(let unknown): "unknown(\(unknown.exprIDs.sorted()))"
        case .object(let object): object.description
        }
    }
}
