import CEL
import Foundation
import Testing

extension EndToEndTests {
    /// `tessera serve` with the shipped policies, asked by a real HTTP client (curl): OPA's data API
    /// (v1 POST and GET, v0), undefined paths, malformed input, `/health` and `/metrics`.
    @Suite("e2e: tessera serve with curl")
    struct ServeCurlTests {
        static let allowInput =
            #"{"agent": {"spiffe_id": "spiffe://example.org/agents/trusted/bot-1"}, "request": {"operation": "write", "tool": "shell"}}"#
        static let denyInput =
            #"{"agent": {"trust_level": "untrusted"}, "request": {"operation": "write", "tool": "shell"}}"#

        /// The `result` of a `/v1/data` answer.
        static func result(_ answer: Testbed.Answer) -> Value? {
            guard case .map(let map)? = answer.json else { return nil }
            return map[Value.string("result")]
        }

        static func field(_ value: Value?, _ name: String) -> Value? {
            guard case .map(let map)? = value else { return nil }
            return map[Value.string(CELString(name))]
        }

        static func decisionID(_ answer: Testbed.Answer) -> String? {
            guard case .string(let id)? = field(answer.json, "decision_id") else { return nil }
            return id.description
        }

        @Test("v1 POST and GET, v0, undefined, malformed, /health, /metrics")
        func dataAPI() async throws {
            let directory = try Testbed.temporaryDirectory("curl")
            defer { try? FileManager.default.removeItem(at: directory) }
            let server = try await TesseraServer.start(
                policies: Testbed.repository.appendingPathComponent("policies"),
                directory: directory,
                arguments: ["--decision-log", "sqlite:" + directory.appendingPathComponent("decisions.sqlite").path]
            )
            defer { server.peer.stop() }
            let base = server.base
            let json = ["-H", "Content-Type: application/json"]

            // POST /v1/data: allow (tier from the SPIFFE ID) and deny, with a decision id each.
            let allowed = try await Testbed.curl(
                ["-X", "POST"] + json + [
                    "--data", #"{"input": \#(Self.allowInput)}"#, "\(base)/v1/data/mcp/trust_boundaries",
                ]
            )
            #expect(allowed.status == 200, "\(allowed.body)")
            #expect(
                Self.field(Self.result(allowed), "allow").map { Value.celEquals($0, .bool(true)) } == true,
                "\(allowed.body)"
            )
            #expect(Self.field(Self.result(allowed), "tier").map { Value.celEquals($0, .string("trusted")) } == true)
            #expect(Self.decisionID(allowed)?.isEmpty == false, "no decision_id: \(allowed.body)")
            #expect(allowed.headers["content-type"]?.hasPrefix("application/json") == true)

            let denied = try await Testbed.curl(
                ["-X", "POST"] + json + [
                    "--data", #"{"input": \#(Self.denyInput)}"#, "\(base)/v1/data/mcp/trust_boundaries",
                ]
            )
            #expect(denied.status == 200, "\(denied.body)")
            #expect(
                Self.field(Self.result(denied), "allow").map { Value.celEquals($0, .bool(false)) } == true,
                "\(denied.body)"
            )
            guard case .list(let reasons)? = Self.field(Self.result(denied), "reasons") else {
                Issue.record("no reasons: \(denied.body)")
                return
            }
            #expect(reasons.count == 2, "\(denied.body)")
            #expect(Self.decisionID(denied) != Self.decisionID(allowed))

            // A path below the policy addresses a field of the result.
            let subpath = try await Testbed.curl(
                ["-X", "POST"] + json + [
                    "--data", #"{"input": \#(Self.allowInput)}"#, "\(base)/v1/data/mcp/trust_boundaries/allow",
                ]
            )
            #expect(subpath.status == 200)
            #expect(Self.result(subpath).map { Value.celEquals($0, .bool(true)) } == true, "\(subpath.body)")

            // GET with the input in the query.
            let viaGet = try await Testbed.curl(
                ["-G", "--data-urlencode", "input=\(Self.denyInput)", "\(base)/v1/data/mcp/tool_access"]
            )
            #expect(viaGet.status == 200, "\(viaGet.body)")
            #expect(
                Self.field(Self.result(viaGet), "allow").map { Value.celEquals($0, .bool(false)) } == true,
                "\(viaGet.body)"
            )
            #expect(Self.field(Self.result(viaGet), "tier").map { Value.celEquals($0, .string("untrusted")) } == true)

            // v0: the body is the input, the answer the bare result.
            let v0 = try await Testbed.curl(
                ["-X", "POST"] + json + ["--data", Self.allowInput, "\(base)/v0/data/mcp/trust_boundaries/allow"]
            )
            #expect(v0.status == 200, "\(v0.body)")
            #expect(v0.json.map { Value.celEquals($0, .bool(true)) } == true, "v0 body: \(v0.body)")

            // An undefined path: 200 without `result` (OPA's `{}`; the decision id may be there).
            let undefined = try await Testbed.curl(
                ["-X", "POST"] + json + ["--data", #"{"input": {}}"#, "\(base)/v1/data/no/such/policy"]
            )
            #expect(undefined.status == 200, "\(undefined.body)")
            if case .map(let map)? = undefined.json {
                #expect(map[Value.string("result")] == nil, "undefined answered \(undefined.body)")
                #expect(map.count <= 1, "undefined answered \(undefined.body)")
            } else {
                Issue.record("undefined path: not a JSON object: \(undefined.body)")
            }

            // Malformed JSON: 400 with OPA's error body.
            let malformed = try await Testbed.curl(
                ["-X", "POST"] + json + ["--data", #"{"input": {"agent": "#, "\(base)/v1/data/mcp/trust_boundaries"]
            )
            #expect(malformed.status == 400, "\(malformed.body)")
            #expect(
                Self.field(malformed.json, "code").map { Value.celEquals($0, .string("invalid_parameter")) } == true
            )
            if case .string(let message)? = Self.field(malformed.json, "message") {
                #expect(!message.description.isEmpty)
            } else {
                Issue.record("400 without a message: \(malformed.body)")
            }
            let badQuery = try await Testbed.curl(
                ["-G", "--data-urlencode", "input={not json", "\(base)/v1/data/mcp/tool_access"]
            )
            #expect(badQuery.status == 400, "\(badQuery.body)")

            // /health and /metrics.
            let health = try await Testbed.curl(["\(base)/health"])
            #expect(health.status == 200, "\(health.body)")
            #expect(health.json != nil, "health is not JSON: \(health.body)")
            let metrics = try await Testbed.curl(["\(base)/metrics"])
            #expect(metrics.status == 200)
            let counters = metrics.body.split(separator: "\n").filter { $0.hasPrefix("tessera_decisions_total{") }
            #expect(
                counters.contains { $0.contains(#"path="mcp/trust_boundaries""#) && $0.contains(#"outcome="allow""#) },
                "no allow counter for mcp/trust_boundaries in:\n\(counters.joined(separator: "\n"))"
            )
            #expect(
                counters.contains { $0.contains(#"path="mcp/trust_boundaries""#) && $0.contains(#"outcome="deny""#) },
                "no deny counter for mcp/trust_boundaries in:\n\(counters.joined(separator: "\n"))"
            )
            #expect(metrics.body.contains("tessera_decision_duration_seconds"))
            #expect(server.peer.isRunning, "the server died: \(server.peer.logTail())")
        }
    }
}
