import CEL
import Crypto
import Foundation
import Synchronization
import TesseraExchange
import TesseraIdentity
import TesseraPolicy

/// A decision log in memory: keeps what it was given, or fails every append.
final class MemoryDecisionLog: DecisionLog {
    let records = Mutex<[DecisionRecord]>([])
    let failing: Bool

    init(failing: Bool = false) { self.failing = failing }

    struct Failure: Error {}

    func append(_ record: DecisionRecord) async throws {
        if failing { throw Failure() }
        records.withLock { $0.append(record) }
    }

    func flush() async throws {}
    func close() async throws {}
}

/// Keys, a fixed clock, token minting and a broker built over them.
enum ExchangeFixtures {
    /// 2027-01-15T08:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let nowSeconds = Int64(1_800_000_000)
    static let clock: @Sendable () -> Date = { now }

    static let githubIssuer = "https://token.actions.githubusercontent.com"
    static let clusterIssuer = "https://kubernetes.default.svc.cluster.local"
    static let meshIssuer = "https://oidc.spire.example.org"
    static let brokerIssuer = "http://127.0.0.1:8181"
    static let ordersAudience = "https://orders.example.com"

    /// The key every test issuer signs with (kid `issuer-key`).
    static let issuerKey = SigningKey(privateKey: P256.Signing.PrivateKey(), keyID: "issuer-key")
    /// A key no source knows.
    static let strangerKey = SigningKey(privateKey: P256.Signing.PrivateKey(), keyID: "issuer-key")
    /// The broker's signing key.
    static let brokerKey = SigningKey(privateKey: P256.Signing.PrivateKey(), keyID: "broker-1")

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// A claims map from JSON text.
    static func value(_ json: String) -> Value {
        (try? JSON.parse(json, options: JSONReadOptions(integersAsInt: true))) ?? .null
    }

    /// A token signed by `key` with standard times around ``now``, overridden/extended by `claims`
    /// (JSON members text, such as `"sub":"x"`).
    static func token(
        iss: String,
        sub: String,
        aud: String = "tessera",
        extra: String = "",
        exp: Int64 = nowSeconds + 300,
        key: SigningKey = issuerKey
    ) -> String {
        var members = [
            "\"iss\":\(JSON.quote(iss))", "\"sub\":\(JSON.quote(sub))", "\"aud\":\(JSON.quote(aud))",
            "\"iat\":\(nowSeconds - 10)", "\"nbf\":\(nowSeconds - 10)", "\"exp\":\(exp)",
            "\"jti\":\"src-\(UUID().uuidString)\"",
        ]
        if !extra.isEmpty { members.append(extra) }
        return (try? key.sign(claims: value("{" + members.joined(separator: ",") + "}"))) ?? "signing failed"
    }

    static func githubToken(ref: String = "refs/heads/main", repository: String = "acme/orders") -> String {
        token(
            iss: githubIssuer,
            sub: "repo:\(repository):ref:\(ref)",
            extra: "\"repository\":\(JSON.quote(repository)),\"ref\":\(JSON.quote(ref)),\"workflow\":\"deploy\""
        )
    }

    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// A DPoP proof signed by `key`, with its public JWK in the header.
    static func dpopProof(
        key: P256.Signing.PrivateKey,
        method: String = "POST",
        url: String = brokerIssuer + "/oauth2/token",
        jti: String = UUID().uuidString,
        iat: Int64 = nowSeconds,
        jwk: String? = nil
    ) -> String {
        let header =
            "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":\(jwk ?? JWK(publicKey: key.publicKey).publicJSON)}"
        let payload =
            "{\"htm\":\(JSON.quote(method)),\"htu\":\(JSON.quote(url)),\"iat\":\(iat),\"jti\":\(JSON.quote(jti))}"
        let input = base64URL(Array(header.utf8)) + "." + base64URL(Array(payload.utf8))
        let signature = (try? key.signature(for: SHA256.hash(data: Array(input.utf8))))?.rawRepresentation ?? Data()
        return input + "." + base64URL(signature)
    }

    /// A form for a token exchange.
    static func exchangeForm(
        subject: String,
        audience: String? = "orders-api",
        scope: String? = nil,
        extra: [(String, String)] = []
    ) -> [(String, String)] {
        var form = [
            ("grant_type", TokenURN.tokenExchange), ("subject_token", subject),
            ("subject_token_type", TokenURN.jwt),
        ]
        if let audience { form.append(("audience", audience)) }
        if let scope { form.append(("scope", scope)) }
        return form + extra
    }
}

/// A broker over the shipped grant policy (or a given one), three sources and one target.
struct TestBroker {
    let service: TokenExchangeService
    let log: MemoryDecisionLog
    let directory: String

    init(
        policy: String? = nil,
        dpopRequired: Bool = false,
        failingLog: Bool = false,
        maxLifetime: Swift.Duration = .seconds(900)
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-exchange-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory + "/exchange", withIntermediateDirectories: true)
        let text =
            try policy
            ?? String(
                contentsOf: ExchangeFixtures.repositoryRoot.appendingPathComponent("policies/exchange/grants.yaml"),
                encoding: .utf8
            )
        try text.write(toFile: directory + "/exchange/grants.yaml", atomically: true, encoding: .utf8)
        let engine = try PolicyEngine(directory: directory)
        let keySource = StaticKeySource(keySet: JWKSet(keys: [ExchangeFixtures.issuerKey.publicJWK]))
        func source(_ name: String, _ kind: SourceKind, _ issuer: String?, trustDomain: String? = nil) -> TrustedSource
        {
            TrustedSource(
                configuration: SourceConfiguration(
                    name: name,
                    kind: kind,
                    issuer: issuer,
                    audiences: ["tessera"],
                    trustDomain: trustDomain
                ),
                keySource: keySource,
                algorithms: [.es256, .rs256],
                now: ExchangeFixtures.clock
            )
        }
        let sources = [
            source("github", .githubActions, ExchangeFixtures.githubIssuer),
            source("cluster", .kubernetes, ExchangeFixtures.clusterIssuer),
            source("mesh", .spiffe, ExchangeFixtures.meshIssuer, trustDomain: "example.org"),
            source("bundle", .spiffe, nil, trustDomain: "other.org"),
        ]
        let keys = SigningKeyRing(current: ExchangeFixtures.brokerKey)
        let target = JWTTarget(
            configuration: TargetConfiguration(
                name: "orders-api",
                audience: ExchangeFixtures.ordersAudience,
                maxLifetime: maxLifetime,
                scopes: ["orders.read", "orders.write"]
            ),
            issuer: ExchangeFixtures.brokerIssuer,
            keys: keys
        )
        log = MemoryDecisionLog(failing: failingLog)
        service = TokenExchangeService(
            issuer: ExchangeFixtures.brokerIssuer,
            settings: BrokerSettings(dpopRequired: dpopRequired),
            sources: sources,
            targets: [target],
            keys: keys,
            engine: engine,
            log: log,
            dpop: DPoPVerifier(now: ExchangeFixtures.clock),
            now: ExchangeFixtures.clock
        )
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    func exchange(_ form: [(String, String)], dpop: String? = nil) async -> Result<TokenResponse, OAuthError> {
        await service.exchange(form: form, dpopProof: dpop).result
    }

    /// The verified claims of a token the broker issued.
    func claims(of token: String) async throws -> JSONObject {
        let verifier = JWTVerifier(
            policy: VerificationPolicy(
                issuer: ExchangeFixtures.brokerIssuer,
                audiences: [ExchangeFixtures.ordersAudience],
                allowedAlgorithms: [.es256],
                allowedTypes: ["at+jwt"]
            ),
            keySource: StaticKeySource(keySet: try JWKSet(json: service.jwksDocument())),
            now: ExchangeFixtures.clock
        )
        return try await verifier.verify(token).claims
    }
}

extension Result {
    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }

    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
