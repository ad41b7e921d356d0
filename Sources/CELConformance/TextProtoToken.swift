/// One token of protobuf text format, with the position of its first byte.
struct TextProtoToken: Sendable {
    /// What kind of token it is, with its payload.
    enum Kind: Sendable, Equatable {
        /// A name: letters, digits and `_`, not starting with a digit.
        case identifier(String)
        /// A numeric literal without its sign (the sign is a separate `-` symbol).
        case number(String)
        /// One string literal, escapes decoded.
        case string([UInt8])
        /// One punctuation byte: `{ } < > [ ] : , ; / . -`.
        case symbol(UInt8)
        /// The end of the input.
        case end
    }

    /// The kind and payload.
    var kind: Kind
    /// The 1-based line of the token's first byte.
    var line: Int
    /// The 1-based column of the token's first byte, in Unicode scalars.
    var column: Int

    /// Whether this token is the given punctuation character.
    func isSymbol(_ character: Unicode.Scalar) -> Bool {
        kind == .symbol(UInt8(ascii: character))
    }

    /// An error located at this token.
    func error(_ message: String) -> TextProtoError {
        TextProtoError(line: line, column: column, message: message)
    }

    /// The token as it reads in an error message: `'}'`, `identifier 'foo'`, `end of input`.
    var summary: String {
        switch kind {
        case .identifier(let name): return "identifier '\(name)'"
        case .number(let text): return "number '\(text)'"
        case .string: return "a string"
        case .symbol(let byte): return "'\(Character(Unicode.Scalar(byte)))'"
        case .end: return "end of input"
        }
    }
}
