import CEL
import Crypto
import Foundation
import Synchronization
import TesseraExchange
import TesseraIdentity
import TesseraPolicy
import Testing

@Suite("Token exchange")
struct TokenExchangeServiceTests {
    typealias F = ExchangeFixtures

    @Test func githubWorkflowOnMainGetsOrdersRead() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let response = try #require(await broker.exchange(F.exchangeForm(subject: F.githubToken())).success)
        #expect(response.tokenType == "Bearer")
        #expect(response.issuedTokenType == TokenURN.accessToken)
        #expect(response.expiresIn == 600)
        #expect(response.scopes == ["orders.read"])
        let claims = try await broker.claims(of: response.accessToken)
        #expect(claims.string("iss") == F.brokerIssuer)
        #expect(claims.string("sub") == "repo:acme/orders:ref:refs/heads/main")
        #expect(claims.string("aud") == F.ordersAudience)
        #expect(claims.string("scope") == "orders.read")
        #expect(claims.string("src") == "github")
        #expect(claims.string("tenant") == "acme")
        #expect(claims["cnf"] == nil)
        #expect(claims["act"] == nil)
        let jws = try CompactJWS(response.accessToken)
        #expect(jws.type == "at+jwt")
        #expect(jws.keyID == "broker-1")
        guard case .int(let iat)? = claims["iat"], case .int(let exp)? = claims["exp"] else {
            Issue.record("no iat/exp")
            return
        }
        #expect(iat == F.nowSeconds)
        #expect(exp - iat == 600)
    }

    @Test func githubOtherBranchIsDenied() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let error = await broker.exchange(F.exchangeForm(subject: F.githubToken(ref: "refs/heads/dev"))).failure
        #expect(error?.code == .invalidTarget)
        #expect(error?.httpStatus == 400)
    }

    @Test func kubernetesClaimsComeFromTheKubernetesIOClaim() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let token = F.token(
            iss: F.clusterIssuer,
            sub: "system:serviceaccount:orders:api",
            extra:
                #""kubernetes.io":{"namespace":"orders","serviceaccount":{"name":"api","uid":"1"},"pod":{"name":"api-7f9","uid":"2"}}"#
        )
        let response = try #require(await broker.exchange(F.exchangeForm(subject: token)).success)
        #expect(response.scopes == ["orders.read", "orders.write"])
        let input = try #require(broker.log.records.withLock { $0.last?.input })
        #expect(input.contains(#""kubernetes":{"namespace":"orders","service_account":"api","pod":"api-7f9"}"#))
    }

    @Test func kubernetesClaimsFallBackToSub() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let token = F.token(iss: F.clusterIssuer, sub: "system:serviceaccount:orders:worker")
        #expect(
            await broker.exchange(F.exchangeForm(subject: token, scope: "orders.write")).success?.scopes == [
                "orders.write"
            ]
        )
        let other = F.token(iss: F.clusterIssuer, sub: "system:serviceaccount:default:worker")
        #expect(await broker.exchange(F.exchangeForm(subject: other)).failure?.code == .invalidTarget)
        let notAnAccount = F.token(iss: F.clusterIssuer, sub: "alice")
        #expect(await broker.exchange(F.exchangeForm(subject: notAnAccount)).failure?.code == .invalidGrant)
    }

    @Test func spiffeSubjectsMustBeInTheTrustDomain() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let inside = F.token(iss: F.meshIssuer, sub: "spiffe://example.org/orders/worker")
        #expect(await broker.exchange(F.exchangeForm(subject: inside)).success?.scopes == ["orders.read"])
        let outside = F.token(iss: F.meshIssuer, sub: "spiffe://evil.org/orders/worker")
        #expect(await broker.exchange(F.exchangeForm(subject: outside)).failure?.code == .invalidGrant)
        let malformed = F.token(iss: F.meshIssuer, sub: "spiffe://example.org/orders/../admin")
        #expect(await broker.exchange(F.exchangeForm(subject: malformed)).failure?.code == .invalidGrant)
        let otherPath = F.token(iss: F.meshIssuer, sub: "spiffe://example.org/billing/worker")
        #expect(await broker.exchange(F.exchangeForm(subject: otherPath)).failure?.code == .invalidTarget)
    }

    @Test func sourcesAreChosenByExactIssuer() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let unknown = F.token(
            iss: "https://token.actions.githubusercontent.com/",
            sub: "repo:acme/orders:ref:refs/heads/main"
        )
        let error = await broker.exchange(F.exchangeForm(subject: unknown)).failure
        #expect(error?.code == .invalidGrant)
        #expect(error?.description == "the subject token's issuer is not trusted")
        // An issuer-less SPIFFE source (bundle file) takes tokens by the trust domain of sub.
        let bundle = F.token(iss: "https://spire.other.org", sub: "spiffe://other.org/orders/worker")
        #expect(await broker.exchange(F.exchangeForm(subject: bundle)).failure?.code == .invalidTarget)
        #expect(broker.log.records.withLock { $0.last?.result?.contains(#""source":"bundle""#) } == true)
    }

    @Test func requestedScopesMustBeGranted() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let granted = await broker.exchange(F.exchangeForm(subject: F.githubToken(), scope: "orders.read"))
        #expect(granted.success?.scopes == ["orders.read"])
        let refused = await broker.exchange(F.exchangeForm(subject: F.githubToken(), scope: "orders.read orders.write"))
        #expect(refused.failure?.code == .invalidScope)
        let malformed = await broker.exchange(F.exchangeForm(subject: F.githubToken(), scope: "orders\u{7F}"))
        #expect(malformed.failure?.code == .invalidScope)
    }

    static let permissive = """
        name: exchange/grants
        decision: |
          {
            "allow": true,
            "scopes": ["orders.read", "admin"],
            "ttl": 7200,
            "claims": {"sub": "root", "iss": "https://evil.example", "aud": "everything", "exp": 9999999999,
                       "act": {"sub": "forged"}, "cnf": {"jkt": "forged"}, "scope": "admin", "tenant": "acme"}
          }
        """

    @Test func ttlIsCappedAndReservedClaimsAreProtected() async throws {
        let broker = try TestBroker(policy: Self.permissive, maxLifetime: .seconds(120))
        defer { broker.remove() }
        let response = try #require(await broker.exchange(F.exchangeForm(subject: F.githubToken())).success)
        #expect(response.expiresIn == 120)
        // "admin" is granted but not a scope of the target.
        #expect(response.scopes == ["orders.read"])
        let claims = try await broker.claims(of: response.accessToken)
        #expect(claims.string("sub") == "repo:acme/orders:ref:refs/heads/main")
        #expect(claims.string("iss") == F.brokerIssuer)
        #expect(claims.string("aud") == F.ordersAudience)
        #expect(claims.string("scope") == "orders.read")
        #expect(claims.string("tenant") == "acme")
        #expect(claims["act"] == nil)
        #expect(claims["cnf"] == nil)
        guard case .int(let exp)? = claims["exp"] else {
            Issue.record("no exp")
            return
        }
        #expect(exp == F.nowSeconds + 120)
        let admin = await broker.exchange(F.exchangeForm(subject: F.githubToken(), scope: "admin"))
        #expect(admin.failure?.code == .invalidScope)
    }

    @Test func delegationCarriesTheActChain() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let subject = F.token(iss: F.meshIssuer, sub: "spiffe://example.org/orders/worker")
        let actor = F.token(
            iss: F.meshIssuer,
            sub: "spiffe://example.org/agents/orders-assistant",
            extra: #""act":{"sub":"spiffe://example.org/agents/planner"}"#
        )
        let form = F.exchangeForm(
            subject: subject,
            extra: [("actor_token", actor), ("actor_token_type", TokenURN.jwt)]
        )
        let response = try #require(await broker.exchange(form).success)
        let claims = try await broker.claims(of: response.accessToken)
        guard case .map(let act)? = claims["act"], let object = JSONObject(.map(act)) else {
            Issue.record("no act claim")
            return
        }
        #expect(object.string("sub") == "spiffe://example.org/agents/orders-assistant")
        #expect(object.string("iss") == F.meshIssuer)
        guard case .map(let nested)? = object["act"] else {
            Issue.record("no nested act")
            return
        }
        #expect(JSONObject(.map(nested))?.string("sub") == "spiffe://example.org/agents/planner")

        let stranger = F.token(iss: F.meshIssuer, sub: "spiffe://example.org/agents/other")
        let denied = F.exchangeForm(
            subject: subject,
            extra: [("actor_token", stranger), ("actor_token_type", TokenURN.jwt)]
        )
        #expect(await broker.exchange(denied).failure?.code == .invalidTarget)
        let expiredActor = F.token(
            iss: F.meshIssuer,
            sub: "spiffe://example.org/agents/orders-assistant",
            exp: F.nowSeconds - 3600
        )
        let bad = F.exchangeForm(
            subject: subject,
            extra: [("actor_token", expiredActor), ("actor_token_type", TokenURN.jwt)]
        )
        let error = await broker.exchange(bad).failure
        #expect(error?.code == .invalidGrant)
        #expect(error?.description == "the actor token is expired")
    }

    @Test func dpopBindsTheTokenAndRefusesReplays() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let key = P256.Signing.PrivateKey()
        let proof = F.dpopProof(key: key, jti: "proof-1")
        let response = try #require(
            await broker.exchange(F.exchangeForm(subject: F.githubToken()), dpop: proof).success
        )
        #expect(response.tokenType == "DPoP")
        let claims = try await broker.claims(of: response.accessToken)
        guard case .map(let cnf)? = claims["cnf"] else {
            Issue.record("no cnf")
            return
        }
        #expect(JSONObject(.map(cnf))?.string("jkt") == JWK(publicKey: key.publicKey).thumbprint())

        let replay = await broker.exchange(F.exchangeForm(subject: F.githubToken()), dpop: proof).failure
        #expect(replay?.code == .invalidDPoPProof)
        #expect(replay?.description == "the DPoP proof was already used")
        let wrongURL = F.dpopProof(key: key, url: "https://elsewhere.example/oauth2/token")
        #expect(
            await broker.exchange(F.exchangeForm(subject: F.githubToken()), dpop: wrongURL).failure?.code
                == .invalidDPoPProof
        )
        let wrongMethod = F.dpopProof(key: key, method: "GET")
        #expect(
            await broker.exchange(F.exchangeForm(subject: F.githubToken()), dpop: wrongMethod).failure?.code
                == .invalidDPoPProof
        )
        let privateJWK = F.dpopProof(
            key: key,
            jwk: String(JWK(publicKey: key.publicKey).publicJSON.dropLast())
                + ",\"d\":\"\(F.base64URL(key.rawRepresentation))\"}"
        )
        let leaked = await broker.exchange(F.exchangeForm(subject: F.githubToken()), dpop: privateJWK).failure
        #expect(leaked?.code == .invalidDPoPProof)
    }

    @Test func dpopCanBeRequired() async throws {
        let broker = try TestBroker(dpopRequired: true)
        defer { broker.remove() }
        let error = await broker.exchange(F.exchangeForm(subject: F.githubToken())).failure
        #expect(error?.code == .invalidDPoPProof)
        let proof = F.dpopProof(key: P256.Signing.PrivateKey())
        #expect(
            await broker.exchange(F.exchangeForm(subject: F.githubToken()), dpop: proof).success?.tokenType == "DPoP"
        )
    }

    @Test func clientAssertionsAuthenticateClients() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let client = F.token(
            iss: F.meshIssuer,
            sub: "spiffe://example.org/orders/client",
            aud: F.brokerIssuer + "/oauth2/token"
        )
        let form = F.exchangeForm(
            subject: F.githubToken(),
            extra: [("client_assertion_type", TokenURN.clientAssertionJWT), ("client_assertion", client)]
        )
        let response = try #require(await broker.exchange(form).success)
        #expect(
            try await broker.claims(of: response.accessToken).string("client_id")
                == "spiffe://example.org/orders/client"
        )
        #expect(broker.log.records.withLock { $0.last?.input?.contains(#""client":{"#) } == true)

        let wrongAudience = F.token(iss: F.meshIssuer, sub: "spiffe://example.org/orders/client", aud: "tessera")
        let refused = F.exchangeForm(
            subject: F.githubToken(),
            extra: [("client_assertion_type", TokenURN.clientAssertionJWT), ("client_assertion", wrongAudience)]
        )
        let error = await broker.exchange(refused).failure
        #expect(error?.code == .invalidClient)
        #expect(error?.httpStatus == 401)
        let mismatch = F.exchangeForm(
            subject: F.githubToken(),
            extra: [
                ("client_assertion_type", TokenURN.clientAssertionJWT), ("client_assertion", client),
                ("client_id", "someone-else"),
            ]
        )
        #expect(await broker.exchange(mismatch).failure?.code == .invalidClient)
        let badType = F.exchangeForm(
            subject: F.githubToken(),
            extra: [("client_assertion_type", "urn:example:password"), ("client_assertion", client)]
        )
        #expect(await broker.exchange(badType).failure?.code == .invalidClient)
    }

    @Test func jwtBearerGrantUsesTheAssertionAsSubject() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let form = [("grant_type", TokenURN.jwtBearer), ("assertion", F.githubToken()), ("resource", F.ordersAudience)]
        let response = try #require(await broker.exchange(form).success)
        #expect(
            try await broker.claims(of: response.accessToken).string("sub") == "repo:acme/orders:ref:refs/heads/main"
        )
        #expect(
            await broker.exchange([("grant_type", TokenURN.jwtBearer), ("audience", "orders-api")]).failure?.code
                == .invalidRequest
        )
        let expired = F.token(iss: F.githubIssuer, sub: "x", exp: F.nowSeconds - 600)
        #expect(
            await broker.exchange([
                ("grant_type", TokenURN.jwtBearer), ("assertion", expired), ("audience", "orders-api"),
            ]).failure?.code == .invalidGrant
        )
    }

    @Test(arguments: [
        ([("subject_token", "x")], "invalid_request"),
        ([("grant_type", "password")], "unsupported_grant_type"),
        ([("grant_type", TokenURN.tokenExchange), ("subject_token_type", TokenURN.jwt)], "invalid_request"),
        ([("grant_type", TokenURN.tokenExchange), ("subject_token", "x")], "invalid_request"),
        (
            [("grant_type", TokenURN.tokenExchange), ("subject_token", "x"), ("subject_token_type", "urn:x")],
            "invalid_request"
        ),
        ([("grant_type", TokenURN.tokenExchange), ("grant_type", TokenURN.tokenExchange)], "invalid_request"),
    ])
    func malformedRequests(form: [(String, String)], code: String) async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        #expect(await broker.exchange(form).failure?.code.rawValue == code)
    }

    @Test func everyRequestErrorCode() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let token = F.githubToken()
        func code(_ form: [(String, String)]) async -> String? { await broker.exchange(form).failure?.code.rawValue }
        #expect(await code(F.exchangeForm(subject: token) + [("scope", "a"), ("scope", "b")]) == "invalid_request")
        #expect(await code(F.exchangeForm(subject: token, extra: [("actor_token", token)])) == "invalid_request")
        #expect(
            await code(F.exchangeForm(subject: token, extra: [("actor_token_type", TokenURN.jwt)])) == "invalid_request"
        )
        #expect(
            await code(F.exchangeForm(subject: token, extra: [("requested_token_type", "urn:x")])) == "invalid_request"
        )
        #expect(await code(F.exchangeForm(subject: token, audience: nil)) == "invalid_target")
        #expect(await code(F.exchangeForm(subject: token, audience: "https://billing.example.com")) == "invalid_target")
        #expect(
            await code(F.exchangeForm(subject: token, extra: [("resource", "https://billing.example.com")]))
                == "invalid_target"
        )
        let requestedJWT = await broker.exchange(
            F.exchangeForm(subject: token, extra: [("requested_token_type", TokenURN.jwt)])
        )
        #expect(requestedJWT.success?.issuedTokenType == TokenURN.jwt)
    }

    @Test func invalidSubjectTokens() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        func failure(_ token: String) async -> OAuthError? {
            await broker.exchange(F.exchangeForm(subject: token)).failure
        }
        let valid = F.githubToken()
        let parts = valid.split(separator: ".").map(String.init)
        let header = #"{"alg":"none","typ":"JWT"}"#
        let cases: [(String, String)] = [
            (F.token(iss: F.githubIssuer, sub: "s", exp: F.nowSeconds - 3600), "the subject token is expired"),
            (
                F.token(iss: F.githubIssuer, sub: "s", aud: "someone-else"),
                "the subject token is not meant for this broker (aud)"
            ),
            (F.token(iss: F.githubIssuer, sub: "s", key: F.strangerKey), "the subject token is not correctly signed"),
            (
                parts[0] + "." + F.base64URL(Array(#"{"iss":"\#(F.githubIssuer)","sub":"root"}"#.utf8)) + "."
                    + parts[2], "the subject token is not correctly signed"
            ),
            (F.base64URL(Array(header.utf8)) + "." + parts[1] + ".", "the subject token is unsigned (alg none)"),
            ("not.a.token!", "the subject token is malformed"),
            (String(repeating: "a", count: 17 << 10), "the subject token is too large"),
        ]
        for (token, description) in cases {
            let error = await failure(token)
            #expect(error?.code == .invalidGrant, "\(description)")
            #expect(error?.description == description)
        }
    }

    @Test func aDecisionTheLogCannotTakeIsAServerError() async throws {
        let broker = try TestBroker(failingLog: true)
        defer { broker.remove() }
        let error = await broker.exchange(F.exchangeForm(subject: F.githubToken())).failure
        #expect(error?.code == .serverError)
        #expect(error?.httpStatus == 500)
    }

    @Test func everyExchangeIsLoggedWithoutTokens() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let subject = F.githubToken()
        let issued = try #require(await broker.exchange(F.exchangeForm(subject: subject)).success)
        let denied = F.githubToken(ref: "refs/heads/dev")
        _ = await broker.exchange(F.exchangeForm(subject: denied))
        _ = await broker.exchange([("grant_type", "password")])
        let records = broker.log.records.withLock { $0 }
        #expect(records.count == 3)
        #expect(records.map(\.outcome) == [.allow, .deny, .deny])
        #expect(records.allSatisfy { $0.source == "oauth2/token" && $0.path == "exchange/grants" })
        let jti = try await broker.claims(of: issued.accessToken).string("jti")
        let first = try #require(records.first?.result)
        #expect(first.contains(#""jti":"\#(jti ?? "?")""#))
        #expect(first.contains(#""subject":"repo:acme/orders:ref:refs/heads/main""#))
        #expect(first.contains(#""target":"orders-api""#))
        #expect(first.contains(#""scopes":["orders.read"]"#))
        for record in records {
            let text = [record.input, record.result, record.failure].compactMap { $0 }.joined()
            for token in [subject, denied, issued.accessToken] {
                #expect(!text.contains(token))
                #expect(!text.contains(String(token.split(separator: ".")[2])))
            }
        }
        #expect(records[1].failure?.contains("invalid_target") == true)
    }

    @Test func discoveryAndKeys() async throws {
        let broker = try TestBroker()
        defer { broker.remove() }
        let document = try #require(JSONObject(JSON.parse(broker.service.discoveryDocument)))
        #expect(document.string("issuer") == F.brokerIssuer)
        #expect(document.string("token_endpoint") == F.brokerIssuer + "/oauth2/token")
        #expect(document.string("jwks_uri") == F.brokerIssuer + "/.well-known/jwks.json")
        let keys = try JWKSet(json: broker.service.jwksDocument())
        #expect(keys.keys.map(\.keyID) == ["broker-1"])
    }
}
