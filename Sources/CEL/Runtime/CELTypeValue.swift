/// A CEL type as a runtime value: what `type(x)` returns and what type identifiers such as `int`
/// evaluate to. Type values are equal when their names are.
public struct CELTypeValue: Sendable, Hashable, CustomStringConvertible {
    /// The type's name as CEL spells it (`int`, `list`, `google.protobuf.Timestamp`, ...).
    public var name: String

    /// Creates a type value.
    public init(name: String) {
        self.name = name
    }

    /// The name.
    public var description: String { name }

    /// The type `null_type`.
    public static let null = CELTypeValue(name: "null_type")
    /// The type `bool`.
    public static let bool = CELTypeValue(name: "bool")
    /// The type `int`.
    public static let int = CELTypeValue(name: "int")
    /// The type `uint`.
    public static let uint = CELTypeValue(name: "uint")
    /// The type `double`.
    public static let double = CELTypeValue(name: "double")
    /// The type `string`.
    public static let string = CELTypeValue(name: "string")
    /// The type `bytes`.
    public static let bytes = CELTypeValue(name: "bytes")
    /// The type `list`.
    public static let list = CELTypeValue(name: "list")
    /// The type `map`.
    public static let map = CELTypeValue(name: "map")
    /// The type `google.protobuf.Timestamp`.
    public static let timestamp = CELTypeValue(name: "google.protobuf.Timestamp")
    /// The type `google.protobuf.Duration`.
    public static let duration = CELTypeValue(name: "google.protobuf.Duration")
    /// The type `type`.
    public static let type = CELTypeValue(name: "type")
    /// The type `optional_type`.
    public static let optional = CELTypeValue(name: "optional_type")
    /// The type `*error*`.
    public static let error = CELTypeValue(name: "*error*")
    /// The type `*unknown*`.
    public static let unknown = CELTypeValue(name: "*unknown*")
    /// The type `dyn`.
    public static let dyn = CELTypeValue(name: "dyn")

    /// The type values that are bound to identifiers in every environment (`int`, `list`, ...).
    public static let builtins: [String: CELTypeValue] = [
        "null_type": .null, "bool": .bool, "int": .int, "uint": .uint, "double": .double, "string": .string,
        "bytes": .bytes, "list": .list, "map": .map, "type": .type, "optional_type": .optional,
        "google.protobuf.Timestamp": .timestamp, "google.protobuf.Duration": .duration,
        // The object types of the network library (Library+Network.swift).
        "net.IP": .networkAddress, "net.CIDR": .networkPrefix,
    ]
}
