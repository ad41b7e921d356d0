import Crypto
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension EndToEndTests {
    /// The token broker (issue 6) end to end on loopback: `tessera serve` with a tessera.yaml naming
    /// real issuers (the static joserfc issuer as GitHub Actions, as a Kubernetes cluster through an
    /// exported JWKS file and as a SPIRE server through a JWT bundle file; oidc-provider-mock), tokens
    /// exchanged through `tessera exchange` and raw HTTP, every minted token verified by joserfc
    /// (Testbed/jose_verify.py) through the broker's discovery document, and the decision log read back.
    @Suite("e2e: token broker")
    struct BrokerEndToEndTests {
        @Test("GitHub-Actions, Kubernetes and OIDC tokens are exchanged (CLI and HTTP), verified and logged")
        func exchangesOfEachShape() async throws {
            let bed = try await BrokerBed.start(name: "broker-shapes", withOIDC: true)
            defer { bed.stop() }

            // Discovery and the published keys (the current key and the retired one until publish_until).
            let discovery = try Testbed.jsonObject(
                try await Testbed.request("GET", bed.base + "/.well-known/openid-configuration").body,
                what: "discovery"
            )
            #expect(discovery["issuer"] as? String == bed.base)
            #expect(discovery["token_endpoint"] as? String == bed.tokenURL)
            #expect(discovery["jwks_uri"] as? String == bed.base + "/.well-known/jwks.json")
            #expect((discovery["grant_types_supported"] as? [String])?.contains(BrokerBed.tokenExchange) == true)
            #expect(discovery["id_token_signing_alg_values_supported"] as? [String] == ["ES256"])
            let jwks = try Testbed.jsonObject(
                try await Testbed.request("GET", bed.base + "/.well-known/jwks.json").body,
                what: "JWKS"
            )
            let published = try #require(jwks["keys"] as? [[String: Any]])
            #expect(Set(published.compactMap { $0["kid"] as? String }) == [bed.currentKeyID, bed.oldKeyID])
            #expect(published.allSatisfy { $0["d"] == nil }, "the JWKS must hold public keys only")

            // GitHub Actions through the CLI: RS256, a preset issuer overridden with the static issuer.
            let github = try await bed.githubToken()
            let cli = try await bed.cli(
                subject: github,
                ["--audience", BrokerBed.ordersAudience, "--scope", "orders.read"]
            )
            #expect(cli.status == 0, "tessera exchange failed: \(cli.error)")
            #expect(cli.error.isEmpty, "stderr: \(cli.error)")
            let cliToken = cli.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let cliClaims = try await bed.verifyMinted(cliToken, audience: BrokerBed.ordersAudience)
            #expect(cliClaims["sub"] as? String == "repo:acme/orders:ref:refs/heads/main")
            #expect(cliClaims["src"] as? String == "github")
            #expect(cliClaims["scope"] as? String == "orders.read")
            #expect(cliClaims["repository"] as? String == "acme/orders", "claims from the grant")
            try BrokerBed.expectLifetime(cliClaims, atMost: 900, "the policy's 1h is capped at max_lifetime 15m")
            bed.minted.append(cliToken)

            // The same over raw HTTP, with the answer's fields and headers.
            let raw = try await bed.exchange(
                subject: try await bed.githubToken(),
                audience: [BrokerBed.ordersAudience],
                scope: "orders.read orders.write"
            )
            let answer = try bed.expectIssued(raw)
            #expect(answer["token_type"] as? String == "Bearer")
            #expect(answer["issued_token_type"] as? String == BrokerBed.tokenTypePrefix + "access_token")
            #expect(answer["scope"] as? String == "orders.read orders.write")
            #expect((answer["expires_in"] as? Int).map { $0 > 0 && $0 <= 900 } == true, "expires_in \(answer)")
            #expect(raw.headers["cache-control"]?.contains("no-store") == true)
            #expect(raw.headers["pragma"]?.contains("no-cache") == true)
            let rawClaims = try await bed.verifyMinted(try #require(answer["access_token"] as? String))
            #expect(rawClaims["scope"] as? String == "orders.read orders.write")

            // Kubernetes over raw HTTP, the target chosen by `resource`.
            let kubernetes = try await bed.kubernetesToken()
            let k8sAnswer = try bed.expectIssued(
                try await bed.exchange(subject: kubernetes, resource: [BrokerBed.ordersAudience])
            )
            let k8sClaims = try await bed.verifyMinted(
                try #require(k8sAnswer["access_token"] as? String),
                audience: BrokerBed.ordersAudience
            )
            #expect(k8sClaims["sub"] as? String == "system:serviceaccount:payments:checkout")
            #expect(k8sClaims["src"] as? String == "cluster")
            #expect(k8sClaims["scope"] as? String == "orders.read", "the grant's scopes when none are asked for")
            #expect(k8sClaims["namespace"] as? String == "payments")
            try BrokerBed.expectLifetime(k8sClaims, atMost: 120, "the policy's ttl 2m")

            // Kubernetes through the CLI with --output json.
            let k8sCLI = try await bed.cli(
                subject: try await bed.kubernetesToken(),
                ["--audience", "orders-api", "--output", "json"]
            )
            #expect(k8sCLI.status == 0, "tessera exchange failed: \(k8sCLI.error)")
            let k8sJSON = try Testbed.jsonObject(k8sCLI.output, what: "tessera exchange --output json")
            #expect(k8sJSON["token_type"] as? String == "Bearer")
            let k8sCLIToken = try #require(k8sJSON["access_token"] as? String)
            _ = try await bed.verifyMinted(k8sCLIToken)
            bed.minted.append(k8sCLIToken)

            // An ID token of oidc-provider-mock (RS256, no kid), found through its discovery.
            let provider = try #require(bed.oidc)
            try await provider.setUser("alice", claims: ["email": "alice@example.com", "groups": ["admins"]])
            let idToken = try await provider.idToken(sub: "alice", clientID: "tessera")
            bed.sent.append(idToken)
            let oidcAnswer = try bed.expectIssued(
                try await bed.exchange(subject: idToken, type: "id_token", audience: [BrokerBed.mcpAudience])
            )
            let oidcClaims = try await bed.verifyMinted(
                try #require(oidcAnswer["access_token"] as? String),
                audience: BrokerBed.mcpAudience
            )
            #expect(oidcClaims["sub"] as? String == "alice")
            #expect(oidcClaims["src"] as? String == "dev")

            // DPoP through the CLI: the token is bound to the key (cnf.jkt) and typed DPoP.
            let dpopKey = P256.Signing.PrivateKey()
            let keyFile = bed.directory.appendingPathComponent("dpop.pem")
            try Data(dpopKey.pemRepresentation.utf8).write(to: keyFile)
            let dpopCLI = try await bed.cli(
                subject: try await bed.githubToken(),
                ["--audience", BrokerBed.ordersAudience, "--dpop-key", keyFile.path, "--output", "json"]
            )
            #expect(dpopCLI.status == 0, "tessera exchange --dpop-key failed: \(dpopCLI.error)")
            let dpopJSON = try Testbed.jsonObject(dpopCLI.output, what: "tessera exchange --output json")
            #expect(dpopJSON["token_type"] as? String == "DPoP")
            let dpopToken = try #require(dpopJSON["access_token"] as? String)
            bed.minted.append(dpopToken)
            let dpopClaims = try await bed.verifyMinted(dpopToken)
            #expect(
                (dpopClaims["cnf"] as? [String: Any])?["jkt"] as? String == DPoPProofs.thumbprint(dpopKey.publicKey)
            )

            // DPoP over raw HTTP with a proof built here.
            let proofKey = P256.Signing.PrivateKey()
            let proof = try DPoPProofs.make(key: proofKey, htm: "POST", htu: bed.tokenURL)
            let bound = try bed.expectIssued(
                try await bed.exchange(subject: try await bed.kubernetesToken(), audience: ["orders-api"], dpop: proof)
            )
            #expect(bound["token_type"] as? String == "DPoP")
            let boundClaims = try await bed.verifyMinted(try #require(bound["access_token"] as? String))
            #expect(
                (boundClaims["cnf"] as? [String: Any])?["jkt"] as? String == DPoPProofs.thumbprint(proofKey.publicKey)
            )

            try await bed.expectLogged(allowed: bed.mintedIDs, denied: [])
        }

        @Test("SPIFFE JWT-SVIDs checked against a SPIFFE JWT bundle file are exchanged")
        func spiffeSubject() async throws {
            let bed = try await BrokerBed.start(name: "broker-spiffe", withOIDC: false)
            defer { bed.stop() }
            // SPIFFE over raw HTTP (the target by name) and through the CLI, from the environment.
            let svid = try await bed.spiffeToken(path: "/ns/prod/sa/web")
            let spiffeAnswer = try bed.expectIssued(try await bed.exchange(subject: svid, audience: ["mcp"]))
            let spiffeClaims = try await bed.verifyMinted(
                try #require(spiffeAnswer["access_token"] as? String),
                audience: BrokerBed.mcpAudience
            )
            #expect(spiffeClaims["sub"] as? String == "spiffe://example.org/ns/prod/sa/web")
            #expect(spiffeClaims["src"] as? String == "mesh")
            try BrokerBed.expectLifetime(spiffeClaims, atMost: 300, "default_ttl 5m")
            let spiffeCLI = try await bed.cli(
                subjectFromEnvironment: try await bed.spiffeToken(path: "/ns/prod/sa/web"),
                ["--audience", BrokerBed.mcpAudience]
            )
            #expect(spiffeCLI.status == 0, "tessera exchange failed: \(spiffeCLI.error)")
            let spiffeCLIToken = spiffeCLI.output.trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await bed.verifyMinted(spiffeCLIToken, audience: BrokerBed.mcpAudience)
            bed.minted.append(spiffeCLIToken)

            try await bed.expectLogged(allowed: bed.mintedIDs, denied: [])
        }

        @Test("a delegated exchange (an agent's JWT-SVID as actor_token) carries the act chain")
        func delegation() async throws {
            let bed = try await BrokerBed.start(name: "broker-delegation", withOIDC: false)
            defer { bed.stop() }
            // Delegation: a CI job's identity with an agent (SPIFFE) acting for it; the actor token itself
            // carries an `act`, so the chain nests.
            let actor = try await bed.spiffeToken(
                path: "/ns/prod/sa/agent",
                extra: ["act": ["sub": "user:alice", "iss": "https://idp.example.org"]]
            )
            let delegated = try bed.expectIssued(
                try await bed.exchange(
                    subject: try await bed.githubToken(),
                    audience: [BrokerBed.mcpAudience],
                    actor: actor
                )
            )
            let delegatedClaims = try await bed.verifyMinted(
                try #require(delegated["access_token"] as? String),
                audience: BrokerBed.mcpAudience
            )
            #expect(delegatedClaims["sub"] as? String == "repo:acme/orders:ref:refs/heads/main")
            let act = try #require(delegatedClaims["act"] as? [String: Any], "no act claim: \(delegatedClaims)")
            #expect(act["sub"] as? String == "spiffe://example.org/ns/prod/sa/agent")
            #expect(act["iss"] as? String == BrokerBed.spireIssuer)
            let nested = act["act"] as? [String: Any]
            #expect(nested?["sub"] as? String == "user:alice", "the actor token's own act chain: \(act)")
            // The same through the CLI's --actor-token-file.
            let actorFile = try bed.writeToken(
                try await bed.spiffeToken(path: "/ns/prod/sa/agent"),
                name: "actor"
            )
            let delegatedCLI = try await bed.cli(
                subject: try await bed.githubToken(),
                ["--audience", BrokerBed.mcpAudience, "--actor-token-file", actorFile.path]
            )
            #expect(delegatedCLI.status == 0, "tessera exchange failed: \(delegatedCLI.error)")
            let delegatedCLIToken = delegatedCLI.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let delegatedCLIClaims = try await bed.verifyMinted(delegatedCLIToken, audience: BrokerBed.mcpAudience)
            #expect(
                (delegatedCLIClaims["act"] as? [String: Any])?["sub"] as? String
                    == "spiffe://example.org/ns/prod/sa/agent"
            )
            bed.minted.append(delegatedCLIToken)

            try await bed.expectLogged(allowed: bed.mintedIDs, denied: [])
        }

        @Test("bad tokens, bad requests, denied grants and bad DPoP proofs get their RFC errors")
        func refusals() async throws {
            let bed = try await BrokerBed.start(name: "broker-refusals", withOIDC: false)
            defer { bed.stop() }
            let issuer = bed.issuer
            let now = Int(Date().timeIntervalSince1970)
            let orders = [BrokerBed.ordersAudience]

            // Each bad subject token: 400 invalid_grant, and the server still serves.
            var badTokens: [(String, String)] = [
                (
                    "expired",
                    try await bed.githubToken(extra: ["iat": now - 7_200, "nbf": now - 7_200, "exp": now - 3_600])
                ),
                ("not yet valid", try await bed.githubToken(extra: ["nbf": now + 3_600])),
                ("wrong iss", try await bed.githubToken(extra: ["iss": "https://token.actions.example.net"])),
                ("wrong aud", try await bed.githubToken(extra: ["aud": "someone-else"])),
                ("unknown kid", try await bed.githubToken(kid: "nobody-has-this-kid")),
                (
                    "alg none",
                    try await issuer.mintRaw(
                        header: ["alg": "none", "typ": "JWT", "kid": "rsa-1"],
                        payload: bed.githubClaims(),
                        sign: .none
                    )
                ),
                (
                    "HS256 keyed with the RSA public key",
                    try await issuer.mintRaw(
                        header: ["alg": "HS256", "typ": "JWT", "kid": "rsa-1"],
                        payload: bed.githubClaims(),
                        sign: .hs256WithRSAPublicPEM
                    )
                ),
                (
                    "over 16 KiB",
                    try await bed.githubToken(extra: ["padding": String(repeating: "p", count: 17 * 1024)])
                ),
                ("malformed base64", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOi*!.c2lnbmF0dXJl"),
                (
                    "header not JSON",
                    try await issuer.mintRaw(
                        headerText: #"{"alg":"ES256","kid":"ec-1""#,
                        payloadText: try Testbed.jsonText(bed.githubClaims()),
                        sign: .es256
                    )
                ),
                (
                    "payload not JSON",
                    try await issuer.mintRaw(
                        headerText: #"{"alg":"ES256","kid":"ec-1","typ":"JWT"}"#,
                        payloadText: #"{"sub":"repo:acme/orders:ref:refs/heads/main","#,
                        sign: .es256
                    )
                ),
            ]
            // Tampered: a token for another repository with the payload rewritten to acme/orders.
            let other = try await bed.githubToken(repository: "acme/other")
            var tamperedClaims = try Testbed.decodeJWT(other).claims
            tamperedClaims["repository"] = "acme/orders"
            tamperedClaims["sub"] = "repo:acme/orders:ref:refs/heads/main"
            let parts = other.split(separator: ".")
            let tampered = [
                String(parts[0]), DPoPProofs.base64URL(Data(try Testbed.jsonText(tamperedClaims).utf8)),
                String(parts[2]),
            ].joined(separator: ".")
            badTokens.append(("tampered payload", tampered))
            #expect(try #require(badTokens.first { $0.0 == "over 16 KiB" }?.1).utf8.count > 16 * 1024)

            for (name, token) in badTokens {
                bed.sent.append(token)
                let answer = try await bed.exchange(subject: token, audience: orders)
                try bed.expectError(answer, "invalid_grant", name)
                try await bed.expectServing(after: name)
            }

            // The grant policy denies acme/other: invalid_target; an unknown target too.
            let denied = try await bed.exchange(subject: other, audience: orders)
            try bed.expectError(denied, "invalid_target", "grant denied")
            try await bed.expectServing(after: "grant denied")
            let nowhere = try await bed.exchange(
                subject: try await bed.githubToken(),
                audience: ["https://nowhere.example"]
            )
            try bed.expectError(nowhere, "invalid_target", "unknown target")
            // A scope the grant does not give: invalid_scope.
            let scope = try await bed.exchange(
                subject: try await bed.kubernetesToken(),
                audience: orders,
                scope: "orders.write"
            )
            try bed.expectError(scope, "invalid_scope", "scope not granted")
            try await bed.expectServing(after: "invalid_scope")

            // Malformed requests.
            let good = try await bed.githubToken()
            bed.sent.append(good)
            let requests: [(String, [(String, String)], String)] = [
                (
                    "unsupported grant type", [("grant_type", "password"), ("username", "a"), ("password", "b")],
                    "unsupported_grant_type"
                ),
                (
                    "missing subject_token",
                    [("grant_type", BrokerBed.tokenExchange), ("subject_token_type", BrokerBed.jwtType)],
                    "invalid_request"
                ),
                (
                    "duplicate subject_token",
                    [
                        ("grant_type", BrokerBed.tokenExchange), ("subject_token", good), ("subject_token", good),
                        ("subject_token_type", BrokerBed.jwtType), ("audience", BrokerBed.ordersAudience),
                    ],
                    "invalid_request"
                ),
                (
                    "unknown subject_token_type",
                    [
                        ("grant_type", BrokerBed.tokenExchange), ("subject_token", good),
                        ("subject_token_type", "urn:example:saml"), ("audience", BrokerBed.ordersAudience),
                    ],
                    "invalid_request"
                ),
            ]
            for (name, form, error) in requests {
                try bed.expectError(try await bed.post(form: form), error, name)
                try await bed.expectServing(after: name)
            }

            // DPoP: a replayed proof, a proof for another URL or method, a proof whose jwk holds the private key.
            let key = P256.Signing.PrivateKey()
            let proof = try DPoPProofs.make(key: key, htm: "POST", htu: bed.tokenURL)
            _ = try bed.expectIssued(
                try await bed.exchange(subject: try await bed.githubToken(), audience: orders, dpop: proof)
            )
            let proofs: [(String, String)] = [
                ("DPoP proof replayed", proof),
                ("DPoP htu mismatch", try DPoPProofs.make(key: key, htm: "POST", htu: bed.base + "/v1/data/other")),
                ("DPoP htm mismatch", try DPoPProofs.make(key: key, htm: "GET", htu: bed.tokenURL)),
                (
                    "DPoP jwk with a private key",
                    try DPoPProofs.make(key: key, htm: "POST", htu: bed.tokenURL, leakPrivateKey: true)
                ),
            ]
            for (name, proof) in proofs {
                let answer = try await bed.exchange(subject: try await bed.githubToken(), audience: orders, dpop: proof)
                try bed.expectError(answer, "invalid_dpop_proof", name)
                try await bed.expectServing(after: name)
            }

            // The CLI's error output and exit statuses (1: refused, 2: usage), never showing a token.
            let refused = try await bed.cli(subject: other, ["--audience", BrokerBed.ordersAudience])
            #expect(refused.status == 1, "grant denied through the CLI: exit \(refused.status)")
            #expect(refused.output.isEmpty, "nothing on stdout when refused")
            #expect(refused.error.hasPrefix("error: invalid_target"), "stderr: \(refused.error)")
            #expect(!refused.error.contains(String(other.split(separator: ".")[2])), "the CLI printed the token")
            let tokenFile = try bed.writeToken(good, name: "usage")
            let usages: [(String, [String])] = [
                ("no subject token", ["exchange", "--broker", bed.base]),
                (
                    "both token sources",
                    [
                        "exchange", "--broker", bed.base, "--subject-token-file", tokenFile.path, "--subject-token-env",
                        "X",
                    ]
                ),
                (
                    "plain http off loopback",
                    ["exchange", "--broker", "http://broker.example", "--subject-token-file", tokenFile.path]
                ),
                (
                    "no such token file",
                    ["exchange", "--broker", bed.base, "--subject-token-file", tokenFile.path + ".missing"]
                ),
                (
                    "bad DPoP key",
                    [
                        "exchange", "--broker", bed.base, "--subject-token-file", tokenFile.path, "--dpop-key",
                        tokenFile.path,
                    ]
                ),
                (
                    "bad output",
                    ["exchange", "--broker", bed.base, "--subject-token-file", tokenFile.path, "--output", "xml"]
                ),
            ]
            for (name, arguments) in usages {
                let result = try await Testbed.run(try Testbed.tessera(), arguments, directory: bed.directory)
                #expect(result.status == 2, "\(name): exit \(result.status), stderr \(result.error)")
                #expect(result.output.isEmpty, "\(name): stdout \(result.output)")
                #expect(
                    !result.error.contains(String(good.split(separator: ".")[2])),
                    "\(name): the CLI printed the token"
                )
            }

            // Still serving: a good exchange.
            _ = try bed.expectIssued(try await bed.exchange(subject: try await bed.githubToken(), audience: orders))
            try await bed.expectLogged(allowed: bed.mintedIDs, denied: ["repo:acme/other:ref:refs/heads/main"])
        }

        @Test("RFC 7523: a JWT-bearer grant, and a client authenticating with its own JWT")
        func jwtBearer() async throws {
            let bed = try await BrokerBed.start(name: "broker-jwt-bearer", withOIDC: false)
            defer { bed.stop() }
            // The JWT-bearer grant: the assertion is the subject.
            let assertion = try await bed.githubToken()
            let bearer = try bed.expectIssued(
                try await bed.post(form: [
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion),
                    ("audience", BrokerBed.ordersAudience),
                ])
            )
            let bearerClaims = try await bed.verifyMinted(
                try #require(bearer["access_token"] as? String),
                audience: BrokerBed.ordersAudience
            )
            #expect(bearerClaims["sub"] as? String == "repo:acme/orders:ref:refs/heads/main")
            #expect(bearerClaims["src"] as? String == "github")

            // Client authentication (private_key_jwt): a service-account token whose aud names the token
            // endpoint; the minted token names the client.
            let clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            let client = try await bed.kubernetesToken(audiences: ["tessera", bed.tokenURL])
            let authenticated = try bed.expectIssued(
                try await bed.post(form: [
                    ("grant_type", BrokerBed.tokenExchange), ("subject_token", try await bed.githubToken()),
                    ("subject_token_type", BrokerBed.jwtType), ("audience", BrokerBed.ordersAudience),
                    ("client_assertion_type", clientAssertionType), ("client_assertion", client),
                ])
            )
            let authenticatedClaims = try await bed.verifyMinted(try #require(authenticated["access_token"] as? String))
            #expect(
                authenticatedClaims["client_id"] as? String == "system:serviceaccount:payments:checkout",
                "client_id (the assertion's sub) in \(authenticatedClaims)"
            )
            // A client assertion whose aud does not name the broker: invalid_client (401).
            let stranger = try await bed.kubernetesToken(audiences: ["tessera"])
            let refused = try await bed.post(form: [
                ("grant_type", BrokerBed.tokenExchange), ("subject_token", try await bed.githubToken()),
                ("subject_token_type", BrokerBed.jwtType), ("audience", BrokerBed.ordersAudience),
                ("client_assertion_type", clientAssertionType), ("client_assertion", stranger),
            ])
            try bed.expectError(refused, "invalid_client", "client assertion for another audience", status: 401)
            try await bed.expectServing(after: "invalid_client")
            try await bed.expectLogged(allowed: bed.mintedIDs, denied: [])
        }

        @Test("with the issuer stopped, cached keys still verify and an unknown kid fails closed")
        func issuerStopped() async throws {
            let bed = try await BrokerBed.start(name: "broker-issuer-down", withOIDC: false)
            defer { bed.stop() }
            let orders = [BrokerBed.ordersAudience]
            // The broker learns the issuer's keys with a first exchange.
            _ = try bed.expectIssued(try await bed.exchange(subject: try await bed.githubToken(), audience: orders))
            // Tokens minted while the issuer is up: one with a known kid, one with a key published after the
            // broker's last fetch (a rotation it has not seen).
            let cached = try await bed.githubToken()
            let cachedAgain = try await bed.githubToken()
            try await bed.issuer.addKey(alg: "RS256", kid: "rotated-1")
            let rotated = try await bed.githubToken(kid: "rotated-1")
            let kubernetes = try await bed.kubernetesToken()
            bed.issuer.kill9()

            let answer = try await bed.exchange(subject: cached, audience: orders)
            let issued = try bed.expectIssued(answer)
            _ = try await bed.verifyMinted(try #require(issued["access_token"] as? String))
            for attempt in 1...2 {
                let refused = try await bed.exchange(subject: rotated, audience: orders)
                try bed.expectError(refused, "invalid_grant", "unknown kid with the issuer down (attempt \(attempt))")
                try await bed.expectServing(after: "unknown kid with the issuer down")
            }
            // The cached keys still verify after the failed refresh, and a JWKS-file source is unaffected.
            _ = try bed.expectIssued(try await bed.exchange(subject: cachedAgain, audience: orders))
            _ = try bed.expectIssued(try await bed.exchange(subject: kubernetes, audience: orders))
        }
    }
}

/// One broker under test: a static issuer, optionally oidc-provider-mock, and `tessera serve` with a
/// tessera.yaml naming them, a grant policy and a SQLite decision log, all in one temporary directory.
final class BrokerBed {
    static let tokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
    static let tokenTypePrefix = "urn:ietf:params:oauth:token-type:"
    static let jwtType = tokenTypePrefix + "jwt"
    static let ordersAudience = "https://orders.example.com"
    static let mcpAudience = "https://mcp.example.com"
    static let kubernetesIssuer = "https://kubernetes.default.svc.cluster.local"
    static let spireIssuer = "https://oidc.spire.example.org"

    let directory: URL
    let issuer: StaticIssuer
    let oidc: OIDCProviderMock?
    let server: TesseraServer
    let logFile: URL
    let currentKeyID: String
    let oldKeyID: String
    /// Every token sent to the broker, and every token it minted: none may be in the decision log.
    var sent: [String] = []
    var minted: [String] = []
    /// The requests sent to the token endpoint (raw HTTP and `tessera exchange` runs that reach it).
    var exchanges = 0

    var base: String { server.base }
    var tokenURL: String { server.base + "/oauth2/token" }

    private init(
        directory: URL,
        issuer: StaticIssuer,
        oidc: OIDCProviderMock?,
        server: TesseraServer,
        logFile: URL,
        keyIDs: (String, String)
    ) {
        self.directory = directory
        self.issuer = issuer
        self.oidc = oidc
        self.server = server
        self.logFile = logFile
        (currentKeyID, oldKeyID) = keyIDs
    }

    /// Starts the peers, writes the configuration and starts the broker.
    static func start(name: String, withOIDC: Bool) async throws -> BrokerBed {
        let directory = try Testbed.temporaryDirectory(name)
        var issuer: StaticIssuer?
        var oidc: OIDCProviderMock?
        do {
            let started = try await StaticIssuer.start(directory: directory)
            issuer = started
            if withOIDC { oidc = try await OIDCProviderMock.start(directory: directory) }
            let keyIDs = try await writeConfiguration(in: directory, issuer: started, oidc: oidc)
            let logFile = directory.appendingPathComponent("decisions.sqlite")
            let server = try await TesseraServer.start(
                policies: directory.appendingPathComponent("policies"),
                directory: directory,
                arguments: ["--decision-log", "sqlite:\(logFile.path)", "--log-mode", "durable"]
            )
            return BrokerBed(
                directory: directory,
                issuer: started,
                oidc: oidc,
                server: server,
                logFile: logFile,
                keyIDs: keyIDs
            )
        } catch {
            issuer?.stop()
            oidc?.stop()
            let logs = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            let tail = logs.filter { $0.hasPrefix("tessera") && $0.hasSuffix(".log") }
                .compactMap { try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
                .joined(separator: "\n").suffix(3000)
            try? FileManager.default.removeItem(at: directory)
            throw TestbedError("the broker bed did not start: \(error)\n\(tail)")
        }
    }

    /// Writes tessera.yaml, the signing keys, the JWKS file, the SPIFFE bundle and the grant policy;
    /// returns the `kid`s of the current and the retired signing key (RFC 7638 thumbprints).
    private static func writeConfiguration(
        in directory: URL,
        issuer: StaticIssuer,
        oidc: OIDCProviderMock?
    ) async throws -> (String, String) {
        let files = FileManager.default
        try files.createDirectory(at: directory.appendingPathComponent("keys"), withIntermediateDirectories: true)
        try files.createDirectory(
            at: directory.appendingPathComponent("policies/exchange"),
            withIntermediateDirectories: true
        )
        let current = P256.Signing.PrivateKey()
        let old = P256.Signing.PrivateKey()
        try Data(current.pemRepresentation.utf8).write(to: directory.appendingPathComponent("keys/current.pem"))
        try Data(old.pemRepresentation.utf8).write(to: directory.appendingPathComponent("keys/old.pem"))

        // The issuer's public JWKS, exported as a Kubernetes cluster's JWKS file and as a SPIFFE JWT bundle.
        let jwksText = try await Testbed.request("GET", issuer.jwksURL).body
        try Data(jwksText.utf8).write(to: directory.appendingPathComponent("k8s-jwks.json"))
        let jwks = try Testbed.jsonObject(jwksText, what: "issuer JWKS")
        guard let keys = jwks["keys"] as? [[String: Any]] else { throw TestbedError("the issuer's JWKS has no keys") }
        let bundle: [String: Any] = [
            "keys": keys.map { key in key.merging(["use": "jwt-svid"]) { $1 } },
            "spiffe_sequence": 1,
            "spiffe_refresh_hint": 300,
        ]
        try Data(try Testbed.jsonText(bundle).utf8).write(to: directory.appendingPathComponent("bundle.jwks"))

        var sources = """
            sources:
              - name: github
                kind: github-actions
                issuer: \(issuer.url)
                audiences: [tessera]
              - name: cluster
                kind: kubernetes
                issuer: \(kubernetesIssuer)
                jwks_file: k8s-jwks.json
                audiences: [tessera]
                max_token_age: 1h
              - name: mesh
                kind: spiffe
                trust_domain: example.org
                bundle_file: bundle.jwks
                issuer: \(spireIssuer)
                audiences: [tessera]
                algorithms: [ES256]

            """
        if let oidc {
            sources += """
                  - name: dev
                    kind: oidc
                    issuer: \(oidc.url)
                    audiences: [tessera]
                    algorithms: [RS256]

                """
        }
        let configuration = """
            broker:
              signing_keys:
                - file: keys/current.pem
                - file: keys/old.pem
                  publish_until: 2099-01-01T00:00:00Z
              grant_policy: exchange/grants
              default_ttl: 5m
            \(sources)targets:
              - name: orders-api
                kind: jwt
                audience: \(ordersAudience)
                max_lifetime: 15m
                scopes: [orders.read, orders.write]
              - name: mcp
                kind: jwt
                audience: \(mcpAudience)
                max_lifetime: 10m

            """
        try Data(configuration.utf8).write(to: directory.appendingPathComponent("tessera.yaml"))
        try Data(grantPolicy.utf8).write(to: directory.appendingPathComponent("policies/exchange/grants.yaml"))
        return (DPoPProofs.thumbprint(current.publicKey), DPoPProofs.thumbprint(old.publicKey))
    }

    /// The grant policy: GitHub main of acme/orders and the payments/checkout service account may get
    /// orders-api; SPIFFE workloads under /ns/prod/ and OIDC admins may get mcp; a prod agent may act for
    /// acme/orders towards mcp.
    static let grantPolicy = """
        name: exchange/grants
        input: map(string, dyn)
        variables:
          source: input.?source.orValue("")
          target: input.?target.orValue("")
          requested: input.?request.?scope.orValue([])
          repository: input.?subject.?repository.orValue("")
          ref: input.?subject.?ref.orValue("")
          k8s_namespace: input.?subject.?kubernetes[?"namespace"].orValue("")
          service_account: input.?subject.?kubernetes.?service_account.orValue("")
          spiffe_path: input.?subject.?spiffe.?path.orValue("")
          groups: input.?subject.?groups.orValue([])
          actor_sub: input.?actor.?sub.orValue("")
          actor_iss: input.?actor.?iss.orValue("")
          github: source == "github" && repository == "acme/orders" && ref == "refs/heads/main"
          delegated: actor_sub != ""
          agent: |
            actor_iss == "https://oidc.spire.example.org" && type(actor_sub) == string
            && actor_sub.startsWith("spiffe://example.org/ns/prod/")
          allowed_scopes: |
            target == "orders-api" && github ? ["orders.read", "orders.write"] :
            target == "orders-api" && source == "cluster" ? ["orders.read"] :
            []
        rules:
          orders_from_github: target == "orders-api" && !delegated && github
          orders_from_cluster: |
            target == "orders-api" && !delegated && source == "cluster" && k8s_namespace == "payments"
            && service_account == "checkout"
          mcp_from_mesh: |
            target == "mcp" && !delegated && source == "mesh" && type(spiffe_path) == string
            && spiffe_path.startsWith("/ns/prod/")
          mcp_from_dev: target == "mcp" && !delegated && source == "dev" && "admins" in groups
          mcp_for_agent: target == "mcp" && delegated && agent && github
          allow: orders_from_github || orders_from_cluster || mcp_from_mesh || mcp_from_dev || mcp_for_agent
        decision: |
          {
            "allow": allow,
            "scopes": requested.size() == 0 ? allowed_scopes : requested.filter(s, s in allowed_scopes),
            "ttl": orders_from_github ? "1h" : orders_from_cluster ? "2m" : "5m",
            "claims": orders_from_github ? {"repository": repository} :
                      orders_from_cluster ? {"namespace": k8s_namespace} : {"granted_by": source},
            "reasons": allow ? [] : ["no grant for this subject and target"]
          }
        default:
          allow: false
          reasons: ["the grant policy could not evaluate the input"]

        """

    func stop() {
        server.peer.stop()
        issuer.stop()
        oidc?.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - Tokens shaped as the real ones

    /// The claims of a GitHub Actions OIDC token for a push to `ref` of `repository` (as GitHub sends them).
    func githubClaims(repository: String = "acme/orders", ref: String = "refs/heads/main") -> [String: Any] {
        let now = Int(Date().timeIntervalSince1970)
        let owner = String(repository.split(separator: "/").first ?? "")
        let workflowRef = "\(repository)/.github/workflows/deploy.yml@\(ref)"
        return [
            "iss": issuer.url, "aud": "tessera",
            "sub": "repo:\(repository):\(ref.hasPrefix("refs/") ? "ref:" : "")\(ref)",
            "jti": UUID().uuidString, "iat": now, "nbf": now - 5, "exp": now + 300,
            "repository": repository, "repository_owner": owner, "repository_id": "74129",
            "repository_owner_id": "9919",
            "repository_visibility": "private", "ref": ref, "ref_type": "branch", "ref_protected": "true",
            "sha": "4f1c1a8e0d2b3c5e6f7a8b9c0d1e2f3a4b5c6d7e", "environment": "production", "workflow": "deploy",
            "workflow_ref": workflowRef, "workflow_sha": "4f1c1a8e0d2b3c5e6f7a8b9c0d1e2f3a4b5c6d7e",
            "job_workflow_ref": workflowRef, "job_workflow_sha": "4f1c1a8e0d2b3c5e6f7a8b9c0d1e2f3a4b5c6d7e",
            "event_name": "push", "actor": "octocat", "actor_id": "583231", "run_id": "9101112131",
            "run_number": "42", "run_attempt": "1", "runner_environment": "github-hosted",
            "head_ref": "", "base_ref": "",
        ]
    }

    /// A GitHub-Actions-shaped token (RS256 with `x5t` and `kid`, as GitHub signs them); `extra` overrides
    /// claims.
    func githubToken(
        repository: String = "acme/orders",
        ref: String = "refs/heads/main",
        kid: String? = nil,
        extra: [String: Any] = [:]
    ) async throws -> String {
        let claims = githubClaims(repository: repository, ref: ref).merging(extra) { $1 }
        let token = try await issuer.mint(
            alg: "RS256",
            claims: claims,
            kid: kid,
            header: ["x5t": "Ek1Q3Uu0NnFhYk3lqA5r7vwZ9mQ"]
        )
        sent.append(token)
        return token
    }

    /// A Kubernetes projected service-account token (RS256) for `namespace`/`serviceAccount`.
    func kubernetesToken(
        namespace: String = "payments",
        serviceAccount: String = "checkout",
        audiences: [String] = ["tessera"]
    ) async throws -> String {
        let now = Int(Date().timeIntervalSince1970)
        let claims: [String: Any] = [
            "iss": Self.kubernetesIssuer, "aud": audiences,
            "sub": "system:serviceaccount:\(namespace):\(serviceAccount)",
            "iat": now, "nbf": now, "exp": now + 600, "jti": UUID().uuidString.lowercased(),
            "kubernetes.io": [
                "namespace": namespace,
                "serviceaccount": ["name": serviceAccount, "uid": "6f0a3e8c-6c2b-4a57-9a0e-2f4c8d1b7e35"],
                "pod": ["name": "\(serviceAccount)-7d9f8b6c5-x2lqz", "uid": "b3a4c2d1-9e8f-4a7b-8c6d-5e4f3a2b1c0d"],
                "node": ["name": "node-1", "uid": "0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5"],
                "warnafter": now + 300,
            ],
        ]
        let token = try await issuer.mint(alg: "RS256", claims: claims)
        sent.append(token)
        return token
    }

    /// A JWT-SVID (ES256) for `spiffe://example.org<path>`.
    func spiffeToken(path: String, extra: [String: Any] = [:]) async throws -> String {
        let claims: [String: Any] = [
            "iss": Self.spireIssuer, "sub": "spiffe://example.org\(path)", "aud": ["tessera"],
        ].merging(extra) { $1 }
        let token = try await issuer.mint(alg: "ES256", claims: claims)
        sent.append(token)
        return token
    }

    // MARK: - Exchanging

    /// A token exchange over raw HTTP.
    func exchange(
        subject: String,
        type: String = "jwt",
        audience: [String] = [],
        resource: [String] = [],
        scope: String? = nil,
        actor: String? = nil,
        dpop: String? = nil
    ) async throws -> Testbed.Answer {
        var form = [
            ("grant_type", Self.tokenExchange), ("subject_token", subject),
            ("subject_token_type", Self.tokenTypePrefix + type),
        ]
        if let actor { form += [("actor_token", actor), ("actor_token_type", Self.jwtType)] }
        form += audience.map { ("audience", $0) } + resource.map { ("resource", $0) }
        if let scope { form.append(("scope", scope)) }
        return try await post(form: form, headers: dpop.map { ["DPoP": $0] } ?? [:])
    }

    /// POSTs a form to the token endpoint.
    func post(form: [(String, String)], headers: [String: String] = [:]) async throws -> Testbed.Answer {
        exchanges += 1
        let body = form.map { Self.formEncoded($0.0) + "=" + Self.formEncoded($0.1) }.joined(separator: "&")
        return try await Testbed.request(
            "POST",
            tokenURL,
            body: body,
            headers: headers.merging(["Content-Type": "application/x-www-form-urlencoded"]) { $1 }
        )
    }

    private static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(
                charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"
            )
        ) ?? text
    }

    /// Writes a token file (mode 0600) in the bed's directory.
    func writeToken(_ token: String, name: String) throws -> URL {
        let url = directory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(6)).token")
        guard
            FileManager.default.createFile(
                atPath: url.path,
                contents: Data((token + "\n").utf8),
                attributes: [.posixPermissions: 0o600]
            )
        else {
            throw TestbedError("cannot write \(url.path)")
        }
        return url
    }

    /// Runs `tessera exchange --broker <base> --subject-token-file <file> <arguments>`.
    func cli(subject: String, _ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
        exchanges += 1
        let file = try writeToken(subject, name: "subject")
        return try await Testbed.run(
            try Testbed.tessera(),
            ["exchange", "--broker", base, "--subject-token-file", file.path] + arguments,
            directory: directory
        )
    }

    /// Runs `tessera exchange --broker <base> --subject-token-env TESSERA_E2E_SUBJECT <arguments>` with the
    /// token in that variable (set through env(1): the test runner's environment stays as it is).
    func cli(subjectFromEnvironment subject: String, _ arguments: [String]) async throws -> (
        status: Int32, output: String, error: String
    ) {
        exchanges += 1
        return try await Testbed.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "TESSERA_E2E_SUBJECT=\(subject)", try Testbed.tessera().path, "exchange", "--broker", base,
                "--subject-token-env", "TESSERA_E2E_SUBJECT",
            ] + arguments,
            directory: directory
        )
    }

    // MARK: - Checking

    /// The answer of a successful exchange (200, JSON with an access token), or a failure with the answer.
    func expectIssued(_ answer: Testbed.Answer, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String:
        Any]
    {
        guard answer.status == 200 else {
            throw TestbedError(
                "line \(sourceLocation.line): expected 200 with a token, got \(answer.status): "
                    + "\(answer.body.prefix(500))\n\(server.peer.logTail(lines: 10))"
            )
        }
        let object = try Testbed.jsonObject(answer.body, what: "token response")
        guard let token = object["access_token"] as? String else {
            throw TestbedError("no access_token in \(answer.body.prefix(300))")
        }
        minted.append(token)
        return object
    }

    /// Checks an RFC 6749 §5.2 error answer: status 400, `error` as expected, no token anywhere.
    func expectError(
        _ answer: Testbed.Answer,
        _ error: String,
        _ name: String,
        status: Int = 400,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(
            answer.status == status,
            "\(name): status \(answer.status), body \(answer.body.prefix(300))",
            sourceLocation: sourceLocation
        )
        let object = try? Testbed.jsonObject(answer.body, what: "\(name) error answer")
        #expect(
            object?["error"] as? String == error,
            "\(name): expected \(error), got \(answer.body.prefix(300))",
            sourceLocation: sourceLocation
        )
        #expect(object?["access_token"] == nil, "\(name): a token in an error answer", sourceLocation: sourceLocation)
        for token in sent.suffix(3) {
            let signature = token.split(separator: ".", omittingEmptySubsequences: false).last.map(String.init) ?? token
            #expect(
                signature.count < 16 || !answer.body.contains(signature),
                "\(name): the error answer echoes a token",
                sourceLocation: sourceLocation
            )
        }
    }

    /// The server is alive and answers /health.
    func expectServing(after name: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(
            server.peer.isRunning,
            "tessera exited after \(name): \(server.peer.logTail())",
            sourceLocation: sourceLocation
        )
        let health = try await Testbed.request("GET", base + "/health")
        #expect(
            health.status == 200,
            "after \(name): /health answered \(health.status)",
            sourceLocation: sourceLocation
        )
    }

    /// Verifies a minted token as a relying party (joserfc through the broker's discovery) and checks
    /// the header and the registered claims.
    func verifyMinted(_ token: String, audience: String? = nil, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> [String: Any]
    {
        let claims = try await JoseVerify.verify(brokerURL: base, token: token, audience: audience)
        let header = try Testbed.decodeJWT(token).header
        #expect(header["alg"] as? String == "ES256", sourceLocation: sourceLocation)
        #expect(header["typ"] as? String == "at+jwt", "typ \(header)", sourceLocation: sourceLocation)
        #expect(header["kid"] as? String == currentKeyID, "signed with the current key", sourceLocation: sourceLocation)
        #expect(claims["iss"] as? String == base, sourceLocation: sourceLocation)
        for name in ["sub", "jti", "src"] {
            #expect(claims[name] is String, "\(name) in \(claims)", sourceLocation: sourceLocation)
        }
        for name in ["iat", "nbf", "exp"] {
            #expect(claims[name] is Int, "\(name) in \(claims)", sourceLocation: sourceLocation)
        }
        return claims
    }

    /// `exp - iat` is positive and at most `limit` seconds.
    static func expectLifetime(
        _ claims: [String: Any],
        atMost limit: Int,
        _ comment: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let lifetime =
            try #require(claims["exp"] as? Int, sourceLocation: sourceLocation)
            - (try #require(claims["iat"] as? Int, sourceLocation: sourceLocation))
        #expect(lifetime > 0 && lifetime <= limit, "lifetime \(lifetime) s: \(comment)", sourceLocation: sourceLocation)
        #expect(
            lifetime >= limit - 5,
            "lifetime \(lifetime) s, expected about \(limit): \(comment)",
            sourceLocation: sourceLocation
        )
    }

    /// The `jti`s of the tokens minted so far.
    var mintedIDs: [String] {
        minted.compactMap { (try? Testbed.decodeJWT($0).claims["jti"]) as? String }
    }

    /// Reads the decision log with `tessera decisions`: every allowed exchange's `jti` is in an allow record,
    /// every denied subject in a record that is not an allow, every record is from oauth2/token on
    /// exchange/grants, and no token sent or minted appears in the log's output or its files.
    func expectLogged(allowed: [String], denied: [String], sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        let result = try await Testbed.run(
            try Testbed.tessera(),
            [
                "decisions", "--log", "sqlite:\(logFile.path)", "--format", "json", "--limit", "10000", "--path",
                "exchange/grants",
            ],
            directory: directory
        )
        try #require(result.status == 0, "tessera decisions failed: \(result.error)", sourceLocation: sourceLocation)
        let parsed = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
        let records = try #require(
            parsed as? [[String: Any]],
            "tessera decisions --format json: \(result.output.prefix(300))",
            sourceLocation: sourceLocation
        )
        #expect(
            records.count == exchanges,
            "\(records.count) records for \(exchanges) requests to the token endpoint",
            sourceLocation: sourceLocation
        )
        let texts = try records.map {
            String(
                decoding: try JSONSerialization.data(withJSONObject: $0, options: [.withoutEscapingSlashes]),
                as: UTF8.self
            )
        }
        for record in records {
            #expect(
                record["source"] as? String == "oauth2/token",
                "source of \(record["id"] ?? "?")",
                sourceLocation: sourceLocation
            )
        }
        for jti in allowed {
            let hit = zip(records, texts).first { $0.1.contains(jti) }
            #expect(
                hit?.0["outcome"] as? String == "allow",
                "no allow record with jti \(jti)",
                sourceLocation: sourceLocation
            )
        }
        for subject in denied {
            let hits = zip(records, texts).filter { $0.1.contains(subject) }
            #expect(
                !hits.isEmpty && hits.allSatisfy { $0.0["outcome"] as? String != "allow" },
                "no denial record for \(subject) in \(texts.map { $0.prefix(400) })",
                sourceLocation: sourceLocation
            )
        }
        // No token, not even a signature, in what the log command prints or in the database files.
        var stored = Data(result.output.utf8)
        for suffix in ["", "-wal", "-journal"] {
            if let data = try? Data(contentsOf: URL(fileURLWithPath: logFile.path + suffix)) { stored.append(data) }
        }
        let storedText = String(decoding: stored, as: UTF8.self)
        for token in sent + minted {
            let signature = String(token.split(separator: ".", omittingEmptySubsequences: false).last ?? "")
            guard signature.count >= 16 else { continue }
            #expect(
                !storedText.contains(signature),
                "a token's signature is in the decision log",
                sourceLocation: sourceLocation
            )
        }
    }
}

/// DPoP proofs (RFC 9449 §4.2) built here with swift-crypto, good and bad.
enum DPoPProofs {
    /// A proof signed by `key` (ES256, `typ` dpop+jwt, the public `jwk`), for `htm` at `htu`; with
    /// `leakPrivateKey` the header's `jwk` also holds the private scalar `d`.
    static func make(
        key: P256.Signing.PrivateKey,
        htm: String,
        htu: String,
        iat: Int = Int(Date().timeIntervalSince1970),
        leakPrivateKey: Bool = false
    ) throws -> String {
        var jwk = publicJWK(key.publicKey)
        if leakPrivateKey { jwk["d"] = base64URL(key.rawRepresentation) }
        let header: [String: Any] = ["typ": "dpop+jwt", "alg": "ES256", "jwk": jwk]
        let claims: [String: Any] = ["jti": UUID().uuidString, "htm": htm, "htu": htu, "iat": iat]
        let signingInput =
            base64URL(Data(try Testbed.jsonText(header).utf8)) + "."
            + base64URL(Data(try Testbed.jsonText(claims).utf8))
        let signature = try key.signature(for: Data(signingInput.utf8))
        return signingInput + "." + base64URL(signature.rawRepresentation)
    }

    /// The public JWK members of a P-256 key.
    static func publicJWK(_ key: P256.Signing.PublicKey) -> [String: String] {
        let point = Array(key.x963Representation)
        return ["kty": "EC", "crv": "P-256", "x": base64URL(Data(point[1...32])), "y": base64URL(Data(point[33...64]))]
    }

    /// The RFC 7638 thumbprint: base64url SHA-256 of `{"crv","kty","x","y"}` in that order, no spaces.
    static func thumbprint(_ key: P256.Signing.PublicKey) -> String {
        let jwk = publicJWK(key)
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(jwk["x"] ?? "")","y":"\#(jwk["y"] ?? "")"}"#
        return base64URL(Data(SHA256.hash(data: Data(canonical.utf8))))
    }

    /// Base64url without padding.
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
