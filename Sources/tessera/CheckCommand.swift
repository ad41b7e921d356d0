import ArgumentParser
import CEL
import Foundation
import TesseraPolicy

/// `tessera check [PATHS...] [--format text|json|sarif|github]`: compiles policy files and runs the
/// federation lints over them; `tessera check --expr EXPR [--decl NAME:TYPE ...] [--cost]` type-checks
/// one expression.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check policy files (compile errors and security lints), or type-check one CEL expression.",
        discussion: """
            With PATHS (files or directories of policy YAML, recursively, *_test.yaml excluded; default \
            policies), every policy is parsed, type-checked and compiled together, and linted: subject or \
            issuer tests that admit look-alikes (startsWith('') or a prefix not ending at '/' or ':', \
            unanchored or '.*' patterns, contains(), endsWith() without a leading delimiter), claims read \
            without checking iss or aud, rules and conditions that are always true or false, regular \
            expressions RE2 rejects, unused variables and rules. Each finding is printed with its line and \
            column in the YAML file. --format json prints an array of findings, sarif a SARIF 2.1.0 log, \
            github workflow commands that annotate a pull request. Exit status: 0 when there is no error \
            (warnings allowed), 1 when there is one, 2 for bad usage or a path that does not exist.

            With --expr, the expression is type-checked against variables declared with --decl NAME:TYPE, \
            for example --decl 'request:map(string, dyn)' or --decl 'n:int'. Types are written as in CEL: \
            int uint double bool string bytes null_type dyn, list(T), map(K, V), optional_type(T), \
            timestamp, duration, google.protobuf.* names. The standard library and the extensions are \
            declared. It prints the type, or every error with its position (exit status 1).
            """
    )

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp("Policy files or directories (default: policies).", valueName: "paths")
    )
    var paths: [String] = []

    @Option(help: ArgumentHelp("The output format: text, json, sarif or github.", valueName: "format"))
    var format = "text"

    @Option(name: .customLong("expr"), help: "Type-check this CEL expression instead of policy files.")
    var expression: String?

    @Option(name: .customLong("decl"), help: "With --expr: a variable declaration NAME:TYPE (repeatable).")
    var declarations: [String] = []

    @Option(help: "With --expr: the container (namespace) names are resolved in.")
    var container = ""

    @Flag(help: "With --expr: also print the static cost estimate, [minimum, maximum], in evaluation cost units.")
    var cost = false

    @Option(help: "With --expr: the largest size assumed for input lists, maps and strings in the cost estimate.")
    var assumedInputSize: UInt64 = 1_000

    /// The paths, without the `--` that may separate them from the options.
    var policyPaths: [String] { paths.filter { $0 != "--" } }

    func validate() throws {
        let afterSeparator = paths.firstIndex(of: "--") ?? paths.endIndex
        if let option = paths[..<afterSeparator].first(where: { $0.hasPrefix("-") && $0 != "-" }) {
            throw usageError("unknown option '\(option)'")
        }
        if let expression {
            if !policyPaths.isEmpty {
                throw usageError("give --expr or policy paths, not both (the expression is '\(expression)')")
            }
            if format != "text" { throw usageError("--format applies to policy files, not to --expr") }
        } else {
            if FindingFormat(rawValue: format) == nil {
                throw usageError("unknown --format '\(format)' (expected text, json, sarif or github)")
            }
            if !declarations.isEmpty || cost || !container.isEmpty {
                throw usageError("--decl, --container and --cost apply to --expr")
            }
        }
    }

    func run() throws {
        guard let expression else {
            let (output, status) = Self.checkPolicies(policyPaths, format: FindingFormat(rawValue: format) ?? .text)
            if status == 2 {
                FileHandle.standardError.write(Data(output.utf8))
            } else {
                print(output, terminator: "")
            }
            if status != 0 { throw ExitCode(status) }
            return
        }
        let costOptions = cost ? CostEstimator(maximumInputSize: assumedInputSize) : nil
        switch Self.check(expression, declarations: declarations, container: container, cost: costOptions) {
        case .success(let type):
            print(type)
        case .failure(let failure):
            print(failure.message)
            throw ExitCode(1)
        }
    }

    /// Checks the policy files under `paths` (`policies` when empty); returns what to print (on
    /// standard error for status 2) and the exit status (0 clean or warnings only, 1 errors, 2 a
    /// path that does not exist).
    static func checkPolicies(_ paths: [String], format: FindingFormat) -> (output: String, status: Int32) {
        do throws(PolicyFiles.PathError) {
            let report = try PolicyCheck.check(paths: paths.isEmpty ? ["policies"] : paths)
            return (format.render(report), report.hasErrors ? 1 : 0)
        } catch {
            let looksLikeExpression = paths.contains { $0.contains(" ") || $0.contains("(") }
            let hint = looksLikeExpression ? " (check an expression with --expr)" : ""
            return ("tessera check: \(error.message)\(hint)\n", 2)
        }
    }

    /// Why an expression did not check: bad declarations, syntax errors, or type errors (rendered).
    struct Failure: Error {
        var message: String
    }

    /// Checks `expression` with the variables declared as `NAME:TYPE`; returns the type's text.
    /// With an estimator, a second line gives the static cost estimate (`cost: [minimum, maximum]`).
    static func check(
        _ expression: String,
        declarations: [String],
        container: String = "",
        cost: CostEstimator? = nil
    ) -> Result<String, Failure> {
        var known = Declarations.standard.merging(.extensions)
        for declaration in declarations {
            guard let colon = declaration.firstIndex(of: ":") else {
                return .failure(Failure(message: "--decl '\(declaration)': expected NAME:TYPE"))
            }
            let name = String(declaration[..<colon]).trimmingSpaces
            let typeText = String(declaration[declaration.index(after: colon)...])
            guard !name.isEmpty else { return .failure(Failure(message: "--decl '\(declaration)': the name is empty")) }
            do throws(CELTypeParseError) {
                known.declare(variable: name, type: try CELType(parsing: typeText))
            } catch {
                return .failure(Failure(message: "--decl '\(declaration)': \(error)"))
            }
        }
        let parse = Parser().parse(expression)
        guard let parsed = parse.parsed else {
            return .failure(Failure(message: parse.diagnostics.rendered(in: parse.source)))
        }
        let result = Checker(declarations: known, container: container).check(parsed)
        guard let checked = result.checked else {
            return .failure(Failure(message: result.diagnostics.rendered(in: result.source)))
        }
        guard let cost else { return .success(checked.type.description) }
        return .success("\(checked.type)\ncost: \(cost.estimate(checked))")
    }
}

extension String {
    /// The string without leading and trailing spaces.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

/// Prints a usage error to standard error and returns the exit status 2 to throw (ArgumentParser's
/// own usage errors exit with 64; the policy tools promise 2).
func usageError(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    return ExitCode(2)
}
