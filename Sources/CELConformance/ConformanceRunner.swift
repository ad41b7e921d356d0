/// Runs conformance tests in one mode, honouring a skip list, and collects the results.
///
/// The runner works on decoded files (`run(_:fileName:)`) or on text-format bytes
/// (`run(textProto:fileName:)`); `ConformanceRunner+Files.swift` adds reading files and directories.
/// Adding a mode means adding a case to `ConformanceMode` and an `outcome` for it.
public struct ConformanceRunner: Sendable {
    /// What is done with each test.
    public var mode: ConformanceMode
    /// Tests that are not run.
    public var skips: ConformanceSkipList
    /// When set, only tests whose id (`file/section/test`) contains this text run; the others are left out
    /// of the report altogether, and no skip entry is reported unused.
    public var filter: String?

    /// Creates a runner.
    public init(mode: ConformanceMode, skips: ConformanceSkipList = ConformanceSkipList(), filter: String? = nil) {
        self.mode = mode
        self.skips = skips
        self.filter = filter
    }

    /// Runs one test in the runner's mode, ignoring the skip list.
    public func outcome(of test: ConformanceTest) -> ConformanceOutcome {
        switch mode {
        case .eval: evalOutcome(of: test)
        case .parse: parseOutcome(of: test)
        case .check: checkOutcome(of: test)
        }
    }

    /// Runs every test of a decoded file, skipping those the skip list covers.
    /// - Parameters:
    ///   - file: The decoded file.
    ///   - fileName: The file name with its extension; test ids use it without `.textproto`.
    public func run(_ file: ConformanceFile, fileName: String) -> ConformanceFileReport {
        let stem = Self.stem(of: fileName)
        var results: [ConformanceTestResult] = []
        for section in file.sections {
            for test in section.tests {
                let id = ConformanceTestID(file: stem, section: section.name, test: test.name)
                if let filter, !id.description.contains(filter) { continue }
                let outcome: ConformanceOutcome
                if let entry = skips.entry(for: id, in: mode) {
                    outcome = .skipped(entry.reason)
                } else {
                    outcome = self.outcome(of: test)
                }
                results.append(ConformanceTestResult(id: id, outcome: outcome))
            }
        }
        return ConformanceFileReport(fileName: fileName, results: results)
    }

    /// Decodes a text-format file and runs its tests; a file that does not decode is one failure whose
    /// reason is `fileName:line:column: message`.
    public func run(textProto bytes: [UInt8], fileName: String) -> ConformanceFileReport {
        do {
            return run(try ConformanceFile(textProto: bytes), fileName: fileName)
        } catch {
            return ConformanceFileReport(
                fileName: fileName,
                results: [ConformanceTestResult(name: fileName, outcome: .failed("\(fileName):\(error)"))]
            )
        }
    }

    /// Puts file reports together, in the order given, and notes the skip entries that covered no test of
    /// the files that were run. With a filter, files without a matching test are left out and no entry is
    /// reported unused.
    public func report(_ files: [ConformanceFileReport]) -> ConformanceReport {
        if filter != nil {
            return ConformanceReport(mode: mode, files: files.filter { !$0.results.isEmpty })
        }
        let ids = files.flatMap { $0.results.compactMap(\.id) }
        let stems = Set(files.map { Self.stem(of: $0.fileName) })
        let unused = skips.entries.filter { entry in
            entry.applies(in: mode) && stems.contains(entry.file) && !ids.contains { entry.matches($0) }
        }
        return ConformanceReport(mode: mode, files: files, unusedSkips: unused)
    }

    /// The file name without a `.textproto` extension.
    static func stem(of fileName: String) -> String {
        let suffix = ".textproto"
        return fileName.hasSuffix(suffix) ? String(fileName.dropLast(suffix.count)) : fileName
    }
}
