/// The results of a conformance run over one or more files, and their text form.
public struct ConformanceReport: Sendable, Hashable {
    /// The mode the tests ran in.
    public var mode: ConformanceMode
    /// One report per file, in the order the files ran.
    public var files: [ConformanceFileReport]
    /// Skip entries for the files that ran which covered no test: stale lines to delete.
    public var unusedSkips: [ConformanceSkipList.Entry]

    /// Creates a report.
    public init(mode: ConformanceMode, files: [ConformanceFileReport], unusedSkips: [ConformanceSkipList.Entry] = []) {
        self.mode = mode
        self.files = files
        self.unusedSkips = unusedSkips
    }

    /// Tests passed in all files.
    public var passed: Int { files.reduce(0) { $0 + $1.passed } }
    /// Tests failed in all files, counting each unreadable file as one.
    public var failed: Int { files.reduce(0) { $0 + $1.failed } }
    /// Tests skipped in all files.
    public var skipped: Int { files.reduce(0) { $0 + $1.skipped } }
    /// Whether anything failed.
    public var hasFailures: Bool { failed > 0 }

    /// `conformance: N passed, N failed, N skipped`.
    public var summary: String {
        "conformance: \(passed) passed, \(failed) failed, \(skipped) skipped"
    }

    /// The report as lines of text:
    /// 1. one summary line per file;
    /// 2. `FAIL file/section/test: reason` for every failure, further lines of the reason indented;
    /// 3. `SKIP file/section/test: reason` for every skipped test;
    /// 4. `UNUSED skip entry (line N): pattern` for every stale skip entry;
    /// 5. last, `summary`.
    public var lines: [String] {
        var lines = files.map(\.summary)
        for file in files {
            for result in file.results {
                guard case .failed(let reason) = result.outcome else { continue }
                let reasonLines = reason.split(separator: "\n", omittingEmptySubsequences: false)
                lines.append("FAIL \(result.name): \(reasonLines.first ?? "")")
                lines += reasonLines.dropFirst().map { "    \($0)" }
            }
        }
        for file in files {
            for result in file.results {
                guard case .skipped(let reason) = result.outcome else { continue }
                lines.append("SKIP \(result.name): \(reason)")
            }
        }
        for entry in unusedSkips {
            lines.append("UNUSED skip entry (line \(entry.line)): \(entry.pattern)")
        }
        lines.append(summary)
        return lines
    }

    /// `lines`, joined with newlines, with a final newline.
    public var rendered: String {
        lines.joined(separator: "\n") + "\n"
    }
}
