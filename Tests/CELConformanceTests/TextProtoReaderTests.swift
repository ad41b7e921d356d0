import CELConformance
import Testing

/// Reads `text`, recording an issue (and returning an empty message) when it throws.
private func read(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TextProtoMessage {
    do {
        return try TextProtoReader().read(text)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return TextProtoMessage()
    }
}

/// The scalar of the only field of `text`.
private func scalar(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TextProtoScalar? {
    let message = read(text, sourceLocation: sourceLocation)
    #expect(message.fields.count == 1, sourceLocation: sourceLocation)
    return message.fields.first?.value.scalar
}

/// The bytes of the string value of the only field of `text`.
private func stringBytes(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [UInt8]? {
    scalar(text, sourceLocation: sourceLocation)?.bytes
}

@Suite("TextProtoReader")
struct TextProtoReaderTests {
    @Test("fields keep their order, names, values and positions")
    func scalarFields() {
        let message = read("name: \"basic\"\n  count: 42\nenabled: true")
        #expect(message.fields.map(\.name) == ["name", "count", "enabled"])
        #expect(
            message.fields.map(\.value) == [
                .scalar(.string(Array("basic".utf8))), .scalar(.number("42")), .scalar(.identifier("true")),
            ]
        )
        #expect(message.fields.map(\.line) == [1, 2, 3])
        #expect(message.fields.map(\.column) == [1, 3, 1])
        #expect(message.fields.allSatisfy { !$0.isBracketed })
    }

    @Test("an empty document and one of only comments have no fields")
    func emptyDocuments() {
        #expect(read("").fields.isEmpty)
        #expect(read("  # just a comment\n\n# another\n").fields.isEmpty)
    }

    @Test("comments run to the end of the line, also after values")
    func comments() {
        let message = read("# header\na: 1 # trailing\n# between\nb: \"#not a comment\"")
        #expect(message.fields.map(\.name) == ["a", "b"])
        #expect(message.field(named: "b")?.value.scalar?.string == "#not a comment")
    }

    @Test(
        "message values with every delimiter form",
        arguments: ["m { x: 1 }", "m: { x: 1 }", "m < x: 1 >", "m: < x: 1 >", "m{x:1}"]
    )
    func messageDelimiters(text: String) {
        let message = read(text)
        let inner = message.field(named: "m")?.value.message
        #expect(message.fields.count == 1)
        #expect(inner?.fields.map(\.name) == ["x"])
        #expect(inner?.field(named: "x")?.value.scalar == .number("1"))
    }

    @Test("nested messages and repeated fields")
    func nesting() {
        let message = read(
            """
            section {
              name: "a"
              test { name: "t1" }
              test: { name: "t2" }
            }
            section { name: "b" }
            """
        )
        let sections = message.fields(named: "section").compactMap(\.value.message)
        #expect(sections.count == 2)
        #expect(sections.first?.fields(named: "test").count == 2)
        #expect(sections.last?.field(named: "name")?.value.scalar?.string == "b")
        #expect(sections.first?.fields(named: "test").last?.line == 4)
    }

    @Test("',' and ';' may follow any field")
    func separators() {
        let message = read("a: 1, b: 2; c { d: 3, }; e: 4,")
        #expect(message.fields.map(\.name) == ["a", "b", "c", "e"])
        #expect(message.field(named: "c")?.value.message?.fields.map(\.name) == ["d"])
    }

    @Test("list values expand into one field per element")
    func lists() {
        let message = read("v: [1, -2, 'x', ident]\nm: [{ a: 1 }, < a: 2 >]\nn [{ a: 3 }]\nempty: []")
        #expect(
            message.fields(named: "v").map(\.value) == [
                .scalar(.number("1")), .scalar(.number("-2")), .scalar(.string([0x78])), .scalar(.identifier("ident")),
            ]
        )
        #expect(
            message.fields(named: "m").compactMap { $0.value.message?.field(named: "a")?.value.scalar } == [
                .number("1"), .number("2"),
            ]
        )
        #expect(message.fields(named: "n").count == 1)
        #expect(!message.contains("empty"))
        #expect(message.fields(named: "v").map(\.column) == [5, 8, 12, 17])
    }

    @Test("bracketed extension names and Any type URLs")
    func bracketedNames() {
        let message = read(
            """
            [cel.expr.conformance.proto2.int32_ext]: 42
            object_value {
              [type.googleapis.com/cel.expr.conformance.proto3.TestAllTypes] { single_int64: 1 }
            }
            [ spaced . name ]: 1
            """
        )
        let extensionField = message.fields.first
        #expect(extensionField?.name == "cel.expr.conformance.proto2.int32_ext")
        #expect(extensionField?.isBracketed == true)
        #expect(extensionField?.value.scalar?.int64 == 42)
        let any = message.field(named: "object_value")?.value.message?.fields.first
        #expect(any?.name == "type.googleapis.com/cel.expr.conformance.proto3.TestAllTypes")
        #expect(any?.isBracketed == true)
        #expect(any?.value.message?.field(named: "single_int64")?.value.scalar?.int64 == 1)
        #expect(message.fields.last?.name == "spaced.name")
    }

    @Test("adjacent string literals are concatenated, across lines and quote styles")
    func concatenation() {
        #expect(scalar("s: \"a\" 'b'\n  \"c\"")?.string == "abc")
        #expect(scalar("s: 'it''s'")?.string == "its")
    }

    @Test(
        "simple escapes",
        arguments: [
            (#"s: "\n\r\t""#, [0x0A, 0x0D, 0x09]),
            (#"s: "\a\b\f\v""#, [0x07, 0x08, 0x0C, 0x0B]),
            (#"s: "\\\'\"\?""#, [0x5C, 0x27, 0x22, 0x3F]),
            (#"s: 'say "hi"'"#, Array(#"say "hi""#.utf8)),
            (#"s: "it's""#, Array("it's".utf8)),
        ] as [(String, [UInt8])]
    )
    func simpleEscapes(text: String, expected: [UInt8]) {
        #expect(stringBytes(text) == expected)
    }

    @Test(
        "hex, octal and Unicode escapes",
        arguments: [
            (#"s: "\x41\x4a\xff""#, [0x41, 0x4A, 0xFF]),
            (#"s: "\x9g""#, [0x09, 0x67]),
            (#"s: "\X7e""#, [0x7E]),
            (#"s: "\0\00\000\0001""#, [0, 0, 0, 0, 0x31]),
            (#"s: "\101\7\377\3770""#, [0x41, 0x07, 0xFF, 0xFF, 0x30]),
            (#"s: "\303\277""#, [0xC3, 0xBF]),
            (#"s: "\u00e9\u270c""#, [0xC3, 0xA9, 0xE2, 0x9C, 0x8C]),
            (#"s: "\U0001f431""#, [0xF0, 0x9F, 0x90, 0xB1]),
            (#"s: "\ud83d\ude00""#, [0xF0, 0x9F, 0x98, 0x80]),
            ("s: \"é✌\"", [0xC3, 0xA9, 0xE2, 0x9C, 0x8C]),
        ] as [(String, [UInt8])]
    )
    func numericEscapes(text: String, expected: [UInt8]) {
        #expect(stringBytes(text) == expected)
    }

    @Test("bytes that are not UTF-8 stay bytes; the String view is nil")
    func invalidUTF8() {
        let value = scalar(#"bytes_value: "\000\377""#)
        #expect(value?.bytes == [0x00, 0xFF])
        #expect(value?.string == nil)
        #expect(scalar(#"s: "\xe2\x9c\x8c""#)?.string == "✌")
    }

    @Test(
        "numbers keep their text, with sign, exponent, radix and suffix",
        arguments: [
            "0", "42", "-7", "1.5", "-0.25", ".5", "1.", "1e10", "1E+10", "-2.5e-3", "0x1F", "-0XfF", "017", "2f",
            "1.5F", "3u", "0x10u", "18446744073709551615", "-9223372036854775808",
        ]
    )
    func numbers(text: String) {
        #expect(scalar("v: \(text)") == .number(text))
    }

    @Test("a space after '-' is allowed")
    func spacedSign() {
        #expect(scalar("v: - 5") == .number("-5"))
    }

    @Test(
        "identifiers and signed inf/nan",
        arguments: [
            "true", "false", "NULL_VALUE", "inf", "-inf", "nan", "-nan", "Infinity", "-Infinity", "_x1",
        ]
    )
    func identifiers(text: String) {
        #expect(scalar("v: \(text)") == .identifier(text))
    }

    @Test("a Windows line end counts as one line break")
    func crlf() {
        let message = read("a: 1\r\nb: 2\r\n")
        #expect(message.fields.map(\.line) == [1, 2])
        #expect(message.fields.map(\.column) == [1, 1])
    }

    @Test("columns count Unicode scalars, not bytes")
    func unicodeColumns() {
        let message = read("a: \"✌é\" b: 1")
        #expect(message.field(named: "b")?.column == 9)
    }

    @Test("a long document on one line reads in linear time")
    func longLine() throws {
        let count = 100_000
        let message = try TextProtoReader().read(String(repeating: "a: 1 ", count: count))
        #expect(message.fields.count == count)
        #expect(message.fields.last?.column == 5 * (count - 1) + 1)
    }

    @Test("messages nest up to the limit")
    func nestingAtLimit() throws {
        let depth = 100
        let text = String(repeating: "m { ", count: depth) + String(repeating: "}", count: depth)
        var message = try TextProtoReader().read(text)
        var levels = 0
        while let inner = message.field(named: "m")?.value.message {
            message = inner
            levels += 1
        }
        #expect(levels == depth)
        let shallow = TextProtoReader(maxNestingDepth: 3)
        #expect(throws: TextProtoError.self) { try shallow.read("a { b { c { d { } } } }") }
        #expect(try shallow.read("a { b { c { } } }").fields.count == 1)
    }
}
