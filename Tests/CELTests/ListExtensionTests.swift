import CEL
import Testing

/// Whether `text` evaluates to `true`.
private func holds(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    let result = evaluate(text)
    guard case .bool(true) = result else {
        Issue.record("\(text) evaluated to \(result)", sourceLocation: sourceLocation)
        return false
    }
    return true
}

/// The message of the error `text` evaluates to, or `nil` when it is not an error.
private func errorMessage(_ text: String) -> String? {
    guard case .error(let error) = evaluate(text) else { return nil }
    return error.message
}

@Suite("Lists extension")
struct ListExtensionTests {
    @Test func slice() {
        #expect(holds("[1, 2, 3, 4].slice(1, 3) == [2, 3]"))
        #expect(holds("[1, 2, 3, 4].slice(2, 4) == [3, 4]"))
        #expect(holds("[1, 2, 3, 4].slice(0, 0) == []"))
        #expect(holds("[1, 2, 3, 4].slice(4, 4) == []"))
        #expect(holds("[].slice(0, 0) == []"))
    }

    @Test func sliceErrors() {
        #expect(errorMessage("[1, 2].slice(-1, 1)")?.contains("negative indexes not supported") == true)
        #expect(errorMessage("[1, 2].slice(0, -1)")?.contains("negative indexes not supported") == true)
        #expect(errorMessage("[1, 2].slice(2, 1)")?.contains("start index must be less than or equal") == true)
        #expect(errorMessage("[1, 2].slice(0, 3)")?.contains("list is length 2") == true)
        #expect(isError(evaluate("[1, 2].slice(0u, 1u)")))
        #expect(isError(evaluate("dyn({}).slice(0, 1)")))
    }

    @Test func flatten() {
        #expect(holds("[1, [2, 3], [4]].flatten() == [1, 2, 3, 4]"))
        #expect(holds("[1, [2, [3, 4]]].flatten() == [1, 2, [3, 4]]"))
        #expect(holds("[1, 2, [], [], [3, 4]].flatten() == [1, 2, 3, 4]"))
        #expect(holds("[1, [2, [3, [4]]]].flatten(2) == [1, 2, 3, [4]]"))
        #expect(holds("[1, [2, [3, [4]]]].flatten(0) == [1, [2, [3, [4]]]]"))
        #expect(holds("[1, [2, [3, [4]]]].flatten(100) == [1, 2, 3, 4]"))
        #expect(holds("[{'a': [1]}].flatten() == [{'a': [1]}]"))
        #expect(errorMessage("[1, [2]].flatten(-1)")?.contains("non-negative") == true)
        #expect(isError(evaluate("dyn('ab').flatten()")))
    }

    @Test func sort() {
        #expect(holds("[3, 2, 1].sort() == [1, 2, 3]"))
        #expect(holds("['b', 'c', 'a'].sort() == ['a', 'b', 'c']"))
        #expect(holds("[3u, 1u].sort() == [1u, 3u]"))
        #expect(holds("[2.5, -1.0, 0.0].sort() == [-1.0, 0.0, 2.5]"))
        #expect(holds("[true, false].sort() == [false, true]"))
        #expect(holds("[b'b', b'a', b'ab'].sort() == [b'a', b'ab', b'b']"))
        #expect(holds("[duration('2s'), duration('1s')].sort() == [duration('1s'), duration('2s')]"))
        #expect(
            holds(
                "[timestamp('2024-01-02T00:00:00Z'), timestamp('2024-01-01T00:00:00Z')].sort()[0] == timestamp('2024-01-01T00:00:00Z')"
            )
        )
        #expect(holds("[].sort() == []"))
        // Code points, not canonical equivalence: "é" (U+00E9) sorts after "e\u0301".
        #expect(holds("['\\u00e9', 'e\\u0301'].sort() == ['e\\u0301', '\\u00e9']"))
        // NaN sorts last, so the order is total.
        #expect(holds("[2.0, 0.0 / 0.0, 1.0].sort()[0] == 1.0"))
        #expect(holds("[2.0, 0.0 / 0.0, 1.0].sort()[2] != [2.0, 0.0 / 0.0, 1.0].sort()[2]"))
    }

    @Test func sortErrors() {
        #expect(errorMessage("[1, 'b'].sort()")?.contains("same type") == true)
        #expect(errorMessage("[1, 2.0].sort()")?.contains("same type") == true)
        #expect(errorMessage("[[1, 2, 3]].sort()")?.contains("not comparable") == true)
        #expect(errorMessage("[{}, {}].sort()")?.contains("not comparable") == true)
        #expect(errorMessage("[null].sort()")?.contains("not comparable") == true)
        #expect(isError(evaluate("dyn('cba').sort()")))
    }

    @Test func sortBy() {
        #expect(
            holds(
                """
                [{'name': 'foo', 'score': 0}, {'name': 'bar', 'score': -10}, {'name': 'baz', 'score': 1000}]
                    .sortBy(e, e.score).map(e, e.name) == ['bar', 'foo', 'baz']
                """
            )
        )
        #expect(holds("[3, 1, 2].sortBy(x, -x) == [3, 2, 1]"))
        // Stable: equal keys keep their order.
        #expect(holds("['bb', 'a', 'cc', 'd'].sortBy(s, size(s)) == ['a', 'd', 'bb', 'cc']"))
        // A target that is not a name is evaluated once, then sorted.
        #expect(holds("[1, 2, 3].map(x, x * 10).sortBy(x, -x) == [30, 20, 10]"))
        #expect(holds("[].sortBy(x, x) == []"))
        // Nested, with the same variable name.
        #expect(holds("[[2, 1], [0]].sortBy(x, x.sortBy(x, x)[0]) == [[0], [2, 1]]"))
        #expect(evaluate("l.sortBy(x, x)", ["l": .list([.int(2), .int(1)])]).description == "[1, 2]")
    }

    @Test func sortByErrors() {
        #expect(errorMessage("[1, 2].sortBy(x, x > 1 ? 'a' : 1)")?.contains("same type") == true)
        #expect(errorMessage("[1, 2].sortBy(x, [x])")?.contains("not comparable") == true)
        #expect(isError(evaluate("[1, 2].sortBy(x, 1 / 0)")))
        #expect(isError(evaluate("dyn({'a': 1}).sortBy(k, k)")))
    }

    @Test func distinct() {
        #expect(holds("[1, 2, 2, 3, 3, 3].distinct() == [1, 2, 3]"))
        #expect(holds("['b', 'b', 'c', 'a', 'c'].distinct() == ['b', 'c', 'a']"))
        #expect(holds("[1, 'b', 2, 'b'].distinct() == [1, 'b', 2]"))
        // CEL equality: 1, 1u and 1.0 are one element, and the first is kept.
        #expect(holds("[1, 1u, 1.0, 2u, 2].distinct() == [1, 2u]"))
        #expect(holds("type([1u, 1].distinct()[0]) == uint"))
        #expect(holds("[[1], [1.0], [1, 2], {'a': 1}, {'a': 1u}].distinct() == [[1], [1, 2], {'a': 1}]"))
        #expect(holds("[1.5, 1.5, b'x', b'x', null, null].distinct() == [1.5, b'x', null]"))
        #expect(holds("size([0.0 / 0.0, 0.0 / 0.0].distinct()) == 2"))
        #expect(holds("[].distinct() == []"))
        #expect(isError(evaluate("dyn('aa').distinct()")))
    }

    @Test func reverse() {
        #expect(holds("[5, 3, 1, 2].reverse() == [2, 1, 3, 5]"))
        #expect(holds("[].reverse() == []"))
        #expect(holds("[[1, 2]].reverse() == [[1, 2]]"))
        #expect(isError(evaluate("dyn({}).reverse()")))
        // The strings extension's `reverse` shares the name; both work.
        #expect(holds("'abc'.reverse() == 'cba'"))
        #expect(holds("dyn(['a', 'b']).reverse() == ['b', 'a']"))
    }

    @Test func range() {
        #expect(holds("lists.range(5) == [0, 1, 2, 3, 4]"))
        #expect(holds("lists.range(0) == []"))
        #expect(holds("lists.range(-3) == []"))
        #expect(holds("lists.range(3).map(i, i * i) == [0, 1, 4]"))
        #expect(errorMessage("lists.range(9223372036854775807)")?.contains("limit") == true)
        #expect(isError(evaluate("lists.range(dyn(2u))")))
    }

    @Test func firstAndLast() {
        #expect(holds("[1, 2, 3].first() == optional.of(1)"))
        #expect(holds("[1, 2, 3].last() == optional.of(3)"))
        #expect(holds("[].first() == optional.none()"))
        #expect(holds("![].last().hasValue()"))
        #expect(holds("[].first().orValue('empty') == 'empty'"))
        #expect(isError(evaluate("dyn('abc').first()")))
    }
}
