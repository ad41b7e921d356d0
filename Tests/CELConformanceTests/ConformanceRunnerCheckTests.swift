import CELConformance
import Testing

private let sample = """
    name: "sample"
    section {
      name: "s"
      test { name: "plain" expr: "1 + 2 == 3" }
      test {
        name: "typed"
        expr: "{'a': [1u]}"
        typed_result {
          result { bool_value: true }
          deduced_type { map_type { key_type { primitive: STRING } value_type { list_type { elem_type { primitive: UINT64 } } } } }
        }
      }
      test {
        name: "wrong type"
        expr: "[1]"
        typed_result { deduced_type { list_type { elem_type { primitive: STRING } } } }
      }
      test {
        name: "check only"
        expr: "fn('abc', 123)"
        check_only: true
        type_env {
          name: "fn"
          function { overloads {
            overload_id: "fn_string_int"
            params { primitive: STRING }
            params { primitive: INT64 }
            result_type { primitive: STRING }
          } }
        }
        typed_result { deduced_type { primitive: STRING } }
      }
      test {
        name: "declared variable"
        expr: "x + 1"
        type_env { name: "x" ident { type { primitive: INT64 } } }
        typed_result { deduced_type { primitive: INT64 } }
      }
      test {
        name: "bound, undeclared"
        expr: "y.size()"
        bindings { key: "y" value { value { string_value: "abc" } } }
        typed_result { deduced_type { primitive: INT64 } }
      }
      test {
        name: "unconstrained as dyn"
        expr: "[].map(x, x)"
        check_only: true
        typed_result { deduced_type { list_type { elem_type { dyn {} } } } }
      }
      test {
        name: "type value"
        expr: "type(1)"
        typed_result { deduced_type { type { primitive: INT64 } } }
      }
      test {
        name: "check error expected"
        expr: "size(1.5)"
        eval_error { errors { message: "found no matching overload for 'size' applied to '(double)'" } }
      }
      test {
        name: "check error missing"
        expr: "size('a')"
        eval_error { errors { message: "found no matching overload for 'size'" } }
      }
      test { name: "runtime error" expr: "1 / 0" eval_error { errors { message: "divide by zero" } } }
      test { name: "undeclared" expr: "nope + 1" }
      test { name: "disabled" expr: "nope" disable_check: true value { int64_value: 1 } }
      test { name: "syntax error" expr: "1 +" eval_error { errors { message: "Syntax error: mismatched input" } } }
      test {
        name: "message variable"
        expr: "msg"
        type_env { name: "msg" ident { type { message_type: "cel.expr.conformance.proto3.TestAllTypes" } } }
      }
      test {
        name: "malformed type"
        expr: "1"
        typed_result { deduced_type { primitive: INT128 } }
      }
    }
    """

@Suite("ConformanceRunner check mode")
struct ConformanceRunnerCheckTests {
    private func report() -> ConformanceReport {
        let runner = ConformanceRunner(mode: .check)
        return runner.report([runner.run(textProto: Array(sample.utf8), fileName: "sample.textproto")])
    }

    @Test("deduced types, check errors, declarations and skips")
    func outcomesOfTheSample() {
        let report = report()
        var outcomes: [String: ConformanceOutcome] = [:]
        for result in report.files.flatMap(\.results) { outcomes[result.id?.test ?? result.name] = result.outcome }

        let passing = [
            "plain", "typed", "check only", "declared variable", "bound, undeclared", "unconstrained as dyn",
            "type value", "check error expected", "runtime error", "syntax error",
        ]
        for name in passing {
            #expect(outcomes[name] == .passed, "\(name): \(String(describing: outcomes[name]))")
        }
        #expect(outcomes["wrong type"] == .failed("expected type list(string), got list(int)\nexpr: [1]"))
        #expect(
            outcomes["check error missing"]
                == .failed(
                    "expected a check error ('found no matching overload for 'size''), got type int\nexpr: size('a')"
                )
        )
        guard case .failed(let undeclared) = outcomes["undeclared"] else {
            Issue.record("'undeclared' should fail: \(String(describing: outcomes["undeclared"]))")
            return
        }
        #expect(undeclared.hasPrefix("unexpected check error\n"))
        #expect(undeclared.contains("nope"))
        #expect(outcomes["disabled"] == .skipped("the test disables the type check (disable_check)"))
        #expect(
            outcomes["message variable"]
                == .skipped(
                    "needs protobuf: variable 'msg' has the message type cel.expr.conformance.proto3.TestAllTypes"
                )
        )
        guard case .failed(let malformed) = outcomes["malformed type"] else {
            Issue.record("'malformed type' should fail")
            return
        }
        #expect(malformed.hasPrefix("malformed test: ") && malformed.contains("expects a primitive type"))
        #expect((report.passed, report.failed, report.skipped) == (10, 4, 2))
        #expect(report.lines.last == "conformance: 10 passed, 4 failed, 2 skipped")
    }

    @Test("the command line accepts --mode check, and skip lists accept [check]")
    func modeNames() throws {
        let command = try ConformanceCommand.parse(["--mode", "check", "--json", "dir"])
        #expect(command == .run(mode: .check, skipsPath: nil, paths: ["dir"], filter: nil, json: true))
        let list = try ConformanceSkipList(parsing: "[check]\nbasic/s/t  checker bug\n[eval]\nbasic/*  protobuf\n")
        let id = ConformanceTestID(file: "basic", section: "s", test: "t")
        #expect(list.entry(for: id, in: .check)?.reason == "checker bug")
        #expect(list.entry(for: id, in: .eval)?.reason == "protobuf")
        #expect(list.entry(for: id, in: .parse) == nil)
    }
}
