import CELConformance
import Foundation
import Testing

/// Runs the upstream CEL conformance corpus (`cel-spec/tests/simple/testdata`) in every mode we have.
///
/// The corpus is looked for at `<repo>/../shared/cel-spec`, or in the directory `CEL_SPEC_DIR` names. A
/// missing corpus fails the test: conformance is a test, not a report.
@Suite("Conformance corpus")
struct ConformanceCorpusTests {
    @Test("parse mode: the parser accepts the corpus and rejects what it should")
    func parseMode() throws {
        guard let corpus = CorpusLocation.upstreamCorpus() else { return }
        let skipsPath = CorpusLocation.repositoryRoot.appendingPathComponent("conformance/skips.txt").path
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

    @Test("parse mode: our own corpus, including the inputs that must be rejected")
    func ownCorpusParseMode() throws {
        let report = try ConformanceRunner(mode: .parse).run(paths: [CorpusLocation.ownCorpus])
        let problems = report.lines.filter { $0.hasPrefix("FAIL") || $0.hasPrefix("    ") }
        #expect(report.failed == 0, "\(report.summary)\n\(problems.joined(separator: "\n"))")
        #expect(report.passed > 50, "only \(report.passed) tests ran")
    }
}
