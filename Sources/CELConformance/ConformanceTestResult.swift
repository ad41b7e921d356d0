/// The outcome of one test, or of a whole file that could not be read.
public struct ConformanceTestResult: Sendable, Hashable {
    /// The test, or `nil` when the result stands for a file that could not be read.
    public var id: ConformanceTestID?
    /// How the result is named in the report: `file/section/test`, or the file name.
    public var name: String
    /// What happened.
    public var outcome: ConformanceOutcome

    /// The result of a test.
    public init(id: ConformanceTestID, outcome: ConformanceOutcome) {
        self.id = id
        self.name = id.description
        self.outcome = outcome
    }

    /// A result not tied to one test, such as a file that failed to read.
    public init(name: String, outcome: ConformanceOutcome) {
        self.id = nil
        self.name = name
        self.outcome = outcome
    }
}
