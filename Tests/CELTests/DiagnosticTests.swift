import CEL
import Testing

@Suite("Diagnostics, recovery and limits")
struct DiagnosticTests {
    @Test func renderingShowsLineColumnAndCaret() {
        let result = Parser().parse("a &&\n  b +  * c", sourceName: "policy.yaml")
        #expect(result.parsed == nil)
        #expect(
            result.diagnostics.rendered(in: result.source) == """
                policy.yaml:2:8: syntax_error: expected an expression, found '*'
                 |   b +  * c
                 |        ^
                """
        )
    }

    @Test func columnsCountCharactersNotBytes() {
        let result = Parser().parse("'héllo' + 😀")
        let location = result.diagnostics.first.map { result.source.location(of: $0.range.lowerBound) }
        #expect(location == Source.Location(line: 1, column: 11))
        #expect(result.diagnostics.rendered(in: result.source).hasSuffix(" |           ^"))
    }

    @Test func everyErrorInOneRunSortedByPosition() {
        expectDiagnostics(
            "f(1️⃣if, '2️⃣\\q') + [3, 3️⃣) + x.4️⃣in",
            [.reservedIdentifier, .invalidToken, .syntaxError, .syntaxError]
        )
        expectDiagnostics("a + 1️⃣)\n + b 2️⃣c", [.syntaxError, .syntaxError])
    }

    @Test func recoveryInsideSequences() {
        // An error in one argument does not hide errors in the next one.
        expectDiagnostics("f(1️⃣* , 2️⃣/)", [.syntaxError, .syntaxError])
        expectDiagnostics("[1 1️⃣2, 3 2️⃣4]", [.syntaxError, .syntaxError])
        expectDiagnostics("{1️⃣: 1, 'a' 2️⃣2}", [.syntaxError, .syntaxError])
    }

    @Test func nestingDepthLimit() {
        let options = ParserOptions(maxNestingDepth: 20)
        let ok = String(repeating: "(", count: 15) + "1" + String(repeating: ")", count: 15)
        #expect(Parser(options: options).parse(ok).parsed != nil)
        let deep = String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30)
        let result = Parser(options: options).parse(deep)
        #expect(result.diagnostics.map(\.code) == [.limitExceeded])
        #expect(result.diagnostics.first?.message == "expression nests deeper than 20 levels")
    }

    @Test func chainsCountTowardsDepth() {
        let options = ParserOptions(maxNestingDepth: 40)
        #expect(
            Parser(options: options).parse(Array(repeating: "a", count: 32).joined(separator: " || ")).parsed != nil
        )
        let long = Array(repeating: "a", count: 100).joined(separator: " + ")
        #expect(Parser(options: options).parse(long).diagnostics.map(\.code) == [.limitExceeded])
        let selects = "a" + String(repeating: ".b", count: 100)
        #expect(Parser(options: options).parse(selects).diagnostics.map(\.code) == [.limitExceeded])
        let unary = String(repeating: "!", count: 100) + "a"
        #expect(Parser(options: options).parse(unary).diagnostics.map(\.code) == [.limitExceeded])
    }

    @Test func languageMinimumsFitTheDefaults() {
        // langdef asks for 32 terms of || and &&, 32 arguments and elements, 24 ternaries in a row,
        // 12 nested calls, selections, indexes and literals.
        let parser = Parser()
        let args = (0..<32).map(String.init).joined(separator: ", ")
        let ternaries = (0..<24).map { "c\($0) ? \($0) : " }.joined() + "0"
        let calls = String(repeating: "f(", count: 12) + "1" + String(repeating: ")", count: 12)
        let lists = String(repeating: "[", count: 12) + String(repeating: "]", count: 12)
        let maps = String(repeating: "{1: ", count: 12) + "1" + String(repeating: "}", count: 12)
        let indexes = "a" + String(repeating: "[0]", count: 12)
        for text in [
            Array(repeating: "a", count: 32).joined(separator: " && "), "f(\(args))", "[\(args)]", ternaries, calls,
            lists,
            maps, indexes, Array(repeating: "1", count: 25).joined(separator: " * "),
        ] {
            let result = parser.parse(text)
            #expect(result.parsed != nil, "\(text): \(result.diagnostics.rendered(in: result.source))")
        }
    }

    @Test func lengthAndNodeLimits() {
        let long = Parser(options: ParserOptions(maxExpressionLength: 10)).parse("aaaa + bbbb + c")
        #expect(long.diagnostics.map(\.code) == [.limitExceeded])
        let list = "[" + Array(repeating: "1", count: 200).joined(separator: ",") + "]"
        let many = Parser(options: ParserOptions(maxNodes: 100)).parse(list)
        #expect(many.diagnostics.map(\.code) == [.limitExceeded])
        #expect(many.parsed == nil)
    }

    @Test func diagnosticCountLimit() {
        let garbage = String(repeating: "# ", count: 500)
        let result = Parser(options: ParserOptions(maxDiagnostics: 10)).parse(garbage)
        #expect(result.diagnostics.count == 11)
        #expect(result.diagnostics.last?.code == .limitExceeded)
    }

    @Test func pathologicalInputsAnswerQuickly() {
        // Far past every limit: each must end with diagnostics, not a crash or a stack overflow.
        let inputs = [
            String(repeating: "(", count: 100_000),
            String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000),
            String(repeating: "{1:", count: 30_000),
            String(repeating: "-", count: 100_000) + "1",
            String(repeating: "!", count: 100_000),
            String(repeating: "a.", count: 50_000),
            String(repeating: "f(", count: 50_000),
            String(repeating: "1+", count: 50_000) + "1",
            String(repeating: "a ? ", count: 25_000),
            String(repeating: ".", count: 100_000),
            String(repeating: "* -", count: 30_000),
            String(repeating: "'", count: 99_999),
            String(repeating: "\"\"\"", count: 30_000),
            String(repeating: "x[?", count: 30_000),
            String(repeating: "Msg{f:", count: 15_000),
        ]
        for input in inputs {
            let result = Parser().parse(input)
            #expect(result.hasErrors, "\(input.prefix(12))...")
            #expect(result.diagnostics.count <= 101)
        }
    }
}
