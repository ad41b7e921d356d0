/// The value of one field in protobuf text format: a scalar or a nested message.
///
/// A list value (`f: [1, 2]`) is not a value of its own: the reader expands it into one field per
/// element, which is what protobuf text format means by it.
public enum TextProtoValue: Sendable, Hashable {
    /// A string, number or identifier.
    case scalar(TextProtoScalar)
    /// A nested message, written `{ ... }` or `< ... >`.
    case message(TextProtoMessage)

    /// The scalar, if this value is one.
    public var scalar: TextProtoScalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }

    /// The nested message, if this value is one.
    public var message: TextProtoMessage? {
        if case .message(let message) = self { return message }
        return nil
    }
}
