import CELConformance
import Testing

private let sample = """
    name: "sample"
    description: "A small file"
    section {
      name: "first"
      description: "The first section"
      test {
        name: "defaults"
        expr: "1 == 1"
      }
      test {
        name: "flags"
        description: "every flag set"
        expr: "x"
        disable_macros: true
        disable_check: True
        check_only: t
        container: "cel.expr"
        locale: "de"
        type_env { name: "x" ident { type { primitive: INT64 } } }
        bindings { key: "x" value { value { int64_value: 1 } } }
        value: { int64_value: 1 }
      }
    }
    section {
      name: "second"
      test { name: "typed" expr: "1" typed_result { result { int64_value: 1 } deduced_type { primitive: INT64 } } }
      test { name: "error" expr: "1/0" eval_error { errors { message: "divide by zero" } } }
      test {
        name: "any errors"
        expr: "x"
        any_eval_errors { errors { errors { message: "a" } } errors: [{ errors: [{ message: "b" }, { message: "c" }] }] }
      }
      test { name: "unknown" expr: "x" unknown { exprs: 1 } }
      test { name: "any unknowns" expr: "x" any_unknowns { unknowns { exprs: [1, 2] } } }
    }
    """

/// The error decoding `text` throws, recording an issue when it decodes.
private func decodingFailure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TextProtoError? {
    do {
        _ = try ConformanceFile(textProto: text)
        Issue.record("expected a decoding error", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite("ConformanceFile")
struct ConformanceFileTests {
    @Test("files, sections and tests decode with their names and descriptions")
    func structure() throws {
        let file = try ConformanceFile(textProto: sample)
        #expect(file.name == "sample")
        #expect(file.description == "A small file")
        #expect(file.sections.map(\.name) == ["first", "second"])
        #expect(file.sections.first?.description == "The first section")
        #expect(
            file.sections.map { $0.tests.map(\.name) } == [
                ["defaults", "flags"], ["typed", "error", "any errors", "unknown", "any unknowns"],
            ]
        )
        #expect(file.testCount == 7)
    }

    @Test("a test without matcher has defaults and expects true")
    func defaults() throws {
        let test = try #require(try ConformanceFile(textProto: sample).sections.first?.tests.first)
        #expect(test.expr == "1 == 1")
        #expect(test.description.isEmpty)
        #expect(!test.disableMacros && !test.disableCheck && !test.checkOnly)
        #expect(test.container.isEmpty)
        #expect(test.resultKind == .none)
        #expect(test.expectedErrorMessages.isEmpty)
        #expect(test.line == 6)
    }

    @Test("flags, container and locale decode; the raw message keeps the rest")
    func flags() throws {
        let test = try #require(try ConformanceFile(textProto: sample).sections.first?.tests.last)
        #expect(test.description == "every flag set")
        #expect(test.disableMacros && test.disableCheck && test.checkOnly)
        #expect(test.container == "cel.expr")
        #expect(test.locale == "de")
        #expect(test.resultKind == .value)
        #expect(test.message.field(named: "type_env")?.value.message?.field(named: "name")?.value.scalar?.string == "x")
        #expect(test.message.contains("bindings"))
    }

    @Test("each result matcher is recognised, with its error messages")
    func resultKinds() throws {
        let tests = try #require(try ConformanceFile(textProto: sample).sections.last?.tests)
        #expect(tests.map(\.resultKind) == [.typedResult, .evalError, .anyEvalErrors, .unknown, .anyUnknowns])
        #expect(tests.map(\.expectedErrorMessages) == [[], ["divide by zero"], ["a", "b", "c"], [], []])
    }

    @Test("syntax-error expectations are recognised by their message")
    func expectsParseError() {
        func test(_ messages: [String]) -> ConformanceTest {
            ConformanceTest(name: "t", expr: "", resultKind: .evalError, expectedErrorMessages: messages)
        }
        #expect(test(["Syntax error: mismatched input"]).expectsParseError)
        #expect(test(["found no matching overload", "SYNTAX ERROR"]).expectsParseError)
        #expect(test(["ERROR: <input>:1:2: Syntax error"]).expectsParseError)
        #expect(test(["ERROR: <input>:1:5: reserved identifier"]).expectsParseError)
        #expect(!test(["divide by zero"]).expectsParseError)
        #expect(!test(["error: <input>: lowercase"]).expectsParseError)
        #expect(!test([]).expectsParseError)
    }

    @Test("schema errors point at the offending field")
    func schemaErrors() {
        let wrongType = decodingFailure("section { test { name: \"t\" expr: 1 } }")
        #expect(wrongType?.line == 1)
        #expect(wrongType?.column == 28)
        #expect(wrongType?.message.contains("'expr' expects a string") == true)

        let twoMatchers = decodingFailure("section {\n test {\n  value { int64_value: 1 }\n  eval_error { }\n }\n}")
        #expect(twoMatchers?.line == 4)
        #expect(twoMatchers?.message.contains("'value' and 'eval_error'") == true)

        let twice = decodingFailure("section { name: \"a\" name: \"b\" }")
        #expect(twice?.column == 21)
        #expect(twice?.message.contains("more than once") == true)

        #expect(
            decodingFailure("section { test { disable_macros: maybe } }")?.message.contains("true or false") == true
        )
        #expect(decodingFailure("section: 1")?.message.contains("expects a message") == true)
        #expect(decodingFailure("section { test { value: 1 } }")?.message.contains("expects a message") == true)
        #expect(decodingFailure("section { test { expr: \"\\377\" } }")?.message.contains("UTF-8") == true)
    }

    @Test("unknown fields are ignored")
    func unknownFields() throws {
        let file = try ConformanceFile(
            textProto: "future_field: 1\nsection { name: \"s\" test { name: \"t\" extra { } } }"
        )
        #expect(file.testCount == 1)
    }
}
