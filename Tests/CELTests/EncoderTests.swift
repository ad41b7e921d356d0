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

/// The bytes `text` evaluates to, or `nil`.
private func bytes(_ text: String) -> [UInt8]? {
    if case .bytes(let b) = value(text) { return b }
    return nil
}

/// The string `text` evaluates to, or `nil`.
private func string(_ text: String) -> String? {
    if case .string(let s) = value(text) { return s.value }
    return nil
}

/// Whether `text` evaluates to an error whose message contains `message`.
private func fails(_ text: String, with message: String) -> Bool {
    if case .error(let error) = value(text) { return error.message.contains(message) }
    return false
}

@Suite("Encoders extension")
struct EncoderTests {
    @Test func encode() {
        #expect(string("base64.encode(b'hello')") == "aGVsbG8=")
        #expect(string("base64.encode(b'')") == "")
        #expect(string("base64.encode(b'f')") == "Zg==")
        #expect(string("base64.encode(b'fo')") == "Zm8=")
        #expect(string("base64.encode(b'foo')") == "Zm9v")
        #expect(string("base64.encode(b'foobar')") == "Zm9vYmFy")
        #expect(string("base64.encode(b'\\xfb\\xff\\xfe')") == "+//+")
        #expect(fails("base64.encode('hello')", with: "no such overload"))
    }

    @Test func decode() {
        #expect(bytes("base64.decode('aGVsbG8=')") == Array("hello".utf8))
        #expect(bytes("base64.decode('aGVsbG8')") == Array("hello".utf8))
        #expect(bytes("base64.decode('')") == [])
        #expect(bytes("base64.decode('Zg==')") == Array("f".utf8))
        #expect(bytes("base64.decode('Zg')") == Array("f".utf8))
        #expect(bytes("base64.decode('Zm9vYmFy')") == Array("foobar".utf8))
        #expect(bytes("base64.decode('+//+')") == [0xFB, 0xFF, 0xFE])
        #expect(bytes("base64.decode('Zm9v\\r\\nYmFy')") == Array("foobar".utf8))
        #expect(bytes("base64.decode(base64.encode(b'Hello World!'))") == Array("Hello World!".utf8))
    }

    @Test func decodeErrors() {
        #expect(fails("base64.decode('a')", with: "illegal base64 data"))
        #expect(fails("base64.decode('aGVsbG8*')", with: "illegal base64 data at input byte 7"))
        #expect(fails("base64.decode('Zg=')", with: "illegal base64 data"))
        #expect(fails("base64.decode('Zm8==')", with: "illegal base64 data"))
        #expect(fails("base64.decode('Z===')", with: "illegal base64 data"))
        #expect(fails("base64.decode('====')", with: "illegal base64 data"))
        #expect(fails("base64.decode('Zg==Zg==')", with: "illegal base64 data"))
        #expect(fails("base64.decode('-_-_')", with: "illegal base64 data"))
        #expect(fails("base64.decode('aGVs bG8=')", with: "illegal base64 data"))
        #expect(fails("base64.decode(b'aGVsbG8=')", with: "no such overload"))
    }

    @Test func roundTrip() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0..<64 {
            var input: [UInt8] = []
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                input.append(UInt8(truncatingIfNeeded: state >> 56))
            }
            let program = try? Environment(variables: ["b"]).compile("base64.decode(base64.encode(b))")
            let result = program?.evaluate(["b": .bytes(input)])
            guard case .bytes(let output)? = result else {
                Issue.record("length \(length): \(String(describing: result))")
                continue
            }
            #expect(output == input)
        }
    }
}
