import CEL
import Crypto
import CryptoExtras
import Foundation
import TesseraIdentity
import Testing

@Suite("JWT verification")
struct JWTVerifierTests {
    @Test("a valid ES256 token verifies; claims are a CEL map with integer times")
    func validToken() async throws {
        let token = try await Fixtures.verifier().verify(Fixtures.es256Token())
        #expect(token.issuer == Fixtures.issuer)
        #expect(token.subject == "system:serviceaccount:ci:builder")
        #expect(token.audiences == [Fixtures.audience])
        #expect(token.algorithm == .es256)
        #expect(token.keyID == "p256")
        #expect(token.tokenID == "token-1")
        #expect(token.expiry == Fixtures.now.addingTimeInterval(300))
        #expect(token.keyThumbprint == JWK(publicKey: Fixtures.p256.publicKey).thumbprint())
        guard case .int(let exp)? = token.claims["exp"] else {
            Issue.record("exp is not an int: \(String(describing: token.claims["exp"]))")
            return
        }
        #expect(exp == Fixtures.nowSeconds + 300)
        #expect(token.header.string("typ") == "JWT")
        guard case .map = token.claims.value else {
            Issue.record("claims value is not a map")
            return
        }
    }

    @Test(
        "every supported algorithm verifies with its key",
        arguments: [
            ("ES256", "p256", Fixtures.Signer.p256),
            ("ES384", "p384", .p384),
            ("ES512", "p521", .p521),
            ("EdDSA", "ed25519", .ed25519),
            ("RS256", "rsa", .rsaPKCS1(256)),
            ("RS384", "rsa", .rsaPKCS1(384)),
            ("RS512", "rsa", .rsaPKCS1(512)),
            ("PS256", "rsa", .rsaPSS(256)),
            ("PS384", "rsa", .rsaPSS(384)),
            ("PS512", "rsa", .rsaPSS(512)),
        ]
    )
    func algorithms(alg: String, kid: String, signer: Fixtures.Signer) async throws {
        let token = Fixtures.mint(
            header: #"{"alg":"\#(alg)","kid":"\#(kid)"}"#,
            payload: Fixtures.claims(),
            signer: signer
        )
        let verified = try await Fixtures.verifier().verify(token)
        #expect(verified.algorithm.name == alg)
    }

    @Test("an audience array with one accepted audience is accepted")
    func audienceArray() async throws {
        let token = Fixtures.es256Token(claims: Fixtures.claims(["aud": #"["x","other"]"#]))
        let verified = try await Fixtures.verifier().verify(token)
        #expect(verified.audiences == ["x", "other"])
    }

    @Test("a token without kid verifies when exactly one key fits the algorithm")
    func noKeyID() async throws {
        let verified = try await Fixtures.verifier().verify(Fixtures.es256Token(kid: nil))
        #expect(verified.keyID == nil)
    }

    private func failure(
        _ token: String,
        policy: VerificationPolicy = Fixtures.policy(),
        now: @escaping @Sendable () -> Date = Fixtures.clock
    ) async throws -> IdentityError? {
        let verifier = try Fixtures.verifier(policy: policy, now: now)
        return await identityError { () async throws(IdentityError) in try await verifier.verify(token) }
    }

    @Test("expired, not yet valid, issued in the future, too old")
    func times() async throws {
        let expired = Fixtures.es256Token(claims: Fixtures.claims(["exp": String(Fixtures.nowSeconds - 61)]))
        #expect(try await failure(expired)?.code == .expired)
        // Within the 60 s skew: still accepted.
        let justExpired = Fixtures.es256Token(claims: Fixtures.claims(["exp": String(Fixtures.nowSeconds - 30)]))
        #expect(try await failure(justExpired) == nil)

        let future = Fixtures.es256Token(claims: Fixtures.claims(["nbf": String(Fixtures.nowSeconds + 120)]))
        #expect(try await failure(future)?.code == .notYetValid)

        let issuedLater = Fixtures.es256Token(
            claims: Fixtures.claims(["iat": String(Fixtures.nowSeconds + 120), "nbf": nil])
        )
        #expect(try await failure(issuedLater)?.code == .issuedInFuture)

        let old = Fixtures.es256Token(claims: Fixtures.claims(["iat": String(Fixtures.nowSeconds - 4000)]))
        let error = try await failure(old, policy: Fixtures.policy(maxTokenAge: .seconds(3600)))
        #expect(error?.code == .tooOld)
        #expect(try await failure(old) == nil)

        let noIssuedAt = Fixtures.es256Token(claims: Fixtures.claims(["iat": nil]))
        #expect(
            try await failure(noIssuedAt, policy: Fixtures.policy(maxTokenAge: .seconds(3600)))?.code == .missingClaim
        )

        let noExpiry = Fixtures.es256Token(claims: Fixtures.claims(["exp": nil]))
        #expect(try await failure(noExpiry)?.code == .missingClaim)

        let textExpiry = Fixtures.es256Token(claims: Fixtures.claims(["exp": #""tomorrow""#]))
        #expect(try await failure(textExpiry)?.code == .invalidClaim)
    }

    @Test("wrong issuer and wrong audience are refused")
    func issuerAndAudience() async throws {
        let otherIssuer = Fixtures.es256Token(claims: Fixtures.claims(["iss": #""https://issuer.example/""#]))
        let issuerError = try await failure(otherIssuer)
        #expect(issuerError?.code == .issuerMismatch)

        let otherAudience = Fixtures.es256Token(claims: Fixtures.claims(["aud": #"["someone-else"]"#]))
        #expect(try await failure(otherAudience)?.code == .audienceMismatch)

        let noAudience = Fixtures.es256Token(claims: Fixtures.claims(["aud": nil]))
        #expect(try await failure(noAudience)?.code == .missingClaim)

        var policy = Fixtures.policy()
        policy.audiences = []
        #expect(try await failure(Fixtures.es256Token(), policy: policy)?.code == .audienceMismatch)
    }

    @Test("an unknown kid fails closed")
    func unknownKey() async throws {
        let error = try await failure(Fixtures.es256Token(kid: "nobody"))
        #expect(error?.code == .unknownKey)
        #expect(error?.message.contains("nobody") == true)
    }

    @Test("alg none is refused, signed or not")
    func algorithmNone() async throws {
        let unsigned = Fixtures.mint(header: #"{"alg":"none"}"#, payload: Fixtures.claims(), signer: .none)
        // An empty third segment: refused as none before anything else.
        #expect(try await failure(unsigned)?.code == .algorithmNone)
        let withSignature = Fixtures.mint(
            header: #"{"alg":"none","kid":"p256"}"#,
            payload: Fixtures.claims(),
            signer: .p256
        )
        #expect(try await failure(withSignature)?.code == .algorithmNone)
        let upper = Fixtures.mint(header: #"{"alg":"NONE"}"#, payload: Fixtures.claims(), signer: .p256)
        #expect(try await failure(upper)?.code == .algorithmNone)
    }

    @Test("HS256 signed with the RSA public key as the HMAC secret is refused")
    func hmacWithPublicKey() async throws {
        for secret in [
            Fixtures.rsa.publicKey.pemRepresentation, Fixtures.rsa.publicKey.derRepresentation.base64EncodedString(),
        ] {
            let token = Fixtures.mint(
                header: #"{"alg":"HS256","kid":"rsa","typ":"JWT"}"#,
                payload: Fixtures.claims(),
                signer: .hmac(Array(secret.utf8))
            )
            let error = try await failure(token)
            #expect(error?.code == .symmetricAlgorithm)
        }
        let der = Fixtures.mint(
            header: #"{"alg":"HS256","kid":"rsa"}"#,
            payload: Fixtures.claims(),
            signer: .hmac(Array(Fixtures.rsa.publicKey.derRepresentation))
        )
        #expect(try await failure(der)?.code == .symmetricAlgorithm)
    }

    @Test("an ES256 header naming the RSA key, and RS256 naming the EC key, are refused before verifying")
    func algorithmKeyConfusion() async throws {
        let esWithRSA = Fixtures.mint(
            header: #"{"alg":"ES256","kid":"rsa"}"#,
            payload: Fixtures.claims(),
            signer: .p256
        )
        #expect(try await failure(esWithRSA)?.code == .keyAlgorithmMismatch)
        let rsWithEC = Fixtures.mint(
            header: #"{"alg":"RS256","kid":"p256"}"#,
            payload: Fixtures.claims(),
            signer: .rsaPKCS1(256)
        )
        #expect(try await failure(rsWithEC)?.code == .keyAlgorithmMismatch)
        let es384WithP256 = Fixtures.mint(
            header: #"{"alg":"ES384","kid":"p256"}"#,
            payload: Fixtures.claims(),
            signer: .p384
        )
        #expect(try await failure(es384WithP256)?.code == .keyAlgorithmMismatch)
    }

    @Test("an algorithm outside the allow-list is refused before any key lookup")
    func allowList() async throws {
        let token = Fixtures.mint(
            header: #"{"alg":"RS256","kid":"rsa"}"#,
            payload: Fixtures.claims(),
            signer: .rsaPKCS1(256)
        )
        let error = try await failure(token, policy: Fixtures.policy(algorithms: [.es256]))
        #expect(error?.code == .algorithmNotAllowed)
        // A JWK restricted to ES256 refuses PS256 even though the key type fits.
        let restricted = try JWKSet(
            json: "{\"keys\":["
                + (try JWK(publicKey: Fixtures.rsa.publicKey, keyID: "rsa", algorithm: .rs256)).publicJSON + "]}"
        )
        let verifier = JWTVerifier(
            policy: Fixtures.policy(),
            keySource: StaticKeySource(keySet: restricted),
            now: Fixtures.clock
        )
        let pss = Fixtures.mint(
            header: #"{"alg":"PS256","kid":"rsa"}"#,
            payload: Fixtures.claims(),
            signer: .rsaPSS(256)
        )
        let mismatch = await identityError { () async throws(IdentityError) in try await verifier.verify(pss) }
        #expect(mismatch?.code == .keyAlgorithmMismatch)
    }

    @Test("a tampered payload, a signature from another key and a truncated signature fail")
    func tampered() async throws {
        let token = Fixtures.es256Token()
        let parts = token.split(separator: ".").map(String.init)
        let forged = Fixtures.base64URL(Fixtures.claims(["sub": #""admin""#]))
        #expect(try await failure(parts[0] + "." + forged + "." + parts[2])?.code == .invalidSignature)

        let otherKey = P256.Signing.PrivateKey()
        let input = parts[0] + "." + parts[1]
        let signature = try otherKey.signature(for: SHA256.hash(data: Array(input.utf8)))
        #expect(
            try await failure(input + "." + Fixtures.base64URL(signature.rawRepresentation))?.code == .invalidSignature
        )

        let truncated = Fixtures.base64URL(
            Array(try Fixtures.p256.signature(for: SHA256.hash(data: Array(input.utf8))).rawRepresentation.prefix(60))
        )
        #expect(try await failure(input + "." + truncated)?.code == .invalidSignature)
    }

    @Test("malformed tokens: size, segments, base64url, JSON, header types, crit")
    func malformed() async throws {
        let big = Fixtures.es256Token(
            claims: Fixtures.claims(["pad": "\"" + String(repeating: "a", count: 13_000) + "\""])
        )
        #expect(big.utf8.count > 16 << 10)
        #expect(try await failure(big)?.code == .tokenTooLarge)

        let token = Fixtures.es256Token()
        let parts = token.split(separator: ".").map(String.init)
        #expect(try await failure(parts[0] + "." + parts[1])?.code == .malformedToken)
        #expect(try await failure(token + ".x")?.code == .malformedToken)
        #expect(try await failure("")?.code == .malformedToken)
        // Padding and the standard alphabet are not base64url.
        #expect(try await failure(parts[0] + "=." + parts[1] + "." + parts[2])?.code == .malformedToken)
        #expect(try await failure(parts[0] + "." + parts[1] + "." + parts[2] + "+/")?.code == .malformedToken)
        #expect(try await failure(parts[0] + "." + parts[1] + "!." + parts[2])?.code == .malformedToken)

        let badHeader = Fixtures.base64URL(#"{"alg":"ES256","kid":"p256""#)
        #expect(try await failure(badHeader + "." + parts[1] + "." + parts[2])?.code == .malformedToken)
        let arrayHeader = Fixtures.base64URL(#"["ES256"]"#)
        #expect(try await failure(arrayHeader + "." + parts[1] + "." + parts[2])?.code == .malformedToken)
        let numericKeyID = Fixtures.mint(header: #"{"alg":"ES256","kid":7}"#, payload: Fixtures.claims(), signer: .p256)
        #expect(try await failure(numericKeyID)?.code == .malformedToken)
        let duplicate = Fixtures.mint(
            header: #"{"alg":"ES256","alg":"none"}"#,
            payload: Fixtures.claims(),
            signer: .p256
        )
        #expect(try await failure(duplicate)?.code == .malformedToken)
        let critical = Fixtures.mint(
            header: #"{"alg":"ES256","kid":"p256","crit":["b64"],"b64":false}"#,
            payload: Fixtures.claims(),
            signer: .p256
        )
        #expect(try await failure(critical)?.code == .unsupportedCritical)
        let unknownAlgorithm = Fixtures.mint(
            header: #"{"alg":"ES257","kid":"p256"}"#,
            payload: Fixtures.claims(),
            signer: .p256
        )
        #expect(try await failure(unknownAlgorithm)?.code == .unsupportedAlgorithm)

        // Correctly signed, but the claims are not JSON / not an object / too deep.
        let badClaims = Fixtures.mint(header: #"{"alg":"ES256","kid":"p256"}"#, payload: #"{"iss": "#, signer: .p256)
        #expect(try await failure(badClaims)?.code == .malformedToken)
        let arrayClaims = Fixtures.mint(header: #"{"alg":"ES256","kid":"p256"}"#, payload: "[1]", signer: .p256)
        #expect(try await failure(arrayClaims)?.code == .malformedToken)
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let deepClaims = Fixtures.es256Token(claims: Fixtures.claims(["deep": deep]))
        #expect(try await failure(deepClaims)?.code == .malformedToken)
    }

    @Test("errors never contain the token")
    func noTokenInErrors() async throws {
        let token = Fixtures.es256Token(claims: Fixtures.claims(["exp": String(Fixtures.nowSeconds - 1000)]))
        let error = try await failure(token)
        let parts = token.split(separator: ".")
        #expect(error.map { !$0.description.contains(parts[1]) && !$0.description.contains(parts[2]) } == true)
    }

    @Test("typ allow-list: case-insensitive, application/ prefix optional")
    func types() async throws {
        let policy = Fixtures.policy(allowedTypes: ["at+jwt"])
        #expect(try await failure(Fixtures.es256Token(typ: "application/AT+JWT"), policy: policy) == nil)
        #expect(try await failure(Fixtures.es256Token(typ: "JWT"), policy: policy)?.code == .typeNotAllowed)
        #expect(try await failure(Fixtures.es256Token(typ: nil), policy: policy)?.code == .typeNotAllowed)
    }

    @Test("unverified claims can be read to route a token, and a parsed token verifies")
    func routing() async throws {
        let jws = try CompactJWS(Fixtures.es256Token())
        #expect(try jws.unverifiedClaims().string("iss") == Fixtures.issuer)
        #expect(jws.algorithm == .es256)
        #expect(jws.keyID == "p256")
        let verified = try await Fixtures.verifier().verify(jws)
        #expect(verified.subject == "system:serviceaccount:ci:builder")
    }
}
