import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import TesseraIdentity
import Testing

/// A tiny OpenID provider on loopback: discovery and a JWKS whose content and fetch count the test
/// controls.
final class TestIssuer: Sendable {
    struct State {
        var issuer = ""
        var discoveredIssuer: String?
        var jwksURI = ""
        var keys: [String] = []
        var jwksFetches = 0
        var discoveryFetches = 0
    }

    let state = Mutex(State())

    var jwksFetches: Int { state.withLock { $0.jwksFetches } }

    func setKeys(_ keys: [String]) { state.withLock { $0.keys = keys } }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.get("/.well-known/openid-configuration") { _, _ -> String in
            let (issuer, jwksURI) = self.state.withLock { state in
                state.discoveryFetches += 1
                return (state.discoveredIssuer ?? state.issuer, state.jwksURI)
            }
            return
                #"{"issuer":"\#(issuer)","jwks_uri":"\#(jwksURI)","id_token_signing_alg_values_supported":["ES256"]}"#
        }
        router.get("/jwks") { _, _ -> String in
            let keys = self.state.withLock { state in
                state.jwksFetches += 1
                return state.keys
            }
            return #"{"keys":[\#(keys.joined(separator: ","))]}"#
        }
        router.get("/big") { _, _ -> String in
            #"{"keys":[], "pad":""# + String(repeating: "x", count: 2 << 20) + #""}"#
        }
        router.get("/status/500") { _, _ -> String in
            throw HTTPError(.internalServerError)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    /// Runs the issuer for the duration of `body`, which receives the issuer's base URL.
    func run(_ body: @Sendable @escaping (String) async throws -> Void) async throws {
        try await application().test(.live) { client in
            let port = try #require(client.port)
            let base = "http://127.0.0.1:\(port)"
            self.state.withLock {
                $0.issuer = base
                $0.jwksURI = base + "/jwks"
            }
            try await body(base)
        }
    }
}

@Suite("OIDC key source against a local issuer")
struct OIDCKeySourceTests {
    private let first = P256.Signing.PrivateKey()
    private let second = P256.Signing.PrivateKey()

    private func token(_ key: P256.Signing.PrivateKey, kid: String, issuer: String) -> String {
        let header = #"{"alg":"ES256","kid":"\#(kid)","typ":"JWT"}"#
        let input = Fixtures.base64URL(header) + "." + Fixtures.base64URL(Fixtures.claims(["iss": "\"\(issuer)\""]))
        let signature = (try? key.signature(for: SHA256.hash(data: Array(input.utf8))))?.rawRepresentation ?? Data()
        return input + "." + Fixtures.base64URL(signature)
    }

    private func verifier(_ source: OIDCKeySource, issuer: String) -> JWTVerifier {
        JWTVerifier(
            policy: VerificationPolicy(issuer: issuer, audiences: [Fixtures.audience], allowedAlgorithms: [.es256]),
            keySource: source,
            now: Fixtures.clock
        )
    }

    @Test("discovery, JWKS, rate-limited refresh on unknown kid, and the issuer stopped")
    func lifecycle() async throws {
        let issuer = TestIssuer()
        issuer.setKeys([Fixtures.jwkJSON(first.publicKey, kid: "one")])
        let clock = TestClock()
        let box = Mutex<OIDCKeySource?>(nil)
        let first = self.first
        let second = self.second
        try await issuer.run { base in
            let source = try OIDCKeySource(
                issuer: try #require(URL(string: base)),
                options: RemoteKeySourceOptions(minimumRefreshInterval: .seconds(30), requestTimeout: .seconds(2)),
                now: clock.function
            )
            box.withLock { $0 = source }
            let verifier = self.verifier(source, issuer: base)
            #expect(try await verifier.verify(self.token(first, kid: "one", issuer: base)).keyID == "one")
            #expect(issuer.jwksFetches == 1)

            // Right after a fetch, an unknown kid does not fetch again: refreshes are rate-limited.
            let rateLimited = await identityError { () async throws(IdentityError) in
                try await verifier.verify(self.token(second, kid: "made-up", issuer: base))
            }
            #expect(rateLimited?.code == .unknownKey)
            #expect(issuer.jwksFetches == 1)

            // Once the interval has passed, unknown kids cause exactly one refresh.
            clock.advance(seconds: 31)
            for attempt in 0..<5 {
                let error = await identityError { () async throws(IdentityError) in
                    try await verifier.verify(self.token(second, kid: "made-up-\(attempt)", issuer: base))
                }
                #expect(error?.code == .unknownKey)
            }
            #expect(issuer.jwksFetches == 2)

            // The issuer rotates; after the interval, the new kid triggers one refresh and verifies.
            issuer.setKeys([
                Fixtures.jwkJSON(first.publicKey, kid: "one"), Fixtures.jwkJSON(second.publicKey, kid: "two"),
            ])
            let early = await identityError { () async throws(IdentityError) in
                try await verifier.verify(self.token(second, kid: "two", issuer: base))
            }
            #expect(early?.code == .unknownKey)
            #expect(issuer.jwksFetches == 2)
            clock.advance(seconds: 31)
            // Concurrent lookups of the new kid share one refresh.
            let rotatedToken = self.token(second, kid: "two", issuer: base)
            try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<10 { group.addTask { try await verifier.verify(rotatedToken).keyID } }
                for try await keyID in group { #expect(keyID == "two") }
            }
            #expect(issuer.jwksFetches == 3)
            // Known kids do not fetch.
            for _ in 0..<3 { _ = try await verifier.verify(self.token(first, kid: "one", issuer: base)) }
            #expect(issuer.jwksFetches == 3)
        }

        // The issuer is stopped: cached kids still verify, an unknown kid fails closed.
        let source = try #require(box.withLock { $0 })
        let base = try #require(source.issuer)
        let verifier = verifier(source, issuer: base)
        clock.advance(seconds: 31)
        #expect(try await verifier.verify(token(first, kid: "one", issuer: base)).keyID == "one")
        let unknown = await identityError { () async throws(IdentityError) in
            try await verifier.verify(self.token(first, kid: "three", issuer: base))
        }
        #expect(unknown?.code == .unknownKey)
        #expect(source.lastRefreshError?.code == .keySourceUnavailable)
        #expect(try await verifier.verify(token(second, kid: "two", issuer: base)).keyID == "two")
    }

    @Test("a discovery document naming another issuer is refused")
    func issuerMismatch() async throws {
        let issuer = TestIssuer()
        issuer.setKeys([Fixtures.jwkJSON(first.publicKey, kid: "one")])
        issuer.state.withLock { $0.discoveredIssuer = "https://attacker.example" }
        let first = self.first
        try await issuer.run { base in
            let source = try OIDCKeySource(issuer: try #require(URL(string: base)))
            let error = await identityError { () async throws(IdentityError) in
                try await self.verifier(source, issuer: base).verify(self.token(first, kid: "one", issuer: base))
            }
            #expect(error?.code == .keySourceUnavailable)
            #expect(source.lastRefreshError?.code == .discoveryIssuerMismatch)
            let refresh = await identityError { () async throws(IdentityError) in try await source.refresh() }
            #expect(refresh?.code == .discoveryIssuerMismatch)
            #expect(issuer.jwksFetches == 0)
        }
    }

    @Test("a JWKS URL without discovery; oversized and failing responses are refused")
    func directJWKS() async throws {
        let issuer = TestIssuer()
        issuer.setKeys([Fixtures.jwkJSON(first.publicKey, kid: "one")])
        let first = self.first
        try await issuer.run { base in
            let source = try OIDCKeySource(jwksURI: try #require(URL(string: base + "/jwks")))
            try await source.refresh()
            #expect(source.cachedKeySet?.keys.count == 1)
            #expect(
                try await source.key(for: "one", algorithm: .es256).thumbprint()
                    == JWK(publicKey: first.publicKey).thumbprint()
            )

            let big = try OIDCKeySource(jwksURI: try #require(URL(string: base + "/big")))
            let tooLarge = await identityError { () async throws(IdentityError) in try await big.refresh() }
            #expect(tooLarge?.code == .keySourceUnavailable)
            #expect(tooLarge?.message.contains("larger than") == true)

            let failing = try OIDCKeySource(jwksURI: try #require(URL(string: base + "/status/500")))
            let serverError = await identityError { () async throws(IdentityError) in
                try await failing.key(for: "one", algorithm: .es256)
            }
            #expect(serverError?.code == .keySourceUnavailable)
        }
    }

    @Test("keys older than the maximum cache age are refreshed in the background; lookups do not wait")
    func backgroundRefresh() async throws {
        let issuer = TestIssuer()
        issuer.setKeys([Fixtures.jwkJSON(first.publicKey, kid: "one")])
        let clock = TestClock()
        try await issuer.run { base in
            let source = try OIDCKeySource(
                jwksURI: try #require(URL(string: base + "/jwks")),
                options: RemoteKeySourceOptions(minimumRefreshInterval: .seconds(30), maximumCacheAge: .seconds(300)),
                now: clock.function
            )
            _ = try await source.key(for: "one", algorithm: .es256)
            #expect(issuer.jwksFetches == 1)
            clock.advance(seconds: 301)
            _ = try await source.key(for: "one", algorithm: .es256)
            for _ in 0..<250 where issuer.jwksFetches < 2 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(issuer.jwksFetches == 2)
            for _ in 0..<250 where source.lastRefreshed != clock.now { try await Task.sleep(for: .milliseconds(20)) }
            #expect(source.lastRefreshed == clock.now)
        }
    }

    @Test("plain http is refused for non-loopback issuers at construction")
    func transport() throws {
        for text in [
            "http://issuer.example", "http://10.0.0.1:8080", "ftp://issuer.example", "https://issuer.example?x=1",
        ] {
            let url = try #require(URL(string: text))
            let error = syncIdentityError({ () throws(IdentityError) in try OIDCKeySource(issuer: url) })
            #expect(error?.code == .invalidConfiguration, "\(text)")
        }
        let jwks = try #require(URL(string: "http://cluster.example/openid/v1/jwks"))
        #expect(
            syncIdentityError({ () throws(IdentityError) in try OIDCKeySource(jwksURI: jwks) })?.code
                == .invalidConfiguration
        )
        for text in [
            "http://127.0.0.1:9000", "http://localhost:9000/realm", "http://[::1]:9000", "https://issuer.example",
        ] {
            let url = try #require(URL(string: text))
            #expect(
                syncIdentityError({ () throws(IdentityError) in try OIDCKeySource(issuer: url) }) == nil,
                "\(text)"
            )
        }
    }
}
