import CEL
import Testing

@Suite("Lexer: numbers, identifiers, keywords, comments")
struct LexerTests {
    @Test func integers() {
        #expect(literal("0") == .int(0))
        #expect(literal("42") == .int(42))
        #expect(literal("0x1F") == .int(31))
        #expect(literal("0XfF") == .int(255))
        #expect(literal("9223372036854775807") == .int(.max))
        #expect(literal("-9223372036854775808") == .int(.min))
        #expect(literal("-0x8000000000000000") == .int(.min))
        #expect(literal("-42") == .int(-42))
    }

    @Test func unsignedIntegers() {
        #expect(literal("0u") == .uint(0))
        #expect(literal("42U") == .uint(42))
        #expect(literal("0xFFu") == .uint(255))
        #expect(literal("18446744073709551615u") == .uint(.max))
    }

    @Test func doubles() {
        #expect(literal("1.5") == .double(1.5))
        #expect(literal(".5") == .double(0.5))
        #expect(literal("1e3") == .double(1000))
        #expect(literal("1E+3") == .double(1000))
        #expect(literal("2.5e-3") == .double(0.0025))
        #expect(literal("-1.5") == .double(-1.5))
        #expect(literal("1e-400") == .double(0))
    }

    @Test func numericRangeErrors() {
        expectDiagnostics("1️⃣9223372036854775808", [.literalOutOfRange])
        expectDiagnostics("1️⃣-9223372036854775809", [.literalOutOfRange])
        expectDiagnostics("1️⃣18446744073709551616u", [.literalOutOfRange])
        expectDiagnostics("1️⃣0x10000000000000000", [.literalOutOfRange])
        expectDiagnostics("1️⃣1e400", [.literalOutOfRange])
    }

    @Test func malformedNumbers() {
        expectDiagnostics("1️⃣1.5u", [.invalidToken])
        expectDiagnostics("1️⃣0x", [.invalidToken])
        // `1.` is an int followed by a selection that has no field name.
        expectDiagnostics("1.1️⃣", [.syntaxError])
        // An identifier right after a number is a second primary.
        expectDiagnostics("12 1️⃣abc", [.syntaxError])
    }

    @Test func keywordsAndIdentifiers() {
        #expect(literal("true") == .bool(true))
        #expect(literal("false") == .bool(false))
        #expect(literal("null") == .null)
        #expect(outline("_a1.B_2") == "select B_2\n  ident _a1\n")
        #expect(outline("trueish && nullable && inner") != "")
        #expect(normalized("trueish || nullable || inside") == "trueish || nullable || inside")
    }

    @Test func whitespaceAndComments() {
        #expect(normalized("a\t+\n b\r\n+\u{0C}c // trailing comment") == "a + b + c")
        #expect(normalized("// leading comment\n1") == "1")
        #expect(normalized("1 + // comment\n 2") == "1 + 2")
    }

    @Test func invalidCharacters() {
        expectDiagnostics("a 1️⃣# b", [.invalidToken])
        expectDiagnostics("a 1️⃣= b", [.invalidToken])
        expectDiagnostics("a 1️⃣& b", [.invalidToken])
        expectDiagnostics("a 1️⃣| b", [.invalidToken])
        expectDiagnostics("1️⃣é", [.invalidToken])
        expectDiagnostics("a + 1️⃣\u{1}", [.invalidToken])
        // Each bad character is reported, in one run.
        expectDiagnostics("1️⃣@ + 2️⃣$ + 3️⃣~", [.invalidToken, .invalidToken, .invalidToken])
    }

    @Test func quotedIdentifiers() {
        #expect(outline("a.`b-c`") == "select b-c\n  ident a\n")
        #expect(outline("a.`/api/v1 x.y`") == "select /api/v1 x.y\n  ident a\n")
        expectDiagnostics("a.`b1️⃣+c`", [.invalidToken])
        expectDiagnostics("a.1️⃣`abc", [.invalidToken])
        expectDiagnostics("a.1️⃣``", [.invalidToken])
        // Quoted names are for fields only, not for variables or functions.
        expectDiagnostics("1️⃣`a`", [.syntaxError])
        expectDiagnostics("a.1️⃣`b`()", [.syntaxError])
    }
}
