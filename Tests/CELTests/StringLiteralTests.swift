import CEL
import Testing

@Suite("String and bytes literals")
struct StringLiteralTests {
    @Test func quoteForms() {
        #expect(literal("'abc'") == .string("abc"))
        #expect(literal("\"abc\"") == .string("abc"))
        #expect(literal("'''a'b\"c\nd'''") == .string("a'b\"c\nd"))
        #expect(literal("\"\"\"a\"b'c\nd\"\"\"") == .string("a\"b'c\nd"))
        #expect(literal("''") == .string(""))
        #expect(literal("''''''") == .string(""))
        #expect(literal("'ÿ😀'") == .string("ÿ😀"))
    }

    @Test func escapes() {
        #expect(literal(#"'\a\b\f\n\r\t\v\\\?\"\'\`'"#) == .string("\u{07}\u{08}\u{0C}\n\r\t\u{0B}\\?\"'`"))
        #expect(literal(#"'\x41\X7a'"#) == .string("Az"))
        #expect(literal(#"'\xff'"#) == .string("\u{FF}"))
        #expect(literal(#"'\101\377\000'"#) == .string("A\u{FF}\u{0}"))
        #expect(literal(#"'\u00e9\u20AC'"#) == .string("é€"))
        #expect(literal(#"'\U0001F600\U0010FFFF'"#) == .string("😀\u{10FFFF}"))
    }

    @Test func noNormalization() {
        // "é" precomposed and "e" + combining acute are different CEL strings and stay so.
        guard case .string(let composed) = literal(#"'\u00e9'"#), case .string(let decomposed) = literal(#"'e\u0301'"#)
        else { return }
        #expect(Array(composed.unicodeScalars) == ["\u{E9}"])
        #expect(Array(decomposed.unicodeScalars) == ["e", "\u{301}"])
    }

    @Test func rawStrings() {
        #expect(literal(#"r'\n\x41'"#) == .string(#"\n\x41"#))
        #expect(literal(#"R"\d+""#) == .string(#"\d+"#))
        #expect(literal(#"r'''a\'''"#) == .string(#"a\"#))
        #expect(literal(#"r'\'"#) == .string(#"\"#))
    }

    @Test func bytes() {
        #expect(literal("b'abc'") == .bytes(Array("abc".utf8)))
        #expect(literal(#"b'\xff\000\377'"#) == .bytes([0xFF, 0, 0xFF]))
        #expect(literal("B\"ÿ\"") == .bytes([0xC3, 0xBF]))
        #expect(literal(#"b'\u00ff'"#) == .bytes([0xC3, 0xBF]))
        #expect(literal(#"br'\x00'"#) == .bytes(Array(#"\x00"#.utf8)))
        #expect(literal(#"bR'''a'b'''"#) == .bytes(Array("a'b".utf8)))
    }

    @Test func invalidEscapes() {
        expectDiagnostics(#"'a1️⃣\q'"#, [.invalidToken])
        expectDiagnostics(#"'1️⃣\x4'"#, [.invalidToken])
        expectDiagnostics(#"'1️⃣\xg0'"#, [.invalidToken])
        expectDiagnostics(#"'1️⃣\u12'"#, [.invalidToken])
        expectDiagnostics(#"'1️⃣\400'"#, [.invalidToken])
        expectDiagnostics(#"'1️⃣\18'"#, [.invalidToken])
        expectDiagnostics(#"'1️⃣\8'"#, [.invalidToken])
        expectDiagnostics(#"b'1️⃣\z'"#, [.invalidToken])
    }

    @Test func surrogatesAndOutOfRangeCodePoints() {
        expectDiagnostics(#"'1️⃣\uD800'"#, [.invalidToken])
        expectDiagnostics(#"'1️⃣\udfff'"#, [.invalidToken])
        expectDiagnostics(#"'1️⃣\U0000D83D'"#, [.invalidToken])
        expectDiagnostics(#"'1️⃣\U00110000'"#, [.invalidToken])
    }

    @Test func unterminated() {
        expectDiagnostics("1️⃣'abc", [.invalidToken])
        expectDiagnostics("1️⃣'ab\ncd' + 1", [.invalidToken])
        expectDiagnostics("1️⃣'''abc''", [.invalidToken])
        expectDiagnostics("1️⃣b\"abc", [.invalidToken])
        expectDiagnostics(#"1️⃣'abc\'"#, [.invalidToken])
    }

    @Test func everyErrorOfOneInputIsReported() {
        expectDiagnostics(#"['1️⃣\q', '2️⃣\uD800', b'3️⃣\x']"#, [.invalidToken, .invalidToken, .invalidToken])
    }
}
