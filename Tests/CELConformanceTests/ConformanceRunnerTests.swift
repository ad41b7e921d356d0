import CELConformance
import Testing

private let sample = """
    name: "sample"
    section {
      name: "s"
      test { name: "ok" expr: "1 + 2 == 3" }
      test { name: "macro" expr: "[1, 2].all(x, x > 0)" }
      test { name: "no macros" expr: "[1].all(x, x > 0)" disable_macros: true }
      test { name: "broken" expr: "1 + (2" }
      test { name: "rejected" expr: "1 +" eval_error { errors { message: "Syntax error: mismatched input" } } }
      test { name: "accepted" expr: "1 + 1" eval_error { errors { message: "ERROR: <input>:1:3: Syntax error" } } }
      test { name: "runtime error" expr: "1 / 0" eval_error { errors { message: "divide by zero" } } }
      test { name: "later" expr: "1 +" }
    }
    section { name: "other" test { name: "skipped too" expr: "(" } }
    """

@Suite("ConformanceRunner")
struct ConformanceRunnerTests {
    private func runSample(skips: String = "") throws -> ConformanceReport {
        let runner = ConformanceRunner(mode: .parse, skips: try ConformanceSkipList(parsing: skips))
        return runner.report([runner.run(textProto: Array(sample.utf8), fileName: "sample.textproto")])
    }

    @Test("parse mode: errors where a syntax error is expected, none elsewhere")
    func parseOutcomes() throws {
        let report = try runSample(skips: "sample/s/later  not yet\nsample/other/*  whole section")
        let outcomes = try #require(report.files.first?.results.map(\.outcome))
        #expect(outcomes.count == 9)
        #expect(outcomes[0] == .passed)
        #expect(outcomes[1] == .passed)
        #expect(outcomes[2] == .passed)
        guard case .failed(let broken) = outcomes[3] else {
            Issue.record("'broken' should fail, got \(outcomes[3])")
            return
        }
        #expect(broken.hasPrefix("unexpected parse error\n<input>:1:"))
        #expect(broken.contains(" | 1 + (2"))
        #expect(outcomes[4] == .passed)
        guard case .failed(let accepted) = outcomes[5] else {
            Issue.record("'accepted' should fail, got \(outcomes[5])")
            return
        }
        #expect(accepted.hasPrefix("expected a parse error, but the expression parsed"))
        #expect(outcomes[6] == .passed)
        #expect(outcomes[7] == .skipped("not yet"))
        #expect(outcomes[8] == .skipped("whole section"))
        #expect((report.passed, report.failed, report.skipped) == (5, 2, 2))
        #expect(report.hasFailures)
    }

    @Test("the report: file lines, FAIL and SKIP lines, the summary last")
    func rendering() throws {
        let report = try runSample(
            skips: "sample/s/later  not yet\nsample/other/*  whole section\nsample/gone/*  stale"
        )
        let lines = report.lines
        #expect(lines.first == "sample.textproto: 5 passed, 2 failed, 2 skipped")
        #expect(lines.last == "conformance: 5 passed, 2 failed, 2 skipped")
        #expect(lines.contains { $0.hasPrefix("FAIL sample/s/broken: unexpected parse error") })
        #expect(lines.contains("FAIL sample/s/accepted: expected a parse error, but the expression parsed"))
        #expect(lines.contains("    expr: 1 + 1"))
        #expect(lines.contains("SKIP sample/s/later: not yet"))
        #expect(lines.contains("SKIP sample/other/skipped too: whole section"))
        #expect(lines.contains("UNUSED skip entry (line 3): sample/gone/*"))
        let brokenIndex = try #require(lines.firstIndex { $0.hasPrefix("FAIL sample/s/broken") })
        #expect(lines[brokenIndex + 1].hasPrefix("    <input>:1:"))
        #expect(report.rendered.hasSuffix("conformance: 5 passed, 2 failed, 2 skipped\n"))
    }

    @Test("skip entries for files that did not run are not reported unused")
    func unusedOnlyForFilesRun() throws {
        let report = try runSample(skips: "basic/*  another file")
        #expect(report.unusedSkips.isEmpty)
    }

    @Test("a file that does not read is one failure with file:line:column")
    func unreadableFile() {
        let runner = ConformanceRunner(mode: .parse)
        let file = runner.run(textProto: Array("section {\n  test { expr: \"1 }\n}".utf8), fileName: "bad.textproto")
        #expect(file.results.map(\.outcome) == [.failed("bad.textproto:2:16: unterminated string literal")])
        #expect(file.summary == "bad.textproto: 0 passed, 1 failed, 0 skipped")
        #expect(
            runner.report([file]).lines == [
                "bad.textproto: 0 passed, 1 failed, 0 skipped",
                "FAIL bad.textproto: bad.textproto:2:16: unterminated string literal",
                "conformance: 0 passed, 1 failed, 0 skipped",
            ]
        )
    }

    @Test("a missing path is an error naming it")
    func missingPath() {
        do {
            _ = try ConformanceRunner(mode: .parse).run(paths: ["/nonexistent/corpus"])
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "no such file or directory: /nonexistent/corpus")
        }
    }

    @Test("an empty run reports zero")
    func emptyRun() {
        #expect(ConformanceRunner(mode: .parse).report([]).lines == ["conformance: 0 passed, 0 failed, 0 skipped"])
    }
}
