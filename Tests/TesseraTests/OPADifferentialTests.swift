import CEL
import Foundation
import Testing

extension EndToEndTests {
    /// The shipped MCP trust-tier policies served by `tessera serve` against the same policies written in
    /// Rego (Testbed/rego) on the real OPA engine (Testbed/opa_server.py): every cell of both tables, tiers
    /// from SPIFFE IDs, unknown tiers and malformed input give the same answers on four paths.
    ///
    /// Whole documents are compared (`allow`, `tier`, `reasons`), since the Rego versions are written to
    /// produce the same shapes, including the CEL policies' `default` document where their evaluation
    /// fails. Intended differences, kept out of the corpus:
    /// - No input at all (`{}` as the body, or `"input": null`): OPA leaves `input` undefined, so every
    ///   rule is undefined and OPA answers `{"result": {}}` (and `{}` for `/allow`); Tessera evaluates
    ///   with `input` null and answers the policy's `default` document (a denial). The bindings behind
    ///   the reference server cannot tell null from no input, so both are left out.
    /// - `decision_id`: only Tessera has a decision log here; answers are compared by `result` alone.
    @Suite("e2e: OPA differential")
    struct OPADifferentialTests {
        static let tiers = ["trusted", "semi-trusted", "untrusted", "root", "", "Trusted"]
        static let operations = ["read", "write", "execute", "admin", "list", "delete"]
        static let tools = ["filesystem", "database", "api", "shell", "network", "email"]
        static let spiffeIDs = [
            "spiffe://example.org/agents/trusted/bot-1",
            "spiffe://example.org/agents/semi-trusted/research-bot",
            "spiffe://example.org/agents/untrusted/bot-2",
            "spiffe://example.org/workloads/api",
            "spiffe://example.org/agents/root/bot",
            "spiffe:///agents/trusted/bot",
            "spiffe://example.org/agents/trusted",
            "spiffe://a/b/agents/trusted/x",
            "http://example.org/agents/trusted/x",
            "xspiffe://example.org/agents/trusted/x",
        ]
        /// Inputs the tables do not cover: unknown or contradictory tiers, wrong types, missing fields,
        /// inputs that are not objects.
        static let malformed = [
            #"{"agent": {"spiffe_id": "spiffe://e.org/agents/untrusted/b", "trust_level": "trusted"}, "request": {"operation": "admin", "tool": "shell"}}"#,
            #"{"agent": {"spiffe_id": "spiffe://e.org/agents/trusted/b", "trust_level": null}, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": {"trust_level": 3}, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": {"trust_level": true}, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": {"trust_level": ["trusted"]}, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": {"spiffe_id": 7}, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": {"spiffe_id": {"id": "spiffe://e.org/agents/trusted/b"}}, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": {"trust_level": "trusted"}, "request": {"operation": 1, "tool": ["shell"]}}"#,
            #"{"agent": {"trust_level": "trusted"}, "request": {"operation": "read", "tool": 2.5}}"#,
            #"{"agent": {"trust_level": "trusted"}, "request": {"operation": null, "tool": null}}"#,
            #"{"agent": {"trust_level": "trusted"}, "request": {"tool": "shell"}}"#,
            #"{"agent": {"trust_level": "trusted"}, "request": {"operation": "read"}}"#,
            #"{"agent": {"trust_level": "trusted"}, "request": {}}"#,
            #"{"agent": {"trust_level": "trusted"}}"#,
            #"{"agent": {"trust_level": "trusted"}, "request": "read"}"#,
            #"{"agent": {"trust_level": "trusted"}, "request": null}"#,
            #"{"agent": {"trust_level": "trusted"}, "request": ["read", "filesystem"]}"#,
            #"{"agent": {"trust_level": "root"}, "request": "read"}"#,
            #"{"agent": "trusted", "request": "read"}"#,
            #"{"agent": "trusted", "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": null, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": 1, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": ["trusted"], "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": {}, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": {"trust_level": "trusted", "extra": {"nested": [1, 2, 3]}}, "request": {"operation": "read", "tool": "filesystem", "args": {"path": "/etc"}}}"#,
            #"{}"#,
            #"[]"#,
            #"["trusted", "read"]"#,
            #""trusted""#,
            #"42"#,
            #"true"#,
        ]
        static let paths = [
            "mcp/trust_boundaries", "mcp/trust_boundaries/allow", "mcp/tool_access", "mcp/tool_access/allow",
        ]

        /// Every input of the corpus, as JSON text.
        static func corpus() -> [String] {
            var inputs: [String] = []
            for tier in tiers {
                for operation in operations {
                    for tool in tools {
                        inputs.append(
                            #"{"agent": {"trust_level": "\#(tier)"}, "request": {"operation": "\#(operation)", "tool": "\#(tool)"}}"#
                        )
                    }
                }
            }
            for id in spiffeIDs {
                for operation in ["read", "list", "write"] {
                    for tool in tools {
                        inputs.append(
                            #"{"agent": {"spiffe_id": "\#(id)"}, "request": {"operation": "\#(operation)", "tool": "\#(tool)"}}"#
                        )
                    }
                }
            }
            return inputs + malformed
        }

        /// What one server answered for one input and path: the status and the `result` (nil when absent).
        struct Outcome: Sendable {
            let status: Int
            let result: Value?
            let body: String
        }

        static func ask(_ base: String, path: String, input: String) async throws -> Outcome {
            let answer = try await Testbed.request("POST", "\(base)/v1/data/\(path)", body: #"{"input": \#(input)}"#)
            guard case .map(let map)? = answer.json else {
                return Outcome(status: answer.status, result: nil, body: answer.body)
            }
            return Outcome(status: answer.status, result: map[Value.string("result")], body: answer.body)
        }

        static func same(_ lhs: Outcome, _ rhs: Outcome) -> Bool {
            guard lhs.status == rhs.status else { return false }
            switch (lhs.result, rhs.result) {
            case (nil, nil): return true
            case (let left?, let right?): return Value.celEquals(left, right)
            default: return false
            }
        }

        @Test("the Rego reference agrees with the tables on the real OPA engine (Testbed/check_rego.py)")
        func regoMatchesTables() async throws {
            let check = try await Testbed.run(
                try Testbed.python(),
                [Testbed.folder.appendingPathComponent("check_rego.py").path]
            )
            #expect(check.status == 0, "\(check.output)\(check.error)")
            #expect(check.output.contains(" 0 failed"), "\(check.output)")
        }

        @Test("tessera serve and the real OPA engine give the same documents for every input")
        func sameDecisions() async throws {
            let directory = try Testbed.temporaryDirectory("differential")
            defer { try? FileManager.default.removeItem(at: directory) }
            let opa = try await OPAServer.start(directory: directory)
            defer { opa.peer.stop() }
            let tessera = try await TesseraServer.start(
                policies: Testbed.repository.appendingPathComponent("policies"),
                directory: directory
            )
            defer { tessera.peer.stop() }

            let cases = Self.corpus().flatMap { input in Self.paths.map { (input: input, path: $0) } }
            let (opaBase, tesseraBase) = (opa.base, tessera.base)
            // A few requests at a time: the 2-core machine runs both servers and this client.
            let mismatches = try await withThrowingTaskGroup(of: String?.self) { group in
                var found: [String] = []
                var next = 0
                func add() {
                    guard next < cases.count else { return }
                    let item = cases[next]
                    next += 1
                    group.addTask {
                        let expected = try await Self.ask(opaBase, path: item.path, input: item.input)
                        let actual = try await Self.ask(tesseraBase, path: item.path, input: item.input)
                        guard expected.status == 200 else {
                            return
                                "OPA reference failed on \(item.path) \(item.input): \(expected.status) \(expected.body)"
                        }
                        if Self.same(expected, actual) { return nil }
                        return "POST /v1/data/\(item.path) {\"input\": \(item.input)}\n  OPA:     \(expected.status) "
                            + "\(expected.body)\n  tessera: \(actual.status) \(actual.body)"
                    }
                }
                for _ in 0..<4 { add() }
                while let result = try await group.next() {
                    if let result { found.append(result) }
                    add()
                }
                return found
            }
            #expect(cases.count > 1_500)
            let differing = mismatches.count
            #expect(
                differing == 0,
                "\(differing) of \(cases.count) answers differ:\n\(mismatches.prefix(15).joined(separator: "\n"))"
            )
            // Not vacuous: both allow and deny occur.
            let allowed = try await Self.ask(tesseraBase, path: "mcp/trust_boundaries/allow", input: Self.corpus()[0])
            #expect(allowed.result.map { Value.celEquals($0, .bool(true)) } == true, "\(allowed.body)")
            #expect(tessera.peer.isRunning, "tessera died: \(tessera.peer.logTail())")
            #expect(opa.peer.isRunning, "the OPA reference died: \(opa.peer.logTail())")
        }
    }
}
