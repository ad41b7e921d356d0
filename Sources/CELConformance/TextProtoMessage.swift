/// A message of protobuf text format, read without a schema: its fields in the order they were written.
///
/// Repeated fields simply occur several times. Nothing is merged or checked against a schema here; the
/// conformance model (`ConformanceFile`) gives the fields their meaning.
public struct TextProtoMessage: Sendable, Hashable {
    /// The fields, in source order.
    public var fields: [TextProtoField]

    /// Creates a message from its fields.
    public init(fields: [TextProtoField] = []) {
        self.fields = fields
    }

    /// Every field with the given (unbracketed or bracketed) name, in source order.
    public func fields(named name: String) -> [TextProtoField] {
        fields.filter { $0.name == name }
    }

    /// The first field with the given name, if any.
    public func field(named name: String) -> TextProtoField? {
        fields.first { $0.name == name }
    }

    /// Whether a field with the given name is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { $0.name == name }
    }
}
