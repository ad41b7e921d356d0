import CEL
import Testing

/// The checker's declaration tables against each other and against the runtime library.
@Suite("Declarations")
struct DeclarationTests {
    private static let all = Declarations.standard.merging(Declarations.extensions)

    /// Functions the planner implements itself, with no entry in `Library.all.functions` needed
    /// (short-circuiting logic, equality, indexing, optional selection, membership, blocks, and the
    /// lazy `or` / `orValue` of optionals).
    private static let plannerFunctions: Set<String> = [
        "_&&_", "_||_", "_?_:_", "@not_strictly_false", "_==_", "_!=_", "_[_]", "_[?_]", "_?._", "cel.@block",
        "@in", "or", "orValue",
    ]

    private static var overloads: [(function: String, overload: OverloadDeclaration)] {
        all.functions.values.flatMap { function in function.overloads.map { (function.name, $0) } }
            .sorted { $0.overload.id < $1.overload.id }
    }

    @Test func overloadIdsAreUnique() {
        var seen: [String: String] = [:]
        for (function, overload) in Self.overloads {
            if let other = seen[overload.id] {
                Issue.record("overload id \(overload.id) is used by \(other) and \(function)")
            }
            seen[overload.id] = function
        }
        #expect(seen.count > 300)
    }

    @Test func everyOverloadHasARuntimeImplementation() {
        let functions = Library.all.functions
        var missing: [String] = []
        for (function, overload) in Self.overloads where !Self.plannerFunctions.contains(function) {
            let key = FunctionKey(
                name: function,
                isReceiverCall: overload.isReceiverStyle,
                arity: overload.parameters.count
            )
            if functions[key] == nil { missing.append("\(function) \(overload.id)") }
        }
        if !missing.isEmpty { print("Declared without a runtime implementation:\n" + missing.joined(separator: "\n")) }
        #expect(missing.isEmpty)
    }

    @Test func everyRuntimeFunctionIsDeclared() {
        var missing: [String] = []
        for key in Library.all.functions.keys {
            let declared =
                Self.all.functions[key.name]?.overloads.contains {
                    $0.isReceiverStyle == key.isReceiverCall && $0.parameters.count == key.arity
                } ?? false
            if !declared {
                missing.append("\(key.name) (\(key.isReceiverCall ? "receiver" : "global"), arity \(key.arity))")
            }
        }
        missing.sort()
        if !missing.isEmpty { print("Runtime functions without a declaration:\n" + missing.joined(separator: "\n")) }
        #expect(missing.isEmpty)
    }

    @Test func plannerFunctionsAreDeclared() {
        for name in Self.plannerFunctions where name != "cel.@block" {
            #expect(Self.all.functions[name] != nil, "\(name) is not declared")
        }
        #expect(Self.all.functions["cel.@block"] == nil)
    }

    @Test func typeParametersAreCollected() throws {
        let equals = try #require(Self.all.functions["_==_"]?.overloads.first)
        #expect(equals.id == "equals")
        #expect(equals.parameters == [.typeParameter("A"), .typeParameter("A")])
        #expect(equals.typeParameters == ["A"])
        let index = try #require(Self.all.functions["_[_]"]?.overloads.first { $0.id == "index_map" })
        #expect(index.parameters == [.map(.typeParameter("A"), .typeParameter("B")), .typeParameter("A")])
        #expect(index.result == .typeParameter("B"))
        #expect(index.typeParameters == ["A", "B"])
        let none = try #require(Self.all.functions["optional.none"]?.overloads.first)
        #expect(none.parameters.isEmpty)
        #expect(none.result == .optional(.typeParameter("A")))
        #expect(none.typeParameters == ["A"])
    }

    @Test func signaturesFollowLangdef() throws {
        func overload(_ function: String, _ id: String) throws -> OverloadDeclaration {
            try #require(Self.all.functions[function]?.overloads.first { $0.id == id }, "\(function) \(id)")
        }
        let sizeReceiver = try overload("size", "string_size")
        #expect(sizeReceiver.isReceiverStyle)
        #expect(sizeReceiver.parameters == [.string] && sizeReceiver.result == .int)
        #expect(try !overload("size", "size_string").isReceiverStyle)
        let heterogeneous = try overload("_<_", "less_int64_uint64")
        #expect(heterogeneous.parameters == [.int, .uint] && heterogeneous.result == .bool)
        let year = try overload("getFullYear", "timestamp_to_year_with_tz")
        #expect(year.isReceiverStyle && year.parameters == [.timestamp, .string])
        #expect(try overload("_-_", "subtract_timestamp_timestamp").result == .duration)
        #expect(try overload("type", "type").result == .type(.typeParameter("A")))
        #expect(try overload("dyn", "to_dyn").result == .dyn)
        #expect(try overload("int", "timestamp_to_int64").parameters == [.timestamp])
        #expect(try overload("ip", "cidr_ip").result == .abstract(name: "net.IP", parameters: []))
        #expect(try overload("math.greatest", "math_greatest_int_double").result == .dyn)
        #expect(try overload("math.greatest", "math_greatest_list_uint").result == .uint)
        // No overload of a function shadows another: same style, same parameter types.
        for function in Self.all.functions.values {
            var signatures: Set<[String]> = []
            for overload in function.overloads {
                let signature = ["\(overload.isReceiverStyle)"] + overload.parameters.map(\.description)
                #expect(signatures.insert(signature).inserted, "\(function.name) \(overload.id) repeats a signature")
            }
        }
    }
}
