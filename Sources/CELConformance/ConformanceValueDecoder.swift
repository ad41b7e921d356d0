import CEL

/// Turns the values a test writes in protobuf text format into runtime values: `cel.expr.Value` for
/// expected results, `cel.expr.ExprValue` for bindings.
///
/// Enum values become ints (CEL's legacy enum semantics). Well-known protobuf types packed in an
/// `object_value` (`Timestamp`, `Duration`, the wrappers, `Value`, `Struct`, `ListValue`) become the CEL
/// values they stand for; see `ConformanceValueDecoder+WellKnownTypes.swift`. Any other message, and a
/// type value naming one, throws `ConformanceValueError.needsProtobuf`.
enum ConformanceValueDecoder {
    /// The fields of `cel.expr.Value` that hold its kind.
    private static let kindFields: Set<String> = [
        "null_value", "bool_value", "int64_value", "uint64_value", "double_value", "string_value", "bytes_value",
        "enum_value", "object_value", "map_value", "list_value", "type_value",
    ]

    /// Decodes a `cel.expr.ExprValue`: a value, an error set (an error value) or an unknown set.
    static func exprValue(_ message: TextProtoMessage) throws(ConformanceValueError) -> Value {
        if let value = try field("value", of: message) {
            return try self.value(messageValue(value))
        }
        if let errorSet = try field("error", of: message) {
            let errors = try messageValue(errorSet).fields(named: "errors").compactMap(\.value.message)
            let text = errors.compactMap { $0.field(named: "message")?.value.scalar?.string }.joined(separator: "; ")
            return .error(EvalError(.other, text.isEmpty ? "error" : text))
        }
        if let unknownSet = try field("unknown", of: message) {
            var ids: Set<ExprID> = []
            for field in try messageValue(unknownSet).fields(named: "exprs") {
                guard let id = field.value.scalar?.int64 else { throw malformed(field, "expects an expression id") }
                ids.insert(id)
            }
            return .unknown(UnknownSet(ids))
        }
        throw .malformed("an ExprValue needs one of value, error or unknown")
    }

    /// Decodes a `cel.expr.Value`.
    static func value(_ message: TextProtoMessage) throws(ConformanceValueError) -> Value {
        let kinds = message.fields.filter { kindFields.contains($0.name) }
        guard let field = kinds.first else {
            throw .malformed("a value needs one of \(kindFields.sorted().joined(separator: ", "))")
        }
        guard kinds.count == 1 else {
            throw malformed(kinds[1], "a value has one kind, but '\(field.name)' and '\(kinds[1].name)' are both given")
        }
        switch field.name {
        case "null_value":
            return .null
        case "bool_value":
            guard let value = field.value.scalar?.bool else { throw malformed(field, "expects true or false") }
            return .bool(value)
        case "int64_value":
            guard let value = field.value.scalar?.int64 else { throw malformed(field, "expects a 64-bit integer") }
            return .int(value)
        case "uint64_value":
            guard let value = field.value.scalar?.uint64 else { throw malformed(field, "expects an unsigned integer") }
            return .uint(value)
        case "double_value":
            guard let value = field.value.scalar?.double else { throw malformed(field, "expects a number") }
            return .double(value)
        case "string_value":
            return .string(try string(field))
        case "bytes_value":
            guard let value = field.value.scalar?.bytes else { throw malformed(field, "expects a string literal") }
            return .bytes(value)
        case "enum_value":
            return try enumValue(messageValue(field))
        case "type_value":
            return try typeValue(string(field))
        case "list_value":
            var elements: [Value] = []
            for element in try messageValue(field).fields(named: "values") {
                elements.append(try value(messageValue(element)))
            }
            return .list(elements)
        case "map_value":
            return try mapValue(messageValue(field))
        default:
            return try objectValue(messageValue(field))
        }
    }

    /// An enum value is its number: CEL's legacy (and default) enum semantics make enums ints.
    private static func enumValue(_ message: TextProtoMessage) throws(ConformanceValueError) -> Value {
        guard let field = try field("value", of: message) else { return .int(0) }
        guard let number = field.value.scalar?.int64, let value = Int32(exactly: number) else {
            throw malformed(field, "expects a 32-bit enum number")
        }
        return .int(Int64(value))
    }

    /// A type value; types of the conformance protobuf packages need protobuf.
    private static func typeValue(_ name: String) throws(ConformanceValueError) -> Value {
        if name.hasPrefix("cel.expr.conformance.") {
            throw .needsProtobuf("the type value \(name) is a protobuf type")
        }
        return .type(CELTypeValue(name: name))
    }

    /// A `cel.expr.MapValue`: `entries { key { ... } value { ... } }`.
    private static func mapValue(_ message: TextProtoMessage) throws(ConformanceValueError) -> Value {
        var entries: [(key: Value, value: Value)] = []
        for entry in try message.fields(named: "entries").map({ field throws(ConformanceValueError) in
            try messageValue(field)
        }) {
            guard let keyField = try field("key", of: entry), let valueField = try field("value", of: entry) else {
                throw .malformed("a map entry needs a key and a value")
            }
            entries.append((try value(messageValue(keyField)), try value(messageValue(valueField))))
        }
        switch CELMap.make(entries) {
        case .success(let map): return .map(map)
        case .failure(let error): throw .malformed("bad map value: \(error.message)")
        }
    }

    // MARK: - Field access

    /// The only field with this name, if any.
    static func field(_ name: String, of message: TextProtoMessage) throws(ConformanceValueError) -> TextProtoField? {
        let matches = message.fields(named: name)
        if matches.count > 1 { throw malformed(matches[1], "'\(name)' is given more than once") }
        return matches.first
    }

    /// The message value of a field.
    static func messageValue(_ field: TextProtoField) throws(ConformanceValueError) -> TextProtoMessage {
        guard let message = field.value.message else { throw malformed(field, "expects a message") }
        return message
    }

    /// The UTF-8 string value of a field.
    static func string(_ field: TextProtoField) throws(ConformanceValueError) -> String {
        guard let value = field.value.scalar?.string else { throw malformed(field, "expects a UTF-8 string") }
        return value
    }

    /// A schema error at a field.
    static func malformed(_ field: TextProtoField, _ message: String) -> ConformanceValueError {
        .malformed("\(field.line):\(field.column): '\(field.name)' \(message)")
    }
}
