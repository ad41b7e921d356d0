import ArgumentParser
import CEL

/// `tessera check EXPR --decl name:type ...`: type-checks an expression against declared variables.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Type-check a CEL expression: print its type, or every error with its position.",
        discussion: """
            Variables are declared with --decl NAME:TYPE, for example --decl 'request:map(string, dyn)' \
            or --decl 'n:int'. Types are written as in CEL: int uint double bool string bytes null_type dyn, \
            list(T), map(K, V), optional_type(T), timestamp, duration, google.protobuf.* names. The standard \
            library and the extensions are declared.
            """
    )

    @Argument(help: "The CEL expression.")
    var expression: String

    @Option(name: .customLong("decl"), help: "A variable declaration NAME:TYPE (repeatable).")
    var declarations: [String] = []

    @Option(help: "The container (namespace) names are resolved in.")
    var container: String = ""

    @Flag(help: "Also print the static cost estimate, [minimum, maximum], in evaluation cost units.")
    var cost = false

    @Option(help: "The largest size assumed for input lists, maps and strings in the cost estimate.")
    var assumedInputSize: UInt64 = 1_000

    func run() throws {
        let costOptions = cost ? CostEstimator(maximumInputSize: assumedInputSize) : nil
        switch Self.check(expression, declarations: declarations, container: container, cost: costOptions) {
        case .success(let type):
            print(type)
        case .failure(let failure):
            print(failure.message)
            throw ExitCode(1)
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
