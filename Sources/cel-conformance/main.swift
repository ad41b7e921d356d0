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
case .run(let mode, let skipsPath, let paths, let filter, let json):
    do {
        let skips = try skipsPath.map { path throws(ConformanceError) in try ConformanceSkipList(contentsOf: path) }
        let runner = ConformanceRunner(mode: mode, skips: skips ?? ConformanceSkipList(), filter: filter)
        let report = try runner.run(paths: paths)
        print(json ? report.renderedJSON : report.rendered, terminator: "")
        exit(report.hasFailures ? 1 : 0)
    } catch {
        printError("cel-conformance: \(error)")
        exit(2)
    }
}
