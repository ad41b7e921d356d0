public import CEL

/// A policy type-checked and planned once: its variables, rules and decision as programs.
///
/// Variables and rules are compiled each as their own program and evaluated in document order; each
/// program sees `input`, `messages` and every variable and rule above it (declared to the checker with
/// the type inferred for it), so `b: a + 1` may follow `a: input.x`. Errors are values: a variable
/// that fails to evaluate is bound as the error, and only matters if the decision depends on it
/// (`a || b` still absorbs it, as in CEL).
public struct CompiledPolicy: Sendable {
    struct Step: Sendable {
        let name: String
        let program: Program
        /// For each variable the program reads, in its slot order, where its value is in the
        /// evaluation's environment: 0 `input`, 1 `messages`, 2 `caller`, then the steps in order.
        let environmentSlots: [Int]
    }

    /// The document the policy was compiled from.
    public let document: PolicyDocument
    /// The declared type of `input`.
    public let inputType: CELType
    let steps: [Step]
    let decision: Step
    let messages: Value

    /// The policy's name, which is also its decision path.
    public var name: String { document.name }

    /// Where each variable a program reads lives in the environment of names compiled so far.
    private static func slots(of program: Program, in names: [String]) -> [Int] {
        program.variables.map { names.firstIndex(of: $0) ?? -1 }
    }

    /// Type-checks and plans every expression of a document.
    /// - Throws: ``PolicyCompileError`` with every error, each rendered against a source named
    ///   `file#field` (`policy.yaml#rules.allow`) with line:col inside the expression and a caret.
    public init(_ document: PolicyDocument) throws(PolicyCompileError) {
        var errors: [PolicyError] = []
        let file = document.file

        var inputType = CELType.dyn
        if let text = document.inputType {
            do {
                inputType = try CELType(parsing: text)
            } catch {
                let source = Source(text, name: "\(file)#input")
                errors.append(PolicyError(file: file, field: "input", message: error.diagnostic.rendered(in: source)))
            }
        }

        let ruleNames = Set(document.rules.map(\.name))
        var messageEntries: [(key: Value, value: Value)] = []
        for message in document.messages {
            if !ruleNames.contains(message.rule) {
                errors.append(
                    PolicyError(
                        file: file,
                        field: "messages.\(message.rule)",
                        message: "\(file): messages.\(message.rule): there is no rule named '\(message.rule)'"
                    )
                )
            }
            messageEntries.append((key: .string(message.rule), value: .string(message.text)))
        }
        let messages: Value
        switch CELMap.make(messageEntries) {
        case .success(let map): messages = .map(map)
        case .failure: messages = .map(.empty)
        }

        var declarations = Declarations.standard.merging(.extensions)
        declarations.declare(variable: "input", type: inputType)
        declarations.declare(variable: "messages", type: .map(.string, .string))
        declarations.declare(variable: "caller", type: .map(.string, .dyn))
        var names = ["input", "messages", "caller"]
        var steps: [Step] = []
        let variableNames = Set(document.variables.map(\.name))
        let entries =
            document.variables.map { (field: "variables.\($0.name)", entry: $0) }
            + document.rules.map { (field: "rules.\($0.name)", entry: $0) }
        for (field, entry) in entries {
            if field.hasPrefix("rules."), variableNames.contains(entry.name) {
                errors.append(
                    PolicyError(
                        file: file,
                        field: field,
                        message: "\(file): \(field): '\(entry.name)' is already a variable"
                    )
                )
                continue
            }
            let isRule = field.hasPrefix("rules.")
            let compiled = Self.compile(entry.expression, file: file, field: field, declarations, names)
            switch compiled {
            case .success(let (program, type)):
                if isRule, type != .bool, !type.isDynamic {
                    errors.append(
                        PolicyError(
                            file: file,
                            field: field,
                            message: "\(file): \(field): a rule must be a bool expression, found \(type)"
                        )
                    )
                }
                declarations.declare(variable: entry.name, type: type)
                steps.append(
                    Step(name: entry.name, program: program, environmentSlots: Self.slots(of: program, in: names))
                )
            case .failure(let failure):
                errors.append(contentsOf: failure.errors)
                // Declared anyway, so later expressions using it are not reported again.
                declarations.declare(variable: entry.name, type: .dyn)
            }
            names.append(entry.name)
        }

        var decision: Step?
        switch Self.compile(document.decision, file: file, field: "decision", declarations, names) {
        case .success(let (program, _)):
            decision = Step(name: "decision", program: program, environmentSlots: Self.slots(of: program, in: names))
        case .failure(let failure): errors.append(contentsOf: failure.errors)
        }

        guard errors.isEmpty, let decision else { throw PolicyCompileError(errors) }
        self.document = document
        self.inputType = inputType
        self.steps = steps
        self.decision = decision
        self.messages = messages
    }

    private static func compile(
        _ text: String,
        file: String,
        field: String,
        _ declarations: Declarations,
        _ names: [String]
    ) -> Result<(Program, CELType), PolicyCompileError> {
        let source = Source(text, name: "\(file)#\(field)")
        func failure(_ diagnostics: [CELDiagnostic]) -> Result<(Program, CELType), PolicyCompileError> {
            .failure(
                PolicyCompileError(
                    diagnostics.filter { $0.severity == .error }.map {
                        PolicyError(file: file, field: field, message: $0.rendered(in: source))
                    }
                )
            )
        }
        let parsedResult = Parser().parse(source)
        guard let parsed = parsedResult.parsed else { return failure(parsedResult.diagnostics) }
        let checkResult = Checker(declarations: declarations).check(parsed)
        guard let checked = checkResult.checked else { return failure(checkResult.diagnostics) }
        do {
            let program = try Environment(variables: names).program(for: checked)
            return .success((program, checked.type))
        } catch {
            return failure(error.diagnostics)
        }
    }

    /// Evaluates the policy for an input: the variables and rules in order, then the decision.
    /// - Parameters:
    ///   - input: the `input` document.
    ///   - caller: what the server knows of the caller (`caller.address`, and for mTLS clients
    ///     `caller.spiffe_id`, `caller.uri_sans`, `caller.subject`); an empty map in process.
    /// - Returns: the result document, or the first error or unknown the decision evaluated to.
    public func evaluate(input: Value, caller: Value = .map(.empty)) -> Result<Value, EvalError> {
        // The environment by position (see `Step.environmentSlots`): no name is looked up here.
        var environment: [Value] = []
        environment.reserveCapacity(3 + steps.count)
        environment.append(input)
        environment.append(messages)
        environment.append(caller)
        for step in steps {
            environment.append(step.run(in: environment))
        }
        let result = decision.run(in: environment)
        switch result {
        case .error(let error):
            return .failure(error)
        case .unknown:
            return .failure(EvalError(.unknownIdentifier, "the decision depends on unknown values"))
        default:
            return .success(result)
        }
    }
}

extension CompiledPolicy.Step {
    /// Evaluates the step's program over the environment built so far.
    func run(in environment: [Value]) -> Value {
        var values: [Value] = []
        values.reserveCapacity(environmentSlots.count)
        for (slot, index) in environmentSlots.enumerated() {
            if index >= 0, index < environment.count {
                values.append(environment[index])
            } else {
                // Not reachable for a policy that compiled (the checker declared only these names).
                values.append(.error(EvalError(.noSuchAttribute, "no such attribute: \(program.variables[slot])")))
            }
        }
        return program.evaluate(Activation(values: values))
    }
}
