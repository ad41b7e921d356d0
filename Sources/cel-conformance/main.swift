// cel-conformance: runs the CEL conformance corpus against this implementation.
// See `ConformanceCommand.usage` for the command line and the exit status.
import CELConformance
import Foundation

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

let command: ConformanceCommand
do {
    command = try ConformanceCommand.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    printError("cel-conformance: \(error)")
    printError("run 'cel-conformance --help' for usage")
    exit(2)
}

switch command {
case .help:
    print(ConformanceCommand.usage)
case .run(let mode, let skipsPath, let paths):
    do {
        let skips = try skipsPath.map { path throws(ConformanceError) in try ConformanceSkipList(contentsOf: path) }
        let report = try ConformanceRunner(mode: mode, skips: skips ?? ConformanceSkipList()).run(paths: paths)
        print(report.rendered, terminator: "")
        exit(report.hasFailures ? 1 : 0)
    } catch {
        printError("cel-conformance: \(error)")
        exit(2)
    }
}
