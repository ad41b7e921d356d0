import CEL

/// What evaluating a test's expression must produce, decoded from its result matcher.
enum ConformanceExpectation: Sendable {
    /// This value, of exactly these kinds (`value`, the `result` of `typed_result`, or `true` when the test
    /// gives no matcher).
    case value(Value)
    /// Any error: an error value, or an expression that does not compile (`eval_error`,
    /// `any_eval_errors`). The messages are not compared; the corpus words them differently per file.
    case error
    /// An unknown value (`unknown`, `any_unknowns`).
    case unknown
}

/// The inputs of one evaluation, decoded from a test.
struct ConformanceEvalInput: Sendable {
    /// The declared variables (identifier declarations of `type_env`) and the bound names.
    var variables: [String]
    /// The bindings, by name.
    var bindings: [String: Value]
    /// What the evaluation must produce.
    var expectation: ConformanceExpectation
}

extension ConformanceTest {
    /// The variables, bindings and expectation of the test.
    /// - Throws: `ConformanceValueError.needsProtobuf` when a declaration, binding or expected value needs a
    ///   protobuf message type; `.malformed` when one does not fit the schema.
    func evalInput() throws(ConformanceValueError) -> ConformanceEvalInput {
        var variables: [String] = []
        for declaration in message.fields(named: "type_env").compactMap(\.value.message) {
            guard let ident = declaration.field(named: "ident")?.value.message else { continue }
            let name = try ConformanceValueDecoder.field("name", of: declaration).map {
                field throws(ConformanceValueError) in try ConformanceValueDecoder.string(field)
            }
            guard let name else { throw .malformed("an identifier declaration without a name") }
            if let messageType = ident.field(named: "type")?.value.message?.field(named: "message_type")?.value.scalar?
                .string,
                let reason = ConformanceProtobufDetector.reason(forVariable: name, messageType: messageType)
            {
                throw .needsProtobuf(reason)
            }
            variables.append(name)
        }

        var bindings: [String: Value] = [:]
        for field in message.fields(named: "bindings") {
            let entry = try ConformanceValueDecoder.messageValue(field)
            guard let keyField = try ConformanceValueDecoder.field("key", of: entry),
                let valueField = try ConformanceValueDecoder.field("value", of: entry)
            else {
                throw ConformanceValueDecoder.malformed(field, "needs a key and a value")
            }
            let name = try ConformanceValueDecoder.string(keyField)
            do throws(ConformanceValueError) {
                bindings[name] = try ConformanceValueDecoder.exprValue(ConformanceValueDecoder.messageValue(valueField))
            } catch {
                throw error.explained("binding '\(name)' holds")
            }
            if !variables.contains(name) { variables.append(name) }
        }
        return ConformanceEvalInput(variables: variables, bindings: bindings, expectation: try expectation())
    }

    /// The expectation of the test's result matcher.
    private func expectation() throws(ConformanceValueError) -> ConformanceExpectation {
        switch resultKind {
        case .none:
            return .value(.bool(true))
        case .evalError, .anyEvalErrors:
            return .error
        case .unknown, .anyUnknowns:
            return .unknown
        case .value, .typedResult:
            guard let matcher = message.field(named: resultKind.fieldName) else {
                throw .malformed("missing \(resultKind.fieldName)")
            }
            var expected = try ConformanceValueDecoder.messageValue(matcher)
            if resultKind == .typedResult {
                // The deduced_type half needs the type checker; only the result is compared.
                guard let result = try ConformanceValueDecoder.field("result", of: expected) else {
                    throw .malformed("typed_result without a result")
                }
                expected = try ConformanceValueDecoder.messageValue(result)
            }
            do throws(ConformanceValueError) {
                return .value(try ConformanceValueDecoder.value(expected))
            } catch {
                throw error.explained("the expected value is")
            }
        }
    }
}
