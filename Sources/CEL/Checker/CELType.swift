/// A static type of CEL's type checker.
///
/// The checker's types are richer than runtime types (``CELTypeValue``): lists and maps carry
/// their element types, `type(T)` records which type a type value denotes, and `dyn` stands for
/// any value (langdef, "Gradual Type Checking"). The cases follow the `Type` message of
/// cel-spec's `checked.proto`:
///
/// - primitives `bool int uint double string bytes` and `null_type`;
/// - `dyn`, the gradual type that is assignable to and from every type, and `*error*`, the type
///   of an ill-typed expression, which is assignable to and from every type so that one error is
///   reported once;
/// - well-known types: `google.protobuf.Any` (checked like `dyn`), `google.protobuf.Timestamp`,
///   `google.protobuf.Duration` and the nullable primitives that protobuf's wrapper messages
///   (`google.protobuf.Int64Value`, ...) stand for;
/// - `list(T)`, `map(K, V)`, `type(T)`;
/// - abstract types with parameters, such as `optional_type(T)` or `net.IP`;
/// - message types by fully qualified name;
/// - type parameters (`A`), which unification binds through a ``TypeSubstitution``.
///
/// ``description`` spells a type the way cel-go and cel-spec print it, for example
/// `map(string, dyn)` or `optional_type(list(int))`.
public indirect enum CELType: Sendable, Hashable {
    /// The gradual type: every type is assignable to and from `dyn`.
    case dyn
    /// The type of an expression that failed to check. It absorbs: it is assignable to and from
    /// every type, so one mistake is not reported again by every enclosing expression.
    case error
    /// `null_type`, the type of `null`.
    case null
    /// `bool`.
    case bool
    /// `int`, a signed 64-bit integer.
    case int
    /// `uint`, an unsigned 64-bit integer.
    case uint
    /// `double`, an IEEE 754 binary64 number.
    case double
    /// `string`, a sequence of Unicode code points.
    case string
    /// `bytes`, a sequence of octets.
    case bytes
    /// `google.protobuf.Any`, which the checker treats like `dyn`.
    case any
    /// `google.protobuf.Timestamp`, CEL's `timestamp`.
    case timestamp
    /// `google.protobuf.Duration`, CEL's `duration`.
    case duration
    /// A protobuf wrapper type such as `google.protobuf.Int64Value`: the primitive or `null`.
    case wrapper(Primitive)
    /// `list(T)`: a list whose elements have type `T`.
    case list(CELType)
    /// `map(K, V)`: a map from keys of type `K` to values of type `V`.
    case map(CELType, CELType)
    /// `type(T)`: the type of the type value `T`. Without a parameter it is the plain `type`,
    /// the type of any type value.
    case type(CELType?)
    /// An abstract type: a name with type parameters, such as `optional_type(int)` or `net.IP`.
    case abstract(name: String, parameters: [CELType])
    /// A protobuf message type, by its fully qualified name.
    case message(String)
    /// A type parameter of a generic function or of a type being inferred, such as `A` in
    /// `list(A)`.
    case typeParameter(String)

    /// The primitive types that protobuf wrapper messages make nullable.
    public enum Primitive: String, Sendable, Hashable, CaseIterable {
        /// `google.protobuf.BoolValue`.
        case bool
        /// `google.protobuf.Int64Value` and `google.protobuf.Int32Value`.
        case int
        /// `google.protobuf.UInt64Value` and `google.protobuf.UInt32Value`.
        case uint
        /// `google.protobuf.DoubleValue` and `google.protobuf.FloatValue`.
        case double
        /// `google.protobuf.StringValue`.
        case string
        /// `google.protobuf.BytesValue`.
        case bytes

        /// The primitive as a checker type (`int` for ``int``).
        public var type: CELType {
            switch self {
            case .bool: .bool
            case .int: .int
            case .uint: .uint
            case .double: .double
            case .string: .string
            case .bytes: .bytes
            }
        }

        /// The full name of the 64-bit wrapper message, such as `google.protobuf.Int64Value`.
        public var wrapperMessageName: String {
            switch self {
            case .bool: "google.protobuf.BoolValue"
            case .int: "google.protobuf.Int64Value"
            case .uint: "google.protobuf.UInt64Value"
            case .double: "google.protobuf.DoubleValue"
            case .string: "google.protobuf.StringValue"
            case .bytes: "google.protobuf.BytesValue"
            }
        }
    }

    /// The name of the abstract type of optional values, `optional_type`.
    public static let optionalTypeName = "optional_type"

    /// The type `optional_type(T)` of optional values holding a `T`.
    ///
    /// Optional types are abstract types named `optional_type` with one parameter, as in cel-go,
    /// so `CELType.optional(.int) == .abstract(name: "optional_type", parameters: [.int])`.
    public static func optional(_ valueType: CELType) -> CELType {
        .abstract(name: optionalTypeName, parameters: [valueType])
    }

    /// The `T` of `optional_type(T)`, or `nil` for any other type.
    public var optionalValueType: CELType? {
        guard case .abstract(Self.optionalTypeName, let parameters) = self, parameters.count == 1 else { return nil }
        return parameters.first
    }

    /// Whether values of every type may flow into and out of this type: `dyn`, `*error*` and
    /// `google.protobuf.Any`.
    public var isDynamic: Bool {
        switch self {
        case .dyn, .error, .any: true
        default: false
        }
    }

    /// Whether `null` is assignable to this type.
    ///
    /// This holds for `null_type`, the wrapper types, messages, timestamps, durations and
    /// abstract types (including `optional_type(T)`), and for the dynamic types. The nullable
    /// messages, timestamps, durations and abstract types are the legacy behaviour of the CEL
    /// type checkers that cel-spec's `type_deduction.textproto` ("legacy_nullable_types") keeps.
    public var acceptsNull: Bool {
        switch self {
        case .null, .wrapper, .message, .timestamp, .duration, .abstract, .dyn, .error, .any: true
        default: false
        }
    }

    /// The names of the type parameters that occur in this type.
    public var typeParameterNames: Set<String> {
        var names: Set<String> = []
        collectTypeParameterNames(into: &names)
        return names
    }

    /// Whether the type parameter `name` occurs in this type.
    public func mentions(typeParameter name: String) -> Bool {
        switch self {
        case .typeParameter(let other): other == name
        case .list(let element): element.mentions(typeParameter: name)
        case .map(let key, let value): key.mentions(typeParameter: name) || value.mentions(typeParameter: name)
        case .type(let parameter): parameter?.mentions(typeParameter: name) ?? false
        case .abstract(_, let parameters): parameters.contains { $0.mentions(typeParameter: name) }
        default: false
        }
    }

    /// This type with every type parameter replaced by what `transform` returns for its name.
    ///
    /// - Parameter transform: The replacement of a type parameter, given its name. Return
    ///   `.typeParameter(name)` to keep it.
    /// - Returns: The rewritten type. The replacements are not rewritten again.
    public func replacingTypeParameters(_ transform: (String) -> CELType) -> CELType {
        switch self {
        case .typeParameter(let name): transform(name)
        case .list(let element): .list(element.replacingTypeParameters(transform))
        case .map(let key, let value):
            .map(key.replacingTypeParameters(transform), value.replacingTypeParameters(transform))
        case .type(let parameter): .type(parameter?.replacingTypeParameters(transform))
        case .abstract(let name, let parameters):
            .abstract(name: name, parameters: parameters.map { $0.replacingTypeParameters(transform) })
        default: self
        }
    }

    /// The number of nested type constructors: 1 for `int`, 2 for `list(int)`.
    public var depth: Int {
        switch self {
        case .list(let element): 1 + element.depth
        case .map(let key, let value): 1 + max(key.depth, value.depth)
        case .type(let parameter): 1 + (parameter?.depth ?? 0)
        case .abstract(_, let parameters): 1 + (parameters.map(\.depth).max() ?? 0)
        default: 1
        }
    }

    private func collectTypeParameterNames(into names: inout Set<String>) {
        switch self {
        case .typeParameter(let name): names.insert(name)
        case .list(let element): element.collectTypeParameterNames(into: &names)
        case .map(let key, let value):
            key.collectTypeParameterNames(into: &names)
            value.collectTypeParameterNames(into: &names)
        case .type(let parameter): parameter?.collectTypeParameterNames(into: &names)
        case .abstract(_, let parameters):
            for parameter in parameters { parameter.collectTypeParameterNames(into: &names) }
        default: break
        }
    }
}

extension CELType: CustomStringConvertible {
    /// The type as cel-go and cel-spec print it: `int`, `list(int)`, `map(string, dyn)`,
    /// `type(int)`, `optional_type(string)`, `wrapper(int)`, `google.protobuf.Timestamp`,
    /// `null_type`, `*error*`, or the name of a message, abstract type or type parameter.
    ///
    /// Every printed type except `*error*` parses back to itself with ``init(parsing:options:)``
    /// (type parameters when their names are declared in the options).
    public var description: String {
        var text = ""
        write(to: &text)
        return text
    }

    private func write(to text: inout String) {
        switch self {
        case .dyn: text += "dyn"
        case .error: text += "*error*"
        case .null: text += "null_type"
        case .bool: text += "bool"
        case .int: text += "int"
        case .uint: text += "uint"
        case .double: text += "double"
        case .string: text += "string"
        case .bytes: text += "bytes"
        case .any: text += "google.protobuf.Any"
        case .timestamp: text += "google.protobuf.Timestamp"
        case .duration: text += "google.protobuf.Duration"
        case .wrapper(let primitive): text += "wrapper(\(primitive.rawValue))"
        case .list(let element): Self.write("list", [element], to: &text)
        case .map(let key, let value): Self.write("map", [key, value], to: &text)
        case .type(let parameter): Self.write("type", parameter.map { [$0] } ?? [], to: &text)
        case .abstract(let name, let parameters): Self.write(name, parameters, to: &text)
        case .message(let name): text += name
        case .typeParameter(let name): text += name
        }
    }

    private static func write(_ name: String, _ parameters: [CELType], to text: inout String) {
        text += name
        guard !parameters.isEmpty else { return }
        text += "("
        for (index, parameter) in parameters.enumerated() {
            if index > 0 { text += ", " }
            parameter.write(to: &text)
        }
        text += ")"
    }
}
