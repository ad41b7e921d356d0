import CEL
import CELConformance
import Testing

/// The parser over every expression of the upstream corpus: round trips through the unparser, and
/// mutated inputs that must never crash it.
@Suite("Parser over the corpus")
struct ParserCorpusTests {
    static func corpusExpressions() throws -> [CorpusLocation.Expression] {
        guard let corpus = CorpusLocation.upstreamCorpus() else { return [] }
        return try CorpusLocation.expressions(in: corpus) + CorpusLocation.expressions(in: CorpusLocation.ownCorpus)
    }

    @Test("parse, unparse, parse again: the same tree")
    func roundTrip() throws {
        let expressions = try Self.corpusExpressions()
        #expect(expressions.count > 1500)
        let printer = ASTPrinter(showsPositions: false)
        var checked = 0
        for expression in expressions {
            let parser = Parser(options: ParserOptions(enableMacros: expression.macros))
            guard let first = parser.parse(expression.expr).parsed else { continue }
            let text: String
            do {
                text = try Unparser().unparse(first)
            } catch {
                Issue.record("\(expression.id): \(error)")
                continue
            }
            let second = parser.parse(text)
            guard let reparsed = second.parsed else {
                Issue.record(
                    "\(expression.id): the unparsed text \(text) does not parse:\n\(second.diagnostics.rendered(in: second.source))"
                )
                continue
            }
            #expect(printer.print(reparsed) == printer.print(first), "\(expression.id): \(expression.expr) -> \(text)")
            // Unparsing is stable: the text of the text is the text.
            #expect((try? Unparser().unparse(reparsed)) == text, "\(expression.id)")
            checked += 1
        }
        #expect(checked > 1500)
    }

    /// A small deterministic generator (SplitMix64), so a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Splits text into rough tokens: runs of identifier characters, runs of spaces, single others.
    static func roughTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber || character == "_" {
                current.append(character)
            } else {
                if !current.isEmpty { tokens.append(current) }
                current = ""
                tokens.append(String(character))
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    static func mutate(_ text: String, using generator: inout Generator) -> String {
        let operation = Int.random(in: 0..<6, using: &generator)
        if operation < 3 {
            var characters = Array(text)
            guard !characters.isEmpty else { return "(" }
            let index = Int.random(in: 0..<characters.count, using: &generator)
            switch operation {
            case 0: characters.remove(at: index)
            case 1: characters.insert(characters[index], at: index)
            default:
                let other = Int.random(in: 0..<characters.count, using: &generator)
                characters.swapAt(index, other)
            }
            return String(characters)
        }
        var tokens = roughTokens(text)
        guard !tokens.isEmpty else { return ")" }
        let index = Int.random(in: 0..<tokens.count, using: &generator)
        switch operation {
        case 3: tokens.remove(at: index)
        case 4: tokens.insert(tokens[index], at: index)
        default:
            let other = Int.random(in: 0..<tokens.count, using: &generator)
            tokens.swapAt(index, other)
        }
        return tokens.joined()
    }

    @Test("10,000 mutated corpus expressions: always a tree or diagnostics, never a crash")
    func mutations() throws {
        let expressions = try Self.corpusExpressions().map(\.expr)
        guard !expressions.isEmpty else { return }
        var generator = Generator(state: 0x7E55_E7A0)
        var rejected = 0
        for round in 0..<10_000 {
            var text = expressions[Int.random(in: 0..<expressions.count, using: &generator)]
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                text = Self.mutate(text, using: &generator)
            }
            let result = Parser().parse(text)
            let length = result.source.bytes.count
            if let parsed = result.parsed {
                #expect(!result.hasErrors)
                // Whatever parses can be written back and parsed again.
                if let unparsed = try? Unparser().unparse(parsed) {
                    #expect(Parser().parse(unparsed).parsed != nil, "round \(round): \(text) -> \(unparsed)")
                }
            } else {
                rejected += 1
                #expect(result.hasErrors, "round \(round): no tree and no error for \(text)")
                for diagnostic in result.diagnostics {
                    #expect(
                        diagnostic.range.lowerBound >= 0 && diagnostic.range.lowerBound <= length,
                        "round \(round): \(text)"
                    )
                    #expect(!diagnostic.message.isEmpty)
                }
                let rendered = result.diagnostics.rendered(in: result.source)
                #expect(rendered.contains("^"), "round \(round): \(text)")
            }
        }
        // Most mutations break the syntax; if almost none did, the mutator is not mutating.
        #expect(rejected > 3_000)
    }
}
