import CEL
import Testing

/// A value with the kind of every part spelled out, so `1` (int) and `1.0` (double) differ.
private func kinded(_ value: Value) -> String {
    switch value {
    case .list(let elements): "[" + elements.map(kinded).joined(separator: ", ") + "]"
    case .map(let map): "{" + map.entries.map { "\(kinded($0.key)): \(kinded($0.value))" }.joined(separator: ", ") + "}"
    default: "\(value.celType.name)(\(value))"
    }
}

/// The value `text` reads as, with kinds, or `ERROR line:column: message (code)`.
private func read(_ text: String, integersAsInt: Bool = false, maxDepth: Int = 128, maxBytes: Int = 1 << 20) -> String {
    do {
        let options = JSONReadOptions(integersAsInt: integersAsInt, maxDepth: maxDepth, maxBytes: maxBytes)
        return kinded(try JSON.parse(text, options: options))
    } catch {
        return "ERROR \(error) (\(error.code))"
    }
}

/// The JSON text of a value, or `ERROR message (code)`.
private func write(_ value: Value, options: JSONWriteOptions = JSONWriteOptions()) -> String {
    do {
        return try JSON.text(of: value, options: options)
    } catch {
        return "ERROR \(error.message) (\(error.code))"
    }
}

/// The Swift string a JSON string literal reads as.
private func string(_ text: String) throws -> String {
    let value = try JSON.parse(text)
    guard case .string(let string) = value else { throw JSONError(code: .syntax, message: "not a string: \(value)") }
    return string.value
}

private func map(_ entries: [(Value, Value)]) throws -> Value {
    switch CELMap.make(entries.map { (key: $0.0, value: $0.1) }) {
    case .success(let map): return .map(map)
    case .failure(let error): throw error
    }
}

@Suite("JSON")
struct JSONTests {
    @Test("scalars follow google.protobuf.Value: every number is a double")
    func scalars() {
        #expect(read("null") == "null_type(null)")
        #expect(read(" true ") == "bool(true)")
        #expect(read("false") == "bool(false)")
        #expect(read("42") == "double(42.0)")
        #expect(read("-0") == "double(-0.0)")
        #expect(read("1.5e3") == "double(1500.0)")
        #expect(read("1E-2") == "double(0.01)")
    }

    @Test("integersAsInt: integral numbers that fit become ints")
    func integersAsInt() {
        #expect(read("42", integersAsInt: true) == "int(42)")
        #expect(read("-9223372036854775808", integersAsInt: true) == "int(-9223372036854775808)")
        #expect(read("9223372036854775808", integersAsInt: true) == "double(9.223372036854776e+18)")
        #expect(read("42.0", integersAsInt: true) == "double(42.0)")
        #expect(read("4e1", integersAsInt: true) == "double(40.0)")
        #expect(read("[1, 2.5]", integersAsInt: true) == "[int(1), double(2.5)]")
    }

    @Test("arrays and objects keep document order")
    func aggregates() {
        #expect(read("[]") == "[]")
        #expect(read("{}") == "{}")
        #expect(
            read(#"{"b": [1, {"c": null}], "a": "x"}"#, integersAsInt: true)
                == #"{string("b"): [int(1), {string("c"): null_type(null)}], string("a"): string("x")}"#
        )
        #expect(read(" \n\t\r[ 1 ,\n 2 ] ") == "[double(1.0), double(2.0)]")
    }

    @Test("strings: escapes, surrogate pairs, UTF-8, no normalization")
    func strings() throws {
        #expect(try string(#""\\ \/ \b \f \n \r \t \"""#) == "\\ / \u{08} \u{0C} \n \r \t \"")
        let scalars = try string(#""\u00e9 \ud83d\ude00 é 😀 \u0000""#).unicodeScalars.map(\.value)
        #expect(scalars == [0xE9, 0x20, 0x1F600, 0x20, 0xE9, 0x20, 0x1F600, 0x20, 0])
        #expect(CELString(try string(#""e\u0301""#)) != CELString("é"))
    }

    @Test(
        "malformed input is an error with line and column",
        arguments: [
            ("", "ERROR 1:1: unexpected end of input; expected a value (json_syntax)"),
            ("[1,]", "ERROR 1:4: unexpected ']'; expected a value (json_syntax)"),
            ("{\"a\" 1}", "ERROR 1:6: unexpected '1'; expected ':' after the key (json_syntax)"),
            ("{'a': 1}", "ERROR 1:2: unexpected '''; expected a string key (json_syntax)"),
            ("[1 2]", "ERROR 1:4: unexpected '2'; expected ',' or ']' in an array (json_syntax)"),
            ("{\"a\": 1,\n \"a\": 2}", "ERROR 2:2: the key \"a\" appears twice (json_duplicate_key)"),
            (
                // Past the keys checked by a scan: the set takes over and still sees the first ones.
                "{" + (1...20).map { "\"k\($0)\": \($0), " }.joined() + "\"k3\": 0}",
                "ERROR 1:204: the key \"k3\" appears twice (json_duplicate_key)"
            ),
            (
                "{" + (1...20).map { "\"k\($0)\": \($0), " }.joined() + "\"k19\": 0}",
                "ERROR 1:204: the key \"k19\" appears twice (json_duplicate_key)"
            ),
            ("01", "ERROR 1:1: a number must not have leading zeros (json_syntax)"),
            ("1.", "ERROR 1:3: unexpected end of input; expected a digit after the decimal point (json_syntax)"),
            ("-", "ERROR 1:2: unexpected end of input; expected a digit (json_syntax)"),
            ("1e", "ERROR 1:3: unexpected end of input; expected a digit in the exponent (json_syntax)"),
            ("+1", "ERROR 1:1: unexpected '+'; expected a value (json_syntax)"),
            ("NaN", "ERROR 1:1: unexpected 'N'; expected a value (json_syntax)"),
            ("1e400", "ERROR 1:1: the number 1e400 is out of the range of a double (json_number_out_of_range)"),
            ("tru", "ERROR 1:4: unexpected end of input; expected 'true' (json_syntax)"),
            ("nullx", "ERROR 1:1: unexpected 'x' after 'null' (json_syntax)"),
            ("1 2", "ERROR 1:3: unexpected '2' after the JSON value (json_syntax)"),
            ("\"abc", "ERROR 1:1: unterminated string (json_syntax)"),
            ("\"a\tb\"", "ERROR 1:3: a control character (0x09) in a string must be escaped (json_syntax)"),
            ("\"\\x\"", "ERROR 1:2: unknown escape sequence '\\x' (json_syntax)"),
            ("\"\\u12\"", "ERROR 1:2: a \\u escape needs four hex digits (json_syntax)"),
            (
                "\"\\ud800x\"",
                "ERROR 1:2: \\uD800 is a high surrogate without a low surrogate after it (json_syntax)"
            ),
            (
                "\"\\udc00\"",
                "ERROR 1:2: \\uDC00 is a low surrogate without a high surrogate before it (json_syntax)"
            ),
            ("[\n  é x]", "ERROR 2:3: unexpected non-ASCII character; expected a value (json_syntax)"),
        ]
    )
    func malformed(text: String, expected: String) {
        #expect(read(text) == expected)
    }

    @Test("invalid UTF-8 in a string is an error; a byte order mark is ignored")
    func bytes() {
        do {
            _ = try JSON.parse(bytes: [0x22, 0xC3, 0x28, 0x22])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "1:1: the string is not valid UTF-8")
        }
        do {
            // The same after an escape (the string is assembled in a buffer then).
            _ = try JSON.parse(bytes: [0x22, 0x5C, 0x6E, 0xC3, 0x28, 0x22])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "1:1: the string is not valid UTF-8")
        }
        #expect((try? JSON.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("true".utf8))).map(kinded) == "bool(true)")
    }

    @Test("limits: nesting depth and input size")
    func limits() {
        #expect(read(String(repeating: "[", count: 3) + String(repeating: "]", count: 3), maxDepth: 3) == "[[[]]]")
        #expect(
            read(String(repeating: "[", count: 4) + String(repeating: "]", count: 4), maxDepth: 3)
                == "ERROR 1:4: arrays and objects nest deeper than 3 levels (json_limit_exceeded)"
        )
        // Deep hostile input stops at the limit instead of exhausting the stack.
        #expect(
            read(String(repeating: "[", count: 100_000)).hasSuffix("nest deeper than 128 levels (json_limit_exceeded)")
        )
        #expect(
            read("[1, 2]", maxBytes: 5) == "ERROR 1:1: the input is 6 bytes long; the limit is 5 (json_limit_exceeded)"
        )
    }

    @Test("writing scalars")
    func writeScalars() throws {
        #expect(write(.null) == "null")
        #expect(write(.bool(true)) == "true")
        #expect(write(.int(-42)) == "-42")
        #expect(write(.uint(18_446_744_073_709_551_615)) == "18446744073709551615")
        #expect(write(.double(1)) == "1.0")
        #expect(write(.double(0.1)) == "0.1")
        #expect(write(.double(1e20)) == "1e+20")
        #expect(write(.string("a\"\\\n\u{01}é")) == #""a\"\\\n\u0001é""#)
        #expect(write(.bytes([0, 1, 2, 255])) == #""AAEC/w==""#)
        #expect(
            write(.timestamp(try #require(Timestamp(seconds: 1_700_000_000, nanos: 500_000_000))))
                == #""2023-11-14T22:13:20.5Z""#
        )
        #expect(write(.duration(try #require(Duration(seconds: 90)))) == #""90s""#)
        #expect(write(.type(.int)) == #""int""#)
        #expect(write(.optional(.int(1))) == "1")
        #expect(write(.optional(nil)) == "null")
    }

    @Test("NaN and infinities: protobuf's strings, or an error")
    func nonFinite() {
        #expect(write(.double(.nan)) == #""NaN""#)
        #expect(write(.double(.infinity)) == #""Infinity""#)
        #expect(write(.double(-.infinity)) == #""-Infinity""#)
        #expect(
            write(.double(.nan), options: JSONWriteOptions(nonFiniteDoublesAsStrings: false))
                == "ERROR the double nan has no JSON number form (json_unsupported_value)"
        )
    }

    @Test("writing lists and maps, compact and pretty")
    func writeAggregates() throws {
        let value = try map([
            (.string("b"), .list([.int(1), .double(2.5), .list([])])),
            (.int(7), try map([])),
            (.bool(true), .null),
            (.uint(8), .string("u")),
        ])
        #expect(write(value) == #"{"b":[1,2.5,[]],"7":{},"true":null,"8":"u"}"#)
        #expect(
            write(value, options: JSONWriteOptions(prettyPrinted: true))
                == """
                {
                  "b": [
                    1,
                    2.5,
                    []
                  ],
                  "7": {},
                  "true": null,
                  "8": "u"
                }
                """
        )
    }

    @Test("errors, unknowns, clashing keys and deep values are not written")
    func writeErrors() throws {
        #expect(
            write(.list([.int(1), .error(.divisionByZero, "division by zero")]))
                == "ERROR an error has no JSON form: division_by_zero: division by zero (json_unsupported_value)"
        )
        #expect(
            write(.unknown(UnknownSet([3, 1]))).hasPrefix(
                "ERROR an unknown value has no JSON form (unknown expressions [1, 3])"
            )
        )
        #expect(
            write(try map([(.int(1), .int(1)), (.string("1"), .int(2))]))
                == #"ERROR two map keys become the JSON key "1" (json_duplicate_key)"#
        )
        var deep = Value.list([])
        for _ in 0..<10 { deep = .list([deep]) }
        #expect(
            write(deep, options: JSONWriteOptions(maxDepth: 5))
                == "ERROR lists and maps nest deeper than 5 levels (json_limit_exceeded)"
        )
    }

    @Test("round trip: written ints read back as ints, doubles as doubles")
    func roundTrip() throws {
        let value = try map([
            (.string("n"), .int(-3)), (.string("d"), .double(3)), (.string("s"), .string("\u{2028}\"")),
            (.string("l"), .list([.bool(false), .null, .double(1e-7)])),
        ])
        let text = try JSON.text(of: value)
        #expect(kinded(try JSON.parse(text, options: JSONReadOptions(integersAsInt: true))) == kinded(value))
    }
}
