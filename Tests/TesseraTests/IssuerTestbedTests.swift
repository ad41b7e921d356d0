import Foundation
import Testing

extension EndToEndTests {
    /// The issuer peers the token broker's end-to-end tests use (Testbed.swift: ``StaticIssuer``,
    /// ``OIDCProviderMock``, ``JoseVerify``) work: discovery, JWKS, minted tokens of the asked shape.
    /// Signatures are not checked here, except by the relying-party verifier against the static issuer
    /// standing in for a broker: that is the broker's job.
    @Suite("e2e: issuer testbed")
    struct IssuerTestbedTests {
        @Test("the static issuer serves discovery and JWKS and mints ES256, RS256 and raw tokens")
        func staticIssuer() async throws {
            let issuer = try await StaticIssuer.start()
            defer { issuer.stop() }

            let discovery = try await Testbed.request("GET", issuer.url + "/.well-known/openid-configuration")
            #expect(discovery.status == 200)
            let document = try Testbed.jsonObject(discovery.body, what: "discovery")
            #expect(document["issuer"] as? String == issuer.url)
            #expect(document["jwks_uri"] as? String == issuer.jwksURL)

            let jwksAnswer = try await Testbed.request("GET", issuer.jwksURL)
            #expect(jwksAnswer.status == 200)
            let keys = try #require(try Testbed.jsonObject(jwksAnswer.body, what: "JWKS")["keys"] as? [[String: Any]])
            let published = keys.map { "\($0["kid"] as? String ?? "?"):\($0["kty"] as? String ?? "?")" }.sorted()
            #expect(published == ["ec-1:EC", "rsa-1:RSA"])
            #expect(keys.allSatisfy { $0["d"] == nil }, "the JWKS must hold public keys only")

            let before = Int(Date().timeIntervalSince1970)
            let es256 = try await issuer.mint(claims: ["sub": "alice", "aud": "tessera", "groups": ["admins"]])
            let (esHeader, esClaims) = try Testbed.decodeJWT(es256)
            #expect(esHeader["alg"] as? String == "ES256")
            #expect(esHeader["kid"] as? String == "ec-1")
            #expect(esHeader["typ"] as? String == "JWT")
            #expect(esClaims["iss"] as? String == issuer.url)
            #expect(esClaims["sub"] as? String == "alice")
            #expect(esClaims["aud"] as? String == "tessera")
            #expect(esClaims["groups"] as? [String] == ["admins"])
            let iat = try #require(esClaims["iat"] as? Int)
            let exp = try #require(esClaims["exp"] as? Int)
            #expect(iat >= before - 1 && iat <= before + 5)
            #expect(exp == iat + 300)
            #expect(Data(base64Encoded: Self.base64(es256.split(separator: ".")[2]))?.count == 64)

            let rs256 = try await issuer.mint(
                alg: "RS256",
                claims: ["sub": "bob", "exp": 1000, "nbf": NSNull()],
                ttl: 60,
                kid: "unknown-kid",
                header: ["x5t": "test"]
            )
            let (rsHeader, rsClaims) = try Testbed.decodeJWT(rs256)
            #expect(rsHeader["alg"] as? String == "RS256")
            #expect(rsHeader["kid"] as? String == "unknown-kid")
            #expect(rsHeader["x5t"] as? String == "test")
            #expect(rsClaims["exp"] as? Int == 1000)
            #expect(rsClaims["nbf"] == nil)
            #expect(Data(base64Encoded: Self.base64(rs256.split(separator: ".")[2]))?.count == 256)

            let unsigned = try await issuer.mintRaw(
                header: ["alg": "none", "typ": "JWT"],
                payload: ["sub": "mallory", "iss": issuer.url],
                sign: .none
            )
            #expect(unsigned.hasSuffix("."))
            let (noneHeader, noneClaims) = try Testbed.decodeJWT(unsigned)
            #expect(noneHeader["alg"] as? String == "none")
            #expect(noneClaims["sub"] as? String == "mallory")
            #expect(noneClaims["exp"] == nil, "mint-raw fills nothing in")

            let confused = try await issuer.mintRaw(
                header: ["alg": "HS256", "kid": "rsa-1"],
                payload: ["sub": "mallory"],
                sign: .hs256WithRSAPublicPEM
            )
            #expect(Data(base64Encoded: Self.base64(confused.split(separator: ".")[2]))?.count == 32)
            let malformed = try await issuer.mintRaw(headerText: "{not json", payloadText: "[]", sign: .none)
            #expect(throws: TestbedError.self) { try Testbed.decodeJWT(malformed) }

            let refused = try await Testbed.request("POST", issuer.base + "/mint", body: #"{"alg":"none"}"#)
            #expect(refused.status == 400)
        }

        @Test("the relying-party verifier accepts a good token and rejects bad ones")
        func joseVerify() async throws {
            // The static issuer stands in for the broker: it too serves discovery and an ES256 JWKS.
            let issuer = try await StaticIssuer.start()
            defer { issuer.stop() }
            let good = try await issuer.mint(claims: ["sub": "alice", "aud": ["api", "mcp"]])
            let claims = try await JoseVerify.verify(brokerURL: issuer.url, token: good, audience: "mcp")
            #expect(claims["sub"] as? String == "alice")

            let bad: [(String, String)] = [
                ("wrong audience", good),
                ("RS256", try await issuer.mint(alg: "RS256", claims: ["sub": "alice", "aud": "mcp"])),
                ("expired", try await issuer.mint(claims: ["sub": "alice", "aud": "mcp", "exp": 1000])),
                (
                    "alg none",
                    try await issuer.mintRaw(
                        header: ["alg": "none"],
                        payload: ["sub": "alice", "aud": "mcp", "iss": issuer.url, "exp": 9_999_999_999],
                        sign: .none
                    )
                ),
            ]
            for (name, token) in bad {
                let outcome = try await JoseVerify.check(
                    brokerURL: issuer.url,
                    token: token,
                    audience: name == "wrong audience" ? "other" : "mcp"
                )
                guard case .rejected(let reason) = outcome else {
                    Issue.record("\(name): verified, expected a rejection")
                    continue
                }
                #expect(reason.hasPrefix("jose_verify: "), "\(name): \(reason)")
            }
        }

        @Test("oidc-provider-mock issues an ID token whose iss is its URL")
        func oidcProviderMock() async throws {
            let provider = try await OIDCProviderMock.start()
            defer { provider.stop() }
            let discovery = try await Testbed.request("GET", provider.url + "/.well-known/openid-configuration")
            #expect(try Testbed.jsonObject(discovery.body, what: "discovery")["issuer"] as? String == provider.url)

            try await provider.setUser("alice", claims: ["email": "alice@example.com", "groups": ["admins"]])
            let token = try await provider.idToken(sub: "alice", clientID: "tessera-test", nonce: "n1")
            let (header, claims) = try Testbed.decodeJWT(token)
            #expect(header["alg"] as? String == "RS256")
            #expect(claims["iss"] as? String == provider.url)
            #expect(claims["sub"] as? String == "alice")
            #expect(claims["aud"] as? [String] == ["tessera-test"])
            #expect(claims["nonce"] as? String == "n1")
            #expect(claims["groups"] as? [String] == ["admins"])
        }

        private static func base64(_ part: Substring) -> String {
            let text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            return text + String(repeating: "=", count: (4 - text.count % 4) % 4)
        }
    }
}
