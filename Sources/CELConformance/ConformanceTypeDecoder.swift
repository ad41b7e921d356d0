import CEL

/// Turns the types and declarations a test writes in protobuf text format into the checker's: a
/// `cel.expr.Type` (`typed_result.deduced_type`, the types in `type_env`) into a `CELType`, and the
/// `cel.expr.Decl` messages of `type_env` into `Declarations`.
///
/// Message types become `.message(name)`, except the well-known `google.protobuf` messages that CEL
/// treats as its own types (`Timestamp`, `Duration`, `Any`, the wrappers, `Value`, `Struct`,
/// `ListValue`), which become those types. Function types (`function { ... }`) have no checker type and
/// are rejected as malformed.
enum ConformanceTypeDecoder {
    /// The fields of `cel.expr.Type` that hold its kind.
    static let kindFields: Set<String> = [
        "dyn", "null", "primitive", "wrapper", "well_known", "list_type", "map_type", "function", "message_type",
        "type_param", "type", "error", "abstract_type",
    ]

    /// How deeply types may nest before the decoder gives up.
    static let maximumDepth = 64

    // MARK: - Types

    /// Decodes a `cel.expr.Type`.
    /// - Throws: `ConformanceValueError.malformed` when the message has no kind or two, a kind has the
    ///   wrong kind of value, an enum value is unknown, or the type is a function type or nests too deeply.
    static func type(_ message: TextProtoMessage) throws(ConformanceValueError) -> CELType {
        try type(message, depth: 1)
    }

    private static func type(_ message: TextProtoMessage, depth: Int) throws(ConformanceValueError) -> CELType {
        guard depth <= maximumDepth else { throw .malformed("a type nested more than \(maximumDepth) levels deep") }
        let kinds = message.fields.filter { kindFields.contains($0.name) }
        guard let field = kinds.first else {
            throw .malformed("a type needs one of \(kindFields.sorted().joined(separator: ", "))")
        }
        guard kinds.count == 1 else {
            throw ConformanceValueDecoder.malformed(
                kinds[1],
                "a type has one kind, but '\(field.name)' and '\(kinds[1].name)' are both given"
            )
        }
        switch field.name {
        case "dyn":
            _ = try ConformanceValueDecoder.messageValue(field)
            return .dyn
        case "error":
            _ = try ConformanceValueDecoder.messageValue(field)
            return .error
        case "null":
            guard let scalar = field.value.scalar, scalar == .identifier("NULL_VALUE") || scalar == .number("0") else {
                throw ConformanceValueDecoder.malformed(field, "expects NULL_VALUE")
            }
            return .null
        case "primitive":
            return try primitive(field).type
        case "wrapper":
            return .wrapper(try primitive(field))
        case "well_known":
            return try wellKnown(field)
        case "list_type":
            let list = try ConformanceValueDecoder.messageValue(field)
            return .list(try parameter("elem_type", of: list, in: field, depth: depth))
        case "map_type":
            let map = try ConformanceValueDecoder.messageValue(field)
            return .map(
                try parameter("key_type", of: map, in: field, depth: depth),
                try parameter("value_type", of: map, in: field, depth: depth)
            )
        case "message_type":
            return messageType(try nonEmptyString(field))
        case "type_param":
            return .typeParameter(try nonEmptyString(field))
        case "type":
            let inner = try ConformanceValueDecoder.messageValue(field)
            // `type {}` is the plain `type`, the type of every type value.
            return inner.fields.isEmpty ? .type(nil) : .type(try type(inner, depth: depth + 1))
        case "abstract_type":
            let abstract = try ConformanceValueDecoder.messageValue(field)
            guard let nameField = try ConformanceValueDecoder.field("name", of: abstract) else {
                throw ConformanceValueDecoder.malformed(field, "needs a name")
            }
            let name = try nonEmptyString(nameField)
            var parameters: [CELType] = []
            for parameterField in abstract.fields(named: "parameter_types") {
                parameters.append(try type(ConformanceValueDecoder.messageValue(parameterField), depth: depth + 1))
            }
            return .abstract(name: name, parameters: parameters)
        default:
            throw ConformanceValueDecoder.malformed(field, "is a function type, which the checker has no type for")
        }
    }

    /// A required nested type, such as the `elem_type` of a `list_type`.
    private static func parameter(
        _ name: String,
        of message: TextProtoMessage,
        in parent: TextProtoField,
        depth: Int
    ) throws(ConformanceValueError) -> CELType {
        guard let field = try ConformanceValueDecoder.field(name, of: message) else {
            throw ConformanceValueDecoder.malformed(parent, "needs a \(name)")
        }
        return try type(ConformanceValueDecoder.messageValue(field), depth: depth + 1)
    }

    /// `PrimitiveType`, by name or number.
    private static func primitive(_ field: TextProtoField) throws(ConformanceValueError) -> CELType.Primitive {
        let names: [String: CELType.Primitive] = [
            "BOOL": .bool, "INT64": .int, "UINT64": .uint, "DOUBLE": .double, "STRING": .string, "BYTES": .bytes,
        ]
        let numbers: [CELType.Primitive] = [.bool, .int, .uint, .double, .string, .bytes]
        switch field.value.scalar {
        case .identifier(let name):
            if let primitive = names[name] { return primitive }
        case .number:
            if let number = field.value.scalar?.int64, (1...Int64(numbers.count)).contains(number) {
                return numbers[Int(number) - 1]
            }
        default:
            break
        }
        throw ConformanceValueDecoder.malformed(
            field,
            "expects a primitive type (\(names.keys.sorted().joined(separator: ", ")))"
        )
    }

    /// `WellKnownType`, by name or number.
    private static func wellKnown(_ field: TextProtoField) throws(ConformanceValueError) -> CELType {
        switch field.value.scalar {
        case .identifier("ANY"), .number("1"): return .any
        case .identifier("TIMESTAMP"), .number("2"): return .timestamp
        case .identifier("DURATION"), .number("3"): return .duration
        default: throw ConformanceValueDecoder.malformed(field, "expects ANY, TIMESTAMP or DURATION")
        }
    }

    /// A message type: the well-known `google.protobuf` messages CEL has types for become those types.
    static func messageType(_ name: String) -> CELType {
        if name.hasPrefix("google.protobuf."), let type = try? CELType(parsing: name) {
            if case .abstract = type { return .message(name) }
            return type
        }
        return .message(name)
    }

    private static func nonEmptyString(_ field: TextProtoField) throws(ConformanceValueError) -> String {
        let value = try ConformanceValueDecoder.string(field)
        guard !value.isEmpty else { throw ConformanceValueDecoder.malformed(field, "expects a non-empty name") }
        return value
    }

    // MARK: - Declarations

    /// Decodes the `cel.expr.Decl` messages of a test's `type_env`: identifiers become variables, function
    /// overloads are added to their function.
    /// - Throws: `ConformanceValueError.malformed` for a declaration without a name, or with neither or both
    ///   of `ident` and `function`, an identifier without a type, an overload without an id or a result
    ///   type, and any malformed type.
    static func declarations(_ decls: [TextProtoMessage]) throws(ConformanceValueError) -> Declarations {
        var declarations = Declarations()
        for decl in decls {
            guard let nameField = try ConformanceValueDecoder.field("name", of: decl) else {
                throw .malformed("a declaration without a name")
            }
            let name = try nonEmptyString(nameField)
            let ident = try ConformanceValueDecoder.field("ident", of: decl)
            let function = try ConformanceValueDecoder.field("function", of: decl)
            switch (ident, function) {
            case (let ident?, nil):
                let identMessage = try ConformanceValueDecoder.messageValue(ident)
                guard let typeField = try ConformanceValueDecoder.field("type", of: identMessage) else {
                    throw ConformanceValueDecoder.malformed(ident, "of '\(name)' needs a type")
                }
                declarations.declare(variable: name, type: try type(ConformanceValueDecoder.messageValue(typeField)))
            case (nil, let function?):
                let functionMessage = try ConformanceValueDecoder.messageValue(function)
                var overloads: [OverloadDeclaration] = []
                for overloadField in functionMessage.fields(named: "overloads") {
                    overloads.append(try overload(ConformanceValueDecoder.messageValue(overloadField), of: name))
                }
                declarations.declare(name, overloads)
            default:
                throw ConformanceValueDecoder.malformed(
                    nameField,
                    "declaration '\(name)' needs exactly one of ident or function"
                )
            }
        }
        return declarations
    }

    /// One `Decl.FunctionDecl.Overload`.
    private static func overload(
        _ message: TextProtoMessage,
        of function: String
    ) throws(ConformanceValueError) -> OverloadDeclaration {
        guard let idField = try ConformanceValueDecoder.field("overload_id", of: message) else {
            throw .malformed("an overload of '\(function)' without an overload_id")
        }
        let id = try nonEmptyString(idField)
        guard let resultField = try ConformanceValueDecoder.field("result_type", of: message) else {
            throw .malformed("overload '\(id)' has no result_type")
        }
        var parameters: [CELType] = []
        for field in message.fields(named: "params") {
            parameters.append(try type(ConformanceValueDecoder.messageValue(field)))
        }
        var receiverStyle = false
        if let field = try ConformanceValueDecoder.field("is_instance_function", of: message) {
            guard let value = field.value.scalar?.bool else {
                throw ConformanceValueDecoder.malformed(field, "expects a bool")
            }
            receiverStyle = value
        }
        if receiverStyle, parameters.isEmpty {
            throw .malformed("instance overload '\(id)' needs a receiver parameter")
        }
        return OverloadDeclaration(
            id: id,
            receiverStyle: receiverStyle,
            parameters: parameters,
            result: try type(ConformanceValueDecoder.messageValue(resultField))
        )
    }
}

extension CELType {
    /// The name of the first message type in this type, if any (messages need protobuf).
    var firstMessageName: String? {
        switch self {
        case .message(let name): name
        case .list(let element): element.firstMessageName
        case .map(let key, let value): key.firstMessageName ?? value.firstMessageName
        case .type(let parameter): parameter?.firstMessageName
        case .abstract(_, let parameters): parameters.lazy.compactMap(\.firstMessageName).first
        default: nil
        }
    }
}
