import CEL
public import Crypto
public import CryptoExtras
import Foundation

/// A JSON Web Key (RFC 7517) for one of the asymmetric signature algorithms of ``JWSAlgorithm``: an EC
/// key on P-256, P-384 or P-521, an RSA key of at least 2048 bits, or an Ed25519 (OKP) key.
///
/// Parsing is strict: coordinates must have their exact length and lie on the curve, RSA moduli must
/// be at least 2048 bits, symmetric (`oct`) keys are refused, and where only public keys are allowed
/// (the default) any private member (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`) is an error. The
/// crypto key is built once, when the JWK is read, so verifying with it costs only the signature check.
public struct JWK: Sendable {
    /// The `kty` of a JWK.
    public enum KeyType: String, Sendable, Hashable {
        /// `EC`: an elliptic-curve key (P-256, P-384, P-521).
        case ellipticCurve = "EC"
        /// `RSA`.
        case rsa = "RSA"
        /// `OKP`: an octet key pair (Ed25519).
        case octetKeyPair = "OKP"
    }

    /// The key type (`kty`).
    public let keyType: KeyType
    /// The curve (`crv`) of an EC or OKP key, such as `P-256` or `Ed25519`; `nil` for RSA.
    public let curve: String?
    /// The key ID (`kid`), when the JWK has one.
    public let keyID: String?
    /// The algorithm the key is restricted to (`alg`), when the JWK names one.
    public let algorithm: JWSAlgorithm?
    /// The intended use (`use`), such as `sig`, when present.
    public let use: String?
    /// The permitted operations (`key_ops`), when present.
    public let keyOperations: [String]?
    /// Whether the JWK carried private members (only possible when read with `publicOnly: false`).
    public let hasPrivateMembers: Bool

    let material: Material
    /// The public members that define the key, as base64url text or curve names (`crv`, `x`, `y`,
    /// `n`, `e`), sorted by name: the RFC 7638 thumbprint input without `kty`.
    let publicMembers: [(name: String, value: String)]
    /// The private scalar `d` of an EC or OKP key read with `publicOnly: false`.
    let privateScalar: [UInt8]?
    private let thumbprintValue: String

    /// The members that mark a private key (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
    static let privateMemberNames = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    enum Material: Sendable {
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case p521(P521.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
    }

    /// Reads a JWK from its JSON text.
    /// - Parameters:
    ///   - json: The JWK as a JSON object.
    ///   - publicOnly: Refuse private members (default true).
    /// - Throws: ``IdentityError`` (``IdentityError/Code/invalidKey`` or
    ///   ``IdentityError/Code/privateKeyNotAllowed``).
    public init(json: String, publicOnly: Bool = true) throws(IdentityError) {
        let object = try JSONObject.parse(
            bytes: Array(json.utf8),
            what: "the JWK",
            maxDepth: 4,
            maxBytes: 64 << 10,
            code: .invalidKey
        )
        try self.init(object: object, publicOnly: publicOnly)
    }

    /// Reads a JWK from a JSON object (such as the `jwk` member of a DPoP proof's header).
    /// - Parameters:
    ///   - object: The JWK members.
    ///   - publicOnly: Refuse private members (default true).
    ///   - what: What the key is, for error messages (default "the JWK").
    /// - Throws: ``IdentityError`` (``IdentityError/Code/invalidKey`` or
    ///   ``IdentityError/Code/privateKeyNotAllowed``).
    public init(object: JSONObject, publicOnly: Bool = true, what: String = "the JWK") throws(IdentityError) {
        func string(_ name: String) throws(IdentityError) -> String? {
            try object.optionalString(name, in: what, code: .invalidKey)
        }
        func bytes(_ name: String, count: Int? = nil) throws(IdentityError) -> (text: String, bytes: [UInt8]) {
            guard let text = try string(name) else {
                throw IdentityError(.invalidKey, "\(what) has no \"\(name)\"")
            }
            guard let decoded = Base64URL.decode(text), !decoded.isEmpty else {
                throw IdentityError(.invalidKey, "\(what): \"\(name)\" is not base64url")
            }
            if let count, decoded.count != count {
                throw IdentityError(
                    .invalidKey,
                    "\(what): \"\(name)\" is \(decoded.count) bytes long; \(count) expected"
                )
            }
            return (text, decoded)
        }

        guard let kty = try string("kty") else { throw IdentityError(.invalidKey, "\(what) has no \"kty\"") }
        let privateMembers = Self.privateMemberNames.filter { object[$0] != nil }
        if publicOnly, !privateMembers.isEmpty {
            throw IdentityError(
                .privateKeyNotAllowed,
                "\(what) carries private key members (\(privateMembers.joined(separator: ", "))); "
                    + "only public keys are accepted here"
            )
        }
        guard let keyType = KeyType(rawValue: kty) else {
            if kty == "oct" {
                throw IdentityError(.invalidKey, "\(what) is a symmetric (oct) key; those are never accepted")
            }
            throw IdentityError(.invalidKey, "\(what) has the unsupported kty \(IdentityError.quoted(kty))")
        }
        let keyID = try string("kid")
        let use = try string("use")
        var algorithm: JWSAlgorithm?
        if let name = try string("alg") {
            do {
                algorithm = try JWSAlgorithm(name: name)
            } catch {
                throw IdentityError(
                    .invalidKey,
                    "\(what) is for alg \(IdentityError.quoted(name)), not a supported signature algorithm"
                )
            }
        }
        var keyOperations: [String]?
        if let operations = object["key_ops"] {
            guard case .list(let elements) = operations else {
                throw IdentityError(.invalidKey, "\(what): \"key_ops\" must be an array of strings")
            }
            var names: [String] = []
            for element in elements {
                guard case .string(let name) = element else {
                    throw IdentityError(.invalidKey, "\(what): \"key_ops\" must be an array of strings")
                }
                names.append(name.value)
            }
            keyOperations = names
        }

        let material: Material
        var members: [(name: String, value: String)]
        var curve: String?
        var privateScalar: [UInt8]?
        switch keyType {
        case .ellipticCurve:
            guard let crv = try string("crv") else { throw IdentityError(.invalidKey, "\(what) has no \"crv\"") }
            let size: Int
            switch crv {
            case "P-256": size = 32
            case "P-384": size = 48
            case "P-521": size = 66
            default: throw IdentityError(.invalidKey, "\(what) has the unsupported curve \(IdentityError.quoted(crv))")
            }
            let x = try bytes("x", count: size)
            let y = try bytes("y", count: size)
            let point = [0x04] + x.bytes + y.bytes
            do {
                switch crv {
                case "P-256": material = .p256(try P256.Signing.PublicKey(x963Representation: point))
                case "P-384": material = .p384(try P384.Signing.PublicKey(x963Representation: point))
                default: material = .p521(try P521.Signing.PublicKey(x963Representation: point))
                }
            } catch {
                throw IdentityError(.invalidKey, "\(what): the point (x, y) is not on the curve \(crv)")
            }
            if !publicOnly, object["d"] != nil { privateScalar = try bytes("d", count: size).bytes }
            curve = crv
            members = [("crv", crv), ("x", x.text), ("y", y.text)]
        case .rsa:
            let n = try bytes("n")
            let e = try bytes("e")
            guard e.bytes.count <= 8 else {
                throw IdentityError(.invalidKey, "\(what): the RSA exponent \"e\" is too large")
            }
            let key: _RSA.Signing.PublicKey
            do {
                key = try _RSA.Signing.PublicKey(n: n.bytes, e: e.bytes)
            } catch {
                let bits = n.bytes.drop { $0 == 0 }.count * 8
                throw IdentityError(
                    .invalidKey,
                    "\(what): not a usable RSA public key (about \(bits) bits; at least 2048 are required)"
                )
            }
            material = .rsa(key)
            members = [("e", e.text), ("n", n.text)]
        case .octetKeyPair:
            guard let crv = try string("crv") else { throw IdentityError(.invalidKey, "\(what) has no \"crv\"") }
            guard crv == "Ed25519" else {
                throw IdentityError(.invalidKey, "\(what) has the unsupported OKP curve \(IdentityError.quoted(crv))")
            }
            let x = try bytes("x", count: 32)
            do {
                material = .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: x.bytes))
            } catch {
                throw IdentityError(.invalidKey, "\(what): \"x\" is not an Ed25519 public key")
            }
            if !publicOnly, object["d"] != nil { privateScalar = try bytes("d", count: 32).bytes }
            curve = crv
            members = [("crv", crv), ("x", x.text)]
        }
        self.init(
            keyType: keyType,
            curve: curve,
            keyID: keyID,
            algorithm: algorithm,
            use: use,
            keyOperations: keyOperations,
            hasPrivateMembers: !privateMembers.isEmpty,
            material: material,
            publicMembers: members,
            privateScalar: privateScalar
        )
        if let algorithm {
            guard fits(algorithm) else {
                throw IdentityError(
                    .invalidKey,
                    "\(what) says alg \(algorithm.name) but is \(kindDescription)"
                )
            }
        }
    }

    /// The JWK of a P-256 public key.
    /// - Parameters:
    ///   - publicKey: The key.
    ///   - keyID: The `kid`; `nil` for none.
    ///   - algorithm: The `alg` to state; `nil` for none (ES256 is the only one that fits).
    ///   - use: The `use` to state, such as `sig`.
    public init(
        publicKey: P256.Signing.PublicKey,
        keyID: String? = nil,
        algorithm: JWSAlgorithm? = nil,
        use: String? = nil
    ) {
        self.init(material: .p256(publicKey), keyID: keyID, algorithm: algorithm, use: use)
    }

    /// The JWK of a P-384 public key.
    /// - Parameters:
    ///   - publicKey: The key.
    ///   - keyID: The `kid`; `nil` for none.
    ///   - algorithm: The `alg` to state; `nil` for none.
    ///   - use: The `use` to state, such as `sig`.
    public init(
        publicKey: P384.Signing.PublicKey,
        keyID: String? = nil,
        algorithm: JWSAlgorithm? = nil,
        use: String? = nil
    ) {
        self.init(material: .p384(publicKey), keyID: keyID, algorithm: algorithm, use: use)
    }

    /// The JWK of a P-521 public key.
    /// - Parameters:
    ///   - publicKey: The key.
    ///   - keyID: The `kid`; `nil` for none.
    ///   - algorithm: The `alg` to state; `nil` for none.
    ///   - use: The `use` to state, such as `sig`.
    public init(
        publicKey: P521.Signing.PublicKey,
        keyID: String? = nil,
        algorithm: JWSAlgorithm? = nil,
        use: String? = nil
    ) {
        self.init(material: .p521(publicKey), keyID: keyID, algorithm: algorithm, use: use)
    }

    /// The JWK of an Ed25519 public key.
    /// - Parameters:
    ///   - publicKey: The key.
    ///   - keyID: The `kid`; `nil` for none.
    ///   - algorithm: The `alg` to state; `nil` for none.
    ///   - use: The `use` to state, such as `sig`.
    public init(
        publicKey: Curve25519.Signing.PublicKey,
        keyID: String? = nil,
        algorithm: JWSAlgorithm? = nil,
        use: String? = nil
    ) {
        self.init(material: .ed25519(publicKey), keyID: keyID, algorithm: algorithm, use: use)
    }

    /// The JWK of an RSA public key.
    /// - Parameters:
    ///   - publicKey: The key.
    ///   - keyID: The `kid`; `nil` for none.
    ///   - algorithm: The `alg` to state; `nil` for none.
    ///   - use: The `use` to state, such as `sig`.
    /// - Throws: ``IdentityError`` (``IdentityError/Code/invalidKey``) when the key's numbers cannot be read.
    public init(
        publicKey: _RSA.Signing.PublicKey,
        keyID: String? = nil,
        algorithm: JWSAlgorithm? = nil,
        use: String? = nil
    ) throws(IdentityError) {
        guard let primitives = try? publicKey.getKeyPrimitives() else {
            throw IdentityError(.invalidKey, "the RSA public key's modulus and exponent cannot be read")
        }
        self.init(
            keyType: .rsa,
            curve: nil,
            keyID: keyID,
            algorithm: algorithm,
            use: use,
            keyOperations: nil,
            hasPrivateMembers: false,
            material: .rsa(publicKey),
            publicMembers: [
                ("e", Base64URL.encode(Self.minimal(primitives.publicExponent))),
                ("n", Base64URL.encode(Self.minimal(primitives.modulus))),
            ],
            privateScalar: nil
        )
    }

    init(material: Material, keyID: String?, algorithm: JWSAlgorithm?, use: String?) {
        let keyType: KeyType
        let curve: String?
        let members: [(name: String, value: String)]
        switch material {
        case .p256(let key):
            (keyType, curve) = (.ellipticCurve, "P-256")
            members = Self.coordinates(key.x963Representation, curve: "P-256")
        case .p384(let key):
            (keyType, curve) = (.ellipticCurve, "P-384")
            members = Self.coordinates(key.x963Representation, curve: "P-384")
        case .p521(let key):
            (keyType, curve) = (.ellipticCurve, "P-521")
            members = Self.coordinates(key.x963Representation, curve: "P-521")
        case .ed25519(let key):
            (keyType, curve) = (.octetKeyPair, "Ed25519")
            members = [("crv", "Ed25519"), ("x", Base64URL.encode(key.rawRepresentation))]
        case .rsa(let key):
            let primitives = try? key.getKeyPrimitives()
            (keyType, curve) = (.rsa, nil)
            members = [
                ("e", Base64URL.encode(Self.minimal(primitives?.publicExponent ?? Data()))),
                ("n", Base64URL.encode(Self.minimal(primitives?.modulus ?? Data()))),
            ]
        }
        self.init(
            keyType: keyType,
            curve: curve,
            keyID: keyID,
            algorithm: algorithm,
            use: use,
            keyOperations: nil,
            hasPrivateMembers: false,
            material: material,
            publicMembers: members,
            privateScalar: nil
        )
    }

    private init(
        keyType: KeyType,
        curve: String?,
        keyID: String?,
        algorithm: JWSAlgorithm?,
        use: String?,
        keyOperations: [String]?,
        hasPrivateMembers: Bool,
        material: Material,
        publicMembers: [(name: String, value: String)],
        privateScalar: [UInt8]?
    ) {
        self.keyType = keyType
        self.curve = curve
        self.keyID = keyID
        self.algorithm = algorithm
        self.use = use
        self.keyOperations = keyOperations
        self.hasPrivateMembers = hasPrivateMembers
        self.material = material
        self.publicMembers = publicMembers
        self.privateScalar = privateScalar
        self.thumbprintValue = Self.computeThumbprint(keyType: keyType, members: publicMembers)
    }

    private static func coordinates(_ point: Data, curve: String) -> [(name: String, value: String)] {
        let bytes = [UInt8](point)
        let size = (bytes.count - 1) / 2
        return [
            ("crv", curve),
            ("x", Base64URL.encode(bytes[1..<(1 + size)])),
            ("y", Base64URL.encode(bytes[(1 + size)...])),
        ]
    }

    private static func minimal(_ data: Data) -> [UInt8] {
        let bytes = [UInt8](data).drop { $0 == 0 }
        return bytes.isEmpty ? [0] : Array(bytes)
    }

    /// The RFC 7638 JWK thumbprint: base64url(SHA-256) of the required members in lexicographic order,
    /// without white space.
    private static func computeThumbprint(keyType: KeyType, members: [(name: String, value: String)]) -> String {
        var all = members
        all.append(("kty", keyType.rawValue))
        all.sort { $0.name < $1.name }
        // Member names and values are base64url text or fixed curve names: nothing needs escaping.
        let text = "{" + all.map { "\"\($0.name)\":\"\($0.value)\"" }.joined(separator: ",") + "}"
        return Base64URL.encode(Array(SHA256.hash(data: Array(text.utf8))))
    }

    /// The RFC 7638 thumbprint of the key (base64url of the SHA-256 of the canonical JSON of its
    /// required public members), as used for `kid` values and DPoP `jkt`.
    public func thumbprint() -> String { thumbprintValue }

    /// The public JWK as a compact JSON object: `kty`, the public members, and `kid`, `use`, `alg` when
    /// present. Never contains private members.
    public var publicJSON: String {
        var parts = ["\"kty\":\"\(keyType.rawValue)\""]
        let order = ["crv", "x", "y", "n", "e"]
        for name in order {
            if let member = publicMembers.first(where: { $0.name == name }) {
                parts.append("\"\(name)\":\"\(member.value)\"")
            }
        }
        if let keyID { parts.append("\"kid\":\(JSON.quote(keyID))") }
        if let use { parts.append("\"use\":\(JSON.quote(use))") }
        if let algorithm { parts.append("\"alg\":\"\(algorithm.name)\"") }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// A description of the key's kind for messages, such as "an EC P-256 key".
    var kindDescription: String {
        switch material {
        case .p256: "an EC P-256 key"
        case .p384: "an EC P-384 key"
        case .p521: "an EC P-521 key"
        case .rsa: "an RSA key"
        case .ed25519: "an Ed25519 (OKP) key"
        }
    }

    /// Whether the key's type and curve fit `algorithm` (ignoring `alg`, `use` and `key_ops`).
    func fits(_ algorithm: JWSAlgorithm) -> Bool {
        switch (material, algorithm) {
        case (.p256, .es256), (.p384, .es384), (.p521, .es512), (.ed25519, .edDSA): true
        case (.rsa, _): algorithm.isRSA
        default: false
        }
    }

    /// Whether the key's `use` allows verifying signatures: absent, `sig`, or `jwt-svid` (the JWT
    /// signing authorities of a SPIFFE trust bundle, SPIFFE Trust Domain and Bundle section 4.1.2).
    public var isForSignatures: Bool { use == nil || use == "sig" || use == "jwt-svid" }

    /// Whether the key may verify signatures of `algorithm`: type and curve fit, `alg` (if stated)
    /// equals it, `use` (if stated) is `sig` or `jwt-svid`, and `key_ops` (if stated) contains `verify`.
    public func canVerify(_ algorithm: JWSAlgorithm) -> Bool {
        if let stated = self.algorithm, stated != algorithm { return false }
        if !isForSignatures { return false }
        if let keyOperations, !keyOperations.contains("verify") { return false }
        return fits(algorithm)
    }

    /// Throws unless the key may verify signatures of `algorithm` (see ``canVerify(_:)``).
    func checkCanVerify(_ algorithm: JWSAlgorithm, what: String) throws(IdentityError) {
        guard canVerify(algorithm) else {
            var reason = "is \(kindDescription)"
            if let stated = self.algorithm, stated != algorithm {
                reason = "is restricted to alg \(stated.name)"
            } else if let use, !isForSignatures {
                reason = "has use \(IdentityError.quoted(use))"
            } else if let keyOperations, !keyOperations.contains("verify") {
                reason = "does not allow the verify operation"
            }
            throw IdentityError(
                .keyAlgorithmMismatch,
                "\(what) uses alg \(algorithm.name) but the key\(keyID.map { " " + IdentityError.quoted($0) } ?? "") "
                    + reason
            )
        }
    }

    /// Verifies a JWS signature with this key.
    /// - Parameters:
    ///   - signature: The decoded signature (raw `r || s` for ECDSA, as JWS requires).
    ///   - signingInput: The ASCII bytes `base64url(header) || '.' || base64url(payload)`.
    ///   - algorithm: The algorithm; must fit the key (checked again here).
    ///   - what: What is being verified, for error messages.
    /// - Throws: ``IdentityError`` (``IdentityError/Code/keyAlgorithmMismatch`` or
    ///   ``IdentityError/Code/invalidSignature``).
    func verify(
        signature: [UInt8],
        signingInput: ArraySlice<UInt8>,
        algorithm: JWSAlgorithm,
        what: String
    ) throws(IdentityError) {
        try checkCanVerify(algorithm, what: what)
        let valid: Bool
        switch (material, algorithm) {
        case (.p256(let key), .es256):
            valid =
                signature.count == 64
                && (try? P256.Signing.ECDSASignature(rawRepresentation: signature)).map {
                    key.isValidSignature($0, for: SHA256.hash(data: signingInput))
                } ?? false
        case (.p384(let key), .es384):
            valid =
                signature.count == 96
                && (try? P384.Signing.ECDSASignature(rawRepresentation: signature)).map {
                    key.isValidSignature($0, for: SHA384.hash(data: signingInput))
                } ?? false
        case (.p521(let key), .es512):
            valid =
                signature.count == 132
                && (try? P521.Signing.ECDSASignature(rawRepresentation: signature)).map {
                    key.isValidSignature($0, for: SHA512.hash(data: signingInput))
                } ?? false
        case (.ed25519(let key), .edDSA):
            valid = signature.count == 64 && key.isValidSignature(signature, for: signingInput)
        case (.rsa(let key), _):
            guard signature.count == (key.keySizeInBits + 7) / 8 else {
                valid = false
                break
            }
            let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch algorithm {
            case .rs256:
                valid = key.isValidSignature(
                    rsaSignature,
                    for: SHA256.hash(data: signingInput),
                    padding: .insecurePKCS1v1_5
                )
            case .rs384:
                valid = key.isValidSignature(
                    rsaSignature,
                    for: SHA384.hash(data: signingInput),
                    padding: .insecurePKCS1v1_5
                )
            case .rs512:
                valid = key.isValidSignature(
                    rsaSignature,
                    for: SHA512.hash(data: signingInput),
                    padding: .insecurePKCS1v1_5
                )
            case .ps256:
                valid = key.isValidSignature(rsaSignature, for: SHA256.hash(data: signingInput), padding: .PSS)
            case .ps384:
                valid = key.isValidSignature(rsaSignature, for: SHA384.hash(data: signingInput), padding: .PSS)
            case .ps512:
                valid = key.isValidSignature(rsaSignature, for: SHA512.hash(data: signingInput), padding: .PSS)
            default:
                valid = false
            }
        default:
            valid = false
        }
        guard valid else {
            throw IdentityError(
                .invalidSignature,
                "\(what): the \(algorithm.name) signature does not verify"
                    + (keyID.map { " with key \(IdentityError.quoted($0))" } ?? "")
            )
        }
    }
}
