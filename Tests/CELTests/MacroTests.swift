import CEL
import Testing

@Suite("Macro expansion")
struct MacroTests {
    /// The comprehension a macro call expands into, or `nil` with an issue recorded.
    func comprehension(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Comprehension? {
        let result = Parser().parse(text)
        guard let parsed = result.parsed, case .comprehension(let c) = parsed.expr.kind else {
            Issue.record(
                "\(text) did not expand to a comprehension: \(result.diagnostics.rendered(in: result.source))",
                sourceLocation: sourceLocation
            )
            return nil
        }
        #expect(parsed.macroCalls[parsed.expr.id] != nil, "the macro call is recorded", sourceLocation: sourceLocation)
        return c
    }

    func text(_ expr: Expr) -> String { (try? Unparser().unparse(expr)) ?? "?" }

    @Test func has() {
        #expect(outline("has(a.b)") == "has b\n  ident a\n")
        #expect(outline("has(a.b.c)") == "has c\n  select b\n    ident a\n")
        expectDiagnostics("has(1️⃣a)", [.invalidMacro])
        expectDiagnostics("has(a1️⃣[0])", [.invalidMacro])
        // Not the macro: other arities, and receiver style.
        #expect(outline("has(a, b)") == "call has\n  ident a\n  ident b\n")
        #expect(outline("x.has(a.b)") == "call has\n  target: ident x\n  select b\n    ident a\n")
    }

    @Test func all() {
        guard let c = comprehension("list.all(x, x > 0)") else { return }
        #expect(c.iterVar == "x" && c.iterVar2 == nil && c.accuVar == "@result")
        #expect(text(c.iterRange) == "list")
        #expect(c.accuInit.kind == .literal(.bool(true)))
        #expect(outline("list.all(x, x > 0)").contains("condition: call @not_strictly_false\n"))
        guard case .call("_&&_", nil, let step) = c.loopStep.kind else {
            Issue.record("step is not _&&_")
            return
        }
        #expect(step[0].kind == .identifier("@result"))
        #expect(text(step[1]) == "x > 0")
    }

    @Test func exists() {
        guard let c = comprehension("list.exists(x, x > 0)") else { return }
        #expect(c.accuInit.kind == .literal(.bool(false)))
        guard case .call("@not_strictly_false", nil, let args) = c.loopCondition.kind,
            case .call("!_", nil, _) = args.first?.kind
        else {
            Issue.record("condition is not @not_strictly_false(!@result)")
            return
        }
        guard case .call("_||_", nil, _) = c.loopStep.kind else {
            Issue.record("step is not _||_")
            return
        }
    }

    @Test func existsOne() {
        for form in ["list.exists_one(x, x > 0)", "list.existsOne(x, x > 0)"] {
            guard let c = comprehension(form) else { continue }
            #expect(c.accuInit.kind == .literal(.int(0)))
            guard case .call("_==_", nil, let args) = c.result.kind else {
                Issue.record("result is not @result == 1")
                continue
            }
            #expect(args[1].kind == .literal(.int(1)))
        }
        guard let two = comprehension("m.existsOne(k, v, v > 0)") else { return }
        #expect(two.iterVar == "k" && two.iterVar2 == "v")
    }

    @Test func mapAndFilter() {
        guard let map = comprehension("list.map(x, x * 2)") else { return }
        #expect(map.accuInit.kind == .list(elements: [], optionalIndices: []))
        guard case .call("_+_", nil, let args) = map.loopStep.kind, case .list(let single, _) = args[1].kind else {
            Issue.record("map step is not @result + [t]")
            return
        }
        #expect(text(single[0]) == "x * 2")

        guard let filtered = comprehension("list.map(x, x > 1, x * 2)") else { return }
        guard case .call("_?_:_", nil, let branches) = filtered.loopStep.kind else {
            Issue.record("map with filter step is not a conditional")
            return
        }
        #expect(text(branches[0]) == "x > 1")
        #expect(branches[2].kind == .identifier("@result"))

        guard let filter = comprehension("list.filter(x, x > 1)") else { return }
        guard case .call("_?_:_", nil, let parts) = filter.loopStep.kind,
            case .call("_+_", nil, let add) = parts[1].kind,
            case .list(let kept, _) = add[1].kind
        else {
            Issue.record("filter step is not p ? @result + [x] : @result")
            return
        }
        #expect(kept[0].kind == .identifier("x"))
    }

    @Test func twoVariableForms() {
        for form in [
            "m.all(k, v, v > 0)", "m.exists(k, v, v > 0)", "l.transformList(i, v, v * i)",
            "l.transformList(i, v, i > 0, v)",
        ] {
            guard let c = comprehension(form) else { continue }
            #expect(c.iterVar2 != nil, "\(form)")
        }
        guard let map = comprehension("m.transformMap(k, v, v + 1)") else { return }
        #expect(map.accuInit.kind == .map(entries: []))
        guard case .call("cel.@mapInsert", nil, let args) = map.loopStep.kind else {
            Issue.record("transformMap step is not cel.@mapInsert")
            return
        }
        #expect(args.count == 3)
        guard let entry = comprehension("m.transformMapEntry(k, v, {k: v})") else { return }
        guard case .call("cel.@mapInsert", nil, let entryArgs) = entry.loopStep.kind else {
            Issue.record("transformMapEntry step is not cel.@mapInsert")
            return
        }
        #expect(entryArgs.count == 2)
        _ = comprehension("m.transformMap(k, v, k != 'a', v + 1)")
        _ = comprehension("m.transformMapEntry(k, v, k != 'a', {v: k})")
    }

    @Test func bind() {
        guard let c = comprehension("cel.bind(x, 1 + 2, x * x)") else { return }
        #expect(c.accuVar == "x")
        #expect(text(c.accuInit) == "1 + 2")
        #expect(c.loopCondition.kind == .literal(.bool(false)))
        #expect(text(c.result) == "x * x")
        // Only on the `cel` namespace.
        #expect(outline("other.bind(x, 1, x)").hasPrefix("call bind\n"))
    }

    @Test func optionalMaps() {
        let map = outline("o.optMap(v, v + 1)")
        #expect(
            map.hasPrefix(
                "call _?_:_\n  call hasValue\n    target: ident o\n  call optional.of\n    comprehension (#unused) accumulator v\n"
            )
        )
        let flat = outline("o.optFlatMap(v, f(v))")
        #expect(
            flat.hasPrefix(
                "call _?_:_\n  call hasValue\n    target: ident o\n  comprehension (#unused) accumulator v\n"
            )
        )
        #expect(flat.contains("call optional.none\n"))
    }

    @Test func sortBy() {
        // A name is used twice: as the list and as the range of the keys.
        #expect(
            outline("l.sortBy(x, x.k)") == """
                call @sortByAssociatedKeys
                  ident l
                  comprehension (x) accumulator @result
                    range: ident l
                    init: list
                    condition: literal true
                    step: call _+_
                      ident @result
                      list
                        select k
                          ident x
                    result: ident @result

                """
        )
        // Any other target is bound first, so that it is evaluated once.
        let bound = outline("f().sortBy(x, -x)")
        #expect(bound.hasPrefix("comprehension (#unused) accumulator @sortBy\n  range: list\n  init: call f\n"))
        #expect(bound.contains("  result: call @sortByAssociatedKeys\n    ident @sortBy\n"))
        #expect(normalized("f().sortBy(x, -x)") == "f().sortBy(x, -x)")
        expectDiagnostics("l.sortBy(x1️⃣.y, 1)", [.invalidMacro])
        // Not the macro: other arities.
        #expect(outline("l.sortBy(x)").hasPrefix("call sortBy\n"))
    }

    @Test func block() {
        #expect(
            outline("cel.block([1, cel.index(0) + 1], cel.index(1))") == """
                call cel.@block
                  list
                    literal 1
                    call _+_
                      ident @index0
                      literal 1
                  ident @index1

                """
        )
        #expect(
            outline("[1].exists(cel.iterVar(0, 1), cel.iterVar(0, 1) > cel.accuVar(0, 1))").contains(
                "comprehension (@it:0:1) accumulator @result"
            )
        )
        expectDiagnostics("cel.block(1️⃣x, 1)", [.invalidMacro])
        expectDiagnostics("cel.index(1️⃣-1)", [.invalidMacro])
        expectDiagnostics("cel.iterVar(0, 1️⃣'a')", [.invalidMacro])
    }

    @Test func invalidVariables() {
        expectDiagnostics("l.all(1️⃣1, true)", [.invalidMacro])
        expectDiagnostics("l.exists(a1️⃣.b, true)", [.invalidMacro])
        expectDiagnostics("l.map(1️⃣.x, x)", [.invalidMacro])
        expectDiagnostics("m.all(k, 1️⃣k, true)", [.invalidMacro])
        expectDiagnostics("cel.bind(1️⃣f(), 1, 2)", [.invalidMacro])
        expectDiagnostics("o.optMap(1️⃣'v', v)", [.invalidMacro])
    }

    @Test func macrosCanBeTurnedOff() {
        #expect(outline("has(a.b)", macros: false) == "call has\n  select b\n    ident a\n")
        #expect(outline("l.all(x, x)", macros: false) == "call all\n  target: ident l\n  ident x\n  ident x\n")
        #expect(outline("cel.bind(x, 1, x)", macros: false).hasPrefix("call bind\n"))
        #expect(outline("l.all(1, 2)", macros: false).hasPrefix("call all\n"))
    }

    @Test func nestedMacrosKeepTheirRecords() {
        let text = "l.map(x, x.filter(y, y > 0).exists(z, has(z.f)))"
        #expect(normalized(text) == text)
        // The same target is not shared between the two places optMap uses it: ids stay unique.
        #expect(normalized("a.b.optMap(v, v)") == "a.b.optMap(v, v)")
    }
}
