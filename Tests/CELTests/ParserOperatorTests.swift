import CEL
import Testing

@Suite("Parser: operators, precedence and associativity")
struct ParserOperatorTests {
    /// The tree written with explicit parentheses around every operator application.
    func grouped(_ text: String) -> String {
        let result = Parser().parse(text)
        guard let parsed = result.parsed else { return "ERROR " + result.diagnostics.rendered(in: result.source) }
        return render(parsed.expr)
    }

    func render(_ expr: Expr) -> String {
        switch expr.kind {
        case .call(let function, nil, let arguments)
        where function.hasPrefix("_") || function.hasSuffix("_") || function == "@in":
            return "\(function)(" + arguments.map(render).joined(separator: ", ") + ")"
        case .literal(let value): return value.celText
        case .identifier(let name): return name
        default: return (try? Unparser().unparse(expr)) ?? "?"
        }
    }

    @Test func precedenceLevels() {
        #expect(grouped("a || b && c") == "_||_(a, _&&_(b, c))")
        #expect(grouped("a && b == c") == "_&&_(a, _==_(b, c))")
        #expect(grouped("a == b + c") == "_==_(a, _+_(b, c))")
        #expect(grouped("a + b * c") == "_+_(a, _*_(b, c))")
        #expect(grouped("a * -b") == "_*_(a, -_(b))")
        #expect(grouped("!a && b") == "_&&_(!_(a), b)")
        #expect(grouped("a < b in c") == "@in(_<_(a, b), c)")
        #expect(grouped("a ? b : c || d") == "_?_:_(a, b, _||_(c, d))")
    }

    @Test func leftAssociativity() {
        #expect(grouped("a - b - c") == "_-_(_-_(a, b), c)")
        #expect(grouped("a / b % c * d") == "_*_(_%_(_/_(a, b), c), d)")
        #expect(grouped("a || b || c") == "_||_(_||_(a, b), c)")
        #expect(grouped("a == b != c") == "_!=_(_==_(a, b), c)")
    }

    @Test func conditionalIsRightAssociative() {
        #expect(grouped("a ? b : c ? d : e") == "_?_:_(a, b, _?_:_(c, d, e))")
        #expect(grouped("(a ? b : c) ? d : e") == "_?_:_(_?_:_(a, b, c), d, e)")
    }

    @Test func everyRelationOperator() {
        for (symbol, function) in [
            ("<", "_<_"), ("<=", "_<=_"), (">", "_>_"), (">=", "_>=_"), ("==", "_==_"), ("!=", "_!=_"), ("in", "@in"),
        ] {
            #expect(grouped("a \(symbol) b") == "\(function)(a, b)")
        }
    }

    @Test func unaryOperators() {
        #expect(grouped("!!a") == "!_(!_(a))")
        #expect(grouped("--a") == "-_(-_(a))")
        #expect(grouped("-(1)") == "-_(1)")
        #expect(grouped("--1") == "-_(-1)")
        #expect(grouped("-1u") == "-_(1u)")
        // The minus binds to the call, not to the literal, when a member follows.
        #expect(outline("-1.size()").hasPrefix("call -_\n"))
        // The grammar allows only one kind of unary operator in a row.
        expectDiagnostics("!1️⃣-a", [.syntaxError])
        expectDiagnostics("-1️⃣!a", [.syntaxError])
    }

    @Test func operatorPositionsAreTheOperators() {
        let parsed = Parser().parse("a.b == 1").parsed
        #expect(parsed?.expr.offset == 4)
        let ternary = Parser().parse("x ? y : z").parsed
        #expect(ternary?.expr.offset == 2)
    }

    @Test func missingOperands() {
        expectDiagnostics("a +1️⃣", [.syntaxError])
        expectDiagnostics("1️⃣* b", [.syntaxError])
        expectDiagnostics("a ? b 1️⃣", [.syntaxError])
        expectDiagnostics("a ? b : 1️⃣", [.syntaxError])
        expectDiagnostics("a 1️⃣b", [.syntaxError])
    }
}

@Suite("Parser: members, calls and aggregates")
struct ParserMemberTests {
    @Test func selectionAndIndex() {
        #expect(outline("a.b.c") == "select c\n  select b\n    ident a\n")
        #expect(outline("a[0]") == "call _[_]\n  ident a\n  literal 0\n")
        #expect(
            outline("a[b][c].d") == "select d\n  call _[_]\n    call _[_]\n      ident a\n      ident b\n    ident c\n"
        )
        #expect(normalized("(a + b).c") == "(a + b).c")
    }

    @Test func calls() {
        #expect(outline("f()") == "call f\n")
        #expect(outline("f(1, 2)") == "call f\n  literal 1\n  literal 2\n")
        #expect(outline("a.f(1)") == "call f\n  target: ident a\n  literal 1\n")
        #expect(outline("a.b.f()") == "call f\n  target: select b\n    ident a\n")
        #expect(outline("pkg.f(1)") == "call f\n  target: ident pkg\n  literal 1\n")
        #expect(outline(".f(1)") == "call .f\n  literal 1\n")
        expectDiagnostics("f(1,1️⃣)", [.syntaxError])
        expectDiagnostics("f(1 1️⃣2)", [.syntaxError])
        expectDiagnostics("f(11️⃣", [.syntaxError])
    }

    @Test func leadingDot() {
        #expect(outline(".a") == "ident .a\n")
        #expect(outline(".a.b") == "select b\n  ident .a\n")
        expectDiagnostics("1️⃣.", [.syntaxError])
        expectDiagnostics("1️⃣.(a)", [.syntaxError])
    }

    @Test func lists() {
        #expect(outline("[]") == "list\n")
        #expect(outline("[1, 2,]") == "list\n  literal 1\n  literal 2\n")
        #expect(outline("[[1], []]") == "list\n  list\n    literal 1\n  list\n")
        expectDiagnostics("[1, 1️⃣,]", [.syntaxError])
        expectDiagnostics("[1 1️⃣2]", [.syntaxError])
        expectDiagnostics("[11️⃣", [.syntaxError])
    }

    @Test func maps() {
        #expect(outline("{}") == "map\n")
        #expect(
            outline("{'a': 1, 2: b,}")
                == "map\n  entry\n    key: literal \"a\"\n    value: literal 1\n  entry\n    key: literal 2\n    value: ident b\n"
        )
        expectDiagnostics("{'a' 1️⃣1}", [.syntaxError])
        expectDiagnostics("{'a': 1️⃣}", [.syntaxError])
        expectDiagnostics("{'a': 1, 1️⃣:2}", [.syntaxError])
    }

    @Test func messages() {
        #expect(outline("Msg{}") == "message Msg\n")
        #expect(outline("a.b.Msg{f: 1, g: 'x',}") == "message a.b.Msg\n  f: literal 1\n  g: literal \"x\"\n")
        #expect(outline(".a.Msg{f: 1}") == "message .a.Msg\n  f: literal 1\n")
        #expect(outline("Msg{`f-g`: 1}") == "message Msg\n  f-g: literal 1\n")
        #expect(outline("Msg{f: 1}.f") == "select f\n  message Msg\n    f: literal 1\n")
        // Only a qualified name can be a message type.
        expectDiagnostics("a.f()1️⃣{}", [.syntaxError])
        expectDiagnostics("Msg{1️⃣1: 2}", [.syntaxError])
        expectDiagnostics("Msg{f 1️⃣1}", [.syntaxError])
    }

    @Test func reservedWords() {
        // Reserved words are fine as fields, receiver functions and message fields ...
        for word in [
            "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
            "namespace", "return", "var", "void", "while",
        ] {
            #expect(Parser().parse("a.\(word)").parsed != nil, "a.\(word)")
            #expect(Parser().parse("a.\(word)()").parsed != nil, "a.\(word)()")
            #expect(Parser().parse("Msg{\(word): 1}").parsed != nil, "Msg{\(word): 1}")
            // ... but not identifiers or global functions.
            expectDiagnostics("1️⃣\(word)", [.reservedIdentifier])
            expectDiagnostics("1️⃣\(word)(1)", [.reservedIdentifier])
        }
    }

    @Test func keywordsAreNeverNames() {
        expectDiagnostics("a.1️⃣in", [.syntaxError])
        expectDiagnostics("a.1️⃣true()", [.syntaxError])
        expectDiagnostics("Msg{1️⃣null: 1}", [.syntaxError])
        #expect(outline("a.`in`") == "select in\n  ident a\n")
    }

    @Test func optionalSyntax() {
        #expect(outline("a.?b") == "call _?._\n  ident a\n  literal \"b\"\n")
        #expect(outline("a[?b]") == "call _[?_]\n  ident a\n  ident b\n")
        #expect(outline("[?a, b]") == "list\n  ?: ident a\n  ident b\n")
        #expect(outline("{?'k': v}") == "map\n  ?entry\n    key: literal \"k\"\n    value: ident v\n")
        #expect(outline("Msg{?f: v}") == "message Msg\n  ?f: ident v\n")
        #expect(outline("a.?`b-c`") == "call _?._\n  ident a\n  literal \"b-c\"\n")
        expectDiagnostics("a.?1️⃣(b)", [.syntaxError])
    }

    @Test func idsAreUniqueAndOffsetsPointIntoTheSource() {
        let text = "[1, {'a': m.f(x)}, Msg{g: y}].exists(v, has(v.z) && v[?0] == 'q')"
        guard let parsed = Parser().parse(text).parsed else {
            Issue.record("did not parse")
            return
        }
        var ids: [ExprID] = []
        var offsets: [Int32] = []
        func walk(_ e: Expr) {
            ids.append(e.id)
            offsets.append(e.offset)
            switch e.kind {
            case .error, .literal, .identifier: break
            case .select(let operand, _, _): walk(operand)
            case .call(_, let target, let arguments):
                if let target { walk(target) }
                arguments.forEach(walk)
            case .list(let elements, _): elements.forEach(walk)
            case .map(let entries):
                for entry in entries {
                    ids.append(entry.id)
                    walk(entry.key)
                    walk(entry.value)
                }
            case .message(_, let fields):
                for field in fields {
                    ids.append(field.id)
                    walk(field.value)
                }
            case .comprehension(let c):
                [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].forEach(walk)
            }
        }
        walk(parsed.expr)
        #expect(Set(ids).count == ids.count)
        #expect(offsets.allSatisfy { $0 >= 0 && Int($0) < text.utf8.count })
    }
}
