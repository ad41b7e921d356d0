import CELConformance
import Testing

private let sample = """
    name: "sample"
    section {
      name: "s"
      test { name: "default true" expr: "1 + 2 == 3" }
      test { name: "value" expr: "1 + 2" value { int64_value: 3 } }
      test { name: "wrong value" expr: "1 + 2" value { int64_value: 4 } }
      test { name: "wrong kind" expr: "3u" value { int64_value: 3 } }
      test { name: "nan" expr: "0.0 / 0.0" value { double_value: nan } }
      test {
        name: "map order"
        expr: "{'b': 2, 'a': [1u]}"
        value { map_value {
          entries { key { string_value: "a" } value { list_value { values { uint64_value: 1 } } } }
          entries { key { string_value: "b" } value { int64_value: 2 } }
        } }
      }
      test {
        name: "binding"
        expr: "x + y"
        type_env { name: "x" ident { type { primitive: INT64 } } }
        bindings { key: "x" value { value { int64_value: 40 } } }
        bindings { key: "y" value { value { int64_value: 2 } } }
        value { int64_value: 42 }
      }
      test { name: "runtime error" expr: "1 / 0" eval_error { errors { message: "divide by zero" } } }
      test { name: "missing error" expr: "1 / 1" eval_error { errors { message: "divide by zero" } } }
      test { name: "compile error" expr: "no_such_function(1)" eval_error { errors { message: "unbound" } } }
      test { name: "syntax error" expr: "1 +" eval_error { errors { message: "Syntax error: mismatched input" } } }
      test {
        name: "typed"
        expr: "[1]"
        typed_result {
          result { list_value { values { int64_value: 1 } } }
          deduced_type { list_type { elem_type { primitive: INT64 } } }
        }
      }
      test { name: "type value" expr: "type(1)" value { type_value: "int" } }
      test {
        name: "message"
        container: "cel.expr.conformance.proto3"
        expr: "TestAllTypes{}"
        value { bool_value: true }
      }
      test {
        name: "message binding"
        expr: "x"
        bindings { key: "x" value { value { object_value {
          [type.googleapis.com/cel.expr.conformance.proto3.TestAllTypes] { single_int32: 1 }
        } } } }
        value { bool_value: true }
      }
      test { name: "check only" expr: "1" check_only: true typed_result { deduced_type { primitive: INT64 } } }
      test {
        name: "timestamp binding"
        expr: "t"
        bindings { key: "t" value { value { object_value {
          [type.googleapis.com/google.protobuf.Timestamp] { seconds: 10 }
        } } } }
        value { object_value { [type.googleapis.com/google.protobuf.Timestamp] { seconds: 10 nanos: 0 } } }
      }
      test {
        name: "unknown"
        expr: "x"
        bindings { key: "x" value { unknown { exprs: 1 } } }
        unknown { exprs: 1 }
      }
      test {
        name: "container"
        container: "a.b"
        expr: "c"
        type_env { name: "a.c" ident { type { primitive: INT64 } } }
        bindings { key: "a.c" value { value { int64_value: 7 } } }
        value { int64_value: 7 }
      }
      test {
        name: "no macros"
        expr: "[1].all(x, x > 0)"
        disable_macros: true
        eval_error { errors { message: "no such function" } }
      }
      test { name: "unexpected error" expr: "{'a': 1}.b" value { int64_value: 1 } }
    }
    """

@Suite("ConformanceRunner eval mode")
struct ConformanceRunnerEvalTests {
    private func run(filter: String? = nil) throws -> ConformanceReport {
        let runner = ConformanceRunner(mode: .eval, filter: filter)
        return runner.report([runner.run(textProto: Array(sample.utf8), fileName: "sample.textproto")])
    }

    private func outcomes(_ report: ConformanceReport) -> [String: ConformanceOutcome] {
        var outcomes: [String: ConformanceOutcome] = [:]
        for result in report.files.flatMap(\.results) {
            outcomes[result.id?.test ?? result.name] = result.outcome
        }
        return outcomes
    }

    @Test("values, errors, unknowns and skips")
    func outcomesOfTheSample() throws {
        let report = try run()
        let outcomes = outcomes(report)
        let passing = [
            "default true", "value", "nan", "map order", "binding", "runtime error", "compile error", "syntax error",
            "typed", "type value", "timestamp binding", "unknown", "container", "no macros",
        ]
        for name in passing {
            #expect(outcomes[name] == .passed, "\(name): \(String(describing: outcomes[name]))")
        }
        #expect(
            outcomes["wrong value"] == .failed("expected 4 (int), got 3 (int)\nexpr: 1 + 2"),
            "\(String(describing: outcomes["wrong value"]))"
        )
        #expect(outcomes["wrong kind"] == .failed("expected 3 (int), got 3u (uint)\nexpr: 3u"))
        #expect(
            outcomes["missing error"] == .failed("expected an error ('divide by zero'), got 1 (int)\nexpr: 1 / 1")
        )
        guard case .failed(let unexpected) = outcomes["unexpected error"] else {
            Issue.record("'unexpected error' should fail")
            return
        }
        #expect(unexpected.hasPrefix("expected 1 (int), got error no_such_key"))
        #expect(
            outcomes["message"] == .skipped("needs protobuf: message construction TestAllTypes{...}")
        )
        #expect(
            outcomes["message binding"]
                == .skipped("needs protobuf: binding 'x' holds a cel.expr.conformance.proto3.TestAllTypes message")
        )
        #expect(outcomes["check only"] == .skipped("needs the type checker: a check_only test"))
        #expect((report.passed, report.failed, report.skipped) == (14, 4, 3))
    }

    @Test("--filter keeps the tests whose id contains the text")
    func filter() throws {
        let report = try run(filter: "sample/s/wrong")
        #expect(report.files.flatMap(\.results).compactMap(\.id?.test) == ["wrong value", "wrong kind"])
        #expect(report.summary == "conformance: 0 passed, 2 failed, 0 skipped")
        #expect(try run(filter: "nothing matches").lines == ["conformance: 0 passed, 0 failed, 0 skipped"])
    }

    @Test("JSON lines: one object per test, the totals, then the summary line")
    func json() throws {
        let lines = try run(filter: "/s/value").jsonLines
        #expect(
            lines == [
                #"{"id":"sample/s/value","file":"sample","section":"s","test":"value","outcome":"passed"}"#,
                #"{"mode":"eval","passed":1,"failed":0,"skipped":0}"#,
                "conformance: 1 passed, 0 failed, 0 skipped",
            ]
        )
        let failed = try run(filter: "wrong kind").jsonLines
        #expect(
            failed.first
                == #"{"id":"sample/s/wrong kind","file":"sample","section":"s","test":"wrong kind","outcome":"failed","#
                + #""reason":"expected 3 (int), got 3u (uint)\nexpr: 3u"}"#
        )
    }
}
