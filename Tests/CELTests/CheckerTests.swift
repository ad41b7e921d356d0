import CEL
import Testing

/// A small declaration set for the checker's own tests (the full standard tables are tested apart).
private let testDeclarations: Declarations = {
    var d = Declarations()
    let a = CELType.typeParameter("A")
    d.declare(Operators.equals, [OverloadDeclaration(id: "equals", parameters: [a, a], result: .bool)])
    d.declare(
        Operators.add,
        [
            OverloadDeclaration(id: "add_int64", parameters: [.int, .int], result: .int),
            OverloadDeclaration(id: "add_string", parameters: [.string, .string], result: .string),
            OverloadDeclaration(id: "add_list", parameters: [.list(a), .list(a)], result: .list(a)),
        ]
    )
    d.declare(
        Operators.logicalAnd,
        [OverloadDeclaration(id: "logical_and", parameters: [.bool, .bool], result: .bool)]
    )
    d.declare(Operators.logicalOr, [OverloadDeclaration(id: "logical_or", parameters: [.bool, .bool], result: .bool)])
    d.declare(Operators.logicalNot, [OverloadDeclaration(id: "logical_not", parameters: [.bool], result: .bool)])
    d.declare(
        Operators.notStrictlyFalse,
        [OverloadDeclaration(id: "not_strictly_false", parameters: [.bool], result: .bool)]
    )
    d.declare(
        Operators.conditional,
        [OverloadDeclaration(id: "conditional", parameters: [.bool, a, a], result: a)]
    )
    d.declare(Operators.greater, [OverloadDeclaration(id: "greater_int64", parameters: [.int, .int], result: .bool)])
    d.declare(
        "size",
        [
            OverloadDeclaration(id: "size_string", parameters: [.string], result: .int),
            OverloadDeclaration(id: "list_size", receiverStyle: true, parameters: [.list(a)], result: .int),
        ]
    )
    d.declare(
        "startsWith",
        [
            OverloadDeclaration(
                id: "starts_with_string",
                receiverStyle: true,
                parameters: [.string, .string],
                result: .bool
            )
        ]
    )
    d.declare(
        Operators.index,
        [
            OverloadDeclaration(id: "index_list", parameters: [.list(a), .int], result: a),
            OverloadDeclaration(
                id: "index_map",
                parameters: [.map(.typeParameter("K"), .typeParameter("V")), .typeParameter("K")],
                result: .typeParameter("V")
            ),
        ]
    )
    d.declare(Operators.in, [OverloadDeclaration(id: "in_list", parameters: [a, .list(a)], result: .bool)])
    d.declare("optional.of", [OverloadDeclaration(id: "optional_of", parameters: [a], result: .optional(a))])
    return d
}()

private func check(_ text: String, _ variables: [String: CELType] = [:]) -> CheckResult {
    var declarations = testDeclarations
    for (name, type) in variables { declarations.declare(variable: name, type: type) }
    guard let parsed = Parser().parse(text).parsed else { preconditionFailure("\(text) does not parse") }
    return Checker(declarations: declarations).check(parsed)
}

private func type(_ text: String, _ variables: [String: CELType] = [:]) -> String {
    let result = check(text, variables)
    guard let checked = result.checked else { return "ERROR " + result.diagnostics.rendered(in: result.source) }
    return checked.type.description
}

@Suite("Checker")
struct CheckerTests {
    @Test func literalsAndAggregates() {
        #expect(type("1") == "int")
        #expect(type("1u") == "uint")
        #expect(type("'a'") == "string")
        #expect(type("[1, 2]") == "list(int)")
        #expect(type("[1, 'a']") == "list(dyn)")
        #expect(type("{'a': 1}") == "map(string, int)")
        #expect(type("[]") == "list(dyn)")
        #expect(type("[[], [1]]") == "list(list(int))")
    }

    @Test func variablesAndSelection() {
        let request = CELType.map(.string, .map(.string, .string))
        #expect(type("request.auth.sub", ["request": .map(.string, .dyn)]) == "dyn")
        #expect(type("request.auth", ["request": request]) == "map(string, string)")
        #expect(type("has(request.auth)", ["request": request]) == "bool")
        #expect(type("a.b.c", ["a.b.c": .int]) == "int")
    }

    @Test func overloadsAndTypeParameters() {
        #expect(type("1 + 2") == "int")
        #expect(type("[1] + [2]") == "list(int)")
        #expect(type("x + 1", ["x": .dyn]) == "int")
        #expect(type("x + y", ["x": .dyn, "y": .dyn]) == "dyn")
        #expect(type("[1, 2][0]") == "int")
        #expect(type("{'a': true}['a']") == "bool")
        #expect(type("true ? 1 : 2") == "int")
        #expect(type("'abc'.startsWith('a')") == "bool")
        #expect(type("optional.of(1)") == "optional_type(int)")
        #expect(type("[1, 2].size()") == "int")
    }

    @Test func comprehensions() {
        #expect(type("[1, 2].all(x, x > 0)") == "bool")
        #expect(type("[1, 2].map(x, x + 1)") == "list(int)")
        #expect(type("[1, 2].map(x, 'a')") == "list(string)")
        #expect(type("[1, 2].filter(x, x > 1)") == "list(int)")
        #expect(type("{'a': 1}.exists(k, k == 'a')") == "bool")
        #expect(type("cel.bind(x, 1, x + 1)") == "int")
    }

    @Test func errorsWithPositions() {
        let mismatch = check(
            "request.auth.claims.sub == 1",
            ["request": .map(.string, .map(.string, .map(.string, .string)))]
        )
        #expect(mismatch.checked == nil)
        #expect(mismatch.diagnostics.map(\.code) == [.noMatchingOverload])
        #expect(mismatch.diagnostics.first?.range.lowerBound == 24)
        #expect(check("request.auth.claims.sub == 1", ["request": .map(.string, .dyn)]).checked != nil)

        let several = check("a + 1 == 'x' && b.size() > 0")
        #expect(several.diagnostics.map(\.code) == [.undeclaredReference, .undeclaredReference])
        #expect(several.diagnostics.map(\.range.lowerBound) == [0, 16])

        #expect(check("1 + 'a'").diagnostics.map(\.code) == [.noMatchingOverload])
        #expect(check("1.f").diagnostics.map(\.code) == [.typeMismatch])
        #expect(check("[1].all(x, x)").diagnostics.map(\.code) == [.noMatchingOverload])
        #expect(check("1.all(x, true)").diagnostics.map(\.code) == [.typeMismatch])
    }

    @Test func referencesNameOverloads() {
        guard let checked = check("1 + 2").checked else {
            Issue.record("did not check")
            return
        }
        #expect(
            checked.references[checked.parsed.expr.id] == .function(name: Operators.add, overloadIDs: ["add_int64"])
        )
    }
}
