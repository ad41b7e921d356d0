import CEL
import Crypto
import Foundation
import JWTKit
import TesseraIdentity
import Testing

@Suite("Signing keys, key rings and the development key")
struct SigningKeyTests {
    private func claims(_ extra: [(String, Value)] = []) -> Value {
        let entries: [(key: Value, value: Value)] =
            [
                (.string("iss"), .string("https://broker.example")),
                (.string("sub"), .string("repo:acme/app:ref:refs/heads/main")),
                (.string("aud"), .string("https://api.example")),
                (.string("iat"), .int(Fixtures.nowSeconds)),
                (.string("exp"), .int(Fixtures.nowSeconds + 300)),
                (.string("jti"), .string("issued-1")),
            ] + extra.map { (key: Value.string($0.0), value: $0.1) }
        guard case .success(let map) = CELMap.make(entries) else { return .null }
        return .map(map)
    }

    private func verifier(_ jwks: String) throws -> JWTVerifier {
        JWTVerifier(
            policy: VerificationPolicy(
                issuer: "https://broker.example",
                audiences: ["https://api.example"],
                allowedAlgorithms: [.es256],
                allowedTypes: ["at+jwt"]
            ),
            keySource: StaticKeySource(keySet: try JWKSet(json: jwks)),
            now: Fixtures.clock
        )
    }

    @Test("a signed token verifies against the published JWKS; kid is the RFC 7638 thumbprint")
    func roundTrip() async throws {
        let key = SigningKey(privateKey: P256.Signing.PrivateKey())
        #expect(key.keyID == key.publicJWK.thumbprint())
        let ring = SigningKeyRing(current: key)
        let token = try ring.sign(
            claims: claims([("cnf", .map(try #require(JSONObject(JSON.parse(#"{"jkt":"abc"}"#))).map))]),
            type: "at+jwt"
        )
        let verified = try await verifier(ring.publicJWKS(at: Fixtures.now)).verify(token)
        #expect(verified.keyID == key.keyID)
        #expect(verified.header.string("typ") == "at+jwt")
        #expect(verified.tokenID == "issued-1")
        guard case .map(let cnf)? = verified.claims["cnf"] else {
            Issue.record("no cnf")
            return
        }
        #expect(cnf[MapKey.string("jkt")].map { "\($0)" } == #""abc""#)
        let claimsOnly = #expect(throws: IdentityError.self) { try key.sign(claims: .list([])) }
        #expect(claimsOnly?.code == .signingFailed)
    }

    @Test("rotation: a previous key is published until its date, then dropped")
    func rotation() async throws {
        let old = SigningKey(privateKey: P256.Signing.PrivateKey(), keyID: "old")
        let new = SigningKey(privateKey: P256.Signing.PrivateKey(), keyID: "new")
        let oldToken = try old.sign(claims: claims(), type: "at+jwt")
        let ring = SigningKeyRing(
            current: new,
            previous: [.init(key: old, publishUntil: Fixtures.now.addingTimeInterval(600))]
        )
        #expect(ring.publishedKeys(at: Fixtures.now).compactMap(\.keyID) == ["new", "old"])
        #expect(try await verifier(ring.publicJWKS(at: Fixtures.now)).verify(oldToken).keyID == "old")
        let later = Fixtures.now.addingTimeInterval(601)
        #expect(ring.publishedKeys(at: later).compactMap(\.keyID) == ["new"])
        let verifier = try verifier(ring.publicJWKS(at: later))
        let error = await identityError { () async throws(IdentityError) in try await verifier.verify(oldToken) }
        #expect(error?.code == .unknownKey)
        let newToken = try ring.sign(claims: claims(), type: "at+jwt")
        #expect(try await verifier.verify(newToken).keyID == "new")
        let published = try JWKSet(json: ring.publicJWKS(at: Fixtures.now))
        #expect(published.keys.allSatisfy { !$0.hasPrivateMembers && $0.use == "sig" && $0.algorithm == .es256 })
    }

    @Test("keys load from PEM and from a private JWK file")
    func loading() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let privateKey = P256.Signing.PrivateKey()
        let pemPath = directory.appendingPathComponent("key.pem").path
        try privateKey.pemRepresentation.write(toFile: pemPath, atomically: true, encoding: .utf8)
        let fromPEM = try SigningKey.load(file: pemPath)
        #expect(fromPEM.keyID == JWK(publicKey: privateKey.publicKey).thumbprint())

        let d = Fixtures.base64URL(privateKey.rawRepresentation)
        let jwkPath = directory.appendingPathComponent("key.json").path
        try Fixtures.jwkJSON(privateKey.publicKey, kid: "from-file", extra: #""d":"\#(d)""#)
            .write(toFile: jwkPath, atomically: true, encoding: .utf8)
        let fromJWK = try SigningKey.load(file: jwkPath)
        #expect(fromJWK.keyID == "from-file")
        #expect(fromJWK.publicJWK.thumbprint() == fromPEM.publicJWK.thumbprint())

        let mismatched = Fixtures.jwkJSON(
            P256.Signing.PrivateKey().publicKey,
            kid: "x",
            extra: #""d":"\#(d)""#
        )
        #expect(
            syncIdentityError({ () throws(IdentityError) in try SigningKey(jwkJSON: mismatched) })?.code
                == .signingKeyFile
        )
        let missing = syncIdentityError({ () throws(IdentityError) in
            try SigningKey.load(file: directory.path + "/none.pem")
        })
        #expect(missing?.code == .signingKeyFile)
        #expect(missing?.message.contains("none.pem") == true)
        let p384 = P384.Signing.PrivateKey().pemRepresentation
        #expect(syncIdentityError({ () throws(IdentityError) in try SigningKey(pem: p384) })?.code == .signingKeyFile)
    }

    @Test("the development key is created once with mode 0600 and loaded afterwards")
    func developmentKey() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyDirectory = directory.appendingPathComponent(".tessera").path
        let first = try DevelopmentSigningKey.loadOrCreate(directory: keyDirectory)
        #expect(first.created)
        let attributes = try FileManager.default.attributesOfItem(atPath: first.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let second = try DevelopmentSigningKey.loadOrCreate(directory: keyDirectory)
        #expect(!second.created)
        #expect(second.key.keyID == first.key.keyID)

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: first.path)
        let error = syncIdentityError({ () throws(IdentityError) in
            try DevelopmentSigningKey.loadOrCreate(directory: keyDirectory)
        })
        #expect(error?.code == .signingKeyFile)
    }

    struct InteropPayload: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iss: IssuerClaim
        var aud: AudienceClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired(currentDate: Fixtures.now)
        }
    }

    @Test("interoperability with jwt-kit: it verifies our tokens via our JWKS, we verify its tokens")
    func jwtKitInterop() async throws {
        let key = SigningKey(privateKey: P256.Signing.PrivateKey())
        let ring = SigningKeyRing(current: key)
        let token = try ring.sign(claims: claims())
        let collection = JWTKeyCollection()
        try await collection.add(jwksJSON: ring.publicJWKS(at: Fixtures.now))
        let payload = try await collection.verify(token, as: InteropPayload.self)
        #expect(payload.sub.value == "repo:acme/app:ref:refs/heads/main")

        let theirs = ES256PrivateKey()
        let theirKeys = JWTKeyCollection()
        await theirKeys.add(ecdsa: theirs, kid: "jwt-kit")
        let minted = try await theirKeys.sign(
            InteropPayload(
                sub: "workload",
                exp: .init(value: Fixtures.now.addingTimeInterval(60)),
                iss: "https://broker.example",
                aud: "https://api.example"
            ),
            kid: "jwt-kit"
        )
        let parameters = try #require(theirs.publicKey.parameters)
        let jwks =
            #"{"keys":[{"kty":"EC","crv":"P-256","kid":"jwt-kit","x":"\#(parameters.x)","y":"\#(parameters.y)"}]}"#
        let verifier = JWTVerifier(
            policy: VerificationPolicy(issuer: "https://broker.example", audiences: ["https://api.example"]),
            keySource: StaticKeySource(keySet: try JWKSet(json: jwks)),
            now: Fixtures.clock
        )
        let verified = try await verifier.verify(minted)
        #expect(verified.subject == "workload")
    }
}
