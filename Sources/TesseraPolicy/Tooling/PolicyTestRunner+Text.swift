extension PolicyTestRunner.Report {
    /// The summary `tessera test` prints: per file its counts, each failure with its position, path,
    /// expected and actual result (every case with `verbose`), then the totals.
    package func text(verbose: Bool = false) -> String {
        var output = ""
        for file in files {
            output += "\(file.file): \(file.passedCount) passed, \(file.failedCount) failed"
            output +=
                file.errors.isEmpty ? "\n" : ", \(file.errors.count == 1 ? "1 error" : "\(file.errors.count) errors")\n"
            for error in file.errors {
                output += "  \(error.file):\(error.position): error: \(error.message)\n"
                if !error.sourceLine.isEmpty { output += "   | \(error.sourceLine)\n" }
            }
            for result in file.cases where verbose || !result.passed {
                guard let failure = result.failure else {
                    output += "  ok    \(result.testCase.name)\n"
                    continue
                }
                output +=
                    "  FAIL  \(result.testCase.name) (\(file.file):\(result.testCase.position), path \(result.path))\n"
                for line in failure.split(separator: "\n") { output += "        \(line)\n" }
            }
        }
        if files.isEmpty { output += "no test files (<name>_test.yaml) found\n" }
        let count = files.count == 1 ? "1 test file" : "\(files.count) test files"
        output += "\(count): \(passedCount) passed, \(failedCount) failed"
        output += errorCount == 0 ? "\n" : ", \(errorCount == 1 ? "1 error" : "\(errorCount) errors")\n"
        return output
    }
}
