import CELConformance
import Foundation
import Testing

/// Runs the upstream CEL conformance corpus (`cel-spec/tests/simple/testdata`) in every mode we have.
///
/// The corpus is looked for at `<repo>/../shared/cel-spec`, or in the directory `CEL_SPEC_DIR` names. A
/// missing corpus fails the test: conformance is a test, not a report.
@Suite("Conformance corpus")
struct ConformanceCorpusTests {
    /// The repository root, three levels above this file.
    private static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The cel-spec checkout.
    private static var celSpecDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["CEL_SPEC_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/cel-spec")
    }

    @Test("parse mode: the parser accepts the corpus and rejects what it should")
    func parseMode() throws {
        let corpus = Self.celSpecDirectory.appendingPathComponent("tests/simple/testdata").standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: corpus, isDirectory: &isDirectory), isDirectory.boolValue else {
            Issue.record(
                """
                the CEL conformance corpus is missing: looked for the directory \(corpus) \
                (set CEL_SPEC_DIR to the cel-spec directory)
                """
            )
            return
        }
        let skipsPath = Self.repositoryRoot.appendingPathComponent("conformance/skips.txt").path
        let skips =
            FileManager.default.fileExists(atPath: skipsPath)
            ? try ConformanceSkipList(contentsOf: skipsPath) : ConformanceSkipList()

        let report = try ConformanceRunner(mode: .parse, skips: skips).run(paths: [corpus])

        let problems = report.lines.filter { $0.hasPrefix("FAIL") || $0.hasPrefix("    ") || $0.hasPrefix("UNUSED") }
        #expect(report.failed == 0, "\(report.summary)\n\(problems.prefix(200).joined(separator: "\n"))")
        #expect(report.unusedSkips.isEmpty, "stale skip entries: \(report.unusedSkips)")
        #expect(report.passed + report.failed > 1500, "only \(report.passed + report.failed) tests ran")
        #expect(report.files.count >= 25, "only \(report.files.count) corpus files found in \(corpus)")
    }
}
