import CEL
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import TesseraPolicy
import Testing

@testable import TesseraServer

@Suite("OPA data API")
struct DataRoutesTests {
    static let trusted =
        #"{"input": {"agent": {"trust_level": "trusted"}, "request": {"operation": "execute", "tool": "shell"}}}"#
    static let untrusted =
        #"{"input": {"agent": {"trust_level": "untrusted"}, "request": {"operation": "write", "tool": "shell"}}}"#

    @Test func postAnswersResultAndDecisionID() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let log = MemoryDecisionLog()
        let (server, _) = try makeServer(directory, log: log)
        try await server.makeApplication().test(.live) { client in
            let allowed = try await client.execute(
                uri: "/v1/data/mcp/trust_boundaries/allow",
                method: .post,
                headers: jsonHeaders,
                body: jsonBody(Self.trusted)
            )
            #expect(allowed.status == .ok)
            #expect(allowed.headers[.contentType] == "application/json")
            guard case .map(let answer)? = allowed.json else {
                Issue.record("not a JSON object: \(allowed.text)")
                return
            }
            #expect(same(answer[Value.string("result")], .bool(true)))
            guard case .string(let id)? = answer[Value.string("decision_id")] else {
                Issue.record("no decision_id: \(allowed.text)")
                return
            }
            #expect(log.records.withLock { $0.map(\.id) } == [id.description])

            let denied = try await client.execute(
                uri: "/v1/data/mcp/trust_boundaries",
                method: .post,
                body: jsonBody(Self.untrusted)
            )
            guard case .map(let document)? = denied.json?.field("result") else {
                Issue.record("no result document: \(denied.text)")
                return
            }
            #expect(same(document[Value.string("allow")], .bool(false)))
            #expect(same(document[Value.string("tier")], .string("untrusted")))
            #expect(log.records.withLock { $0.last?.outcome } == .deny)
        }
    }

    @Test func undefinedPathAnswersNoResult() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try makeServer(directory, log: nil)
        try await server.makeApplication().test(.live) { client in
            for uri in ["/v1/data/no/such/policy", "/v1/data/mcp/trust_boundaries/no_field"] {
                let response = try await client.execute(uri: uri, method: .post, body: jsonBody(Self.trusted))
                #expect(response.status == .ok)
                #expect(response.text == "{}", "\(uri)")
            }
        }
    }

    @Test func undefinedPathWithLogCarriesOnlyTheDecisionID() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let log = MemoryDecisionLog()
        let (server, _) = try makeServer(directory, log: log)
        try await server.makeApplication().test(.live) { client in
            let response = try await client.execute(uri: "/v1/data/nothing", method: .post, body: jsonBody("{}"))
            guard case .map(let answer)? = response.json else {
                Issue.record("not JSON: \(response.text)")
                return
            }
            #expect(answer.count == 1)
            #expect(answer[Value.string("result")].isNone)
            #expect(log.records.withLock { $0.first?.outcome } == .undefined)
        }
    }

    @Test(arguments: [
        ("{\"input\": ", "body contains malformed input document"),
        ("[1, 2]", "expected a JSON object"),
        ("{\"input\": tru}", "body contains malformed input document"),
    ])
    func malformedBodyIs400(body: String, message: String) async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let log = MemoryDecisionLog()
        let (server, _) = try makeServer(directory, log: log)
        try await server.makeApplication().test(.live) { client in
            let response = try await client.execute(
                uri: "/v1/data/mcp/trust_boundaries/allow",
                method: .post,
                body: jsonBody(body)
            )
            #expect(response.status == .badRequest)
            #expect(same(response.json?.field("code"), .string("invalid_parameter")))
            guard case .string(let text)? = response.json?.field("message") else {
                Issue.record("no message: \(response.text)")
                return
            }
            #expect(text.description.contains(message), "\(text)")
            #expect(log.records.withLock { $0.isEmpty })
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try makeServer(directory, configuration: ServerConfiguration(port: 0, maxBodyBytes: 1024))
        try await server.makeApplication().test(.live) { client in
            let big = "{\"input\": \"" + String(repeating: "a", count: 4096) + "\"}"
            let response = try await client.execute(uri: "/v1/data/mcp/tool_access", method: .post, body: jsonBody(big))
            #expect(response.status == .contentTooLarge)
            #expect(same(response.json?.field("code"), .string("invalid_parameter")))
        }
    }

    @Test func getTakesTheInputFromTheQuery() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try makeServer(directory)
        try await server.makeApplication().test(.live) { client in
            let input = #"{"agent":{"trust_level":"semi-trusted"},"request":{"operation":"read","tool":"database"}}"#
            let encoded = input.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try await client.execute(
                uri: "/v1/data/mcp/trust_boundaries/allow?input=\(encoded)",
                method: .get
            )
            #expect(response.status == .ok)
            #expect(same(response.json?.field("result"), .bool(true)), "\(response.text)")
            let malformed = try await client.execute(uri: "/v1/data/mcp/trust_boundaries?input=%7B", method: .get)
            #expect(malformed.status == .badRequest)
        }
    }

    @Test func v0AnswersTheBareResult() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try makeServer(directory)
        try await server.makeApplication().test(.live) { client in
            let input = #"{"agent":{"trust_level":"trusted"},"request":{"operation":"admin","tool":"network"}}"#
            let response = try await client.execute(
                uri: "/v0/data/mcp/trust_boundaries/allow",
                method: .post,
                body: jsonBody(input)
            )
            #expect(response.status == .ok)
            #expect(response.text == "true")
            let undefined = try await client.execute(uri: "/v0/data/nothing/here", method: .post, body: jsonBody(input))
            #expect(undefined.status == .notFound)
            #expect(same(undefined.json?.field("code"), .string("undefined_document")))
        }
    }

    @Test func malformedInputDeniesThroughTheDefault() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try makeServer(directory)
        try await server.makeApplication().test(.live) { client in
            for input in [
                #"{"input": 42}"#, #"{"input": {"agent": 7}}"#, #"{"input": {"agent": {"trust_level": ["x"]}}}"#, "{}",
            ] {
                let response = try await client.execute(
                    uri: "/v1/data/mcp/trust_boundaries/allow",
                    method: .post,
                    body: jsonBody(input)
                )
                #expect(response.status == .ok, "\(input): \(response.text)")
                #expect(same(response.json?.field("result"), .bool(false)), "\(input): \(response.text)")
            }
        }
    }

    @Test func aDecisionTheLogCannotTakeIsNotAnswered() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, metrics) = try makeServer(directory, log: MemoryDecisionLog(failing: true))
        try await server.makeApplication().test(.live) { client in
            let response = try await client.execute(
                uri: "/v1/data/mcp/trust_boundaries/allow",
                method: .post,
                body: jsonBody(Self.trusted)
            )
            #expect(response.status == .internalServerError)
            #expect((response.json?.field("result")).isNone)
            #expect(same(response.json?.field("code"), .string("internal_error")))
        }
        #expect(metrics.render().contains("tessera_decision_log_failures_total 1"))
    }
}

extension Value {
    /// The field of a map, or `nil`.
    func field(_ name: String) -> Value? {
        guard case .map(let map) = self else { return nil }
        return map[Value.string(CELString(name))]
    }
}

@Suite("Query decoding")
struct QueryDecodingTests {
    @Test func formEncodingAsOPAReadsIt() {
        #expect(DataRoutes.formValue(named: "input", in: "input=%7B%22a%22%3A+%22b+c%22%7D") == #"{"a": "b c"}"#)
        #expect(DataRoutes.formValue(named: "input", in: "x=1&input=a%2Bb") == "a+b")
        #expect(DataRoutes.formValue(named: "input", in: "inputs=1") == nil)
        #expect(DataRoutes.formValue(named: "input", in: "input=%zz") == nil)
        #expect(DataRoutes.formValue(named: "input", in: nil) == nil)
    }

    @Test func decisionPathsDropEmptySegmentsAndDecodeOnlyWhenEncoded() {
        #expect(
            DataRoutes.decisionPath("/v1/data/mcp/trust_boundaries/allow", prefix: "/v1/data")
                == "mcp/trust_boundaries/allow"
        )
        #expect(DataRoutes.decisionPath("/v1/data//mcp///allow/", prefix: "/v1/data") == "mcp/allow")
        #expect(DataRoutes.decisionPath("/v1/data", prefix: "/v1/data") == "")
        #expect(DataRoutes.decisionPath("/v1/data/", prefix: "/v1/data") == "")
        #expect(DataRoutes.decisionPath("/v1/data/a%2Fb/c%20d", prefix: "/v1/data") == "a/b/c d")
        #expect(DataRoutes.decisionPath("/v1/data/a%zz", prefix: "/v1/data") == nil)
        #expect(DataRoutes.decisionPath("/v0/data/a", prefix: "/v1/data") == nil)
    }
}

@Suite("Package paths")
struct PackagePathTests {
    @Test func theRootAndPackagesNestEveryPolicyBelow() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try makeServer(directory, log: nil)
        let input =
            #"{"input": {"agent": {"trust_level": "untrusted"}, "request": {"operation": "read", "tool": "filesystem"}}}"#
        try await server.makeApplication().test(.live) { client in
            let root = try await client.execute(uri: "/v1/data", method: .post, body: jsonBody(input))
            #expect(root.status == .ok)
            #expect(same(root.json?.field("result")?.field("mcp")?.field("tool_access")?.field("allow"), .bool(true)))
            // envoy/authz fails on this input (no input.request.method) and has no default: left out.
            #expect((root.json?.field("result")?.field("envoy")).isNone)
            let package = try await client.execute(uri: "/v1/data/mcp", method: .post, body: jsonBody(input))
            #expect(same(package.json?.field("result")?.field("trust_boundaries")?.field("tier"), .string("untrusted")))
            #expect((package.json?.field("result")?.field("envoy")).isNone)
            let none = try await client.execute(uri: "/v1/data/mc", method: .post, body: jsonBody(input))
            #expect(none.text == "{}")
        }
    }
}
