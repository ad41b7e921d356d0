import CEL
import CELConformance
import Testing

/// The evaluator over mutated corpus expressions with random inputs: it must always answer with a
/// value (possibly an error value) or a compile error, never crash or run away.
@Suite("Evaluator over the corpus")
struct EvaluatorCorpusTests {
    /// A random input value: scalars of every kind, and small lists and maps of them.
    static func randomValue(_ generator: inout ParserCorpusTests.Generator, depth: Int = 0) -> Value {
        switch Int.random(in: 0..<(depth > 1 ? 9 : 11), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int([0, 1, -1, Int64.max, Int64.min, 42][Int.random(in: 0..<6, using: &generator)])
        case 3: return .uint([0, 1, UInt64.max][Int.random(in: 0..<3, using: &generator)])
        case 4: return .double([0, -0.0, 1.5, .nan, .infinity, -1e308][Int.random(in: 0..<6, using: &generator)])
        case 5: return .string(["", "a", "é", "admins", "e\u{301}", "😀"][Int.random(in: 0..<6, using: &generator)])
        case 6: return .bytes([[], [0xFF], [0x61, 0x62]][Int.random(in: 0..<3, using: &generator)])
        case 7:
            let stamps: [Timestamp?] = [Timestamp(seconds: 0), Timestamp(seconds: Timestamp.maxSeconds)]
            return stamps[Int.random(in: 0..<2, using: &generator)].map(Value.timestamp) ?? .null
        case 8:
            return .duration(
                Duration(seconds: Int64.random(in: -1000...1000, using: &generator)) ?? Duration(nanoseconds: 0)
            )
        case 9:
            return .list(
                (0..<Int.random(in: 0..<4, using: &generator)).map { _ in randomValue(&generator, depth: depth + 1) }
            )
        default:
            var entries: [(key: Value, value: Value)] = []
            for index in 0..<Int.random(in: 0..<4, using: &generator) {
                let key: Value =
                    Bool.random(using: &generator) ? .string(["a", "b", "c", "x"][index]) : .int(Int64(index))
                entries.append((key, randomValue(&generator, depth: depth + 1)))
            }
            switch CELMap.make(entries) {
            case .success(let map): return .map(map)
            case .failure: return .map(.empty)
            }
        }
    }

    @Test("10,000 mutated corpus expressions evaluated with random inputs")
    func mutatedExpressionsWithRandomInputs() throws {
        let expressions = try ParserCorpusTests.corpusExpressions().map(\.expr)
        guard !expressions.isEmpty else { return }
        let environment = Environment(limits: EvaluationLimits(costBudget: 20_000, comprehensionIterations: 1_000))
        var generator = ParserCorpusTests.Generator(state: 0xC0FF_EE00)
        var evaluated = 0
        for _ in 0..<10_000 {
            var text = expressions[Int.random(in: 0..<expressions.count, using: &generator)]
            for _ in 0..<Int.random(in: 0...2, using: &generator) {
                text = ParserCorpusTests.mutate(text, using: &generator)
            }
            let program: Program
            do {
                program = try environment.compile(text)
            } catch {
                #expect(!error.diagnostics.isEmpty, "\(text): a compile error without diagnostics")
                continue
            }
            var bindings: [String: Value] = [:]
            for name in program.variables { bindings[name] = Self.randomValue(&generator) }
            _ = program.evaluate(bindings)
            evaluated += 1
        }
        // Mutations break many expressions, but a good share must still compile and run.
        #expect(evaluated > 2_000, "only \(evaluated) expressions compiled")
    }
}

/// The checker over mutated corpus expressions: always a checked expression or diagnostics.
@Suite("Checker over the corpus")
struct CheckerCorpusTests {
    @Test("10,000 mutated corpus expressions through the type checker")
    func mutatedExpressions() throws {
        let expressions = try ParserCorpusTests.corpusExpressions().map(\.expr)
        guard !expressions.isEmpty else { return }
        var declarations = Declarations.standard.merging(.extensions)
        for name in ["x", "y", "z", "a", "b", "c", "m", "l", "s", "n", "msg", "request"] {
            declarations.declare(variable: name, type: .dyn)
        }
        let checker = Checker(declarations: declarations)
        var generator = ParserCorpusTests.Generator(state: 0x0C4E_C4E5)
        var checkedCount = 0
        for _ in 0..<10_000 {
            var text = expressions[Int.random(in: 0..<expressions.count, using: &generator)]
            for _ in 0..<Int.random(in: 0...2, using: &generator) {
                text = ParserCorpusTests.mutate(text, using: &generator)
            }
            guard let parsed = Parser().parse(text).parsed else { continue }
            let result = checker.check(parsed)
            if result.checked != nil {
                checkedCount += 1
            } else {
                #expect(!result.diagnostics.isEmpty, "\(text): rejected without a diagnostic")
                #expect(result.diagnostics.rendered(in: result.source).contains("^"))
            }
        }
        #expect(checkedCount > 1_000, "only \(checkedCount) expressions checked")
    }
}
