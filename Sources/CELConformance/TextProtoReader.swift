/// Reads protobuf text format into a schema-less tree of `TextProtoMessage`s.
///
/// The reader accepts the text format as the CEL conformance corpus writes it:
/// - `# comments`, and optional `,` or `;` after each field;
/// - `name: scalar`, `name { ... }`, `name: { ... }`, and `<` `>` as message delimiters;
/// - list values `name: [a, b]` and `name [{...}, {...}]`, expanded into one field per element;
/// - bracketed names: extensions `[pkg.ext]: 1` and expanded `Any` values
///   `[type.googleapis.com/pkg.Type] { ... }`;
/// - single- or double-quoted strings with C escapes (`\n`, `\x41`, `\101`, `\u00e9`, `\U0001F431`, ...),
///   adjacent literals concatenated;
/// - numbers with a sign, fraction, exponent, hex or octal digits and an `f` or `u` suffix, and signed
///   identifiers such as `-inf` and `-nan`.
///
/// Malformed input throws a `TextProtoError` with the line and column of the problem; the reader never
/// traps and always terminates. Message nesting is limited by `maxNestingDepth`, so hostile input cannot
/// exhaust the stack.
public struct TextProtoReader: Sendable {
    /// How deeply messages may nest; the top-level message is depth 0.
    public var maxNestingDepth: Int

    /// Creates a reader.
    /// - Parameter maxNestingDepth: How deeply messages may nest before reading fails; 100 by default.
    public init(maxNestingDepth: Int = 100) {
        self.maxNestingDepth = maxNestingDepth
    }

    /// Reads a whole text-format document as the fields of one top-level message.
    /// - Parameter text: The document.
    /// - Returns: The top-level message.
    /// - Throws: `TextProtoError` at the first malformed token or structure.
    public func read(_ text: String) throws(TextProtoError) -> TextProtoMessage {
        try read(bytes: Array(text.utf8))
    }

    /// Reads a whole text-format document given as UTF-8 bytes. String literals may contain any bytes.
    /// - Parameter bytes: The document.
    /// - Returns: The top-level message.
    /// - Throws: `TextProtoError` at the first malformed token or structure.
    public func read(bytes: [UInt8]) throws(TextProtoError) -> TextProtoMessage {
        var parser = try TextProtoParser(lexer: TextProtoLexer(bytes: bytes), maxNestingDepth: maxNestingDepth)
        return try parser.parseDocument()
    }
}
