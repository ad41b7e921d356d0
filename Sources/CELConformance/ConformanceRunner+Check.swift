import CEL

/// The `check` mode: does the type checker accept what it should, reject what it should, and deduce the
/// expected types?
extension ConformanceRunner {
    /// The standard library's and the extensions' declarations, which every test checks against.
    static let baseDeclarations = Declarations.standard.merging(.extensions)

    /// Parses (with macros as the test asks) and type-checks with the base declarations plus the test's
    /// `type_env`, in the test's container.
    ///
    /// - A test expecting a syntax error passes when the parser reports an error, as in parse mode.
    /// - A test with `disable_check` is skipped; so is a test that needs protobuf message types.
    /// - A test whose expected error is one the checker reports (`ConformanceTest.expectsCheckError`) must
    ///   fail to check.
    /// - A `typed_result` with a `deduced_type` must check to exactly that type.
    /// - Every other test must check without errors; its value is eval mode's business.
    ///
    /// Eval mode does not check first: the checker still rejects a few tests that must check (see
    /// `ConformanceCorpusTests.checkMode`), and eval mode keeps 0 failures.
    func checkOutcome(of test: ConformanceTest) -> ConformanceOutcome {
        if test.expectsParseError {
            return parseOutcome(of: test)
        }
        if test.disableCheck {
            return .skipped("the test disables the type check (disable_check)")
        }
        let parse = Parser(options: ParserOptions(enableMacros: !test.disableMacros)).parse(test.expr)
        guard let parsed = parse.parsed, !parse.hasErrors else {
            let errors = parse.diagnostics.filter { $0.severity == .error }
            return .failed("unexpected parse error\n" + errors.rendered(in: parse.source))
        }
        if let reason = ConformanceProtobufDetector.reason(for: parsed.expr) {
            return .skipped("needs protobuf: \(reason)")
        }
        let input: ConformanceCheckInput
        do throws(ConformanceValueError) {
            input = try test.checkInput()
        } catch {
            switch error {
            case .needsProtobuf(let reason): return .skipped("needs protobuf: \(reason)")
            case .malformed(let reason): return .failed("malformed test: \(reason)")
            }
        }

        let checker = Checker(
            declarations: Self.baseDeclarations.merging(input.declarations),
            container: test.container
        )
        let result = checker.check(parsed)
        let errors = result.diagnostics.filter { $0.severity == .error }
        if test.expectsCheckError {
            guard let checked = result.checked, errors.isEmpty else { return .passed }
            let messages = test.expectedErrorMessages.map { "'\($0)'" }.joined(separator: " or ")
            return .failed("expected a check error (\(messages)), got type \(checked.type)\nexpr: \(test.expr)")
        }
        guard let checked = result.checked, errors.isEmpty else {
            return .failed("unexpected check error\n" + errors.rendered(in: result.source))
        }
        if let expected = input.deducedType, checked.type != expected {
            return .failed("expected type \(expected), got \(checked.type)\nexpr: \(test.expr)")
        }
        return .passed
    }
}

/// The inputs of one type check, decoded from a test.
struct ConformanceCheckInput: Sendable {
    /// The test's `type_env`, and its undeclared bound names as `dyn`.
    var declarations: Declarations
    /// The `deduced_type` of a `typed_result`, if given.
    var deducedType: CELType?
}

extension ConformanceTest {
    /// The messages with which the CEL checkers report a check-time error: a test that does not disable
    /// the check and expects one of these must fail to check.
    static let checkErrorMarkers = ["undeclared reference", "found no matching overload"]

    /// Whether the test expects the type checker to reject the expression: it does not disable the check
    /// and one of its expected error messages contains a `checkErrorMarkers` phrase.
    var expectsCheckError: Bool {
        !disableCheck
            && expectedErrorMessages.contains { message in
                Self.checkErrorMarkers.contains { message.contains($0) }
            }
    }

    /// The declarations and the expected type of the test: the `type_env` declarations, plus `dyn` for each
    /// bound name they do not declare (our own corpus binds without declaring; upstream tests declare).
    /// - Throws: `ConformanceValueError.needsProtobuf` when a declaration or the expected type names a
    ///   protobuf message type; `.malformed` when one does not fit the schema.
    func checkInput() throws(ConformanceValueError) -> ConformanceCheckInput {
        let decls = message.fields(named: "type_env").compactMap(\.value.message)
        var declarations = try ConformanceTypeDecoder.declarations(decls)
        // A bound name the test does not declare is `dyn`, as eval mode declares every bound name.
        for field in message.fields(named: "bindings") {
            let entry = try ConformanceValueDecoder.messageValue(field)
            guard let keyField = try ConformanceValueDecoder.field("key", of: entry) else {
                throw ConformanceValueDecoder.malformed(field, "needs a key")
            }
            let name = try ConformanceValueDecoder.string(keyField)
            if declarations.variables[name] == nil { declarations.declare(variable: name, type: .dyn) }
        }
        for (name, type) in declarations.variables.sorted(by: { $0.key < $1.key }) {
            if let messageName = type.firstMessageName {
                throw .needsProtobuf("variable '\(name)' has the message type \(messageName)")
            }
        }
        for (name, function) in declarations.functions.sorted(by: { $0.key < $1.key }) {
            for overload in function.overloads {
                let types = overload.parameters + [overload.result]
                if let messageName = types.lazy.compactMap(\.firstMessageName).first {
                    throw .needsProtobuf("function '\(name)' uses the message type \(messageName)")
                }
            }
        }

        var deducedType: CELType?
        if resultKind == .typedResult, let matcher = message.field(named: resultKind.fieldName) {
            let typedResult = try ConformanceValueDecoder.messageValue(matcher)
            if let field = try ConformanceValueDecoder.field("deduced_type", of: typedResult) {
                let type = try ConformanceTypeDecoder.type(ConformanceValueDecoder.messageValue(field))
                if let messageName = type.firstMessageName {
                    throw .needsProtobuf("the deduced type is the message type \(messageName)")
                }
                deducedType = type
            }
        }
        return ConformanceCheckInput(declarations: declarations, deducedType: deducedType)
    }
}
