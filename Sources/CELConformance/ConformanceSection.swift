/// A named group of conformance tests: a `SimpleTestSection`.
public struct ConformanceSection: Sendable, Hashable {
    /// The section name, unique within its file.
    public var name: String
    /// What the section covers.
    public var description: String
    /// The tests, in file order.
    public var tests: [ConformanceTest]

    /// Creates a section.
    public init(name: String, description: String = "", tests: [ConformanceTest] = []) {
        self.name = name
        self.description = description
        self.tests = tests
    }

    /// Decodes a `SimpleTestSection` message.
    /// - Throws: `TextProtoError` at the first field that does not fit the schema.
    public init(message: TextProtoMessage) throws(TextProtoError) {
        var tests: [ConformanceTest] = []
        for field in message.fields(named: "test") {
            guard let test = field.value.message else { throw field.error("field 'test' expects a message") }
            tests.append(try ConformanceTest(message: test, line: field.line))
        }
        self.init(name: try message.string("name"), description: try message.string("description"), tests: tests)
    }
}
