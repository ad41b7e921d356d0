import CELConformance
import Testing

@Suite("TextProtoScalar conversions")
struct TextProtoScalarTests {
    @Test("bool spellings")
    func bools() {
        for text in ["true", "True", "t"] { #expect(TextProtoScalar.identifier(text).bool == true) }
        for text in ["false", "False", "f"] { #expect(TextProtoScalar.identifier(text).bool == false) }
        #expect(TextProtoScalar.number("1").bool == true)
        #expect(TextProtoScalar.number("0").bool == false)
        #expect(TextProtoScalar.identifier("yes").bool == nil)
        #expect(TextProtoScalar.number("2").bool == nil)
        #expect(TextProtoScalar.string(Array("true".utf8)).bool == nil)
    }

    @Test("int64 in every radix, at the limits")
    func int64() {
        #expect(TextProtoScalar.number("42").int64 == 42)
        #expect(TextProtoScalar.number("-42").int64 == -42)
        #expect(TextProtoScalar.number("0x1F").int64 == 31)
        #expect(TextProtoScalar.number("-0x10").int64 == -16)
        #expect(TextProtoScalar.number("017").int64 == 15)
        #expect(TextProtoScalar.number("0").int64 == 0)
        #expect(TextProtoScalar.number("9223372036854775807").int64 == Int64.max)
        #expect(TextProtoScalar.number("-9223372036854775808").int64 == Int64.min)
        #expect(TextProtoScalar.number("9223372036854775808").int64 == nil)
        #expect(TextProtoScalar.number("-9223372036854775809").int64 == nil)
        #expect(TextProtoScalar.number("1.5").int64 == nil)
        #expect(TextProtoScalar.number("1e3").int64 == nil)
        #expect(TextProtoScalar.number("09").int64 == nil)
        #expect(TextProtoScalar.identifier("inf").int64 == nil)
    }

    @Test("uint64")
    func uint64() {
        #expect(TextProtoScalar.number("18446744073709551615").uint64 == UInt64.max)
        #expect(TextProtoScalar.number("18446744073709551616").uint64 == nil)
        #expect(TextProtoScalar.number("7u").uint64 == 7)
        #expect(TextProtoScalar.number("0xFFu").uint64 == 255)
        #expect(TextProtoScalar.number("-1").uint64 == nil)
        #expect(TextProtoScalar.number("-0").uint64 == 0)
    }

    @Test("double from numbers and inf/nan identifiers")
    func double() {
        #expect(TextProtoScalar.number("1.5").double == 1.5)
        #expect(TextProtoScalar.number("-2.5e-3").double == -0.0025)
        #expect(TextProtoScalar.number("1E+3").double == 1000)
        #expect(TextProtoScalar.number(".5").double == 0.5)
        #expect(TextProtoScalar.number("2f").double == 2)
        #expect(TextProtoScalar.number("1.25F").double == 1.25)
        #expect(TextProtoScalar.number("7").double == 7)
        #expect(TextProtoScalar.number("-0x10").double == -16)
        #expect(TextProtoScalar.number("1e400").double == .infinity)
        #expect(TextProtoScalar.identifier("inf").double == .infinity)
        #expect(TextProtoScalar.identifier("-Infinity").double == -.infinity)
        #expect(TextProtoScalar.identifier("-inf").double == -.infinity)
        #expect(TextProtoScalar.identifier("nan").double?.isNaN == true)
        #expect(TextProtoScalar.identifier("-NaN").double?.isNaN == true)
        #expect(TextProtoScalar.identifier("NULL_VALUE").double == nil)
        #expect(TextProtoScalar.string([0x31]).double == nil)
    }

    @Test("string and bytes views")
    func strings() {
        #expect(TextProtoScalar.string(Array("é".utf8)).string == "é")
        #expect(TextProtoScalar.string([0xFF]).string == nil)
        #expect(TextProtoScalar.string([0xFF]).bytes == [0xFF])
        #expect(TextProtoScalar.number("1").string == nil)
        #expect(TextProtoScalar.identifier("x").bytes == nil)
    }
}
