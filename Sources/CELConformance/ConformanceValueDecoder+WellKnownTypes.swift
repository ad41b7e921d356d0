import CEL

/// `object_value`: a `google.protobuf.Any`, written expanded as `[type.googleapis.com/NAME] { ... }`.
///
/// The well-known types CEL maps onto its own values are decoded: `Timestamp` and `Duration`, the
/// wrappers (`Int32Value` becomes an int, `FloatValue` a double rounded to float precision, ...), and the
/// JSON types `Value`, `Struct` and `ListValue` (null, double, string, bool, map, list). Every other
/// message needs protobuf.
extension ConformanceValueDecoder {
    private static let typeURLPrefix = "type.googleapis.com/"

    /// Decodes the `Any` of an `object_value`.
    static func objectValue(_ any: TextProtoMessage) throws(ConformanceValueError) -> Value {
        guard any.fields.count == 1, let packed = any.fields.first, packed.isBracketed,
            packed.name.hasPrefix(typeURLPrefix)
        else {
            throw .needsProtobuf("an object_value that is not an expanded Any of a known type")
        }
        let typeName = String(packed.name.dropFirst(typeURLPrefix.count))
        let message = try messageValue(packed)
        switch typeName {
        case "google.protobuf.Timestamp":
            let (seconds, nanos) = try secondsAndNanos(message)
            guard let timestamp = Timestamp(seconds: seconds, nanos: nanos) else {
                throw .malformed("timestamp out of range: \(seconds)s \(nanos)ns")
            }
            return .timestamp(timestamp)
        case "google.protobuf.Duration":
            let (seconds, nanos) = try secondsAndNanos(message)
            guard let duration = Duration(seconds: seconds, nanos: nanos) else {
                throw .malformed("duration out of range: \(seconds)s \(nanos)ns")
            }
            return .duration(duration)
        case "google.protobuf.Int32Value", "google.protobuf.Int64Value":
            return .int(try wrapped(message, default: 0) { $0.int64 })
        case "google.protobuf.UInt32Value", "google.protobuf.UInt64Value":
            return .uint(try wrapped(message, default: 0) { $0.uint64 })
        case "google.protobuf.FloatValue":
            return .double(Double(Float(try wrapped(message, default: 0) { $0.double })))
        case "google.protobuf.DoubleValue":
            return .double(try wrapped(message, default: 0) { $0.double })
        case "google.protobuf.BoolValue":
            return .bool(try wrapped(message, default: false) { $0.bool })
        case "google.protobuf.StringValue":
            return .string(try wrapped(message, default: "") { $0.string })
        case "google.protobuf.BytesValue":
            return .bytes(try wrapped(message, default: []) { $0.bytes })
        case "google.protobuf.Value":
            return try jsonValue(message)
        case "google.protobuf.Struct":
            return try jsonStruct(message)
        case "google.protobuf.ListValue":
            return try jsonList(message)
        default:
            throw .needsProtobuf("a \(typeName) message")
        }
    }

    /// The `seconds` and `nanos` fields of a `Timestamp` or `Duration`.
    private static func secondsAndNanos(
        _ message: TextProtoMessage
    ) throws(ConformanceValueError) -> (seconds: Int64, nanos: Int64) {
        var seconds: Int64 = 0
        var nanos: Int64 = 0
        if let field = try field("seconds", of: message) {
            guard let value = field.value.scalar?.int64 else { throw malformed(field, "expects an integer") }
            seconds = value
        }
        if let field = try field("nanos", of: message) {
            guard let value = field.value.scalar?.int64 else { throw malformed(field, "expects an integer") }
            nanos = value
        }
        return (seconds, nanos)
    }

    /// The `value` field of a wrapper message, or the default when it is absent.
    private static func wrapped<T>(
        _ message: TextProtoMessage,
        default defaultValue: T,
        _ read: (TextProtoScalar) -> T?
    ) throws(ConformanceValueError) -> T {
        guard let field = try field("value", of: message) else { return defaultValue }
        guard let scalar = field.value.scalar, let value = read(scalar) else {
            throw malformed(field, "has the wrong kind of value for its wrapper")
        }
        return value
    }

    /// A `google.protobuf.Value`: one of null, number, string, bool, struct or list.
    private static func jsonValue(_ message: TextProtoMessage) throws(ConformanceValueError) -> Value {
        guard message.fields.count == 1, let field = message.fields.first else {
            throw .malformed("a google.protobuf.Value needs exactly one kind")
        }
        switch field.name {
        case "null_value":
            return .null
        case "number_value":
            guard let value = field.value.scalar?.double else { throw malformed(field, "expects a number") }
            return .double(value)
        case "string_value":
            return .string(try string(field))
        case "bool_value":
            guard let value = field.value.scalar?.bool else { throw malformed(field, "expects true or false") }
            return .bool(value)
        case "struct_value":
            return try jsonStruct(messageValue(field))
        case "list_value":
            return try jsonList(messageValue(field))
        default:
            throw malformed(field, "is not a field of google.protobuf.Value")
        }
    }

    /// A `google.protobuf.Struct`: `fields { key: "k" value { ... } }`.
    private static func jsonStruct(_ message: TextProtoMessage) throws(ConformanceValueError) -> Value {
        var entries: [(key: Value, value: Value)] = []
        for entryField in message.fields(named: "fields") {
            let entry = try messageValue(entryField)
            let key = try field("key", of: entry).map { field throws(ConformanceValueError) in try string(field) }
            let value = try field("value", of: entry).map { field throws(ConformanceValueError) in
                try jsonValue(messageValue(field))
            }
            entries.append((.string(key ?? ""), value ?? .null))
        }
        switch CELMap.make(entries) {
        case .success(let map): return .map(map)
        case .failure(let error): throw .malformed("bad google.protobuf.Struct: \(error.message)")
        }
    }

    /// A `google.protobuf.ListValue`: `values { ... }`.
    private static func jsonList(_ message: TextProtoMessage) throws(ConformanceValueError) -> Value {
        var elements: [Value] = []
        for field in message.fields(named: "values") {
            elements.append(try jsonValue(messageValue(field)))
        }
        return .list(elements)
    }
}
