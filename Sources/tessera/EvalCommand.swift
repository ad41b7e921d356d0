import ArgumentParser
import CEL
import Foundation

/// `tessera eval EXPR [--input JSON | --input-file F]`: evaluates a CEL expression with the top-level
/// keys of a JSON object as its variables, and prints the result as JSON, or the error with its position.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a CEL expression against JSON input and print the result as JSON.",
        discussion: """
            The input is a JSON object; each top-level key is a variable of the expression. Identifiers \
            that are not input keys are errors. By default a JSON number written without a fraction or an \
            exponent that fits in 64 bits (such as 42) is read as an int, and other numbers as doubles; with \
            --integers-as-double every number is a double, as in google.protobuf.Value.

            The result is printed as JSON: ints and uints as numbers, doubles with a fraction or exponent, \
            bytes as base64, timestamps and durations as strings, maps as objects. A compile error prints \
            every diagnostic with its position; an evaluation error prints its message and the position of \
            the part of the expression that failed. Exit status: 0 when a result was printed, 1 otherwise.
            """
    )

    @Argument(help: "The CEL expression (put it after '--' when it starts with '-').")
    var expression: String

    @Option(help: ArgumentHelp("The input: a JSON object whose top-level keys are the variables.", valueName: "json"))
    var input: String?

    @Option(help: ArgumentHelp("Read the input object from a file ('-' for standard input).", valueName: "file"))
    var inputFile: String?

    @Flag(help: "Read every JSON number as a double (by default integral numbers that fit are ints).")
    var integersAsDouble = false

    @Flag(help: "Indent the JSON result.")
    var pretty = false

    func validate() throws {
        if input != nil && inputFile != nil {
            throw ValidationError("Give --input or --input-file, not both.")
        }
    }

    func run() throws {
        var inputBytes: [UInt8]?
        var inputName = "--input"
        if let input {
            inputBytes = Array(input.utf8)
        } else if let inputFile {
            inputName = inputFile
            if inputFile == "-" {
                inputBytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
            } else if let data = FileManager.default.contents(atPath: inputFile) {
                inputBytes = [UInt8](data)
            } else {
                FileHandle.standardError.write(Data("tessera eval: cannot read \(inputFile)\n".utf8))
                throw ExitCode(1)
            }
        }
        let options = EvalOptions(integersAsInt: !integersAsDouble, prettyPrinted: pretty)
        switch Self.evaluate(expression, input: inputBytes, inputName: inputName, options: options) {
        case .success(let json):
            print(json)
        case .failure(let failure):
            FileHandle.standardError.write(Data((failure.message + "\n").utf8))
            throw ExitCode(1)
        }
    }

    /// How `evaluate` reads the input and writes the result.
    struct EvalOptions: Sendable {
        /// Read integral JSON numbers as ints.
        var integersAsInt = true
        /// Indent the JSON result.
        var prettyPrinted = false
    }

    /// Why `evaluate` printed no result: the text to show, with positions.
    struct Failure: Error, Sendable {
        /// The message, possibly several lines (rendered diagnostics with carets).
        var message: String
    }

    /// Evaluates `expression` with the variables of the JSON object `input` (none when `nil`).
    /// - Returns: The result as JSON text, or the input, compile, evaluation or output error, rendered.
    static func evaluate(
        _ expression: String,
        input: [UInt8]?,
        inputName: String = "--input",
        options: EvalOptions = EvalOptions()
    ) -> Result<String, Failure> {
        var bindings: [String: Value] = [:]
        if let input {
            let value: Value
            do {
                value = try JSON.parse(bytes: input, options: JSONReadOptions(integersAsInt: options.integersAsInt))
            } catch {
                return .failure(Failure(message: "\(inputName): \(error)"))
            }
            guard case .map(let map) = value else {
                return .failure(
                    Failure(
                        message: "\(inputName): the input must be a JSON object whose keys are the variables, "
                            + "not a \(value.celType.name)"
                    )
                )
            }
            for (key, value) in map.entries {
                if case .string(let name) = key { bindings[name.value] = value }
            }
        }

        let environment = Environment(variables: bindings.keys.sorted(), declaredVariablesOnly: true)
        let program: Program
        do {
            program = try environment.compile(expression)
        } catch {
            return .failure(Failure(message: error.description))
        }

        let result = program.evaluate(bindings)
        if case .error(let error) = result {
            return .failure(Failure(message: render(error, in: program.parsed)))
        }
        do {
            return .success(try JSON.text(of: result, options: JSONWriteOptions(prettyPrinted: options.prettyPrinted)))
        } catch {
            return .failure(Failure(message: "the result has no JSON form: \(error)"))
        }
    }

    /// An evaluation error as `<input>:line:col: code: message` with the source line and a caret when its
    /// node is known, else as `error: code: message`.
    static func render(_ error: EvalError, in parsed: ParsedExpression) -> String {
        guard let id = error.exprID, let offset = parsed.offset(of: id) else {
            return "error: \(error.code.rawValue): \(error.message)"
        }
        let diagnostic = CELDiagnostic(
            code: CELDiagnostic.Code(rawValue: error.code.rawValue),
            message: error.message,
            range: offset..<offset + 1
        )
        return diagnostic.rendered(in: parsed.source)
    }
}

extension ParsedExpression {
    /// The UTF-8 offset of the node with this id, looked for in the expanded tree and in the macro calls.
    fileprivate func offset(of id: ExprID) -> Int? {
        if let offset = expr.offset(of: id) { return offset }
        for call in macroCalls.values {
            if let offset = call.offset(of: id) { return offset }
        }
        return nil
    }
}

extension Expr {
    /// The UTF-8 offset of the node with this id in this tree, if it is there.
    fileprivate func offset(of target: ExprID) -> Int? {
        if id == target { return Int(offset) }
        let children: [Expr]
        switch kind {
        case .error, .literal, .identifier:
            children = []
        case .select(let operand, _, _):
            children = [operand]
        case .call(_, let target, let arguments):
            children = (target.map { [$0] } ?? []) + arguments
        case .list(let elements, _):
            children = elements
        case .map(let entries):
            children = entries.flatMap { [$0.key, $0.value] }
        case .message(_, let fields):
            children = fields.map(\.value)
        case .comprehension(let comprehension):
            children = [
                comprehension.iterRange, comprehension.accuInit, comprehension.loopCondition, comprehension.loopStep,
                comprehension.result,
            ]
        }
        for child in children {
            if let offset = child.offset(of: target) { return offset }
        }
        return nil
    }
}
