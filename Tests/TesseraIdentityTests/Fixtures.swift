import CEL
import Crypto
import CryptoExtras
import Foundation
import Synchronization
import TesseraIdentity

/// Keys, a fixed clock and a token minter for the identity tests. Tokens are minted here, with
/// swift-crypto directly, so the tests do not depend on the code they test to make their inputs.
enum Fixtures {
    /// The fixed "now" of the tests: 2027-01-15T08:00:00Z.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let nowSeconds = Int64(now.timeIntervalSince1970)
    static let clock: @Sendable () -> Date = { now }

    static let issuer = "https://issuer.example"
    static let audience = "tessera"

    static let p256 = P256.Signing.PrivateKey()
    static let p384 = P384.Signing.PrivateKey()
    static let p521 = P521.Signing.PrivateKey()
    static let ed25519 = Curve25519.Signing.PrivateKey()
    // swift-format-ignore: NeverUseForceTry
    static let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    /// Base64url without padding, written independently of the library's encoder.
    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URL(_ text: String) -> String { base64URL(Array(text.utf8)) }

    /// The public JWK JSON of a P-256 key, written by hand.
    static func jwkJSON(_ key: P256.Signing.PublicKey, kid: String?, extra: String = "") -> String {
        let point = [UInt8](key.x963Representation)
        var members = [
            "\"kty\":\"EC\"", "\"crv\":\"P-256\"",
            "\"x\":\"\(base64URL(point[1..<33]))\"", "\"y\":\"\(base64URL(point[33..<65]))\"",
        ]
        if let kid { members.append("\"kid\":\"\(kid)\"") }
        if !extra.isEmpty { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A JWK set with the public keys of every test key, each under its own kid.
    static var keySetJSON: String {
        let rsaJWK = (try? JWK(publicKey: rsa.publicKey, keyID: "rsa"))?.publicJSON ?? "{}"
        let keys = [
            jwkJSON(p256.publicKey, kid: "p256"),
            JWK(publicKey: p384.publicKey, keyID: "p384").publicJSON,
            JWK(publicKey: p521.publicKey, keyID: "p521").publicJSON,
            JWK(publicKey: ed25519.publicKey, keyID: "ed25519").publicJSON,
            rsaJWK,
        ]
        return "{\"keys\":[" + keys.joined(separator: ",") + "]}"
    }

    /// Standard claims valid at ``now``, with overrides (a `nil` value removes the claim).
    static func claims(_ overrides: [String: String?] = [:]) -> String {
        var members: [(String, String)] = [
            ("iss", "\"\(issuer)\""),
            ("sub", "\"system:serviceaccount:ci:builder\""),
            ("aud", "\"\(audience)\""),
            ("iat", String(nowSeconds - 10)),
            ("nbf", String(nowSeconds - 10)),
            ("exp", String(nowSeconds + 300)),
            ("jti", "\"token-1\""),
        ]
        for (name, value) in overrides {
            members.removeAll { $0.0 == name }
            if let value { members.append((name, value)) }
        }
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    enum Signer {
        case p256
        case p384
        case p521
        case ed25519
        case rsaPKCS1(Int)
        case rsaPSS(Int)
        case hmac([UInt8])
        case none
    }

    /// A compact JWS over the given header and payload texts.
    static func mint(header: String, payload: String, signer: Signer) -> String {
        let input = base64URL(header) + "." + base64URL(payload)
        let data = Array(input.utf8)
        let signature: [UInt8]
        switch signer {
        case .p256: signature = Array((try? p256.signature(for: SHA256.hash(data: data)))?.rawRepresentation ?? Data())
        case .p384: signature = Array((try? p384.signature(for: SHA384.hash(data: data)))?.rawRepresentation ?? Data())
        case .p521: signature = Array((try? p521.signature(for: SHA512.hash(data: data)))?.rawRepresentation ?? Data())
        case .ed25519: signature = Array((try? ed25519.signature(for: data)) ?? Data())
        case .rsaPKCS1(let bits), .rsaPSS(let bits):
            let padding: _RSA.Signing.Padding
            if case .rsaPSS = signer { padding = .PSS } else { padding = .insecurePKCS1v1_5 }
            let result: _RSA.Signing.RSASignature?
            switch bits {
            case 384: result = try? rsa.signature(for: SHA384.hash(data: data), padding: padding)
            case 512: result = try? rsa.signature(for: SHA512.hash(data: data), padding: padding)
            default: result = try? rsa.signature(for: SHA256.hash(data: data), padding: padding)
            }
            signature = Array(result?.rawRepresentation ?? Data())
        case .hmac(let secret):
            signature = Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: secret)))
        case .none:
            return input + "."
        }
        return input + "." + base64URL(signature)
    }

    /// A token signed with the P-256 key under kid `p256`.
    static func es256Token(claims: String = claims(), kid: String? = "p256", typ: String? = "JWT") -> String {
        var header = ["\"alg\":\"ES256\""]
        if let kid { header.append("\"kid\":\"\(kid)\"") }
        if let typ { header.append("\"typ\":\"\(typ)\"") }
        return mint(header: "{" + header.joined(separator: ",") + "}", payload: claims, signer: .p256)
    }

    static func policy(
        algorithms: Set<JWSAlgorithm> = Set(JWSAlgorithm.allCases),
        maxTokenAge: Swift.Duration? = nil,
        allowedTypes: Set<String>? = nil
    ) -> VerificationPolicy {
        VerificationPolicy(
            issuer: issuer,
            audiences: [audience, "other"],
            allowedAlgorithms: algorithms,
            maxTokenAge: maxTokenAge,
            allowedTypes: allowedTypes
        )
    }

    static func verifier(
        policy: VerificationPolicy = policy(),
        now: @escaping @Sendable () -> Date = clock
    ) throws -> JWTVerifier {
        JWTVerifier(
            policy: policy,
            keySource: StaticKeySource(keySet: try JWKSet(json: keySetJSON)),
            now: now
        )
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A clock tests can move.
final class TestClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date = Fixtures.now) { time = Mutex(start) }

    var now: Date { time.withLock { $0 } }

    func advance(seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }

    var function: @Sendable () -> Date { { self.now } }
}

/// Runs `body` and returns the identity error it threw, or `nil` when it threw none.
func identityError<T>(_ body: () async throws(IdentityError) -> T) async -> IdentityError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

/// The synchronous form of ``identityError(_:)``.
func syncIdentityError<T>(_ body: () throws(IdentityError) -> T) -> IdentityError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}
