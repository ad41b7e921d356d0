/// Limits that bound one evaluation. Exceeding one ends the evaluation with a `limit_exceeded` error.
public struct EvaluationLimits: Sendable, Hashable {
    /// The cost budget of one evaluation: one unit per function call and per comprehension iteration,
    /// plus the size of strings, bytes and lists that operations create.
    public var costBudget: Int
    /// The most iterations of any one comprehension.
    public var comprehensionIterations: Int
    /// The longest string or bytes value an operation may create, in bytes.
    public var maxStringLength: Int
    /// The longest list or map an operation may create.
    public var maxListLength: Int

    /// Creates limits; the defaults suit authorization policies.
    public init(
        costBudget: Int = 10_000_000,
        comprehensionIterations: Int = 100_000,
        maxStringLength: Int = 1 << 20,
        maxListLength: Int = 100_000
    ) {
        self.costBudget = costBudget
        self.comprehensionIterations = comprehensionIterations
        self.maxStringLength = maxStringLength
        self.maxListLength = maxListLength
    }
}

/// What expressions are compiled against: declared variables, the function library, the container
/// for name resolution, and limits.
public struct Environment: Sendable {
    /// Variables that activations bind, by name. When empty and `declaredVariablesOnly` is false,
    /// every free identifier of an expression becomes a variable.
    public var variables: [String]
    /// Whether identifiers that are not declared are compile errors rather than variables.
    public var declaredVariablesOnly: Bool
    /// The namespace in which names are resolved (langdef "Name Resolution"), such as `com.example`.
    public var container: String
    /// The functions.
    public var library: Library
    /// Evaluation limits.
    public var limits: EvaluationLimits
    /// Parser settings and limits.
    public var parserOptions: ParserOptions

    /// Creates an environment with the standard library and the extensions (see ``Library/all``).
    public init(
        variables: [String] = [],
        declaredVariablesOnly: Bool = false,
        container: String = "",
        library: Library = .all,
        limits: EvaluationLimits = EvaluationLimits(),
        parserOptions: ParserOptions = ParserOptions()
    ) {
        self.variables = variables
        self.declaredVariablesOnly = declaredVariablesOnly
        self.container = container
        self.library = library
        self.limits = limits
        self.parserOptions = parserOptions
    }

    /// Parses and plans an expression.
    /// - Throws: ``CompileError`` with every diagnostic when the expression does not parse, or the
    ///   planner's error (unknown function, bad regular expression, ...).
    public func compile(_ text: String, sourceName: String = "<input>") throws(CompileError) -> Program {
        let result = Parser(options: parserOptions).parse(text, sourceName: sourceName)
        guard let parsed = result.parsed else {
            throw CompileError(diagnostics: result.diagnostics, source: result.source)
        }
        return try program(for: parsed)
    }

    /// Plans a parsed expression.
    public func program(for parsed: ParsedExpression) throws(CompileError) -> Program {
        var planner = Planner(environment: self, parsed: parsed)
        return try planner.plan()
    }

    /// Plans a checked expression: names resolve as the checker resolved them, and calls whose overload
    /// the checker proved bind that overload's implementation.
    public func program(for checked: CheckedExpression) throws(CompileError) -> Program {
        var planner = Planner(environment: self, parsed: checked.parsed, checked: checked)
        return try planner.plan()
    }
}

/// Why an expression could not be compiled: every diagnostic, with the source to render them against.
public struct CompileError: Error, Sendable, CustomStringConvertible {
    /// The diagnostics, sorted by position.
    public var diagnostics: [CELDiagnostic]
    /// The expression's source.
    public var source: Source

    /// Creates an error.
    public init(diagnostics: [CELDiagnostic], source: Source) {
        self.diagnostics = diagnostics
        self.source = source
    }

    /// The rendered diagnostics, with carets.
    public var description: String { diagnostics.rendered(in: source) }
}

extension CELDiagnostic.Code {
    /// A call to a function the environment does not define for that style and arity.
    public static let unknownFunction = CELDiagnostic.Code(rawValue: "unknown_function")
    /// An identifier that is not declared, in an environment that allows declared variables only.
    public static let undeclaredReference = CELDiagnostic.Code(rawValue: "undeclared_reference")
    /// A constant argument a function rejects at plan time (such as a bad regular expression).
    public static let invalidArgument = CELDiagnostic.Code(rawValue: "invalid_argument")
}
