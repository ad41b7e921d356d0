/// An asymmetric JWS signature algorithm (RFC 7518 §3, RFC 8037).
///
/// Only asymmetric algorithms exist here: `none` and the HMAC family (`HS256`, `HS384`, `HS512`) cannot
/// be represented, so no allow-list can contain them, and parsing their names is a typed error.
public enum JWSAlgorithm: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// ECDSA on P-256 with SHA-256.
    case es256
    /// ECDSA on P-384 with SHA-384.
    case es384
    /// ECDSA on P-521 with SHA-512.
    case es512
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    case rs384
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    case rs512
    /// RSASSA-PSS with SHA-256 and MGF1 with SHA-256.
    case ps256
    /// RSASSA-PSS with SHA-384 and MGF1 with SHA-384.
    case ps384
    /// RSASSA-PSS with SHA-512 and MGF1 with SHA-512.
    case ps512
    /// EdDSA (Ed25519 only).
    case edDSA

    /// Parses a JOSE algorithm name (case-sensitive, as RFC 7515 requires).
    /// - Parameter name: The `alg` value, such as `ES256`.
    /// - Throws: ``IdentityError`` with code ``IdentityError/Code/algorithmNone`` for `none`,
    ///   ``IdentityError/Code/symmetricAlgorithm`` for `HS256`/`HS384`/`HS512`, and
    ///   ``IdentityError/Code/unsupportedAlgorithm`` for anything else unknown.
    public init(name: String) throws(IdentityError) {
        switch name {
        case "ES256": self = .es256
        case "ES384": self = .es384
        case "ES512": self = .es512
        case "RS256": self = .rs256
        case "RS384": self = .rs384
        case "RS512": self = .rs512
        case "PS256": self = .ps256
        case "PS384": self = .ps384
        case "PS512": self = .ps512
        case "EdDSA": self = .edDSA
        case _ where name.lowercased() == "none":
            throw IdentityError(.algorithmNone, "alg \"none\" (an unsigned token) is never accepted")
        case "HS256", "HS384", "HS512":
            throw IdentityError(
                .symmetricAlgorithm,
                "alg \(name) is an HMAC algorithm; symmetric algorithms are never accepted"
            )
        default:
            throw IdentityError(.unsupportedAlgorithm, "alg \(IdentityError.quoted(name)) is not supported")
        }
    }

    /// The JOSE name, such as `ES256`.
    public var name: String {
        switch self {
        case .es256: "ES256"
        case .es384: "ES384"
        case .es512: "ES512"
        case .rs256: "RS256"
        case .rs384: "RS384"
        case .rs512: "RS512"
        case .ps256: "PS256"
        case .ps384: "PS384"
        case .ps512: "PS512"
        case .edDSA: "EdDSA"
        }
    }

    /// The JOSE name.
    public var description: String { name }

    /// Whether the algorithm is one of the RSA family.
    var isRSA: Bool {
        switch self {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: true
        default: false
        }
    }
}
