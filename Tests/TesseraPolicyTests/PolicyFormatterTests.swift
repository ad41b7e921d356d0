import CEL
import Testing

@testable import TesseraPolicy

/// `tessera fmt`'s logic: expressions in the unparser's form, the rest of the file untouched.
@Suite("Policy formatter")
struct PolicyFormatterTests {
    private func format(_ text: String) throws -> String {
        try PolicyFormatter.format(text, file: "p.yaml")
    }

    @Test("plain and quoted scalars are normalized in place; comments and other keys stay")
    func flowScalars() throws {
        let text = """
            # The access policy.
            name: p   # its path
            variables:
              role: "input.?role.orValue('')"   # the caller's role
              n:   input.n+1
            rules:
              allow: 'role=="admin" &&n>2'
            messages:
              allow: only admins
            decision: allow
            default: {allow: false}
            """
        #expect(
            try format(text) == """
                # The access policy.
                name: p   # its path
                variables:
                  role: input.?role.orValue("")   # the caller's role
                  n:   input.n + 1
                rules:
                  allow: 'role == "admin" && n > 2'
                messages:
                  allow: only admins
                decision: allow
                default: {allow: false}
                """
        )
    }

    @Test("block scalars stay block scalars, laid out over lines")
    func blockScalars() throws {
        let text = """
            name: p
            variables:
              tier: |
                input.tier == 'a' ? 'trusted' : input.tier == 'b' ? 'semi-trusted' : input.tier == 'c' ? 'untrusted' : ''
              table: |
                {'trusted': ['filesystem', 'database', 'api', 'shell', 'network'], 'semi-trusted': ['filesystem', 'database', 'api']}
            rules:
              known: tier in table
            decision: |-
              {'allow': known && input.tool in table[tier], 'reasons': known ? [] : ['the agent has no known trust tier, with a long message'] + ['and another one']}
            """
        let formatted = try format(text)
        #expect(
            formatted == """
                name: p
                variables:
                  tier: |
                    input.tier == "a" ? "trusted" :
                    input.tier == "b" ? "semi-trusted" :
                    input.tier == "c" ? "untrusted" :
                    ""
                  table: |
                    {
                      "trusted": ["filesystem", "database", "api", "shell", "network"],
                      "semi-trusted": ["filesystem", "database", "api"]
                    }
                rules:
                  known: tier in table
                decision: |-
                  {
                    "allow": known && input.tool in table[tier],
                    "reasons": known ? [] :
                      ["the agent has no known trust tier, with a long message"] + ["and another one"]
                  }
                """
        )
        #expect(try format(formatted) == formatted)
    }

    @Test("a formatted file is left as it is; files that do not compile are refused")
    func idempotentAndSafe() throws {
        let clean = "name: p\nrules:\n  allow: input.a == 1\ndecision: allow\n"
        #expect(try format(clean) == clean)
        #expect(throws: PolicyFormatter.Failure.self) { try format("name: p\ndecision: input.a ==\n") }
        #expect(throws: PolicyFormatter.Failure.self) { try format("name: p\ndecision: nosuch\n") }
    }

    @Test("expressions with comments are left alone")
    func comments() throws {
        let text = "name: p\ndecision: |\n  input.a==1 // the a\n  && input.b\n"
        #expect(try format(text) == text)
        let url = try #require(Parser().parse("'http://x'").parsed)
        #expect(!PolicyFormatter.hasComment("'http://x'", url.expr))
    }

    @Test("the shipped policies format to files that compile to the same expressions")
    func shipped() throws {
        for path in try PolicyFiles.find([ShippedPolicyTests.directory], kind: .policies) {
            let text = try #require(PolicyFiles.read(path))
            let formatted = try PolicyFormatter.format(text, file: path)
            #expect(try PolicyFormatter.format(formatted, file: path) == formatted, "\(path)")
            _ = try PolicySet.compile(files: [(path, formatted)])
        }
    }
}
