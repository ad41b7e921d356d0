/// What happened to one test.
public enum ConformanceOutcome: Sendable, Hashable {
    /// The implementation did what the test expects.
    case passed
    /// The implementation did something else; the reason may span several lines.
    case failed(String)
    /// The test was not run, for the reason the skip list gives.
    case skipped(String)
}
