import CEL
import Crypto
import CryptoExtras
import Foundation
import TesseraIdentity
import Testing

@Suite("DPoP proofs")
struct DPoPTests {
    private let url = "https://broker.example/oauth2/token"
    private let key = P256.Signing.PrivateKey()

    private var publicJWK: String { Fixtures.jwkJSON(key.publicKey, kid: nil) }

    private func proof(
        typ: String = "dpop+jwt",
        jwk: String? = nil,
        htm: String = "POST",
        htu: String = "https://broker.example/oauth2/token",
        iat: Int64 = Fixtures.nowSeconds,
        jti: String? = UUID().uuidString,
        ath: String? = nil,
        signingKey: P256.Signing.PrivateKey? = nil
    ) -> String {
        let header = #"{"typ":"\#(typ)","alg":"ES256","jwk":\#(jwk ?? publicJWK)}"#
        var claims = [#""htm":"\#(htm)""#, #""htu":"\#(htu)""#, #""iat":\#(iat)"#]
        if let jti { claims.append(#""jti":"\#(jti)""#) }
        if let ath { claims.append(#""ath":"\#(ath)""#) }
        let input = Fixtures.base64URL(header) + "." + Fixtures.base64URL("{" + claims.joined(separator: ",") + "}")
        let signer = signingKey ?? key
        let signature = (try? signer.signature(for: SHA256.hash(data: Array(input.utf8))))?.rawRepresentation ?? Data()
        return input + "." + Fixtures.base64URL(signature)
    }

    private func verifier(capacity: Int = 1000, now: @escaping @Sendable () -> Date = Fixtures.clock) -> DPoPVerifier {
        DPoPVerifier(replayCache: DPoPReplayCache(capacity: capacity), now: now)
    }

    private func failure(
        _ proof: String,
        method: String = "POST",
        url: String = "https://broker.example/oauth2/token",
        accessToken: String? = nil,
        verifier: DPoPVerifier? = nil
    ) -> IdentityError? {
        let verifier = verifier ?? self.verifier()
        return syncIdentityError({ () throws(IdentityError) in
            try verifier.verify(proof: proof, method: method, url: url, accessToken: accessToken)
        })
    }

    @Test("a good proof verifies; its thumbprint is the key's RFC 7638 thumbprint")
    func good() throws {
        let verified = try verifier().verify(proof: proof(jti: "p-1"), method: "POST", url: url)
        #expect(verified.thumbprint == JWK(publicKey: key.publicKey).thumbprint())
        #expect(verified.tokenID == "p-1")
        #expect(verified.issuedAt == Fixtures.now)
        #expect(verified.algorithm == .es256)
    }

    @Test("a replayed proof is refused; a full replay cache fails closed")
    func replay() throws {
        let verifier = verifier(capacity: 2)
        let first = proof(jti: "same")
        _ = try verifier.verify(proof: first, method: "POST", url: url)
        #expect(failure(first, verifier: verifier)?.code == .dpopReplay)
        _ = try verifier.verify(proof: proof(jti: "other"), method: "POST", url: url)
        #expect(failure(proof(jti: "third"), verifier: verifier)?.code == .dpopReplayCacheFull)
        #expect(verifier.replayCache.count == 2)
    }

    @Test("replay entries expire with the window, making room again")
    func replayExpiry() throws {
        let clock = TestClock()
        let verifier = verifier(capacity: 1, now: clock.function)
        _ = try verifier.verify(proof: proof(jti: "a"), method: "POST", url: url)
        clock.advance(seconds: 61)
        let fresh = proof(iat: Int64(clock.now.timeIntervalSince1970), jti: "b")
        _ = try verifier.verify(proof: fresh, method: "POST", url: url)
    }

    @Test("htm and htu must match the request; htu ignores query, fragment, case and default ports")
    func methodAndURL() throws {
        #expect(failure(proof(htm: "GET"))?.code == .dpopMethodMismatch)
        #expect(failure(proof(htu: "https://broker.example/other"))?.code == .dpopURLMismatch)
        #expect(failure(proof(htu: "https://evil.example/oauth2/token"))?.code == .dpopURLMismatch)
        #expect(failure(proof(htu: "http://broker.example/oauth2/token"))?.code == .dpopURLMismatch)
        #expect(failure(proof(htu: "https://broker.example:8443/oauth2/token"))?.code == .dpopURLMismatch)
        let equivalent = proof(htu: "HTTPS://Broker.Example:443/oauth2/token?x=1#f")
        #expect(failure(equivalent, url: "https://broker.example/oauth2/token?grant=1") == nil)
        #expect(failure(proof(htu: "http://127.0.0.1:8080/t"), url: "http://127.0.0.1:8080/t") == nil)
    }

    @Test("a jwk with private members, a missing jwk and a key that did not sign are refused")
    func keys() throws {
        let d = Fixtures.base64URL(key.rawRepresentation)
        let privateJWK = Fixtures.jwkJSON(key.publicKey, kid: nil, extra: #""d":"\#(d)""#)
        #expect(failure(proof(jwk: privateJWK))?.code == .privateKeyNotAllowed)
        let other = P256.Signing.PrivateKey()
        #expect(failure(proof(signingKey: other))?.code == .invalidSignature)
        let header = Fixtures.base64URL(#"{"typ":"dpop+jwt","alg":"ES256"}"#)
        let parts = proof().split(separator: ".")
        #expect(failure(header + "." + parts[1] + "." + parts[2])?.code == .invalidKey)
        let rsaJWK = try JWK(publicKey: Fixtures.rsa.publicKey).publicJSON
        #expect(failure(proof(jwk: rsaJWK))?.code == .keyAlgorithmMismatch)
    }

    @Test("ath is required with an access token and must be its hash")
    func accessTokenHash() throws {
        let accessToken = "access-token-value"
        let ath = Fixtures.base64URL(Array(SHA256.hash(data: Array(accessToken.utf8))))
        #expect(failure(proof(ath: ath), accessToken: accessToken) == nil)
        #expect(failure(proof(), accessToken: accessToken)?.code == .dpopAccessTokenHash)
        #expect(failure(proof(ath: ath), accessToken: "another-token")?.code == .dpopAccessTokenHash)
    }

    @Test("iat outside the window, a missing jti and a wrong typ are refused")
    func claimsAndType() throws {
        #expect(failure(proof(iat: Fixtures.nowSeconds - 120))?.code == .tooOld)
        #expect(failure(proof(iat: Fixtures.nowSeconds + 60))?.code == .issuedInFuture)
        #expect(failure(proof(iat: Fixtures.nowSeconds + 5)) == nil)
        #expect(failure(proof(jti: nil))?.code == .missingClaim)
        #expect(failure(proof(typ: "JWT"))?.code == .typeNotAllowed)
        #expect(failure(proof(typ: "at+jwt"))?.code == .typeNotAllowed)
        let oversized = String(repeating: "a", count: 9000)
        #expect(failure(oversized)?.code == .tokenTooLarge)
    }

    @Test("a DPoP-bound access token needs a proof by the key in cnf.jkt")
    func boundToken() throws {
        let accessToken = "bound-access-token"
        let ath = Fixtures.base64URL(Array(SHA256.hash(data: Array(accessToken.utf8))))
        let thumbprint = JWK(publicKey: key.publicKey).thumbprint()
        let bound = try #require(JSONObject(try JSON.parse(#"{"sub":"x","cnf":{"jkt":"\#(thumbprint)"}}"#)))
        let verifier = verifier()
        let verified = try verifier.verifyBoundToken(
            accessTokenClaims: bound,
            proof: proof(ath: ath),
            method: "POST",
            url: url,
            accessToken: accessToken
        )
        #expect(verified.thumbprint == thumbprint)

        let otherKey = P256.Signing.PrivateKey()
        let otherProof = proof(jwk: Fixtures.jwkJSON(otherKey.publicKey, kid: nil), ath: ath, signingKey: otherKey)
        let mismatch = syncIdentityError({ () throws(IdentityError) in
            try verifier.verifyBoundToken(
                accessTokenClaims: bound,
                proof: otherProof,
                method: "POST",
                url: url,
                accessToken: accessToken
            )
        })
        #expect(mismatch?.code == .dpopBindingMismatch)

        let unbound = try #require(JSONObject(try JSON.parse(#"{"sub":"x"}"#)))
        let notBound = syncIdentityError({ () throws(IdentityError) in
            try verifier.verifyBoundToken(
                accessTokenClaims: unbound,
                proof: proof(ath: ath),
                method: "POST",
                url: url,
                accessToken: accessToken
            )
        })
        #expect(notBound?.code == .dpopBindingMismatch)
    }
}
