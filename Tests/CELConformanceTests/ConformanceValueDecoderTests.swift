import CEL
import Testing

@testable import CELConformance

/// Decodes a `cel.expr.Value` written in text format.
private func decode(_ text: String) throws -> Value {
    try ConformanceValueDecoder.value(TextProtoReader().read(text))
}

/// The reason decoding fails for, or `nil` after recording an issue when it succeeds.
private func failure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConformanceValueError? {
    do {
        let value = try ConformanceValueDecoder.value(TextProtoReader().read(text))
        Issue.record("expected a failure, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch let error as ConformanceValueError {
        return error
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

private func expectMatch(_ text: String, _ expected: Value, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let value = try decode(text)
    #expect(ConformanceValueMatch.matches(expected, value), "\(value)", sourceLocation: sourceLocation)
}

@Suite("ConformanceValueDecoder")
struct ConformanceValueDecoderTests {
    @Test("scalars")
    func scalars() throws {
        try expectMatch("null_value: NULL_VALUE", .null)
        try expectMatch("bool_value: true", .bool(true))
        try expectMatch("int64_value: -9223372036854775808", .int(.min))
        try expectMatch("uint64_value: 18446744073709551615", .uint(.max))
        try expectMatch("double_value: -2.5e3", .double(-2500))
        try expectMatch("double_value: -inf", .double(-.infinity))
        try expectMatch("double_value: nan", .double(.nan))
        try expectMatch(#"string_value: "\u00e9""#, .string("é"))
        try expectMatch(#"bytes_value: "\377\000""#, .bytes([255, 0]))
        try expectMatch(#"type_value: "google.protobuf.Timestamp""#, .type(.timestamp))
        try expectMatch(#"enum_value { type: "a.E" value: -3 }"#, .int(-3))
    }

    @Test("lists and maps")
    func aggregates() throws {
        try expectMatch(
            "list_value { values { int64_value: 1 } values { string_value: 'a' } }",
            .list([.int(1), .string("a")])
        )
        try expectMatch("list_value {}", .list([]))
        let map = try #require(try? CELMap.make([(.int(1), .bool(true)), (.string("k"), .null)]).get())
        try expectMatch(
            """
            map_value {
              entries { key { string_value: "k" } value { null_value: 0 } }
              entries { key { int64_value: 1 } value { bool_value: true } }
            }
            """,
            .map(map)
        )
    }

    @Test("well-known types in object_value")
    func wellKnownTypes() throws {
        let any = { (type: String, body: String) in "object_value { [type.googleapis.com/\(type)] { \(body) } }" }
        try expectMatch(
            any("google.protobuf.Timestamp", "seconds: 1 nanos: 5"),
            .timestamp(try #require(Timestamp(seconds: 1, nanos: 5)))
        )
        try expectMatch(
            any("google.protobuf.Duration", "seconds: -1"),
            .duration(try #require(Duration(seconds: -1)))
        )
        try expectMatch(any("google.protobuf.Int32Value", "value: -7"), .int(-7))
        try expectMatch(any("google.protobuf.UInt64Value", ""), .uint(0))
        try expectMatch(any("google.protobuf.FloatValue", "value: 0.1"), .double(Double(Float(0.1))))
        try expectMatch(any("google.protobuf.StringValue", "value: 'x'"), .string("x"))
        try expectMatch(any("google.protobuf.Value", "number_value: 2"), .double(2))
        try expectMatch(
            any("google.protobuf.ListValue", "values { bool_value: true } values { null_value: NULL_VALUE }"),
            .list([.bool(true), .null])
        )
        let map = try #require(try? CELMap.make([(.string("a"), .list([.string("b")]))]).get())
        try expectMatch(
            any(
                "google.protobuf.Struct",
                "fields { key: 'a' value { list_value { values { string_value: 'b' } } } }"
            ),
            .map(map)
        )
    }

    @Test("protobuf messages need protobuf; malformed values fail")
    func failures() {
        #expect(
            failure("object_value { [type.googleapis.com/cel.expr.conformance.proto2.TestAllTypes] { } }")
                == .needsProtobuf("a cel.expr.conformance.proto2.TestAllTypes message")
        )
        #expect(
            failure(#"type_value: "cel.expr.conformance.proto3.TestAllTypes""#)
                == .needsProtobuf("the type value cel.expr.conformance.proto3.TestAllTypes is a protobuf type")
        )
        guard case .malformed(let twoKinds) = failure("int64_value: 1 bool_value: true") else { return }
        #expect(twoKinds.contains("a value has one kind"))
        guard case .malformed(let range) = failure("int64_value: 9223372036854775808") else { return }
        #expect(range.contains("'int64_value' expects a 64-bit integer"))
        guard case .malformed(let empty) = failure("") else { return }
        #expect(empty.hasPrefix("a value needs one of"))
        guard
            case .malformed(let repeated) = failure(
                "map_value { entries { key { int64_value: 1 } value { int64_value: 1 } } entries { key { uint64_value: 1 } value { int64_value: 2 } } }"
            )
        else { return }
        #expect(repeated.contains("repeated key"))
    }

    @Test("matching: kinds must agree, NaN matches NaN, maps ignore order")
    func matching() {
        #expect(!ConformanceValueMatch.matches(.int(1), .uint(1)))
        #expect(!ConformanceValueMatch.matches(.int(1), .double(1)))
        #expect(!ConformanceValueMatch.matches(.list([.int(1)]), .list([.uint(1)])))
        #expect(ConformanceValueMatch.matches(.double(.nan), .double(.nan)))
        #expect(!ConformanceValueMatch.matches(.double(.nan), .double(1)))
        #expect(ConformanceValueMatch.matches(.type(.int), .type(CELTypeValue(name: "int"))))
        #expect(ConformanceValueMatch.matches(.optional(nil), .optional(nil)))
        #expect(!ConformanceValueMatch.matches(.optional(.int(1)), .optional(nil)))
        #expect(!ConformanceValueMatch.matches(.string("e\u{301}"), .string("é")))
        #expect(!ConformanceValueMatch.matches(.error(.other, "x"), .error(.other, "x")))
    }
}
