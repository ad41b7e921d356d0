/// Typed access to singular fields, used to map text-format messages onto the conformance schema.
///
/// Each accessor returns the default of proto3 (empty, false) when the field is absent, and throws at the
/// field when it has the wrong kind of value or occurs more than once.
extension TextProtoMessage {
    /// The only field with this name, or `nil`; throws when the field occurs twice.
    func singular(_ name: String) throws(TextProtoError) -> TextProtoField? {
        let matches = fields(named: name)
        if matches.count > 1 {
            throw matches[1].error("field '\(name)' is given more than once")
        }
        return matches.first
    }

    /// A `string` field, decoded as UTF-8.
    func string(_ name: String) throws(TextProtoError) -> String {
        guard let field = try singular(name) else { return "" }
        guard let scalar = field.value.scalar, case .string(let bytes) = scalar else {
            throw field.error("field '\(name)' expects a string")
        }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw field.error("field '\(name)' is not valid UTF-8")
        }
        return string
    }

    /// A `bool` field.
    func bool(_ name: String) throws(TextProtoError) -> Bool {
        guard let field = try singular(name) else { return false }
        guard let value = field.value.scalar?.bool else {
            throw field.error("field '\(name)' expects true or false")
        }
        return value
    }

    /// Every message value of a repeated message field.
    func messages(_ name: String) throws(TextProtoError) -> [TextProtoMessage] {
        var messages: [TextProtoMessage] = []
        for field in fields(named: name) {
            guard let message = field.value.message else {
                throw field.error("field '\(name)' expects a message")
            }
            messages.append(message)
        }
        return messages
    }
}
