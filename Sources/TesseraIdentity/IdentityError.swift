/// Why a token, key, key set or DPoP proof was refused, or why a key source or signing key failed.
///
/// Every error has a stable ``Code`` (for mapping to RFC 6749 / RFC 9449 error responses and for tests)
/// and a message for people that says what was wrong and where (which header member, claim, key ID,
/// file or URL). A message never contains a token, a proof or key material: at most a key ID, a token
/// ID or a claim value that is not secret (such as an issuer).
public struct IdentityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable kind of an identity error.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's text, such as `token_expired`.
        public var rawValue: String

        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The code's text.
        public var description: String { rawValue }

        /// Not a compact JWS: wrong number of segments, bad base64url, JSON that is malformed or not an
        /// object, or a header member of the wrong type.
        public static let malformedToken = Code(rawValue: "token_malformed")
        /// The token (or proof) is longer than the limit.
        public static let tokenTooLarge = Code(rawValue: "token_too_large")
        /// `alg` is `none`: unsigned tokens are never accepted.
        public static let algorithmNone = Code(rawValue: "algorithm_none")
        /// `alg` is an HMAC algorithm (`HS256`, ...): symmetric algorithms are never accepted.
        public static let symmetricAlgorithm = Code(rawValue: "algorithm_symmetric")
        /// `alg` names no algorithm this library implements.
        public static let unsupportedAlgorithm = Code(rawValue: "algorithm_unsupported")
        /// `alg` is valid but not in the allow-list of this source or verifier.
        public static let algorithmNotAllowed = Code(rawValue: "algorithm_not_allowed")
        /// The key's type, curve, `alg`, `use` or `key_ops` does not fit the token's `alg`.
        public static let keyAlgorithmMismatch = Code(rawValue: "key_algorithm_mismatch")
        /// No key with the token's `kid` (or, without `kid`, no single fitting key) in the key set.
        public static let unknownKey = Code(rawValue: "key_unknown")
        /// The signature does not verify.
        public static let invalidSignature = Code(rawValue: "signature_invalid")
        /// `typ` is missing or not one of the allowed types.
        public static let typeNotAllowed = Code(rawValue: "type_not_allowed")
        /// `crit` names extensions; none are understood, so the token is refused (RFC 7515 §4.1.11).
        public static let unsupportedCritical = Code(rawValue: "header_crit_unsupported")
        /// A required claim is absent.
        public static let missingClaim = Code(rawValue: "claim_missing")
        /// A claim has the wrong JSON type or an impossible value.
        public static let invalidClaim = Code(rawValue: "claim_invalid")
        /// `iss` is not the expected issuer.
        public static let issuerMismatch = Code(rawValue: "issuer_mismatch")
        /// `aud` names none of the accepted audiences.
        public static let audienceMismatch = Code(rawValue: "audience_mismatch")
        /// `exp` has passed (beyond the clock skew).
        public static let expired = Code(rawValue: "token_expired")
        /// `nbf` is in the future (beyond the clock skew).
        public static let notYetValid = Code(rawValue: "token_not_yet_valid")
        /// `iat` is in the future (beyond the clock skew).
        public static let issuedInFuture = Code(rawValue: "token_issued_in_future")
        /// The token (or proof) was issued longer ago than the maximum age.
        public static let tooOld = Code(rawValue: "token_too_old")
        /// A JWK is malformed, of an unsupported type or curve, or too weak.
        public static let invalidKey = Code(rawValue: "key_invalid")
        /// A JWK carries private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`) where only a
        /// public key is allowed.
        public static let privateKeyNotAllowed = Code(rawValue: "key_private")
        /// A JWK set is malformed or over its limits.
        public static let invalidKeySet = Code(rawValue: "key_set_invalid")
        /// A key source could not get keys (file unreadable, issuer unreachable, bad response).
        public static let keySourceUnavailable = Code(rawValue: "key_source_unavailable")
        /// The OpenID discovery document names another issuer than the configured one.
        public static let discoveryIssuerMismatch = Code(rawValue: "discovery_issuer_mismatch")
        /// A configuration value is unusable (a plain-HTTP issuer that is not loopback, an empty
        /// audience or algorithm list, a bad URL).
        public static let invalidConfiguration = Code(rawValue: "configuration_invalid")
        /// A signing key file could not be read, written or understood.
        public static let signingKeyFile = Code(rawValue: "signing_key_file")
        /// Signing failed (claims that are not a JSON object, a crypto failure).
        public static let signingFailed = Code(rawValue: "signing_failed")
        /// The DPoP proof's `htm` is not the request's method.
        public static let dpopMethodMismatch = Code(rawValue: "dpop_htm_mismatch")
        /// The DPoP proof's `htu` is not the request's URL.
        public static let dpopURLMismatch = Code(rawValue: "dpop_htu_mismatch")
        /// The DPoP proof's `ath` is missing or is not the hash of the presented access token.
        public static let dpopAccessTokenHash = Code(rawValue: "dpop_ath_mismatch")
        /// The DPoP proof's `jti` was seen before within the window: a replay.
        public static let dpopReplay = Code(rawValue: "dpop_replay")
        /// The replay cache is full of unexpired entries; the proof is refused (fail closed).
        public static let dpopReplayCacheFull = Code(rawValue: "dpop_replay_cache_full")
        /// The proof's key is not the key the access token is bound to (`cnf.jkt`), or the token is
        /// not bound.
        public static let dpopBindingMismatch = Code(rawValue: "dpop_binding_mismatch")
    }

    /// The kind of error.
    public var code: Code
    /// What is wrong and where, for people. Never contains a token or key material.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of error.
    ///   - message: What is wrong and where.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}

extension IdentityError {
    /// A short, safe rendering of a value taken from untrusted input for an error message: quoted,
    /// control characters escaped, cut to `limit` characters.
    static func quoted(_ text: String, limit: Int = 64) -> String {
        var scalars = String.UnicodeScalarView()
        var count = 0
        var truncated = false
        for scalar in text.unicodeScalars {
            if count == limit {
                truncated = true
                break
            }
            scalars.append(scalar)
            count += 1
        }
        var rendered = "\""
        for scalar in scalars {
            switch scalar {
            case "\"": rendered += "\\\""
            case "\\": rendered += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                rendered += "\\u{\(String(scalar.value, radix: 16))}"
            default: rendered.unicodeScalars.append(scalar)
            }
        }
        rendered += truncated ? "…\"" : "\""
        return rendered
    }
}
