import CEL
import Testing

@Suite("Unparser")
struct UnparserTests {
    @Test(arguments: [
        "a + b * c",
        "(a + b) * c",
        "a - (b - c)",
        "a - b - c",
        "!(a && b)",
        "!!a",
        "-(-1)",
        "-(1)",
        "--a",
        "-a.b",
        "(-1).f()",
        "(a ? b : c) ? d : e",
        "a ? b : c ? d : e",
        "a ? (b ? c : d) : e",
        "(a || b) && c",
        "a in [1, 2, 3]",
        "a < b == (c < d)",
        "a.?b.c[?d]",
        "[?a, b]",
        "{?\"k\": v, 1: 2}",
        ".pkg.Msg{?f: 1, g: \"x\"}",
        "a.`b-c`.d",
        "Msg{`e-f`: 1}",
        "has(a.`x.y`)",
        "b\"\\xFF\\x00a\"",
        "\"line\\nbreak \\\"quote\\\" \\\\ \\x01\"",
        "1.5e+20 + 0.001 + -0.0",
        "-9223372036854775808",
        "18446744073709551615u",
        "x.exists_one(y, y)",
        "cel.bind(x, 1, x + 1)",
        "cel.block([1, cel.index(0)], cel.index(1))",
        "m.transformMapEntry(k, v, {v: k})",
        "a.package() + a.if",
    ])
    func roundTripsExactly(_ text: String) {
        #expect(normalized(text) == text)
    }

    @Test func normalizesSpacingAndRedundantParentheses() {
        #expect(normalized("((a))+(b)") == "a + b")
        #expect(normalized("'single'") == "\"single\"")
        #expect(normalized("r'\\d'") == "\"\\\\d\"")
        #expect(normalized("0x10") == "16")
        #expect(normalized("[1,2,]") == "[1, 2]")
    }

    @Test func refusesTreesWithoutSyntax() throws {
        let error = Expr(id: 1, offset: 0, kind: .error)
        #expect(throws: Unparser.Failure.self) { try Unparser().unparse(error) }
        let internalCall = Expr(
            id: 1,
            offset: 0,
            kind: .call(function: "@not_strictly_false", target: nil, arguments: [])
        )
        #expect(throws: Unparser.Failure.self) { try Unparser().unparse(internalCall) }
        // A comprehension with no recorded macro call.
        let result = Parser().parse("l.all(x, x)")
        if let parsed = result.parsed {
            #expect(throws: Unparser.Failure.self) { try Unparser().unparse(parsed.expr) }
            #expect(try Unparser().unparse(parsed) == "l.all(x, x)")
        }
    }
}
