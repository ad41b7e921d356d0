import Crypto
import Foundation
import TesseraIdentity
import Testing

@Suite("Static key sources")
struct StaticKeySourceTests {
    @Test("a JWKS file is read again when it changes; a broken update keeps the last good keys")
    func fileReload() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("jwks.json").path
        let first = P256.Signing.PrivateKey()
        let second = P256.Signing.PrivateKey()
        try #"{"keys":[\#(Fixtures.jwkJSON(first.publicKey, kid: "one"))]}"#.write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        let clock = TestClock()
        let source = try StaticKeySource(file: path, checkInterval: .seconds(1), now: clock.function)
        #expect(
            try await source.key(for: "one", algorithm: .es256).thumbprint()
                == JWK(publicKey: first.publicKey).thumbprint()
        )
        let missing = await identityError { () async throws(IdentityError) in
            try await source.key(for: "two", algorithm: .es256)
        }
        #expect(missing?.code == .unknownKey)

        try #"{"keys":[\#(Fixtures.jwkJSON(second.publicKey, kid: "two"))]}"#.write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        clock.advance(seconds: 2)
        #expect(try await source.key(for: "two", algorithm: .es256).keyID == "two")
        #expect(source.lastReloadError == nil)

        try "{\"keys\": [".write(toFile: path, atomically: true, encoding: .utf8)
        clock.advance(seconds: 2)
        #expect(try await source.key(for: "two", algorithm: .es256).keyID == "two")
        #expect(source.lastReloadError?.code == .invalidKeySet)

        let absent = syncIdentityError({ () throws(IdentityError) in
            try StaticKeySource(file: directory.path + "/none.json")
        })
        #expect(absent?.code == .keySourceUnavailable)
    }

    @Test("without kid, a single fitting key is used; with several, a kid is required")
    func withoutKeyID() async throws {
        let one = StaticKeySource(keySet: JWKSet(keys: [JWK(publicKey: P256.Signing.PrivateKey().publicKey)]))
        #expect(try await one.key(for: nil, algorithm: .es256).keyType == .ellipticCurve)
        let two = StaticKeySource(
            keySet: JWKSet(keys: [
                JWK(publicKey: P256.Signing.PrivateKey().publicKey),
                JWK(publicKey: P256.Signing.PrivateKey().publicKey),
            ])
        )
        let error = await identityError { () async throws(IdentityError) in
            try await two.key(for: nil, algorithm: .es256)
        }
        #expect(error?.code == .unknownKey)
        let wrongType = await identityError { () async throws(IdentityError) in
            try await one.key(for: nil, algorithm: .rs256)
        }
        #expect(wrongType?.code == .unknownKey)
    }
}
