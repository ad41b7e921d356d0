public import CEL
public import Crypto
public import Foundation

/// An ES256 (P-256) private key that signs the tokens the broker issues.
///
/// Its `kid` is the RFC 7638 thumbprint of the public key unless one is given, so the same key file
/// always publishes the same `kid`, on every replica.
public struct SigningKey: Sendable {
    /// The key ID written in the `kid` header of every token signed with this key.
    public let keyID: String
    /// The algorithm (always ES256).
    public let algorithm: JWSAlgorithm = .es256
    /// The public key as a JWK (with `kid`, `use: sig`, `alg: ES256`), for publishing.
    public let publicJWK: JWK
    let privateKey: P256.Signing.PrivateKey

    /// A signing key from a P-256 private key.
    /// - Parameters:
    ///   - privateKey: The private key.
    ///   - keyID: The `kid`; `nil` for the RFC 7638 thumbprint of the public key.
    public init(privateKey: P256.Signing.PrivateKey, keyID: String? = nil) {
        let thumbprint = JWK(publicKey: privateKey.publicKey).thumbprint()
        let keyID = keyID ?? thumbprint
        self.privateKey = privateKey
        self.keyID = keyID
        self.publicJWK = JWK(publicKey: privateKey.publicKey, keyID: keyID, algorithm: .es256, use: "sig")
    }

    /// A signing key from PEM text: a PKCS #8 (`BEGIN PRIVATE KEY`) or SEC 1 (`BEGIN EC PRIVATE KEY`)
    /// P-256 private key.
    /// - Parameters:
    ///   - pem: The PEM text.
    ///   - keyID: The `kid`; `nil` for the thumbprint.
    /// - Throws: ``IdentityError`` (``IdentityError/Code/signingKeyFile``) when it is not a P-256 private key.
    public init(pem: String, keyID: String? = nil) throws(IdentityError) {
        guard let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) else {
            throw IdentityError(.signingKeyFile, "the PEM text is not a P-256 (ES256) private key")
        }
        self.init(privateKey: key, keyID: keyID)
    }

    /// A signing key from a private JWK (`kty: EC`, `crv: P-256`, `x`, `y`, `d`).
    /// - Parameters:
    ///   - jwkJSON: The JWK text.
    ///   - keyID: The `kid`; `nil` for the JWK's own `kid`, or else the thumbprint.
    /// - Throws: ``IdentityError`` when it is not a consistent P-256 private JWK.
    public init(jwkJSON: String, keyID: String? = nil) throws(IdentityError) {
        let jwk = try JWK(json: jwkJSON, publicOnly: false)
        guard case .p256(let publicKey) = jwk.material, let scalar = jwk.privateScalar else {
            throw IdentityError(.signingKeyFile, "the JWK is not a P-256 private key (kty EC, crv P-256, with d)")
        }
        guard let key = try? P256.Signing.PrivateKey(rawRepresentation: scalar),
            key.publicKey.x963Representation == publicKey.x963Representation
        else {
            throw IdentityError(.signingKeyFile, "the JWK's d does not belong to its x and y")
        }
        if let stated = jwk.algorithm, stated != .es256 {
            throw IdentityError(.signingKeyFile, "the JWK is restricted to alg \(stated.name), not ES256")
        }
        self.init(privateKey: key, keyID: keyID ?? jwk.keyID)
    }

    /// Loads a signing key file: PEM (`-----BEGIN ...`) or a private JWK (`{...}`).
    /// - Parameters:
    ///   - path: The file.
    ///   - keyID: The `kid`; `nil` for the JWK's `kid` or the thumbprint.
    /// - Returns: The key.
    /// - Throws: ``IdentityError`` (``IdentityError/Code/signingKeyFile``) naming the file.
    public static func load(file path: String, keyID: String? = nil) throws(IdentityError) -> SigningKey {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard data.count <= 64 << 10 else {
                throw IdentityError(.signingKeyFile, "the signing key file \(path) is larger than 64 KiB")
            }
            text = String(decoding: data, as: UTF8.self)
        } catch let error as IdentityError {
            throw error
        } catch {
            throw IdentityError(
                .signingKeyFile,
                "the signing key file \(path) cannot be read: \(error.localizedDescription)"
            )
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            if trimmed.hasPrefix("{") { return try SigningKey(jwkJSON: trimmed, keyID: keyID) }
            return try SigningKey(pem: trimmed, keyID: keyID)
        } catch {
            throw IdentityError(error.code, "the signing key file \(path): \(error.message)")
        }
    }

    /// The private key as PKCS #8 PEM text (for writing a development key file).
    var pemRepresentation: String { privateKey.pemRepresentation }

    /// Signs a claims set as a compact JWS with header `{"alg":"ES256","kid":...,"typ":...}`.
    /// - Parameters:
    ///   - claims: The claims: a CEL map with string keys (use `int` for `exp`, `iat`, `nbf`).
    ///   - type: The `typ` header, such as `JWT` (default) or `at+jwt`.
    /// - Returns: The token.
    /// - Throws: ``IdentityError`` (``IdentityError/Code/signingFailed``) when the claims are not a JSON
    ///   object or cannot be written as JSON.
    public func sign(claims: Value, type: String = "JWT") throws(IdentityError) -> String {
        guard JSONObject(claims) != nil else {
            throw IdentityError(.signingFailed, "the claims to sign must be a map with string keys")
        }
        let payload: String
        do {
            payload = try JSON.text(of: claims)
        } catch {
            throw IdentityError(.signingFailed, "the claims cannot be written as JSON: \(error.description)")
        }
        let header = "{\"alg\":\"ES256\",\"kid\":\(JSON.quote(keyID)),\"typ\":\(JSON.quote(type))}"
        var token: [UInt8] = []
        token.reserveCapacity((header.utf8.count + payload.utf8.count) * 4 / 3 + 100)
        Base64URL.encode(header.utf8, into: &token)
        token.append(UInt8(ascii: "."))
        Base64URL.encode(payload.utf8, into: &token)
        let signature: P256.Signing.ECDSASignature
        do {
            signature = try privateKey.signature(for: SHA256.hash(data: token))
        } catch {
            throw IdentityError(
                .signingFailed,
                "ES256 signing with key \(IdentityError.quoted(keyID)) failed: \(error)"
            )
        }
        token.append(UInt8(ascii: "."))
        Base64URL.encode(signature.rawRepresentation, into: &token)
        return String(decoding: token, as: UTF8.self)
    }
}

/// The broker's signing keys: the current key, which signs, and previous keys, which are still
/// published until their `publishUntil` date so tokens they signed keep verifying until they expire.
public struct SigningKeyRing: Sendable {
    /// A previous key and the time until which its public key stays in the published JWKS.
    public struct RetiredKey: Sendable {
        /// The key.
        public let key: SigningKey
        /// The time after which the key is no longer published (at least the expiry of the last token
        /// it signed).
        public let publishUntil: Date

        /// Creates a retired key entry.
        /// - Parameters:
        ///   - key: The key.
        ///   - publishUntil: When to stop publishing it.
        public init(key: SigningKey, publishUntil: Date) {
            self.key = key
            self.publishUntil = publishUntil
        }
    }

    /// The key that signs.
    public let current: SigningKey
    /// Previous keys, still published until their dates.
    public let previous: [RetiredKey]

    /// Creates a key ring.
    /// - Parameters:
    ///   - current: The key that signs.
    ///   - previous: Previous keys and their publication deadlines.
    public init(current: SigningKey, previous: [RetiredKey] = []) {
        self.current = current
        self.previous = previous
    }

    /// The public keys to publish at `now`: the current key, then every previous key whose
    /// `publishUntil` has not passed (without duplicates of a `kid`).
    /// - Parameter now: The time.
    /// - Returns: The public JWKs.
    public func publishedKeys(at now: Date) -> [JWK] {
        var seen: Set<String> = [current.keyID]
        var keys = [current.publicJWK]
        for retired in previous where retired.publishUntil > now && seen.insert(retired.key.keyID).inserted {
            keys.append(retired.key.publicJWK)
        }
        return keys
    }

    /// The published JWK set as JSON text, `{"keys":[...]}`, for the broker's `jwks_uri`.
    /// - Parameter now: The time.
    /// - Returns: The JSON text.
    public func publicJWKS(at now: Date) -> String {
        "{\"keys\":[" + publishedKeys(at: now).map(\.publicJSON).joined(separator: ",") + "]}"
    }

    /// Signs claims with the current key; see ``SigningKey/sign(claims:type:)``.
    /// - Parameters:
    ///   - claims: The claims (a CEL map with string keys).
    ///   - type: The `typ` header (default `JWT`).
    /// - Returns: The token.
    /// - Throws: ``IdentityError`` (``IdentityError/Code/signingFailed``).
    public func sign(claims: Value, type: String = "JWT") throws(IdentityError) -> String {
        try current.sign(claims: claims, type: type)
    }
}
