import CEL
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import TesseraPolicy
import TesseraServer
import Testing

@Suite("Health, metrics, reload, ext_authz, transport rules")
struct StatusAndAuthzTests {
    @Test func healthAndMetricsReport() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try makeServer(directory)
        let revision = server.service.engine.status.revision
        try await server.makeApplication().test(.live) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(same(health.json?.field("revision"), .string(CELString(revision))))
            #expect(same(health.json?.field("policies"), .double(3)))
            _ = try await client.execute(
                uri: "/v1/data/mcp/tool_access",
                method: .post,
                body: jsonBody(#"{"input": {"agent": {"trust_level": "trusted"}, "request": {"tool": "shell"}}}"#)
            )
            _ = try await client.execute(uri: "/v1/data/made/up/path", method: .post, body: jsonBody("{}"))
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains(#"tessera_decisions_total{path="mcp/tool_access",outcome="#))
            #expect(metrics.text.contains(#"tessera_decisions_total{path="(undefined)",outcome="undefined"} 1"#))
            #expect(!metrics.text.contains("made/up"))
            #expect(metrics.text.contains("tessera_decision_duration_seconds_bucket"))
        }
    }

    @Test func aBrokenReloadKeepsTheLastGoodRevision() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try makeServer(directory)
        let engine = server.service.engine
        let first = engine.status.revision
        try directory.write("envoy/authz.yaml", "name: envoy/authz\nrules:\n  allow: 'input.x +'\ndecision: allow\n")
        guard case .refused(let error, let serving)? = engine.reloadIfChanged() else {
            Issue.record("the broken revision was not refused")
            return
        }
        server.report(.refused(error, serving: serving), trigger: "test")
        #expect(serving == first)
        #expect(engine.status.revision == first)
        #expect(engine.status.lastError?.contains("envoy/authz.yaml:3:") == true, "\(engine.status.lastError ?? "")")
        #expect(engine.reloadIfChanged().map { _ in true } == nil)  // nothing changed since the refused attempt
        try await server.makeApplication().test(.live) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(same(health.json?.field("reload")?.field("ok"), .bool(false)))
            #expect(same(health.json?.field("revision"), .string(CELString(first))))
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.text.contains("tessera_policy_reload_ok 0"))
            let decision = try await client.execute(
                uri: "/v1/data/mcp/tool_access/allow",
                method: .post,
                body: jsonBody(
                    #"{"input": {"agent": {"trust_level": "untrusted"}, "request": {"tool": "filesystem"}}}"#
                )
            )
            #expect(same(decision.json?.field("result"), .bool(true)), "\(decision.text)")
        }
        try directory.write("envoy/authz.yaml", PolicyDirectory.extAuthz + "\n# fixed\n")
        guard case .loaded(let revision, let previous)? = engine.reloadIfChanged() else {
            Issue.record("the fixed revision was not loaded")
            return
        }
        #expect(previous == first)
        #expect(revision != first)
        #expect(engine.status.lastReloadSucceeded)
    }

    @Test func extAuthzAllowsAndDenies() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let log = MemoryDecisionLog()
        let (server, _) = try makeServer(directory, log: log)
        try await server.makeApplication().test(.live) { client in
            let allowed = try await client.execute(
                uri: "/ext_authz/api/thing?q=1",
                method: .get,
                headers: [header("x-allow"): "yes"]
            )
            #expect(allowed.status == .ok)
            #expect(allowed.headers[header("x-authz-user")] == "alice")
            let denied = try await client.execute(uri: "/ext_authz/api/thing", method: .get)
            #expect(denied.status == .forbidden)
            #expect(denied.headers[header("x-authz-reason")] == "missing x-allow")
            #expect(same(denied.json?.field("allowed"), .bool(false)))
            let post = try await client.execute(
                uri: "/ext_authz/api/thing",
                method: .post,
                headers: [header("x-allow"): "yes"],
                body: jsonBody("")
            )
            #expect(post.status == .forbidden)
        }
        let sources = log.records.withLock { $0.map(\.source) }
        #expect(sources == ["ext_authz", "ext_authz", "ext_authz"])
    }

    @Test func extAuthzFailsClosedWithoutAPolicy() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try makeServer(
            directory,
            configuration: ServerConfiguration(port: 0, extAuthzDecisionPath: "no/such/policy")
        )
        try await server.makeApplication().test(.live) { client in
            let response = try await client.execute(
                uri: "/ext_authz/api/thing",
                method: .get,
                headers: [header("x-allow"): "yes"]
            )
            #expect(response.status == .forbidden)
        }
    }

    @Test func plainHTTPStaysOnLoopback() throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        #expect(throws: ServerStartError.self) {
            _ = try makeServer(directory, configuration: ServerConfiguration(host: "0.0.0.0", port: 0))
        }
        _ = try makeServer(
            directory,
            configuration: ServerConfiguration(host: "0.0.0.0", port: 0, allowInsecureRemote: true)
        )
        #expect(ServerConfiguration(host: "127.0.0.1").bindsLoopback)
        #expect(ServerConfiguration(host: "::1").bindsLoopback)
        #expect(!ServerConfiguration(host: "10.0.0.1").bindsLoopback)
        #expect(ServerConfiguration.parseAddress("[::1]:8181")?.host == "::1")
        #expect(ServerConfiguration.parseAddress("127.0.0.1:99999") == nil)
        #expect(ServerConfiguration.parseAddress(":80") == nil)
    }

    @Test func missingTLSFilesAreNamed() throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        do {
            _ = try makeServer(
                directory,
                configuration: ServerConfiguration(
                    port: 0,
                    tls: TLSFiles(certificatePath: "/nonexistent/cert.pem", keyPath: "/nonexistent/key.pem")
                )
            )
            Issue.record("the server started without its certificate")
        } catch let error as ServerStartError {
            #expect(error.description.contains("/nonexistent/cert.pem"))
        }
    }
}
