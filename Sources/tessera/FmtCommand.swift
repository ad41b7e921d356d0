import ArgumentParser
import Foundation
import TesseraPolicy

/// `tessera fmt [PATHS...] [--check | --write]`: writes the CEL expressions of policy files in the
/// unparser's normal form, keeping the YAML around them.
struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Format the CEL expressions of policy files.",
        discussion: """
            Every expression of variables, rules and decision is rewritten as the unparser writes it \\
            (normal spacing, double-quoted strings, only the parentheses precedence needs), in place: keys, \\
            comments, messages and default stay byte for byte. Block scalars (| and >) stay block scalars, \\
            laid out over lines (one map entry per line, long ?: chains one condition per line); one-line \\
            scalars stay on one line. Expressions with // comments are left alone. A file that does not \\
            compile is not formatted, and a result that would not compile to the same expressions is \\
            never written.

            By default the formatted files are printed (several files as a YAML stream, each after a \\
            '--- # path' line). --check prints the files that would change and exits 1 if there are any; \\
            --write rewrites them. Exit status: 0 on success, 1 when --check finds changes or a file \\
            cannot be formatted, 2 for bad usage or a path that does not exist.
            """
    )

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp("Policy files or directories (default: policies).", valueName: "paths")
    )
    var paths: [String] = []

    @Flag(help: "Print the files that would change, and exit 1 if there are any.")
    var check = false

    @Flag(help: "Rewrite the files that change.")
    var write = false

    func validate() throws {
        let afterSeparator = paths.firstIndex(of: "--") ?? paths.endIndex
        if let option = paths[..<afterSeparator].first(where: { $0.hasPrefix("-") && $0 != "-" }) {
            throw usageError("unknown option '\(option)'")
        }
        if check && write { throw usageError("give --check or --write, not both") }
    }

    /// What `fmt` does with the formatted text.
    enum Mode {
        case print
        case check
        case write
    }

    func run() throws {
        let mode: Mode = check ? .check : write ? .write : .print
        let (output, errors, status) = Self.format(paths.filter { $0 != "--" }, mode: mode)
        print(output, terminator: "")
        if !errors.isEmpty { FileHandle.standardError.write(Data(errors.utf8)) }
        if status != 0 { throw ExitCode(status) }
    }

    /// Formats the policy files under `paths` (`policies` when empty); returns standard output,
    /// standard error and the exit status.
    static func format(_ paths: [String], mode: Mode) -> (output: String, errors: String, status: Int32) {
        let files: [String]
        do throws(PolicyFiles.PathError) {
            files = try PolicyFiles.find(paths.isEmpty ? ["policies"] : paths, kind: .policies)
        } catch {
            return ("", "tessera fmt: \(error.message)\n", 2)
        }
        var output = ""
        var errors = ""
        var status: Int32 = 0
        for file in files {
            guard let text = PolicyFiles.read(file) else {
                errors += "tessera fmt: \(file): cannot read the file as UTF-8\n"
                status = 1
                continue
            }
            let formatted: String
            do throws(PolicyFormatter.Failure) {
                formatted = try PolicyFormatter.format(text, file: file)
            } catch {
                errors += "tessera fmt: \(error)\n"
                status = 1
                continue
            }
            switch mode {
            case .print:
                if files.count > 1 {
                    output += "--- # \(file)\n" + formatted + (formatted.hasSuffix("\n") ? "" : "\n")
                } else {
                    output += formatted
                }
            case .check:
                if formatted != text {
                    output += "\(file)\n"
                    status = 1
                }
            case .write:
                guard formatted != text else { continue }
                do throws(PolicyFiles.PathError) {
                    try PolicyFiles.write(formatted, to: file)
                    output += "formatted \(file)\n"
                } catch {
                    errors += "tessera fmt: \(error.message)\n"
                    status = 1
                }
            }
        }
        return (output, errors, status)
    }
}
