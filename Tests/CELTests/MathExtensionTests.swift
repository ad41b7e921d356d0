import CEL
import Testing

/// The value of `text` in the default environment, or the compile error as an error value.
private func value(_ text: String) -> Value {
    do {
        return try Environment().compile(text).evaluate()
    } catch {
        return .error(.other, "compile: \(error)")
    }
}

/// Whether `text` evaluates to a value CEL-equal to `expected`, of the same type.
private func yields(_ text: String, _ expected: Value) -> Bool {
    let result = value(text)
    return result.celType == expected.celType && Value.celEquals(result, expected)
}

/// Whether `text` evaluates to an error whose message contains `message`.
private func fails(_ text: String, with message: String) -> Bool {
    if case .error(let error) = value(text) { return error.message.contains(message) }
    return false
}

/// Whether `text` evaluates to a NaN double.
private func isNaN(_ text: String) -> Bool {
    if case .double(let d) = value(text) { return d.isNaN }
    return false
}

@Suite("Math extension")
struct MathExtensionTests {
    @Test func greatestAndLeast() {
        #expect(yields("math.greatest(-5)", .int(-5)))
        #expect(yields("math.greatest(5u)", .uint(5)))
        #expect(yields("math.greatest(-7, 5)", .int(5)))
        #expect(yields("math.greatest(5u, -7)", .uint(5)))
        #expect(yields("math.greatest(-3, 3u)", .uint(3)))
        #expect(yields("math.greatest(1.5, -1.797693e308)", .double(1.5)))
        #expect(yields("math.greatest(5.4, 10, 3u, -5.0, 9223372036854775807)", .int(.max)))
        #expect(yields("math.greatest(5.4, 10, 3u, -5.0, 18446744073709551615u)", .uint(.max)))
        #expect(yields("math.greatest([5.4, 10.5, 3u, -5.0, 3.5])", .double(10.5)))
        #expect(yields("math.greatest([dyn(5.4), dyn(10u), dyn(3u)])", .uint(10)))
        #expect(yields("math.least(-9223372036854775808, -1, -5)", .int(.min)))
        #expect(yields("math.least(5.4, 10, 3u, -5.0, 1.797693e308)", .double(-5)))
        #expect(yields("math.least([5.4, 10u, 3u, 1u, 3.5])", .uint(1)))
        #expect(yields("math.least(1, 1.0)", .int(1)))  // the first of equal arguments
        #expect(yields("math.least(1.0, 1)", .double(1)))
        // Ints compare with doubles as doubles (as the corpus requires), so these two are equal.
        #expect(
            yields("math.greatest(9223372036854775807, 9223372036854775808.0)", .int(9_223_372_036_854_775_807))
                || yields(
                    "math.greatest(9223372036854775807, 9223372036854775808.0)",
                    .double(9.223_372_036_854_775_808e18)
                )
        )
        #expect(isNaN("math.greatest(1, 0.0/0.0, 3)"))
        #expect(
            yields(
                "math.greatest(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32)",
                .int(32)
            )
        )
    }

    @Test func greatestAndLeastErrors() {
        #expect(fails("math.greatest([])", with: "at least one element"))
        #expect(fails("math.least(dyn('string'))", with: "no such overload"))
        #expect(fails("math.greatest(1, 'a')", with: "no such overload"))
        #expect(fails("math.greatest([1, 'a'])", with: "no such overload"))
        #expect(fails("math.greatest([1], [2])", with: "no such overload"))
        #expect(fails("math.greatest()", with: "no such overload"))
    }

    @Test func rounding() {
        #expect(yields("math.ceil(-1.2)", .double(-1)))
        #expect(yields("math.ceil(1.2)", .double(2)))
        #expect(yields("math.floor(-1.2)", .double(-2)))
        #expect(yields("math.floor(1.2)", .double(1)))
        #expect(yields("math.round(-1.5)", .double(-2)))
        #expect(yields("math.round(1.5)", .double(2)))
        #expect(yields("math.round(2.5)", .double(3)))
        #expect(yields("math.round(-1.4)", .double(-1)))
        #expect(yields("math.trunc(-1.7)", .double(-1)))
        #expect(yields("math.trunc(1.7)", .double(1)))
        #expect(isNaN("math.round(0.0/0.0)"))
        #expect(yields("math.floor(1.0/0.0)", .double(.infinity)))
        #expect(fails("math.ceil(dyn(1))", with: "no such overload"))
        #expect(fails("math.floor(1u)", with: "no such overload"))
        #expect(fails("math.round('1')", with: "no such overload"))
        #expect(fails("math.trunc(dyn(1))", with: "no such overload"))
    }

    @Test func absAndSign() {
        #expect(yields("math.abs(1u)", .uint(1)))
        #expect(yields("math.abs(-11)", .int(11)))
        #expect(yields("math.abs(-11.5)", .double(11.5)))
        #expect(yields("math.abs(9223372036854775807)", .int(.max)))
        #expect(fails("math.abs(-9223372036854775808)", with: "overflow"))
        #expect(fails("math.abs('x')", with: "no such overload"))
        #expect(yields("math.sign(100u)", .uint(1)))
        #expect(yields("math.sign(0u)", .uint(0)))
        #expect(yields("math.sign(-11)", .int(-1)))
        #expect(yields("math.sign(-9223372036854775808)", .int(-1)))
        #expect(yields("math.sign(0)", .int(0)))
        #expect(yields("math.sign(100.5)", .double(1)))
        #expect(yields("math.sign(-32.0)", .double(-1)))
        #expect(yields("math.sign(-0.0)", .double(0)))
        #expect(isNaN("math.sign(0.0/0.0)"))
        #expect(fails("math.sign(dyn(true))", with: "no such overload"))
    }

    @Test func floatingPointTests() {
        #expect(yields("math.isNaN(0.0/0.0)", .bool(true)))
        #expect(yields("math.isNaN(1.0/0.0)", .bool(false)))
        #expect(yields("math.isInf(-1.0/0.0)", .bool(true)))
        #expect(yields("math.isInf(0.0/0.0)", .bool(false)))
        #expect(yields("math.isFinite(1.0/1.5)", .bool(true)))
        #expect(yields("math.isFinite(0.0/0.0)", .bool(false)))
        #expect(fails("math.isNaN(dyn(true))", with: "no such overload"))
        #expect(fails("math.isInf(1)", with: "no such overload"))
        #expect(fails("math.isFinite(1u)", with: "no such overload"))
    }

    @Test func sqrt() {
        #expect(yields("math.sqrt(81)", .double(9)))
        #expect(yields("math.sqrt(4u)", .double(2)))
        #expect(yields("math.sqrt(985.25)", .double(31.388_692_231_439_016)))
        #expect(isNaN("math.sqrt(-15)"))
        #expect(fails("math.sqrt('4')", with: "no such overload"))
    }

    @Test func bitwise() {
        #expect(yields("math.bitAnd(1, 3)", .int(1)))
        #expect(yields("math.bitAnd(-3, -5)", .int(-7)))
        #expect(yields("math.bitAnd(3u, 2u)", .uint(2)))
        #expect(yields("math.bitOr(4, -2)", .int(-2)))
        #expect(yields("math.bitOr(1u, 4u)", .uint(5)))
        #expect(yields("math.bitXor(4, -2)", .int(-6)))
        #expect(yields("math.bitXor(1u, 3u)", .uint(2)))
        #expect(yields("math.bitNot(1)", .int(-2)))
        #expect(yields("math.bitNot(0u)", .uint(.max)))
        #expect(fails("math.bitAnd(2u, dyn(''))", with: "no such overload"))
        #expect(fails("math.bitAnd(1, 1u)", with: "no such overload"))
        #expect(fails("math.bitOr(dyn(1.2), 1)", with: "no such overload"))
        #expect(fails("math.bitXor(dyn([]), dyn([1]))", with: "no such overload"))
        #expect(fails("math.bitNot(dyn(''))", with: "no such overload"))
    }

    @Test func shifts() {
        #expect(yields("math.bitShiftLeft(1, 2)", .int(4)))
        #expect(yields("math.bitShiftLeft(-1, 2)", .int(-4)))
        #expect(yields("math.bitShiftLeft(1, 63)", .int(.min)))
        #expect(yields("math.bitShiftLeft(1, 64)", .int(0)))
        #expect(yields("math.bitShiftLeft(-1, 200)", .int(0)))
        #expect(yields("math.bitShiftLeft(1u, 2)", .uint(4)))
        #expect(yields("math.bitShiftLeft(1u, 200)", .uint(0)))
        #expect(yields("math.bitShiftRight(1024, 2)", .int(256)))
        #expect(yields("math.bitShiftRight(-1024, 3)", .int(2_305_843_009_213_693_824)))
        #expect(yields("math.bitShiftRight(-1024, 64)", .int(0)))
        #expect(yields("math.bitShiftRight(1024u, 200)", .uint(0)))
        #expect(yields("math.bitShiftRight(18446744073709551615u, 63)", .uint(1)))
        #expect(fails("math.bitShiftLeft(1u, -1)", with: "negative offset"))
        #expect(fails("math.bitShiftRight(1, -1)", with: "negative offset"))
        #expect(fails("math.bitShiftLeft(dyn(4.3), 1)", with: "no such overload"))
        #expect(fails("math.bitShiftRight(dyn(b'123'), 1)", with: "no such overload"))
        #expect(fails("math.bitShiftLeft(1, 1u)", with: "no such overload"))
    }
}
