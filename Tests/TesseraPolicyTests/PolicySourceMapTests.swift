import Testing

@testable import TesseraPolicy

/// CEL offsets inside expressions map to the YAML file's line and column, for every scalar style.
@Suite("Policy source map")
struct PolicySourceMapTests {
    /// The file position of the first occurrence of `needle` in the value of `field`.
    private func position(_ yaml: String, _ field: String, _ value: String, _ needle: String) throws -> FilePosition? {
        let map = try PolicySourceMap(file: "p.yaml", text: yaml)
        let bytes = Array(value.utf8)
        let target = Array(needle.utf8)
        guard
            let offset = (0...(bytes.count - target.count)).first(where: {
                Array(bytes[$0..<$0 + target.count]) == target
            })
        else { return nil }
        return map.position(field: field, offset: offset)
    }

    @Test("plain, single- and double-quoted scalars")
    func flowScalars() throws {
        let yaml = """
            name: p
            rules:
              plain: input.a == 1 && input.b
              single: 'input.name == ''it''s'' && input.x'
              double: "input.s == \\"a\\\\tb\\" && input.y"
            decision: allow
            """
        #expect(
            try position(yaml, "rules.plain", "input.a == 1 && input.b", "input.b") == FilePosition(line: 3, column: 26)
        )
        #expect(
            try position(yaml, "rules.single", "input.name == 'it's' && input.x", "input.x")
                == FilePosition(line: 4, column: 39)
        )
        #expect(
            try position(yaml, "rules.double", "input.s == \"a\\tb\" && input.y", "input.y")
                == FilePosition(line: 5, column: 36)
        )
        #expect(try position(yaml, "decision", "allow", "allow") == FilePosition(line: 6, column: 11))
    }

    @Test("a plain scalar folded over two lines")
    func foldedPlain() throws {
        let yaml = """
            name: p
            decision: input.a
              && input.b
            """
        #expect(try position(yaml, "decision", "input.a && input.b", "input.b") == FilePosition(line: 3, column: 6))
    }

    @Test("literal and folded block scalars start on the next line at the block's indentation")
    func blockScalars() throws {
        let yaml = """
            name: p
            variables:
              table: |
                {
                  'a': [1, 2],
                  'b': [3]
                }
            decision: >-
              table.a
              + table.b
            """
        let table = "{\n  'a': [1, 2],\n  'b': [3]\n}\n"
        #expect(try position(yaml, "variables.table", table, "'b'") == FilePosition(line: 6, column: 7))
        #expect(try position(yaml, "variables.table", table, "{") == FilePosition(line: 4, column: 5))
        #expect(try position(yaml, "decision", "table.a + table.b", "table.b") == FilePosition(line: 10, column: 5))
    }

    @Test("keys, and lines of the file")
    func keys() throws {
        let map = try PolicySourceMap(file: "p.yaml", text: "name: p\nrules:\n  allow: 'true'\ndecision: allow\n")
        #expect(map.keyPosition(field: "rules.allow") == FilePosition(line: 3, column: 3))
        #expect(map.valuePosition(field: "rules.allow") == FilePosition(line: 3, column: 10))
        #expect(map.line(3) == "  allow: 'true'")
        #expect(map.keyPosition(field: "rules.nosuch") == nil)
    }

    @Test("a YAML syntax error has its position")
    func syntaxError() {
        #expect(throws: PolicySourceMap.SyntaxError.self) {
            try PolicySourceMap(file: "p.yaml", text: "name: p\ndecision: 'unterminated\n")
        }
        do {
            _ = try PolicySourceMap(file: "p.yaml", text: "name: [p\n")
        } catch {
            #expect(error.position.line >= 1)
        }
    }

    @Test("non-ASCII text before the expression counts in Unicode scalars")
    func unicode() throws {
        let yaml = "name: p\ndecision: \"'héllo' + x\"\n"
        #expect(try position(yaml, "decision", "'héllo' + x", "x") == FilePosition(line: 2, column: 22))
        let escaped = "name: p\ndecision: \"'\\u00e9\\t' + x\"\n"
        #expect(try position(escaped, "decision", "'é\t' + x", "x") == FilePosition(line: 2, column: 25))
    }
}
