import ArgumentParser
import Foundation
import TesseraPolicy

/// `tessera test [PATHS...] [--junit FILE] [--verbose]`: runs the policy unit tests kept beside the
/// policies (`<name>_test.yaml`) and prints a summary.
struct PolicyTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the policy unit tests (<name>_test.yaml beside <name>.yaml).",
        discussion: """
            Each directory in PATHS (default policies) is compiled as one revision, as tessera serve \\
            compiles it, and every *_test.yaml under it runs against it; a test file runs against the \\
            policy beside it, and a policy file runs its test file. Each case gives an input, an optional \\
            path below the policy (allow), and the expected result (a YAML value, or undefined) or an \\
            expected failure; see policies/README.md for the format. The summary gives the passed and \\
            failed cases per file and each failure with the expected and actual results. Exit status: 0 \\
            when every case passed, 1 when one failed, a file could not be read or compiled, or there \\
            were no tests, 2 for bad usage or a path that does not exist.
            """
    )

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp("Directories, test files or policy files (default: policies).", valueName: "paths")
    )
    var paths: [String] = []

    @Option(help: ArgumentHelp("Also write the results as JUnit XML to this file.", valueName: "file"))
    var junit: String?

    @Flag(help: "List every case, not only the failures.")
    var verbose = false

    func validate() throws {
        let afterSeparator = paths.firstIndex(of: "--") ?? paths.endIndex
        if let option = paths[..<afterSeparator].first(where: { $0.hasPrefix("-") && $0 != "-" }) {
            throw usageError("unknown option '\(option)'")
        }
    }

    func run() throws {
        let (output, junitXML, status) = Self.test(paths.filter { $0 != "--" }, verbose: verbose)
        if status == 2 {
            FileHandle.standardError.write(Data(output.utf8))
        } else {
            print(output, terminator: "")
        }
        if let junit, let junitXML {
            do throws(PolicyFiles.PathError) {
                try PolicyFiles.write(junitXML, to: junit)
            } catch {
                throw usageError(error.message)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the tests under `paths` (`policies` when empty); returns the summary (the error, for
    /// standard error, after a usage error), the JUnit XML (none after a usage error) and the exit
    /// status.
    static func test(_ paths: [String], verbose: Bool = false) -> (output: String, junit: String?, status: Int32) {
        do throws(PolicyFiles.PathError) {
            let report = try PolicyTestRunner.run(paths: paths.isEmpty ? ["policies"] : paths)
            return (report.text(verbose: verbose), JUnitReport.xml(report), report.succeeded ? 0 : 1)
        } catch {
            return ("tessera test: \(error.message)\n", nil, 2)
        }
    }
}
