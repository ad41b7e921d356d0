/// A problem found while reading protobuf text format, or while mapping it onto the conformance schema.
///
/// Lines and columns are 1-based; columns count Unicode scalars from the start of the line.
public struct TextProtoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line of the problem.
    public var line: Int
    /// The 1-based column of the problem, counted in Unicode scalars.
    public var column: Int
    /// What is wrong, for people.
    public var message: String

    /// Creates an error at a line and column.
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line:column: message`.
    public var description: String { "\(line):\(column): \(message)" }
}
