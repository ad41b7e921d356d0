/// One test of the CEL conformance corpus: a `SimpleTest` of `cel/expr/conformance/test/simple.proto`.
///
/// The fields every mode needs are decoded; the whole text-format message stays in `message`, so the
/// type environment (`type_env`), the `bindings` and the expected value can be read from it when the
/// checker and the evaluator need them.
public struct ConformanceTest: Sendable, Hashable {
    /// The test name, unique within its section.
    public var name: String
    /// What the test is about.
    public var description: String
    /// The CEL expression under test.
    public var expr: String
    /// Whether macros must be left unexpanded when parsing.
    public var disableMacros: Bool
    /// Whether the expression is evaluated without type-checking it first.
    public var disableCheck: Bool
    /// Whether only the type check is run, not evaluation.
    public var checkOnly: Bool
    /// The container (namespace) names are resolved in.
    public var container: String
    /// The locale for locale-sensitive functions, if given.
    public var locale: String
    /// Which kind of result the test expects.
    public var resultKind: ConformanceResultKind
    /// The `message` of every status in `eval_error` or `any_eval_errors`, in source order.
    public var expectedErrorMessages: [String]
    /// The test as read from the file, for the parts not decoded above.
    public var message: TextProtoMessage
    /// The 1-based line of the test in its file (0 when built in code).
    public var line: Int

    /// Creates a test from its decoded parts.
    public init(
        name: String,
        description: String = "",
        expr: String,
        disableMacros: Bool = false,
        disableCheck: Bool = false,
        checkOnly: Bool = false,
        container: String = "",
        locale: String = "",
        resultKind: ConformanceResultKind = .none,
        expectedErrorMessages: [String] = [],
        message: TextProtoMessage = TextProtoMessage(),
        line: Int = 0
    ) {
        self.name = name
        self.description = description
        self.expr = expr
        self.disableMacros = disableMacros
        self.disableCheck = disableCheck
        self.checkOnly = checkOnly
        self.container = container
        self.locale = locale
        self.resultKind = resultKind
        self.expectedErrorMessages = expectedErrorMessages
        self.message = message
        self.line = line
    }

    /// Decodes a `SimpleTest` message. Fields this model does not know are kept in `message` and otherwise
    /// ignored.
    /// - Parameters:
    ///   - message: The text-format message of the test.
    ///   - line: Where the test starts in its file.
    /// - Throws: `TextProtoError` at a field with the wrong kind of value, a repeated singular field, or a
    ///   second result matcher.
    public init(message: TextProtoMessage, line: Int = 0) throws(TextProtoError) {
        var kind = ConformanceResultKind.none
        var kindField: TextProtoField?
        for candidate in ConformanceResultKind.allCases where candidate != .none {
            guard let field = try message.singular(candidate.fieldName) else { continue }
            if let kindField {
                throw field.error(
                    "a test has one expected result, but '\(kindField.name)' and '\(field.name)' are both given"
                )
            }
            guard field.value.message != nil else {
                throw field.error("field '\(field.name)' expects a message")
            }
            kind = candidate
            kindField = field
        }

        var errorMessages: [String] = []
        if let matcher = kindField?.value.message {
            switch kind {
            case .evalError:
                errorMessages = try Self.statusMessages(ofErrorSet: matcher)
            case .anyEvalErrors:
                for errorSet in try matcher.messages("errors") {
                    errorMessages += try Self.statusMessages(ofErrorSet: errorSet)
                }
            default:
                break
            }
        }

        self.init(
            name: try message.string("name"),
            description: try message.string("description"),
            expr: try message.string("expr"),
            disableMacros: try message.bool("disable_macros"),
            disableCheck: try message.bool("disable_check"),
            checkOnly: try message.bool("check_only"),
            container: try message.string("container"),
            locale: try message.string("locale"),
            resultKind: kind,
            expectedErrorMessages: errorMessages,
            message: message,
            line: line
        )
    }

    /// Whether the test expects the expression to be rejected by the parser: one of its expected error
    /// messages reads like a syntax error (it contains "syntax error", in any case, or starts with
    /// `ERROR: <input>:` as cel-go's rendered parse errors do).
    public var expectsParseError: Bool {
        expectedErrorMessages.contains { message in
            message.lowercased().contains("syntax error") || message.hasPrefix("ERROR: <input>:")
        }
    }

    /// The `message` of each `Status` in a `cel.expr.ErrorSet`.
    private static func statusMessages(ofErrorSet errorSet: TextProtoMessage) throws(TextProtoError) -> [String] {
        var messages: [String] = []
        for status in try errorSet.messages("errors") {
            messages.append(try status.string("message"))
        }
        return messages
    }
}
