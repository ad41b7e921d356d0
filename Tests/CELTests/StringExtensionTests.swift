import CEL
import Testing

/// The value of `text` in the default environment, or the compile error as an error value.
private func value(_ text: String, _ bindings: [String: Value] = [:]) -> Value {
    do {
        return try Environment().compile(text).evaluate(bindings)
    } catch {
        return .error(.other, "compile: \(error)")
    }
}

/// The string `text` evaluates to, or `nil`.
private func string(_ text: String, _ bindings: [String: Value] = [:]) -> String? {
    if case .string(let s) = value(text, bindings) { return s.value }
    return nil
}

/// Whether `text` evaluates to an error whose message contains `message`.
private func fails(_ text: String, with message: String) -> Bool {
    if case .error(let error) = value(text) { return error.message.contains(message) }
    return false
}

/// Whether `text` evaluates to a value CEL-equal to `expected`, of the same type.
private func yields(_ text: String, _ expected: Value) -> Bool {
    let result = value(text)
    return result.celType == expected.celType && Value.celEquals(result, expected)
}

@Suite("Strings extension")
struct StringExtensionTests {
    @Test func charAt() {
        #expect(string("'tacocat'.charAt(3)") == "o")
        #expect(string("'tacocat'.charAt(7)") == "")
        #expect(string("'©αT'.charAt(1)") == "α")
        // Code points, not grapheme clusters: "e" and the combining accent are two.
        #expect(string("'e\\u0301x'.charAt(1)") == "\u{301}")
        #expect(string("'👩‍💻'.charAt(1)") == "\u{200D}")
        #expect(fails("'tacocat'.charAt(8)", with: "index out of range: 8"))
        #expect(fails("'tacocat'.charAt(-1)", with: "index out of range: -1"))
        #expect(fails("''.charAt(1)", with: "index out of range: 1"))
        #expect(fails("42.charAt(2)", with: "no such overload"))
        #expect(fails("'hello'.charAt(true)", with: "no such overload"))
    }

    @Test func indexOf() {
        #expect(yields("'tacocat'.indexOf('')", .int(0)))
        #expect(yields("'tacocat'.indexOf('ac')", .int(1)))
        #expect(yields("'tacocat'.indexOf('none')", .int(-1)))
        #expect(yields("'tacocat'.indexOf('', 3)", .int(3)))
        #expect(yields("'tacocat'.indexOf('a', 3)", .int(5)))
        #expect(yields("'tacocat'.indexOf('', 7)", .int(7)))
        #expect(yields("'tacocat'.indexOf('t', 7)", .int(-1)))
        #expect(yields("'ta©o©αT'.indexOf('©', 3)", .int(4)))
        #expect(yields("'ta©o©αT'.indexOf('©αT', 3)", .int(4)))
        #expect(yields("'ta©o©αT'.indexOf('©α', 5)", .int(-1)))
        #expect(yields("'aaab'.indexOf('aab')", .int(1)))
        #expect(yields("'abababc'.indexOf('ababc')", .int(2)))
        #expect(fails("'tacocat'.indexOf('a', 30)", with: "index out of range: 30"))
        #expect(fails("'tacocat'.indexOf('a', 8)", with: "index out of range: 8"))
        #expect(fails("'tacocat'.indexOf('a', -1)", with: "index out of range: -1"))
        #expect(fails("'tacocat'.indexOf('', -1)", with: "index out of range: -1"))
        #expect(fails("24.indexOf('2')", with: "no such overload"))
        #expect(fails("'42'.indexOf(4, 0)", with: "no such overload"))
        #expect(fails("'42'.indexOf('4', '0')", with: "no such overload"))
    }

    @Test func lastIndexOf() {
        #expect(yields("''.lastIndexOf('@@')", .int(-1)))
        #expect(yields("''.lastIndexOf('')", .int(0)))
        #expect(yields("'tacocat'.lastIndexOf('')", .int(7)))
        #expect(yields("'tacocat'.lastIndexOf('at')", .int(5)))
        #expect(yields("'tacocat'.lastIndexOf('', 3)", .int(3)))
        #expect(yields("'tacocat'.lastIndexOf('a', 3)", .int(1)))
        #expect(yields("'tacocat'.lastIndexOf('a', 5)", .int(5)))
        #expect(yields("'tacocat'.lastIndexOf('t', 0)", .int(0)))
        #expect(yields("'tacocat'.lastIndexOf('tacocatx')", .int(-1)))
        #expect(yields("'ta©o©αT'.lastIndexOf('©')", .int(4)))
        #expect(yields("'ta©o©αT'.lastIndexOf('©', 3)", .int(2)))
        #expect(yields("'ta©o©αT'.lastIndexOf('©α', 4)", .int(4)))
        #expect(yields("'bananananana'.lastIndexOf('nana', 7)", .int(6)))
        #expect(yields("'hello wello'.lastIndexOf('ello', 6)", .int(1)))
        #expect(fails("'tacocat'.lastIndexOf('a', -1)", with: "index out of range: -1"))
        #expect(fails("'tacocat'.lastIndexOf('a', 30)", with: "index out of range: 30"))
        #expect(fails("'tacocat'.lastIndexOf(1)", with: "no such overload"))
    }

    @Test func asciiCasing() {
        #expect(string("'TacoCÆt Xii'.lowerAscii()") == "tacocÆt xii")
        #expect(string("'tacoCαt'.upperAscii()") == "TACOCαT")
        #expect(string("'@[`{'.upperAscii()") == "@[`{")
        #expect(string("'@[`{'.lowerAscii()") == "@[`{")
        #expect(fails("1.lowerAscii()", with: "no such overload"))
    }

    @Test func replace() {
        #expect(string("'{0} days {0} hours'.replace('{0}', '2')") == "2 days 2 hours")
        #expect(string("'{0} days {0} hours'.replace('{0}', '2', 1)") == "2 days {0} hours")
        #expect(string("'hello hello'.replace('he', 'we', 0)") == "hello hello")
        #expect(string("'hello hello'.replace('he', 'we', -1)") == "wello wello")
        #expect(string("'1 ©αT taco'.replace('αT', 'o©α')") == "1 ©o©α taco")
        #expect(string("'aaaa'.replace('aa', 'b')") == "bb")
        #expect(string("'abc'.replace('', '-')") == "-a-b-c-")
        #expect(string("'a©c'.replace('', '-', 2)") == "-a-©c")
        #expect(string("''.replace('', '-')") == "-")
        #expect(string("'abc'.replace('x', 'y')") == "abc")
        #expect(fails("42.replace(2, 1)", with: "no such overload"))
        #expect(fails("'42'.replace('2', 1)", with: "no such overload"))
        #expect(fails("'42'.replace('2', '1', '1')", with: "no such overload"))
    }

    @Test func split() {
        #expect(yields("'hello world'.split(' ')", .list([.string("hello"), .string("world")])))
        #expect(yields("'hello world events!'.split(' ', 0)", .list([])))
        #expect(yields("'hello world events!'.split(' ', 1)", .list([.string("hello world events!")])))
        #expect(yields("'hello world events!'.split(' ', 2)", .list([.string("hello"), .string("world events!")])))
        #expect(yields("'o©o©o©o'.split('©', -1)", .list(Array(repeating: .string("o"), count: 4))))
        #expect(yields("'a,,b,'.split(',')", .list([.string("a"), .string(""), .string("b"), .string("")])))
        #expect(yields("''.split(',')", .list([.string("")])))
        #expect(yields("'a©c'.split('')", .list([.string("a"), .string("©"), .string("c")])))
        #expect(yields("'a©c'.split('', 2)", .list([.string("a"), .string("©c")])))
        #expect(yields("''.split('')", .list([])))
        #expect(fails("42.split('2')", with: "no such overload"))
        #expect(fails("'42'.split('2', '1')", with: "no such overload"))
    }

    @Test func substring() {
        #expect(string("'tacocat'.substring(4)") == "cat")
        #expect(string("'tacocat'.substring(7)") == "")
        #expect(string("'tacocat'.substring(0, 4)") == "taco")
        #expect(string("'tacocat'.substring(4, 4)") == "")
        #expect(string("'ta©o©αT'.substring(2, 6)") == "©o©α")
        #expect(string("'ta©o©αT'.substring(7, 7)") == "")
        #expect(fails("'tacocat'.substring(40)", with: "index out of range: 40"))
        #expect(fails("'tacocat'.substring(-1)", with: "index out of range: -1"))
        #expect(fails("'tacocat'.substring(1, 50)", with: "index out of range: 50"))
        #expect(fails("'tacocat'.substring(49, 50)", with: "index out of range: 49"))
        #expect(fails("'tacocat'.substring(4, 3)", with: "invalid substring range. start: 4, end: 3"))
        #expect(fails("'tacocat'.substring(true, 3)", with: "no such overload"))
        #expect(fails("'tacocat'.substring(0, false)", with: "no such overload"))
    }

    @Test func trim() {
        #expect(string("' \\f\\n\\r\\t\\vtext  '.trim()") == "text")
        #expect(string("'\\u0085\\u00a0\\u1680text\\u2000\\u200a\\u2028\\u2029\\u202F\\u205F\\u3000'.trim()") == "text")
        #expect(string("'\\u180etext\\u200b'.trim()") == "\u{180E}text\u{200B}")
        #expect(string("'   '.trim()") == "")
        #expect(string("' a b '.trim()") == "a b")
        #expect(fails("1.trim()", with: "no such overload"))
    }

    @Test func join() {
        #expect(string("['x', 'y'].join()") == "xy")
        #expect(string("['x', 'y'].join('-')") == "x-y")
        #expect(string("[].join()") == "")
        #expect(string("[].join('-')") == "")
        #expect(fails("['x', 1].join()", with: "no such overload"))
        #expect(fails("['x'].join(1)", with: "no such overload"))
    }

    @Test func reverse() {
        #expect(string("''.reverse()") == "")
        #expect(string("'☺'.reverse()") == "☺")
        #expect(string("'Ta©oCαt'.reverse()") == "tαCo©aT")
        #expect(string("'e\\u0301'.reverse()") == "\u{301}e")
        // The lists extension's `reverse` still applies to lists.
        #expect(yields("[1, 2].reverse()", .list([.int(2), .int(1)])))
        #expect(fails("1.reverse()", with: "no such overload"))
    }

    @Test func quote() {
        #expect(string("strings.quote('first\\nsecond')") == "\"first\\nsecond\"")
        #expect(string("strings.quote('\\a\\b\\f\\r\\t\\v')") == "\"\\a\\b\\f\\r\\t\\v\"")
        #expect(string("strings.quote('back\\\\slash \"quoted\"')") == "\"back\\\\slash \\\"quoted\\\"\"")
        #expect(string("strings.quote('ta©o😀')") == "\"ta©o😀\"")
        #expect(string("strings.quote('')") == "\"\"")
        #expect(fails("strings.quote(1)", with: "no such overload"))
    }
}

@Suite("Strings extension: format")
struct StringFormatTests {
    @Test func clausesAndEscapes() {
        #expect(string("'no substitution'.format([])") == "no substitution")
        #expect(string("'%%%s%%'.format(['text'])") == "%text%")
        #expect(string("'%d %s'.format([1, 'A'])") == "1 A")
        #expect(string("'%b %b %b'.format([5, uint(64), true])") == "101 1000000 1")
        #expect(string("'%b %o %x %X'.format([-5, -11, -30, -30])") == "-101 -13 -1e -1E")
        #expect(string("'%o %x'.format([uint(65535), 18446744073709551615u])") == "177777 ffffffffffffffff")
        #expect(string("'%x %X'.format(['Hello', b'\\xff\\x00'])") == "48656c6c6f FF00")
        #expect(string("'%d'.format([-9223372036854775808])") == "-9223372036854775808")
        #expect(string("'%x'.format([-9223372036854775808])") == "-8000000000000000")
        #expect(string("s.format(['filler'])", ["s": .string("%s!")]) == "filler!")
    }

    @Test func fixedPoint() {
        #expect(string("'%.3f'.format([1.2345])") == "1.234")
        #expect(string("'%f'.format([2.71828])") == "2.718280")
        #expect(string("'%f %f'.format([2, 3u])") == "2.000000 3.000000")
        #expect(string("'%.0f %.0f %.0f %.0f'.format([1.5, 2.5, 3.5001, 0.5])") == "2 2 4 0")
        #expect(string("'%.3f %.3f'.format([123.4999, -123.4994])") == "123.500 -123.499")
        #expect(string("'%.5f'.format([-1.2])") == "-1.20000")
        #expect(string("'%.2f'.format([0.005])") == "0.01")  // 0.005 is slightly above the half
        #expect(string("'%.1f'.format([0.25])") == "0.2")
        #expect(string("'%.1f'.format([0.35])") == "0.3")  // 0.35 is slightly below the half
        #expect(string("'%.2f'.format([9.999])") == "10.00")
        #expect(string("'%f'.format([1e-7])") == "0.000000")
        #expect(string("'%.0f'.format([1e22])") == "10000000000000000000000")
        #expect(string("'%.0f'.format([1e23])") == "99999999999999991611392")
        #expect(string("'%.20f'.format([0.1])") == "0.10000000000000000555")
        #expect(string("'%f'.format([-0.0])") == "-0.000000")
        #expect(string("'%.0f'.format([9223372036854775807])") == "9223372036854775807")
        #expect(
            string("'%f %f %f'.format([double('NaN'), double('Infinity'), double('-Infinity')])")
                == "NaN Infinity -Infinity"
        )
        #expect(string("'%.1f'.format([5e-324])") == "0.0")
    }

    @Test func scientific() {
        #expect(string("'%.6e'.format([1052.032911275])") == "1.052033e+03")
        #expect(string("'%e'.format([2.71828])") == "2.718280e+00")
        #expect(string("'%e %e'.format([2, 3u])") == "2.000000e+00 3.000000e+00")
        #expect(string("'%.1e %.1e'.format([3.14, -3.14])") == "3.1e+00 -3.1e+00")
        #expect(string("'%.0e'.format([12345])") == "1e+04")
        #expect(string("'%.2e'.format([9.999])") == "1.00e+01")
        #expect(string("'%e'.format([0.0])") == "0.000000e+00")
        #expect(string("'%e'.format([1e-300])") == "1.000000e-300")
        #expect(string("'%.3e'.format([1.7976931348623157e308])") == "1.798e+308")
        #expect(string("'%e'.format([5e-324])") == "4.940656e-324")
        #expect(string("'%e'.format([double('-Infinity')])") == "-Infinity")
    }

    @Test func stringClause() {
        #expect(string("'%s'.format([null])") == "null")
        #expect(string("'%s %s'.format([true, 999999999999])") == "true 999999999999")
        #expect(string("'%s'.format([b'xyz'])") == "xyz")
        #expect(string("'%s'.format([b'a\\xff\\xfeb'])") == "a\u{FFFD}b")
        #expect(string("'%s'.format([type('x')])") == "string")
        #expect(string("'%s'.format([timestamp('2023-02-03T23:31:20+00:00')])") == "2023-02-03T23:31:20Z")
        #expect(string("'%s'.format([duration('1h45m47s')])") == "6347s")
        #expect(string("'%s %s %s %s'.format([3.14, 1.0, 1e20, 1e-5])") == "3.14 1 100000000000000000000 0.00001")
        #expect(string("'%s'.format([-0.0])") == "-0")
        #expect(
            string("'%s'.format([['abc', 3.14, null, [9, 8], timestamp('2023-02-03T23:31:20Z')]])")
                == "[abc, 3.14, null, [9, 8], 2023-02-03T23:31:20Z]"
        )
        #expect(
            string("'%s'.format([{'strKey': 'x', 6: duration('422s'), true: 42}])") == "{6: 422s, strKey: x, true: 42}"
        )
        #expect(string("'%s'.format([[double('NaN'), double('-Infinity')]])") == "[NaN, -Infinity]")
    }

    @Test func errors() {
        #expect(
            fails("'%a'.format([1])", with: "could not parse formatting clause: unrecognized formatting clause \"a\"")
        )
        #expect(fails("'%E'.format([1.0])", with: "unrecognized formatting clause \"E\""))
        #expect(fails("'%d %d %d'.format([0, 1])", with: "index 2 out of range"))
        #expect(fails("'%'.format([1])", with: "could not parse formatting clause"))
        #expect(fails("'%.f'.format([1.0])", with: "could not parse formatting clause"))
        #expect(fails("'%.3'.format([1.0])", with: "could not parse formatting clause"))
        #expect(fails("'%.2s'.format(['a'])", with: "could not parse formatting clause"))
        #expect(fails("'%.100000f'.format([1.0])", with: "precision exceeds"))
        #expect(
            fails(
                "'%b'.format(['abc'])",
                with: "error during formatting: only integers and bools can be formatted as binary, was given string"
            )
        )
        #expect(
            fails(
                "'%d'.format([duration('30m2s')])",
                with: "decimal clause can only be used on integers, was given google.protobuf.Duration"
            )
        )
        #expect(fails("'%d'.format([1.5])", with: "decimal clause can only be used on integers, was given double"))
        #expect(fails("'%o'.format(['a'])", with: "octal clause can only be used on integers, was given string"))
        #expect(fails("'%x'.format([0.5])", with: "can be formatted as hex, was given double"))
        #expect(
            fails("'%e'.format([null])", with: "scientific clause can only be used on doubles, was given null_type")
        )
        #expect(
            fails("'%f'.format([null])", with: "fixed-point clause can only be used on doubles, was given null_type")
        )
        #expect(fails("'%s'.format([optional.of(1)])", with: "string clause can only be used on strings"))
        #expect(fails("'%s'.format([[1, optional.none()]])", with: "was given optional_type"))
        #expect(fails("1.format([])", with: "no such overload"))
        #expect(fails("'x'.format(1)", with: "no such overload"))
    }
}
