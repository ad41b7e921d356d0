/// One file of the CEL conformance corpus: a `SimpleTestFile` read from protobuf text format.
public struct ConformanceFile: Sendable, Hashable {
    /// The name the file gives itself (its `name` field; not always its file name).
    public var name: String
    /// What the file covers.
    public var description: String
    /// The sections, in file order.
    public var sections: [ConformanceSection]

    /// Creates a file from its parts.
    public init(name: String, description: String = "", sections: [ConformanceSection] = []) {
        self.name = name
        self.description = description
        self.sections = sections
    }

    /// Decodes a `SimpleTestFile` message.
    /// - Throws: `TextProtoError` at the first field that does not fit the schema.
    public init(message: TextProtoMessage) throws(TextProtoError) {
        var sections: [ConformanceSection] = []
        for section in try message.messages("section") {
            sections.append(try ConformanceSection(message: section))
        }
        self.init(name: try message.string("name"), description: try message.string("description"), sections: sections)
    }

    /// Reads and decodes a `SimpleTestFile` in text format.
    /// - Parameter bytes: The UTF-8 text of the file.
    /// - Throws: `TextProtoError` for malformed text or a field that does not fit the schema.
    public init(textProto bytes: [UInt8]) throws(TextProtoError) {
        try self.init(message: TextProtoReader().read(bytes: bytes))
    }

    /// Reads and decodes a `SimpleTestFile` in text format.
    /// - Parameter text: The text of the file.
    /// - Throws: `TextProtoError` for malformed text or a field that does not fit the schema.
    public init(textProto text: String) throws(TextProtoError) {
        try self.init(textProto: Array(text.utf8))
    }

    /// The number of tests in all sections.
    public var testCount: Int {
        sections.reduce(0) { $0 + $1.tests.count }
    }
}
