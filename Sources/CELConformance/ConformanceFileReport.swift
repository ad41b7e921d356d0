/// The results of one corpus file.
public struct ConformanceFileReport: Sendable, Hashable {
    /// The file name with its extension, such as `basic.textproto`.
    public var fileName: String
    /// One result per test, in file order; a single failure when the file could not be read.
    public var results: [ConformanceTestResult]

    /// Creates a file report.
    public init(fileName: String, results: [ConformanceTestResult]) {
        self.fileName = fileName
        self.results = results
    }

    /// The number of tests that passed.
    public var passed: Int { results.count(where: { $0.outcome == .passed }) }

    /// The number of tests that failed (a file that could not be read counts as one).
    public var failed: Int {
        results.count(where: { if case .failed = $0.outcome { true } else { false } })
    }

    /// The number of tests skipped.
    public var skipped: Int {
        results.count(where: { if case .skipped = $0.outcome { true } else { false } })
    }

    /// `basic.textproto: 41 passed, 0 failed, 0 skipped`.
    public var summary: String {
        "\(fileName): \(passed) passed, \(failed) failed, \(skipped) skipped"
    }
}
