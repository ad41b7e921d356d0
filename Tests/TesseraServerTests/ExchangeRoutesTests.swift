import CEL
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TesseraExchange
import TesseraIdentity
import TesseraPolicy
import Testing

@testable import TesseraServer

@Suite("Token exchange routes")
struct ExchangeRoutesTests {
    static let issuer = "https://token.actions.githubusercontent.com"
    static let issuerKey = SigningKey(privateKey: P256.Signing.PrivateKey(), keyID: "gh")
    static let brokerIssuer = "http://127.0.0.1:8181"

    static let grants = """
        name: exchange/grants
        decision: |
          {"allow": input.subject.?repository.orValue("") == "acme/orders", "scopes": ["orders.read"], "ttl": "5m"}
        """

    /// A server with the broker: one github-actions source over an in-memory key, one target.
    static func makeBrokerServer(
        _ directory: PolicyDirectory,
        log: MemoryDecisionLog
    ) throws -> (TesseraHTTPServer, ServerMetrics) {
        try FileManager.default.createDirectory(atPath: directory.path + "/exchange", withIntermediateDirectories: true)
        try directory.write("exchange/grants.yaml", grants)
        let engine = try PolicyEngine(directory: directory.path)
        let metrics = ServerMetrics()
        var logger = Logger(label: "tessera-test")
        logger.logLevel = .critical
        let service = DecisionService(
            engine: engine,
            log: log,
            redactor: DecisionRedactor(),
            metrics: metrics,
            logger: logger
        )
        let keys = SigningKeyRing(current: SigningKey(privateKey: P256.Signing.PrivateKey(), keyID: "broker"))
        let source = TrustedSource(
            configuration: SourceConfiguration(
                name: "github",
                kind: .githubActions,
                issuer: issuer,
                audiences: ["tessera"]
            ),
            keySource: StaticKeySource(keySet: JWKSet(keys: [issuerKey.publicJWK])),
            algorithms: [.es256]
        )
        let exchange = TokenExchangeService(
            issuer: brokerIssuer,
            settings: BrokerSettings(),
            sources: [source],
            targets: [
                JWTTarget(
                    configuration: TargetConfiguration(name: "orders-api", audience: "https://orders.example.com"),
                    issuer: brokerIssuer,
                    keys: keys
                )
            ],
            keys: keys,
            engine: engine,
            log: log
        )
        let server = try TesseraHTTPServer(
            configuration: ServerConfiguration(port: 0),
            service: service,
            logger: logger,
            exchange: exchange
        )
        return (server, metrics)
    }

    static func subjectToken(repository: String = "acme/orders") -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let claims =
            #"{"iss":"\#(issuer)","sub":"repo:\#(repository):ref:refs/heads/main","aud":"tessera","#
            + #""iat":\#(now),"exp":\#(now + 300),"repository":"\#(repository)"}"#
        return (try? issuerKey.sign(claims: JSON.parse(claims, options: JSONReadOptions(integersAsInt: true)))) ?? ""
    }

    static func form(_ pairs: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = pairs.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }.joined(separator: "&")
        return ByteBuffer(string: text)
    }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func exchangeForm(_ token: String, extra: [(String, String)] = []) -> [(String, String)] {
        [
            ("grant_type", TokenURN.tokenExchange), ("subject_token", token), ("subject_token_type", TokenURN.jwt),
            ("audience", "orders-api"),
        ] + extra
    }

    @Test func tokenEndpointIssuesAndAnswersWithoutCaching() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let log = MemoryDecisionLog()
        let (server, metrics) = try Self.makeBrokerServer(directory, log: log)
        try await server.makeApplication().test(.live) { client in
            let response = try await client.execute(
                uri: "/oauth2/token",
                method: .post,
                headers: Self.formHeaders,
                body: Self.form(Self.exchangeForm(Self.subjectToken()))
            )
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[header("Pragma")] == "no-cache")
            let body = try #require(response.json.flatMap { JSONObject($0) })
            #expect(body.string("token_type") == "Bearer")
            #expect(body.string("issued_token_type") == TokenURN.accessToken)
            #expect(body.string("scope") == "orders.read")
            #expect(body["expires_in"].map { same($0, .int(300)) || same($0, .double(300)) } == true)

            let denied = try await client.execute(
                uri: "/oauth2/token",
                method: .post,
                headers: Self.formHeaders,
                body: Self.form(Self.exchangeForm(Self.subjectToken(repository: "evil/orders")))
            )
            #expect(denied.status == .badRequest)
            #expect(denied.headers[.cacheControl] == "no-store")
            let error = try #require(denied.json.flatMap { JSONObject($0) })
            #expect(error.string("error") == "invalid_target")
            #expect(error.string("error_description") != nil)
        }
        #expect(log.records.withLock { $0.count } == 2)
        let text = metrics.render()
        #expect(text.contains(#"tessera_exchanges_total{target="orders-api",outcome="issued"} 1"#))
        #expect(text.contains(#"tessera_exchanges_total{target="orders-api",outcome="invalid_target"} 1"#))
    }

    @Test func malformedRequestsAreInvalidRequest() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try Self.makeBrokerServer(directory, log: MemoryDecisionLog())
        try await server.makeApplication().test(.live) { client in
            func post(_ body: ByteBuffer, headers: HTTPFields = Self.formHeaders) async -> String {
                guard
                    let response = try? await client.execute(
                        uri: "/oauth2/token",
                        method: .post,
                        headers: headers,
                        body: body
                    )
                else { return "no response" }
                return "\(response.status.code) \(response.json.flatMap { JSONObject($0) }?.string("error") ?? "-")"
            }
            let duplicate = Self.form(Self.exchangeForm(Self.subjectToken()) + [("subject_token_type", TokenURN.jwt)])
            #expect(await post(duplicate) == "400 invalid_request")
            #expect(await post(ByteBuffer(string: "grant_type=%zz")) == "400 invalid_request")
            #expect(await post(Self.form(Self.exchangeForm("x")), headers: jsonHeaders) == "400 invalid_request")
            let huge = Self.form(Self.exchangeForm(String(repeating: "a", count: 70_000)))
            #expect(await post(huge) == "400 invalid_request")
            let oversized = Self.form(Self.exchangeForm(String(repeating: "a", count: 17_000)))
            #expect(await post(oversized) == "400 invalid_grant")
            #expect(await post(Self.form([("grant_type", "client_credentials")])) == "400 unsupported_grant_type")
            let twoProofs: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded", header("DPoP"): "a", header("DPoP"): "b",
            ]
            #expect(
                await post(Self.form(Self.exchangeForm(Self.subjectToken())), headers: twoProofs)
                    == "400 invalid_dpop_proof"
            )
            let badClient = Self.form(
                Self.exchangeForm(
                    Self.subjectToken(),
                    extra: [("client_assertion_type", TokenURN.clientAssertionJWT), ("client_assertion", "x.y.z")]
                )
            )
            #expect(await post(badClient) == "401 invalid_client")
        }
    }

    @Test func discoveryAndJWKS() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try Self.makeBrokerServer(directory, log: MemoryDecisionLog())
        try await server.makeApplication().test(.live) { client in
            let discovery = try await client.execute(uri: "/.well-known/openid-configuration", method: .get)
            #expect(discovery.status == .ok)
            let document = try #require(discovery.json.flatMap { JSONObject($0) })
            #expect(document.string("issuer") == Self.brokerIssuer)
            #expect(document.string("token_endpoint") == Self.brokerIssuer + "/oauth2/token")
            #expect(document.string("jwks_uri") == Self.brokerIssuer + "/.well-known/jwks.json")
            let jwks = try await client.execute(uri: "/.well-known/jwks.json", method: .get)
            #expect(jwks.status == .ok)
            let set = try JWKSet(json: jwks.text)
            #expect(set.keys.map(\.keyID) == ["broker"])
        }
    }

    @Test func withoutABrokerTheRoutesAreAbsent() async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        let (server, _) = try makeServer(directory)
        try await server.makeApplication().test(.live) { client in
            let response = try await client.execute(uri: "/.well-known/jwks.json", method: .get)
            #expect(response.status == .notFound)
        }
    }

    @Test func formDecoding() throws {
        let pairs = try ExchangeRoutes.decodeForm(Array("a=1+2&b=%C3%A9&c&&d=".utf8))
        #expect(pairs.map(\.0) == ["a", "b", "c", "d"])
        #expect(pairs.map(\.1) == ["1 2", "é", "", ""])
        #expect(throws: OAuthError.self) { try ExchangeRoutes.decodeForm(Array("a=%ff".utf8)) }
        #expect(throws: OAuthError.self) { try ExchangeRoutes.decodeForm(Array("a=%4".utf8)) }
    }
}
