/// Names one test of the corpus: the file (its name without `.textproto`), the section and the test.
///
/// Section and test names may contain spaces and `/`, so the parts are kept apart; the `description`
/// joins them as `file/section/test`.
public struct ConformanceTestID: Sendable, Hashable, CustomStringConvertible {
    /// The file name without its `.textproto` extension.
    public var file: String
    /// The section name.
    public var section: String
    /// The test name.
    public var test: String

    /// Creates an id.
    public init(file: String, section: String, test: String) {
        self.file = file
        self.section = section
        self.test = test
    }

    /// `file/section/test`.
    public var description: String { "\(file)/\(section)/\(test)" }
}
