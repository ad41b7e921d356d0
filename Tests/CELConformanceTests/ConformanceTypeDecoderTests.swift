import CEL
import Testing

@testable import CELConformance

/// Decodes a `cel.expr.Type` written in text format.
private func decode(_ text: String) throws -> CELType {
    try ConformanceTypeDecoder.type(TextProtoReader().read(text))
}

/// The reason decoding `text` with `decoder` fails for, or `nil` after recording an issue when it succeeds.
private func failure<T>(
    _ text: String,
    _ decoder: (TextProtoMessage) throws -> T = { try ConformanceTypeDecoder.type($0) },
    reader: TextProtoReader = TextProtoReader(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> String? {
    do {
        let value = try decoder(reader.read(text))
        Issue.record("expected a failure, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch let error as ConformanceValueError {
        guard case .malformed(let reason) = error else {
            Issue.record("expected malformed, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
        return reason
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Decodes a `type_env` list (`type_env { ... }` fields).
private func declarations(_ text: String) throws -> Declarations {
    let message = try TextProtoReader().read(text)
    return try ConformanceTypeDecoder.declarations(message.fields(named: "type_env").compactMap(\.value.message))
}

@Suite("ConformanceTypeDecoder")
struct ConformanceTypeDecoderTests {
    @Test("primitives, by name and by number")
    func primitives() throws {
        #expect(try decode("primitive: BOOL") == .bool)
        #expect(try decode("primitive: INT64") == .int)
        #expect(try decode("primitive: UINT64") == .uint)
        #expect(try decode("primitive: DOUBLE") == .double)
        #expect(try decode("primitive: STRING") == .string)
        #expect(try decode("primitive: BYTES") == .bytes)
        #expect(try decode("primitive: 2") == .int)
    }

    @Test("wrappers, well-known types, null, dyn and error")
    func simpleKinds() throws {
        #expect(try decode("wrapper: INT64") == .wrapper(.int))
        #expect(try decode("wrapper: BOOL") == .wrapper(.bool))
        #expect(try decode("well_known: TIMESTAMP") == .timestamp)
        #expect(try decode("well_known: DURATION") == .duration)
        #expect(try decode("well_known: ANY") == .any)
        #expect(try decode("null: NULL_VALUE") == .null)
        #expect(try decode("dyn {}") == .dyn)
        #expect(try decode("error {}") == .error)
    }

    @Test("lists, maps, type parameters, types and abstract types")
    func compositeKinds() throws {
        #expect(try decode("list_type { elem_type { primitive: INT64 } }") == .list(.int))
        #expect(
            try decode("map_type { key_type { primitive: STRING } value_type { dyn {} } }") == .map(.string, .dyn)
        )
        #expect(try decode("type_param: \"T\"") == .typeParameter("T"))
        #expect(try decode("type { primitive: INT64 }") == .type(.int))
        #expect(try decode("type {}") == .type(nil))
        #expect(try decode("type { type { dyn {} } }") == .type(.type(.dyn)))
        #expect(
            try decode("abstract_type { name: \"optional_type\" parameter_types { primitive: INT64 } }")
                == .optional(.int)
        )
        #expect(try decode("abstract_type { name: \"net.IP\" }") == .abstract(name: "net.IP", parameters: []))
        let tuple = try decode(
            """
            abstract_type { name: "tuple" parameter_types { type_param: "T" } parameter_types { dyn {} } }
            """
        )
        #expect(tuple == .abstract(name: "tuple", parameters: [.typeParameter("T"), .dyn]))
        #expect(tuple.description == "tuple(T, dyn)")
    }

    @Test("message types: well-known messages become CEL types, others stay messages")
    func messageTypes() throws {
        #expect(
            try decode("message_type: \"cel.expr.conformance.proto3.TestAllTypes\"")
                == .message("cel.expr.conformance.proto3.TestAllTypes")
        )
        #expect(try decode("message_type: \"google.protobuf.Timestamp\"") == .timestamp)
        #expect(try decode("message_type: \"google.protobuf.Int32Value\"") == .wrapper(.int))
        #expect(try decode("message_type: \"google.protobuf.Struct\"") == .map(.string, .dyn))
        #expect(try decode("message_type: \"google.protobuf.Value\"") == .dyn)
        #expect(try decode("message_type: \"google.protobuf.FieldMask\"") == .message("google.protobuf.FieldMask"))
        let nested = try decode("list_type { elem_type { message_type: \"a.B\" } }")
        #expect(nested.firstMessageName == "a.B")
        #expect(CELType.map(.string, .optional(.int)).firstMessageName == nil)
    }

    @Test("malformed types are rejected with a reason")
    func malformedTypes() {
        #expect(failure("")?.contains("a type needs one of") == true)
        #expect(failure("primitive: INT64 dyn {}")?.contains("has one kind, but 'primitive' and 'dyn'") == true)
        #expect(failure("primitive: INT32")?.contains("expects a primitive type") == true)
        #expect(failure("primitive: 9")?.contains("expects a primitive type") == true)
        #expect(failure("primitive: \"INT64\"")?.contains("expects a primitive type") == true)
        #expect(failure("wrapper: TIMESTAMP")?.contains("expects a primitive type") == true)
        #expect(failure("well_known: INT64")?.contains("expects ANY, TIMESTAMP or DURATION") == true)
        #expect(failure("null: 3")?.contains("expects NULL_VALUE") == true)
        #expect(failure("dyn: 1")?.contains("expects a message") == true)
        #expect(failure("list_type {}")?.contains("needs a elem_type") == true)
        #expect(failure("map_type { key_type { primitive: STRING } }")?.contains("needs a value_type") == true)
        #expect(failure("list_type { elem_type {} }")?.contains("a type needs one of") == true)
        #expect(failure("type_param: \"\"")?.contains("expects a non-empty name") == true)
        #expect(failure("message_type: 3")?.contains("expects a UTF-8 string") == true)
        #expect(failure("abstract_type { parameter_types { dyn {} } }")?.contains("needs a name") == true)
        #expect(failure("function { result_type { primitive: INT64 } }")?.contains("function type") == true)
        let deep =
            String(repeating: "list_type { elem_type { ", count: 70) + "dyn {}" + String(repeating: " } }", count: 70)
        // 70 nested lists are 140 nested messages: read them with a reader that allows that many.
        let reader = TextProtoReader(maxNestingDepth: 400)
        #expect(
            failure(deep, { try ConformanceTypeDecoder.type($0) }, reader: reader)?
                .contains("nested more than 64 levels") == true
        )
    }

    @Test("declarations: identifiers and function overloads")
    func typeEnvironment() throws {
        let decoded = try declarations(
            """
            type_env { name: "x" ident { type { primitive: INT64 } } }
            type_env { name: "a.b" ident { type { list_type { elem_type { dyn {} } } } } }
            type_env {
              name: "fn"
              function {
                overloads {
                  overload_id: "fn_string_int"
                  params { primitive: STRING }
                  params { primitive: INT64 }
                  result_type { primitive: STRING }
                }
                overloads {
                  overload_id: "string_fn_T"
                  is_instance_function: true
                  params { primitive: STRING }
                  params { type_param: "T" }
                  result_type { list_type { elem_type { type_param: "T" } } }
                }
              }
            }
            type_env { name: "fn" function { overloads { overload_id: "fn_void" result_type { null: NULL_VALUE } } } }
            """
        )
        #expect(decoded.variables == ["x": .int, "a.b": .list(.dyn)])
        let overloads = decoded.functions["fn"]?.overloads ?? []
        #expect(overloads.map(\.id) == ["fn_string_int", "string_fn_T", "fn_void"])
        #expect(overloads.map(\.isReceiverStyle) == [false, true, false])
        #expect(overloads.first?.parameters == [.string, .int])
        #expect(overloads.dropFirst().first?.result == .list(.typeParameter("T")))
        #expect(overloads.dropFirst().first?.typeParameters == ["T"])
        #expect(overloads.last?.parameters == [])
    }

    @Test("malformed declarations are rejected with a reason")
    func malformedDeclarations() {
        let decode = { (message: TextProtoMessage) throws -> Declarations in
            try ConformanceTypeDecoder.declarations(message.fields(named: "type_env").compactMap(\.value.message))
        }
        #expect(failure("type_env { ident { type { dyn {} } } }", decode)?.contains("without a name") == true)
        #expect(failure("type_env { name: \"x\" }", decode)?.contains("needs exactly one of ident or function") == true)
        #expect(
            failure(
                "type_env { name: \"x\" ident { type { dyn {} } } function {} }",
                decode
            )?.contains("needs exactly one of ident or function") == true
        )
        #expect(failure("type_env { name: \"x\" ident {} }", decode)?.contains("of 'x' needs a type") == true)
        #expect(
            failure("type_env { name: \"x\" ident { type { primitive: INT8 } } }", decode)?
                .contains("expects a primitive type") == true
        )
        #expect(
            failure("type_env { name: \"f\" function { overloads { result_type { dyn {} } } } }", decode)?
                .contains("without an overload_id") == true
        )
        #expect(
            failure("type_env { name: \"f\" function { overloads { overload_id: \"f1\" } } }", decode)?
                .contains("'f1' has no result_type") == true
        )
        #expect(
            failure(
                """
                type_env { name: "f" function { overloads {
                  overload_id: "f1" is_instance_function: true result_type { dyn {} }
                } } }
                """,
                decode
            )?.contains("needs a receiver parameter") == true
        )
        #expect(
            failure(
                """
                type_env { name: "f" function { overloads {
                  overload_id: "f1" is_instance_function: 7 params { dyn {} } result_type { dyn {} }
                } } }
                """,
                decode
            )?.contains("expects a bool") == true
        )
    }
}
