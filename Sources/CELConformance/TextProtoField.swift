/// One field of a text-format message: a name, a value, and where the field was written.
public struct TextProtoField: Sendable, Hashable {
    /// The field name. For a bracketed name (`[pkg.ext]` or `[type.googleapis.com/pkg.Type]`) this is the
    /// text between the brackets, with whitespace and comments removed.
    public var name: String
    /// Whether the name was written in brackets: an extension field or the type URL of an expanded
    /// `google.protobuf.Any`.
    public var isBracketed: Bool
    /// The value of the field.
    public var value: TextProtoValue
    /// The 1-based line where the field (or, for an element of a list value, the element) starts.
    public var line: Int
    /// The 1-based column where the field (or list element) starts, counted in Unicode scalars.
    public var column: Int

    /// Creates a field.
    public init(name: String, isBracketed: Bool = false, value: TextProtoValue, line: Int = 0, column: Int = 0) {
        self.name = name
        self.isBracketed = isBracketed
        self.value = value
        self.line = line
        self.column = column
    }

    /// An error located at this field.
    public func error(_ message: String) -> TextProtoError {
        TextProtoError(line: line, column: column, message: message)
    }
}
