import CELConformance
import Testing

/// The error reading `text` throws, recording an issue when it reads without one.
private func failure(
    _ text: String,
    reader: TextProtoReader = TextProtoReader(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> TextProtoError? {
    do {
        let message = try reader.read(text)
        Issue.record("expected an error, read \(message.fields.count) fields", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Expects reading `text` to fail at `line`:`column` with a message containing `fragment`.
private func expectFailure(
    _ text: String,
    line: Int,
    column: Int,
    _ fragment: String,
    reader: TextProtoReader = TextProtoReader(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let error = failure(text, reader: reader, sourceLocation: sourceLocation) else { return }
    #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
    #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
    #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
}

@Suite("TextProtoReader errors")
struct TextProtoReaderErrorTests {
    @Test("an unterminated string is reported at its opening quote")
    func unterminatedString() {
        expectFailure("a: 1\nb: \"abc", line: 2, column: 4, "unterminated string")
        expectFailure("b: 'abc\n'", line: 1, column: 4, "unterminated string")
        expectFailure("b: \"abc\\", line: 1, column: 4, "unterminated string")
        expectFailure("b: \"abc'", line: 1, column: 4, "unterminated string")
    }

    @Test("a bad escape is reported at its backslash")
    func badEscapes() {
        expectFailure(#"s: "ab\q""#, line: 1, column: 7, "invalid escape sequence '\\q'")
        expectFailure("x: 1\n  s: \"\\xZZ\"", line: 2, column: 7, "\\x escape")
        expectFailure(#"s: "\400""#, line: 1, column: 5, "octal escape")
        expectFailure(#"s: "\u12""#, line: 1, column: 5, "4 hex digits")
        expectFailure(#"s: "\U0001F43""#, line: 1, column: 5, "8 hex digits")
        expectFailure(#"s: "\U00110000""#, line: 1, column: 5, "not a Unicode scalar")
        expectFailure(#"s: "\ud83d""#, line: 1, column: 5, "high surrogate")
        expectFailure(#"s: "\ude00""#, line: 1, column: 5, "not a Unicode scalar")
        expectFailure(#"s: "é\z""#, line: 1, column: 6, "invalid escape")
    }

    @Test("unbalanced delimiters")
    func unbalanced() {
        expectFailure("a {\n  b: 1\n", line: 3, column: 1, "expected '}' to close the message opened at 1:3")
        expectFailure("a < b: 1 }", line: 1, column: 10, "expected a field name, found '}'")
        expectFailure("a: 1\n}", line: 2, column: 1, "expected a field name, found '}'")
        expectFailure("a { b: 1 >", line: 1, column: 10, "found '>'")
        expectFailure("a: [1, 2", line: 1, column: 9, "expected ',' or ']'")
        expectFailure("a: [1 2]", line: 1, column: 7, "expected ',' or ']'")
        expectFailure("[ext.name: 1", line: 1, column: 10, "bracketed name")
    }

    @Test("nesting deeper than the limit fails at the opening delimiter, without exhausting the stack")
    func deepNesting() {
        expectFailure(
            String(repeating: "m {", count: 101),
            line: 1,
            column: 303,
            "nest deeper than the limit of 100"
        )
        expectFailure(String(repeating: "m:<", count: 100_000), line: 1, column: 303, "limit of 100")
        expectFailure(
            "a { b { c { } } }",
            line: 1,
            column: 11,
            "limit of 2",
            reader: TextProtoReader(maxNestingDepth: 2)
        )
    }

    @Test("malformed values")
    func malformedValues() {
        expectFailure("a:", line: 1, column: 3, "expected a value, found end of input")
        expectFailure("a: }", line: 1, column: 4, "expected a value")
        expectFailure("a 1", line: 1, column: 3, "expected ':' or '{' after field name 'a'")
        expectFailure("a: -x", line: 1, column: 5, "expected a number after '-'")
        expectFailure("a: 1.2.3", line: 1, column: 4, "malformed number '1.2.3'")
        expectFailure("a: 12abc", line: 1, column: 4, "malformed number")
        expectFailure("a: 1e", line: 1, column: 4, "malformed number")
        expectFailure("a: 0x", line: 1, column: 4, "malformed number")
        expectFailure("a: 1.5u", line: 1, column: 4, "malformed number")
        expectFailure("a: [[1]]", line: 1, column: 5, "lists cannot be nested")
        expectFailure("a [1]", line: 1, column: 4, "expected '{' to start a message value")
        expectFailure("a: 1 @", line: 1, column: 6, "unexpected character '@'")
        expectFailure("a: 1 ✌", line: 1, column: 6, "unexpected character U+270C")
        expectFailure("a: 1 \u{01}", line: 1, column: 6, "unexpected character byte 0x01")
        expectFailure("1: 2", line: 1, column: 1, "expected a field name")
    }

    @Test("invalid UTF-8 outside strings is an error, inside strings it is kept")
    func invalidUTF8Input() throws {
        do {
            _ = try TextProtoReader().read(bytes: Array("a: 1 ".utf8) + [0xFF])
            Issue.record("expected an error")
        } catch {
            #expect(error.column == 6)
            #expect(error.message.contains("byte 0xFF"))
        }
        let message = try TextProtoReader().read(bytes: Array("a: \"".utf8) + [0xFF, 0x22])
        #expect(message.field(named: "a")?.value.scalar?.bytes == [0xFF])
    }

    @Test("errors render as line:column: message")
    func description() {
        #expect(TextProtoError(line: 3, column: 7, message: "boom").description == "3:7: boom")
    }

    @Test("mangled corpus text always ends in a message or an error")
    func mutations() {
        let sample = Array(
            """
            name: "sample" # comment
            section {
              name: "s"
              test: { name: 't' expr: "a\\x41\\u00e9" value < double_value: -1.5e3 > }
              test { [type.googleapis.com/x.Y] { v: [1, 0x2, inf] } eval_error { errors: [{ message: "e" }] } }
            }
            """.utf8
        )
        let alphabet = Array(#"{}<>[]:,;/.-"'\#nx0aeu "#.utf8)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var outcomes = (read: 0, failed: 0)
        for _ in 0..<3000 {
            var bytes = sample
            for _ in 0..<(1 + random(3)) {
                let index = random(bytes.count)
                switch random(3) {
                case 0: bytes[index] = alphabet[random(alphabet.count)]
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet[random(alphabet.count)], at: index)
                }
            }
            do {
                _ = try TextProtoReader().read(bytes: bytes)
                outcomes.read += 1
            } catch {
                #expect(error.line >= 1 && error.column >= 1)
                outcomes.failed += 1
            }
        }
        #expect(outcomes.read > 0)
        #expect(outcomes.failed > 0)
    }
}
