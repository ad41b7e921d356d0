import CEL
import Testing

@Suite("CEL checker types")
struct CELTypeTests {
    // MARK: Printing

    @Test(
        "types print as cel-go prints them",
        arguments: [
            (CELType.int, "int"),
            (.uint, "uint"),
            (.double, "double"),
            (.bool, "bool"),
            (.string, "string"),
            (.bytes, "bytes"),
            (.null, "null_type"),
            (.dyn, "dyn"),
            (.error, "*error*"),
            (.any, "google.protobuf.Any"),
            (.timestamp, "google.protobuf.Timestamp"),
            (.duration, "google.protobuf.Duration"),
            (.wrapper(.int), "wrapper(int)"),
            (.list(.int), "list(int)"),
            (.map(.string, .dyn), "map(string, dyn)"),
            (.map(.string, .map(.string, .list(.bool))), "map(string, map(string, list(bool)))"),
            (.type(.int), "type(int)"),
            (.type(nil), "type"),
            (.type(.type(.string)), "type(type(string))"),
            (.optional(.string), "optional_type(string)"),
            (.abstract(name: "net.IP", parameters: []), "net.IP"),
            (.abstract(name: "tuple", parameters: [.int, .uint, .double]), "tuple(int, uint, double)"),
            (.message("cel.expr.conformance.proto3.TestAllTypes"), "cel.expr.conformance.proto3.TestAllTypes"),
            (.list(.typeParameter("A")), "list(A)"),
        ]
    )
    func printing(type: CELType, expected: String) {
        #expect(type.description == expected)
    }

    @Test("optional types are the abstract type optional_type")
    func optionalIsAbstract() {
        #expect(CELType.optional(.int) == .abstract(name: "optional_type", parameters: [.int]))
        #expect(CELType.optional(.int).optionalValueType == .int)
        #expect(CELType.list(.int).optionalValueType == nil)
    }

    // MARK: Parsing

    private static let typeParameters = CELType.ParsingOptions(
        typeParameters: ["A", "B"],
        messageTypes: ["my.pkg.Request"]
    )

    @Test(
        "printed types parse back to themselves",
        arguments: [
            CELType.int, .uint, .double, .bool, .string, .bytes, .null, .dyn, .any, .timestamp, .duration,
            .wrapper(.bool), .wrapper(.uint), .wrapper(.bytes), .list(.int), .list(.list(.dyn)), .map(.string, .dyn),
            .map(.int, .map(.string, .optional(.list(.uint)))), .type(nil), .type(.int), .type(.list(.string)),
            .optional(.string), .abstract(name: "net.IP", parameters: []),
            .abstract(name: "tuple", parameters: [.typeParameter("A"), .int, .list(.typeParameter("B"))]),
            .message("my.pkg.Request"), .list(.message("my.pkg.Request")), .typeParameter("A"),
            .map(.typeParameter("A"), .typeParameter("B")),
        ]
    )
    func roundTrip(type: CELType) throws {
        #expect(try CELType(parsing: type.description, options: Self.typeParameters) == type)
    }

    @Test(
        "names, aliases and spacing",
        arguments: [
            ("map(string, map(string, dyn))", CELType.map(.string, .map(.string, .dyn))),
            ("  map ( string ,int )  ", .map(.string, .int)),
            ("map(string,\n\tint)", .map(.string, .int)),
            ("timestamp", .timestamp),
            ("duration", .duration),
            (".google.protobuf.Timestamp", .timestamp),
            ("list(google.protobuf.Duration)", .list(.duration)),
            ("google.protobuf.Int64Value", .wrapper(.int)),
            ("google.protobuf.Int32Value", .wrapper(.int)),
            ("google.protobuf.UInt32Value", .wrapper(.uint)),
            ("google.protobuf.FloatValue", .wrapper(.double)),
            ("google.protobuf.StringValue", .wrapper(.string)),
            ("google.protobuf.Struct", .map(.string, .dyn)),
            ("google.protobuf.ListValue", .list(.dyn)),
            ("google.protobuf.Value", .dyn),
            ("google.protobuf.NullValue", .null),
            ("net.IP", .abstract(name: "net.IP", parameters: [])),
            ("my.pkg.Request", .abstract(name: "my.pkg.Request", parameters: [])),
            ("A", .abstract(name: "A", parameters: [])),
            ("optional_type(list(int))", .optional(.list(.int))),
        ]
    )
    func parsing(text: String, expected: CELType) throws {
        #expect(try CELType(parsing: text) == expected)
    }

    @Test(
        "bad types report an offset and a message",
        arguments: [
            ("", 0, "expected a type name but found end of input"),
            ("   ", 3, "expected a type name but found end of input"),
            ("list(", 5, "expected a type name but found end of input"),
            ("list()", 5, "expected a type name but found ')'"),
            ("list(int", 8, "expected ',' or ')' but found end of input"),
            ("list(int]", 8, "expected ',' or ')' but found ']'"),
            ("map(string, int", 15, "expected ',' or ')' but found end of input"),
            ("map(string)", 0, "'map' takes 2 type parameters, found 1"),
            ("list(int, int)", 0, "'list' takes 1 type parameter, found 2"),
            ("x: list(int, int, int)", 1, "unexpected ':' after the type"),
            ("map(string, list(int, string))", 12, "'list' takes 1 type parameter, found 2"),
            ("int(string)", 0, "'int' takes no type parameters, found 1"),
            ("optional_type(int, int)", 0, "'optional_type' takes 1 type parameter, found 2"),
            ("type(int, int)", 0, "'type' takes 1 type parameter, found 2"),
            (
                "wrapper(list(int))", 0,
                "'wrapper' takes one of bool, int, uint, double, string or bytes, found 'list(int)'"
            ),
            ("int int", 4, "unexpected 'i' after the type"),
            ("net..IP", 4, "expected an identifier after '.' but found '.'"),
            ("net.", 4, "expected an identifier after '.' but found end of input"),
            ("1int", 0, "expected a type name but found '1'"),
            ("list(é)", 5, "expected a type name but found 'é'"),
            ("list(int)\u{0}", 9, "unexpected control character U+0 after the type"),
            ("map(string, ", 12, "expected a type name but found end of input"),
        ]
    )
    func parseErrors(text: String, offset: Int, message: String) {
        #expect(throws: CELTypeParseError(offset: offset, message: message)) {
            try CELType(parsing: text)
        }
    }

    @Test("type parameters and messages take no parameters")
    func parameterArity() {
        #expect(throws: CELTypeParseError(offset: 5, message: "'A' takes no type parameters, found 1")) {
            try CELType(parsing: "list(A(int))", options: Self.typeParameters)
        }
    }

    @Test("nesting is limited, without crashing on deep input")
    func nestingLimit() throws {
        let ok = String(repeating: "list(", count: 31) + "int" + String(repeating: ")", count: 31)
        #expect(try CELType(parsing: ok).depth == 32)
        let deep = String(repeating: "list(", count: 32) + "int" + String(repeating: ")", count: 32)
        #expect(throws: CELTypeParseError(offset: 160, message: "type is nested more than 32 levels deep")) {
            try CELType(parsing: deep)
        }
        let huge = String(repeating: "list(", count: 100_000)
        #expect(throws: CELTypeParseError.self) { try CELType(parsing: huge) }
        let shallow = CELType.ParsingOptions(maximumDepth: 2)
        #expect(try CELType(parsing: "map(string, int)", options: shallow) == .map(.string, .int))
        #expect(throws: CELTypeParseError.self) { try CELType(parsing: "list(list(int))", options: shallow) }
    }

    @Test("a parse error becomes an invalid_type diagnostic")
    func diagnostic() {
        let error = CELTypeParseError(offset: 4, message: "bad")
        #expect(error.diagnostic.code == .invalidType)
        #expect(error.diagnostic.range == 4..<5)
        #expect(error.description == "bad at offset 4")
    }

    // MARK: Assignability

    @Test(
        "assignability without type parameters",
        arguments: [
            // Identity and no numeric conversions.
            (CELType.int, CELType.int, true),
            (.int, .double, false),
            (.int, .uint, false),
            (.string, .bytes, false),
            // dyn both ways, error absorbs, Any is dynamic.
            (.int, .dyn, true),
            (.dyn, .int, true),
            (.list(.int), .dyn, true),
            (.dyn, .map(.string, .int), true),
            (.error, .string, true),
            (.string, .error, true),
            (.any, .int, true),
            (.list(.int), .list(.dyn), true),
            (.list(.dyn), .list(.int), true),
            (.map(.string, .dyn), .map(.string, .int), true),
            (.map(.string, .int), .map(.int, .int), false),
            (.list(.int), .list(.string), false),
            (.list(.int), .map(.int, .int), false),
            // null.
            (.null, .null, true),
            (.null, .wrapper(.int), true),
            (.null, .message("a.B"), true),
            (.null, .timestamp, true),
            (.null, .duration, true),
            (.null, .optional(.int), true),
            (.null, .abstract(name: "net.IP", parameters: []), true),
            (.null, .dyn, true),
            (.null, .int, false),
            (.null, .string, false),
            (.null, .list(.int), false),
            (.null, .map(.string, .int), false),
            (.null, .type(.int), false),
            (.int, .null, false),
            (.wrapper(.int), .null, false),
            // Wrappers and their primitives.
            (.int, .wrapper(.int), true),
            (.wrapper(.int), .int, true),
            (.wrapper(.int), .wrapper(.int), true),
            (.wrapper(.int), .wrapper(.string), false),
            (.wrapper(.int), .double, false),
            (.string, .wrapper(.int), false),
            // Types, abstract types and messages.
            (.type(.int), .type(.int), true),
            // Every type value has kind `type`: comparing type(7) with type(7u) must check (conformance).
            (.type(.int), .type(.string), true),
            (.type(.int), .type(nil), true),
            (.type(nil), .type(.int), true),
            (.optional(.int), .optional(.int), true),
            (.optional(.int), .optional(.dyn), true),
            (.optional(.int), .optional(.string), false),
            (.abstract(name: "net.IP", parameters: []), .abstract(name: "net.CIDR", parameters: []), false),
            (.abstract(name: "pair", parameters: [.int]), .abstract(name: "pair", parameters: [.int, .int]), false),
            (.message("a.B"), .message("a.B"), true),
            (.message("a.B"), .message("a.C"), false),
            (.timestamp, .duration, false),
            (.timestamp, .timestamp, true),
        ]
    )
    func assignability(source: CELType, target: CELType, expected: Bool) {
        #expect(CELType.isAssignable(from: source, to: target) == expected, "\(source) -> \(target)")
    }

    @Test("a type parameter binds, on either side, and rebinds consistently")
    func typeParameterBinding() {
        var substitution = TypeSubstitution()
        check(CELType.isAssignable(from: .list(.int), to: .list(.typeParameter("A")), substitution: &substitution))
        #expect(substitution["A"] == .int)
        #expect(CELType.typeParameter("A").substituting(substitution) == .int)
        // Consistent: A is int, so string does not fit, and the failure binds nothing.
        check(!CELType.isAssignable(from: .string, to: .typeParameter("A"), substitution: &substitution))
        #expect(substitution["A"] == .int)
        // A second argument of type dyn widens A to dyn.
        check(CELType.isAssignable(from: .dyn, to: .typeParameter("A"), substitution: &substitution))
        #expect(substitution["A"] == .dyn)

        var reversed = TypeSubstitution()
        check(
            CELType.isAssignable(
                from: .map(.typeParameter("K"), .int),
                to: .map(.string, .int),
                substitution: &reversed
            )
        )
        #expect(reversed["K"] == .string)
    }

    @Test("a failed assignment commits none of its bindings")
    func failureIsAtomic() {
        var substitution = TypeSubstitution()
        // K binds to string before the value types fail to match.
        let source = CELType.map(.string, .int)
        let target = CELType.map(.typeParameter("K"), .string)
        check(!CELType.isAssignable(from: source, to: target, substitution: &substitution))
        #expect(substitution.isEmpty)
    }

    @Test("the occurs check refuses A := list(A), also through other bindings")
    func occursCheck() {
        var substitution = TypeSubstitution()
        check(
            !CELType.isAssignable(
                from: .list(.typeParameter("A")),
                to: .typeParameter("A"),
                substitution: &substitution
            )
        )
        #expect(substitution.isEmpty)
        check(substitution.bind("B", to: .list(.typeParameter("A"))))
        check(!CELType.isAssignable(from: .typeParameter("B"), to: .typeParameter("A"), substitution: &substitution))
        check(!substitution.bind("A", to: .map(.string, .typeParameter("B"))))
        #expect(substitution["A"] == nil)
        // A parameter is assignable to itself without binding.
        check(CELType.isAssignable(from: .typeParameter("A"), to: .typeParameter("A"), substitution: &substitution))
        #expect(substitution["A"] == nil)
    }

    @Test("parameters bind to parameters and resolve transitively")
    func chainedParameters() {
        var substitution = TypeSubstitution()
        check(CELType.isAssignable(from: .typeParameter("A"), to: .typeParameter("B"), substitution: &substitution))
        check(CELType.isAssignable(from: .int, to: .typeParameter("A"), substitution: &substitution))
        #expect(CELType.typeParameter("B").substituting(substitution) == .int)
        check(!CELType.isAssignable(from: .string, to: .typeParameter("B"), substitution: &substitution))
        let open = CELType.map(.typeParameter("C"), .list(.typeParameter("B")))
        #expect(open.substituting(substitution) == .map(.typeParameter("C"), .list(.int)))
        #expect(open.substituting(substitution, unboundParametersAs: .dyn) == .map(.dyn, .list(.int)))
        #expect(open.typeParameterNames == ["B", "C"])
    }

    @Test("one parameter for several arguments: sort(tuple(T, T, T)) with tuple(dyn, uint, double)")
    func sharedParameter() {
        var substitution = TypeSubstitution()
        let parameter = CELType.abstract(name: "tuple", parameters: Array(repeating: .typeParameter("T"), count: 3))
        let argument = CELType.abstract(name: "tuple", parameters: [.dyn, .uint, .double])
        check(CELType.isAssignable(from: argument, to: parameter, substitution: &substitution))
        #expect(parameter.substituting(substitution).description == "tuple(dyn, dyn, dyn)")

        var strict = TypeSubstitution()
        let concrete = CELType.abstract(name: "tuple", parameters: [.int, .uint, .double])
        check(!CELType.isAssignable(from: concrete, to: parameter, substitution: &strict))
        #expect(strict.isEmpty)
    }

    @Test("null and a wrapper meet through a parameter in either order, as in _==_(A, A)")
    func nullThroughParameter() {
        for arguments in [[CELType.wrapper(.int), .null], [.null, .wrapper(.int)]] {
            var substitution = TypeSubstitution()
            for argument in arguments {
                check(CELType.isAssignable(from: argument, to: .typeParameter("A"), substitution: &substitution))
            }
            #expect(substitution["A"] == .wrapper(.int))
        }
    }

    // MARK: Joins

    /// The element type of a list literal whose elements have `types`, as cel-spec's
    /// type_deduction.textproto deduces it.
    private func elementType(_ types: [CELType]) -> String {
        var substitution = TypeSubstitution()
        var joined: CELType?
        for type in types {
            joined = joined.map { CELType.join($0, type, substitution: &substitution) } ?? type
        }
        return (joined ?? .typeParameter("E")).substituting(substitution, unboundParametersAs: .dyn).description
    }

    @Test("joins of list literal elements follow type_deduction.textproto")
    func joins() {
        let emptyList = { (name: String) in CELType.list(.typeParameter(name)) }
        let wrapper = CELType.wrapper(.int)
        // [1, 2] and mixed types.
        #expect(elementType([.int, .int]) == "int")
        #expect(elementType([.int, .string]) == "dyn")
        #expect(elementType([.int, .dyn]) == "dyn")
        #expect(elementType([.dyn, .int]) == "dyn")
        #expect(elementType([.int, .double, .string]) == "dyn")
        // [[], [[]], [[[]]], [[[[]]]]] and another order.
        let nested = [
            emptyList("A"), .list(emptyList("B")), .list(.list(emptyList("C"))), .list(.list(.list(emptyList("D")))),
        ]
        #expect(elementType(nested) == "list(list(list(list(dyn))))")
        #expect(elementType([nested[3], nested[0], nested[2]]) == "list(list(list(list(dyn))))")
        // Wrappers.
        #expect(elementType([wrapper, .int]) == "wrapper(int)")
        #expect(elementType([.int, wrapper]) == "wrapper(int)")
        #expect(elementType([wrapper, .int, .dyn]) == "dyn")
        #expect(elementType([.dyn, wrapper, .int]) == "dyn")
        #expect(elementType([wrapper, .wrapper(.string)]) == "dyn")
        #expect(elementType([wrapper, .null]) == "wrapper(int)")
        #expect(elementType([.null, wrapper]) == "wrapper(int)")
        // Optionals.
        #expect(elementType([.optional(.typeParameter("T")), .optional(.int)]) == "optional_type(int)")
        #expect(elementType([.optional(.int), .optional(.typeParameter("T"))]) == "optional_type(int)")
        #expect(elementType([.optional(.int), .optional(.dyn)]) == "optional_type(dyn)")
        #expect(elementType([.optional(.dyn), .optional(.int)]) == "optional_type(dyn)")
        // Legacy nullable types.
        #expect(elementType([.message("a.B"), .null]) == "a.B")
        #expect(elementType([.duration, .null]) == "google.protobuf.Duration")
        #expect(elementType([.timestamp, .null]) == "google.protobuf.Timestamp")
        #expect(elementType([.optional(.int), .null]) == "optional_type(int)")
        #expect(elementType([.int, .null]) == "dyn")
        // Tuples of dyn are more general.
        let tuple = { (types: [CELType]) in CELType.abstract(name: "tuple", parameters: types) }
        #expect(elementType([tuple([.int, .uint, .double]), tuple([.dyn, .dyn, .dyn])]) == "tuple(dyn, dyn, dyn)")
        // Error absorbs.
        #expect(elementType([.int, .error]) == "*error*")
        // Maps join key and value separately.
        #expect(elementType([.map(.string, .int), .map(.string, .dyn)]) == "map(string, dyn)")
    }

    @Test("a join that fails leaves the substitution unchanged")
    func failedJoin() {
        var substitution = TypeSubstitution()
        let joined = CELType.join(
            .map(.typeParameter("K"), .int),
            .map(.string, .string),
            substitution: &substitution
        )
        #expect(joined == .dyn)
        #expect(substitution.isEmpty)
    }
}

/// `#expect` for conditions that take `inout` arguments, which the macro cannot capture.
private func check(_ condition: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(condition, sourceLocation: sourceLocation)
}
