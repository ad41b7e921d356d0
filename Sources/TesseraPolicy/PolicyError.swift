/// One problem found in a policy file: a YAML structure error, an unknown key, a CEL syntax or type
/// error, a duplicate policy name. The message is complete and starts with the file (and, for CEL
/// errors, the field and the line:col inside the expression, followed by the line and a caret).
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the problem is in, relative to the compiled directory.
    public var file: String
    /// The field of the document, such as `rules.allow`, when the problem is inside one.
    public var field: String?
    /// The full, rendered message.
    public var message: String

    /// Creates an error.
    public init(file: String, field: String? = nil, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    /// The rendered message.
    public var description: String { message }
}

/// Why policies could not be compiled: every error found, in file order.
public struct PolicyCompileError: Error, Sendable, CustomStringConvertible {
    /// Every error.
    public var errors: [PolicyError]

    /// Creates the error from the problems found.
    public init(_ errors: [PolicyError]) {
        self.errors = errors
    }

    /// All messages, one after the other.
    public var description: String { errors.map(\.message).joined(separator: "\n") }
}
