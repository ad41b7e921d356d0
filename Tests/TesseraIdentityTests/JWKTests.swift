import Crypto
import CryptoExtras
import Foundation
import TesseraIdentity
import Testing

@Suite("JWK and JWK sets")
struct JWKTests {
    @Test("JWSAlgorithm parses the asymmetric set and refuses none, HMAC and unknown names")
    func algorithms() {
        for algorithm in JWSAlgorithm.allCases {
            #expect((try? JWSAlgorithm(name: algorithm.name)) == algorithm)
        }
        #expect(
            syncIdentityError({ () throws(IdentityError) in try JWSAlgorithm(name: "none") })?.code == .algorithmNone
        )
        for name in ["HS256", "HS384", "HS512"] {
            #expect(
                syncIdentityError({ () throws(IdentityError) in try JWSAlgorithm(name: name) })?.code
                    == .symmetricAlgorithm
            )
        }
        for name in ["es256", "RSA-OAEP", "ES256K", ""] {
            #expect(
                syncIdentityError({ () throws(IdentityError) in try JWSAlgorithm(name: name) })?.code
                    == .unsupportedAlgorithm
            )
        }
    }

    @Test("the RFC 7638 §3.1 example thumbprint")
    func thumbprintExample() throws {
        let n =
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        let json = #"{"kty":"RSA","n":"\#(n)","e":"AQAB","alg":"RS256","kid":"2011-04-29"}"#
        let key = try JWK(json: json)
        #expect(key.thumbprint() == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        #expect(key.keyID == "2011-04-29")
        #expect(key.algorithm == .rs256)
        #expect(key.keyType == .rsa)
        // The thumbprint ignores kid, alg and member order.
        let reordered = try JWK(json: #"{"e":"AQAB","kid":"other","n":"\#(n)","kty":"RSA"}"#)
        #expect(reordered.thumbprint() == key.thumbprint())
    }

    @Test("a JWK made from a key and the same key read back have one thumbprint")
    func roundTrip() throws {
        let key = P256.Signing.PrivateKey().publicKey
        let made = JWK(publicKey: key, keyID: "a", algorithm: .es256, use: "sig")
        let read = try JWK(json: made.publicJSON)
        #expect(read.thumbprint() == made.thumbprint())
        #expect(read.keyID == "a")
        #expect(read.use == "sig")
        #expect(read.curve == "P-256")
        #expect(read.canVerify(.es256))
        #expect(!read.canVerify(.es384))
        #expect(!read.canVerify(.rs256))
        let handWritten = try JWK(json: Fixtures.jwkJSON(key, kid: "a"))
        #expect(handWritten.thumbprint() == made.thumbprint())
    }

    @Test("private members are refused where only public keys are accepted")
    func privateMembers() throws {
        let key = P256.Signing.PrivateKey()
        let json = Fixtures.jwkJSON(
            key.publicKey,
            kid: "k",
            extra: "\"d\":\"\(Fixtures.base64URL(key.rawRepresentation))\""
        )
        #expect(syncIdentityError({ () throws(IdentityError) in try JWK(json: json) })?.code == .privateKeyNotAllowed)
        let privateKey = try JWK(json: json, publicOnly: false)
        #expect(privateKey.hasPrivateMembers)
        #expect(!privateKey.publicJSON.contains("\"d\""))
        let rsaPrivate = #"{"kty":"RSA","n":"AQAB","e":"AQAB","p":"AQ","q":"AQ"}"#
        #expect(
            syncIdentityError({ () throws(IdentityError) in try JWK(json: rsaPrivate) })?.code
                == .privateKeyNotAllowed
        )
        let set = "{\"keys\":[\(Fixtures.jwkJSON(P256.Signing.PrivateKey().publicKey, kid: "ok")),\(json)]}"
        #expect(
            syncIdentityError({ () throws(IdentityError) in try JWKSet(json: set) })?.code == .privateKeyNotAllowed
        )
    }

    @Test("bad keys: symmetric, wrong lengths, off the curve, weak RSA, alg that does not fit")
    func badKeys() throws {
        let point = [UInt8](P256.Signing.PrivateKey().publicKey.x963Representation)
        let x = Fixtures.base64URL(point[1..<33])
        let y = Fixtures.base64URL(point[33..<65])
        var offCurve = Array(point[33..<65])
        offCurve[31] ^= 1
        let symmetric = #"{"kty":"oct","k":"c2VjcmV0"}"#
        #expect(
            syncIdentityError({ () throws(IdentityError) in try JWK(json: symmetric) })?.code == .privateKeyNotAllowed
        )
        #expect(
            syncIdentityError({ () throws(IdentityError) in try JWK(json: symmetric, publicOnly: false) })?.code
                == .invalidKey
        )
        let cases = [
            #"{"kty":"EC","crv":"P-256","x":"\#(x)"}"#,
            #"{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(Fixtures.base64URL(offCurve))"}"#,
            #"{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(y)AA"}"#,
            #"{"kty":"EC","crv":"secp256k1","x":"\#(x)","y":"\#(y)"}"#,
            #"{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(y)","alg":"RS256"}"#,
            #"{"kty":"EC","crv":"P-256","x":"\#(x)","y":"\#(y)","alg":"HS256"}"#,
            #"{"kty":"OKP","crv":"X25519","x":"\#(x)"}"#,
            #"{"kty":"RSA","n":"\#(Fixtures.base64URL([UInt8](repeating: 0xC5, count: 128)))","e":"AQAB"}"#,
            #"{"kty":"EC","crv":"P-256","x":"\#(x)=","y":"\#(y)"}"#,
            #"{"crv":"P-256"}"#,
            "[]",
        ]
        for json in cases {
            let error = syncIdentityError({ () throws(IdentityError) in try JWK(json: json) })
            #expect(error?.code == .invalidKey, "\(json)")
        }
    }

    @Test("a JWK set skips keys it cannot use and enforces its limits")
    func keySet() throws {
        let usable = Fixtures.jwkJSON(P256.Signing.PrivateKey().publicKey, kid: "sig")
        let encryption = Fixtures.jwkJSON(P256.Signing.PrivateKey().publicKey, kid: "enc", extra: #""use":"enc""#)
        let json =
            #"{"keys":[\#(usable),\#(encryption),{"kty":"oct","kid":"hmac","k":"c2VjcmV0"},{"kty":"RSA","kid":"oaep","alg":"RSA-OAEP","n":"AQAB","e":"AQAB"}]}"#
        // "oct" carries k, a private member: a symmetric key in a published set fails the set.
        #expect(
            syncIdentityError({ () throws(IdentityError) in try JWKSet(json: json) })?.code == .privateKeyNotAllowed
        )

        let lenient =
            #"{"keys":[\#(usable),\#(encryption),{"kty":"RSA","kid":"oaep","alg":"RSA-OAEP","n":"AQAB","e":"AQAB"},{"kty":"EC","kid":"k1","crv":"secp256k1","x":"AA","y":"AA"}]}"#
        let set = try JWKSet(json: lenient)
        #expect(set.keys.map(\.keyID) == ["sig"])
        #expect(set.ignored.count == 3)

        let many = "{\"keys\":[" + Array(repeating: usable, count: 101).joined(separator: ",") + "]}"
        #expect(syncIdentityError({ () throws(IdentityError) in try JWKSet(json: many) })?.code == .invalidKeySet)
        let small = KeySetLimits(maxBytes: 100, maxKeys: 100)
        #expect(
            syncIdentityError({ () throws(IdentityError) in try JWKSet(json: lenient, limits: small) })?.code
                == .invalidKeySet
        )
        #expect(
            syncIdentityError({ () throws(IdentityError) in try JWKSet(json: #"{"keys":{}}"#) })?.code
                == .invalidKeySet
        )
        #expect(syncIdentityError({ () throws(IdentityError) in try JWKSet(json: "{") })?.code == .invalidKeySet)
    }

    @Test("a SPIFFE trust bundle: jwt-svid authorities are kept, x509-svid ones left out")
    func spiffeBundle() throws {
        let jwtAuthority = Fixtures.jwkJSON(P256.Signing.PrivateKey().publicKey, kid: "j1", extra: #""use":"jwt-svid""#)
        let x509Authority = Fixtures.jwkJSON(
            P256.Signing.PrivateKey().publicKey,
            kid: "x1",
            extra: #""use":"x509-svid""#
        )
        let bundle = #"{"keys":[\#(jwtAuthority),\#(x509Authority)],"spiffe_sequence":7,"spiffe_refresh_hint":300}"#
        let set = try JWKSet(json: bundle)
        #expect(set.keys.map(\.keyID) == ["j1"])
        #expect(set.keys.first?.canVerify(.es256) == true)
        #expect(set.ignored.count == 1)
    }

    @Test("an Ed25519 key and an RSA key from swift-crypto become JWKs that verify their algorithms")
    func otherKeyTypes() throws {
        let ed = JWK(publicKey: Curve25519.Signing.PrivateKey().publicKey)
        #expect(ed.keyType == .octetKeyPair)
        #expect(ed.canVerify(.edDSA))
        #expect(!ed.canVerify(.es256))
        let rsa = try JWK(publicKey: Fixtures.rsa.publicKey)
        #expect(rsa.canVerify(.rs256) && rsa.canVerify(.ps512))
        #expect(!rsa.canVerify(.es256))
        #expect(try JWK(json: rsa.publicJSON).thumbprint() == rsa.thumbprint())
        let signingOnly = try JWK(
            json:
                #"{"kty":"OKP","crv":"Ed25519","x":"\#(Fixtures.base64URL(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))","key_ops":["sign"]}"#
        )
        #expect(!signingOnly.canVerify(.edDSA))
    }
}
