import CEL
public import Foundation

/// What a ``JWTVerifier`` requires of a token: one source's validation rules.
public struct VerificationPolicy: Sendable {
    /// The exact `iss` required (compared as a string, no normalization).
    public var issuer: String
    /// The accepted audiences: the token's `aud` (a string or an array of strings) must contain at
    /// least one. An empty set accepts no token (fail closed).
    public var audiences: Set<String>
    /// The algorithms accepted, checked before any key is looked up. An empty set accepts no token.
    public var allowedAlgorithms: Set<JWSAlgorithm>
    /// How far the issuer's clock may differ from ours (default 60 s), applied to `exp`, `nbf`, `iat`
    /// and the maximum age.
    public var clockSkew: Swift.Duration
    /// The oldest token accepted, measured from `iat` (which is then required); `nil` for no limit.
    public var maxTokenAge: Swift.Duration?
    /// Whether `exp` is required (default true).
    public var requireExpiration: Bool
    /// The accepted `typ` values (compared case-insensitively, with an optional `application/` prefix,
    /// as RFC 7515 §4.1.9 says); `nil` accepts any `typ` or none.
    public var allowedTypes: Set<String>?
    /// Size and nesting limits.
    public var limits: TokenLimits

    /// Creates a policy.
    /// - Parameters:
    ///   - issuer: The exact `iss`.
    ///   - audiences: The accepted audiences (at least one must be in `aud`).
    ///   - allowedAlgorithms: The accepted algorithms (default ES256 and RS256).
    ///   - clockSkew: The tolerated clock difference (default 60 s).
    ///   - maxTokenAge: The oldest accepted token, from `iat`; `nil` for no limit.
    ///   - requireExpiration: Whether `exp` is required (default true).
    ///   - allowedTypes: Accepted `typ` values; `nil` for any.
    ///   - limits: Size and nesting limits (default 16 KiB tokens).
    public init(
        issuer: String,
        audiences: Set<String>,
        allowedAlgorithms: Set<JWSAlgorithm> = [.es256, .rs256],
        clockSkew: Swift.Duration = .seconds(60),
        maxTokenAge: Swift.Duration? = nil,
        requireExpiration: Bool = true,
        allowedTypes: Set<String>? = nil,
        limits: TokenLimits = TokenLimits()
    ) {
        self.issuer = issuer
        self.audiences = audiences
        self.allowedAlgorithms = allowedAlgorithms
        self.clockSkew = clockSkew
        self.maxTokenAge = maxTokenAge
        self.requireExpiration = requireExpiration
        self.allowedTypes = allowedTypes
        self.limits = limits
    }
}

/// A token whose signature, issuer, audience and times have been verified.
public struct VerifiedToken: Sendable {
    /// The protected header.
    public let header: JSONObject
    /// The claims; ``JSONObject/value`` is the CEL map to hand to a policy.
    public let claims: JSONObject
    /// The algorithm it was signed with.
    public let algorithm: JWSAlgorithm
    /// The header's `kid`, when present.
    public let keyID: String?
    /// The RFC 7638 thumbprint of the key that verified it.
    public let keyThumbprint: String
    /// `iss`.
    public let issuer: String
    /// `sub`, when present.
    public let subject: String?
    /// `aud`, as a list (a single string becomes a list of one).
    public let audiences: [String]
    /// `exp`, when present.
    public let expiry: Date?
    /// `iat`, when present.
    public let issuedAt: Date?
    /// `nbf`, when present.
    public let notBefore: Date?
    /// `jti`, when present.
    public let tokenID: String?
}

/// Verifies JWTs for one source: strict header parsing, an algorithm allow-list checked before any key
/// is used, a key from a ``KeySource`` that must fit the algorithm, the signature, then `iss`, `aud`,
/// `exp`, `nbf`, `iat` and the maximum age.
///
/// Keys come only from the configured ``KeySource``: the header members `jku`, `x5u`, `jwk` and `x5c`
/// are ignored, never fetched or trusted. Checks run cheapest and key-independent first, so a token
/// with a refused algorithm never causes a key lookup (or a JWKS refresh).
///
/// ```swift
/// let verifier = JWTVerifier(
///     policy: VerificationPolicy(issuer: "https://issuer.example", audiences: ["tessera"]),
///     keySource: try OIDCKeySource(issuer: URL(string: "https://issuer.example")!)
/// )
/// let token = try await verifier.verify(subjectToken)
/// let input: Value = token.claims.value
/// ```
public struct JWTVerifier: Sendable {
    /// The rules tokens must meet.
    public let policy: VerificationPolicy
    /// Where keys come from.
    public let keySource: any KeySource
    private let now: @Sendable () -> Date

    /// Creates a verifier.
    /// - Parameters:
    ///   - policy: The rules tokens must meet.
    ///   - keySource: Where keys come from.
    ///   - now: The clock (injectable for tests).
    public init(
        policy: VerificationPolicy,
        keySource: any KeySource,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.policy = policy
        self.keySource = keySource
        self.now = now
    }

    /// Verifies a compact JWT.
    /// - Parameter token: The token text.
    /// - Returns: The verified token.
    /// - Throws: ``IdentityError`` saying what failed (never containing the token).
    public func verify(_ token: String) async throws(IdentityError) -> VerifiedToken {
        try await verify(CompactJWS(token, limits: policy.limits))
    }

    /// Verifies an already parsed JWT (for callers that parsed it to route it by its unverified `iss`).
    /// - Parameter jws: The parsed token.
    /// - Returns: The verified token.
    /// - Throws: ``IdentityError`` saying what failed (never containing the token).
    public func verify(_ jws: CompactJWS) async throws(IdentityError) -> VerifiedToken {
        try checkHeader(jws)
        let key = try await keySource.key(for: jws.keyID, algorithm: jws.algorithm)
        try jws.verifySignature(with: key)
        let claims = try JSONObject.parse(
            bytes: jws.payload,
            what: "the token's claims",
            maxDepth: policy.limits.maxJSONDepth,
            maxBytes: policy.limits.maxTokenBytes
        )
        return try checkClaims(claims, jws: jws, key: key)
    }

    /// The checks that need only the header: `typ` and the algorithm allow-list.
    func checkHeader(_ jws: CompactJWS) throws(IdentityError) {
        if let allowedTypes = policy.allowedTypes {
            guard let type = jws.type else {
                throw IdentityError(.typeNotAllowed, "the token has no typ; expected one of \(Self.list(allowedTypes))")
            }
            let normalized = Self.normalizedType(type)
            guard allowedTypes.contains(where: { Self.normalizedType($0) == normalized }) else {
                throw IdentityError(
                    .typeNotAllowed,
                    "the token's typ \(IdentityError.quoted(type)) is not one of \(Self.list(allowedTypes))"
                )
            }
        }
        guard policy.allowedAlgorithms.contains(jws.algorithm) else {
            throw IdentityError(
                .algorithmNotAllowed,
                "the token's alg \(jws.algorithm.name) is not allowed for issuer \(IdentityError.quoted(policy.issuer)) "
                    + "(allowed: \(Self.list(Set(policy.allowedAlgorithms.map(\.name)))))"
            )
        }
    }

    private func checkClaims(_ claims: JSONObject, jws: CompactJWS, key: JWK) throws(IdentityError) -> VerifiedToken {
        let what = "the token's claims"
        let issuer = try claims.requiredString("iss", in: what, code: .invalidClaim, missing: .missingClaim)
        guard issuer == policy.issuer else {
            throw IdentityError(
                .issuerMismatch,
                "the token's iss \(IdentityError.quoted(issuer, limit: 120)) is not "
                    + IdentityError.quoted(policy.issuer, limit: 120)
            )
        }
        let audiences = try Self.audiences(claims)
        guard !policy.audiences.isEmpty else {
            throw IdentityError(
                .audienceMismatch,
                "no audience is configured for \(IdentityError.quoted(issuer)); every token is refused"
            )
        }
        guard audiences.contains(where: policy.audiences.contains) else {
            throw IdentityError(
                .audienceMismatch,
                "the token's aud \(Self.list(Set(audiences))) names none of \(Self.list(policy.audiences))"
            )
        }
        let subject = try claims.optionalString("sub", in: what, code: .invalidClaim)
        let tokenID = try claims.optionalString("jti", in: what, code: .invalidClaim)
        let expiry = try claims.numericDate("exp", in: what)
        let notBefore = try claims.numericDate("nbf", in: what)
        let issuedAt = try claims.numericDate("iat", in: what)
        let current = now().timeIntervalSince1970
        let skew = policy.clockSkew.timeInterval
        let label = tokenID.map { " (jti \(IdentityError.quoted($0)))" } ?? ""

        if let expiry {
            guard current < expiry + skew else {
                throw IdentityError(
                    .expired,
                    "the token\(label) expired at \(Self.time(expiry)); now is \(Self.time(current)), skew \(Int(skew)) s"
                )
            }
        } else if policy.requireExpiration {
            throw IdentityError(.missingClaim, "the token has no exp; an expiry is required")
        }
        if let notBefore, current + skew < notBefore {
            throw IdentityError(
                .notYetValid,
                "the token\(label) is not valid before \(Self.time(notBefore)); now is \(Self.time(current)), skew \(Int(skew)) s"
            )
        }
        if let issuedAt, issuedAt > current + skew {
            throw IdentityError(
                .issuedInFuture,
                "the token\(label) was issued in the future (iat \(Self.time(issuedAt)); now is \(Self.time(current)))"
            )
        }
        if let maxTokenAge = policy.maxTokenAge {
            guard let issuedAt else {
                throw IdentityError(.missingClaim, "the token has no iat; it is required to enforce the maximum age")
            }
            let age = current - issuedAt
            guard age <= maxTokenAge.timeInterval + skew else {
                throw IdentityError(
                    .tooOld,
                    "the token\(label) is \(Int(age)) s old; the maximum age is \(Int(maxTokenAge.timeInterval)) s"
                )
            }
        }
        return VerifiedToken(
            header: jws.header,
            claims: claims,
            algorithm: jws.algorithm,
            keyID: jws.keyID,
            keyThumbprint: key.thumbprint(),
            issuer: issuer,
            subject: subject,
            audiences: audiences,
            expiry: expiry.map { Date(timeIntervalSince1970: $0) },
            issuedAt: issuedAt.map { Date(timeIntervalSince1970: $0) },
            notBefore: notBefore.map { Date(timeIntervalSince1970: $0) },
            tokenID: tokenID
        )
    }

    private static func audiences(_ claims: JSONObject) throws(IdentityError) -> [String] {
        switch claims["aud"] {
        case nil:
            throw IdentityError(.missingClaim, "the token has no aud")
        case .string(let audience)?:
            return [audience.value]
        case .list(let elements)?:
            var audiences: [String] = []
            for element in elements {
                guard case .string(let audience) = element else {
                    throw IdentityError(.invalidClaim, "the token's aud must be a string or an array of strings")
                }
                audiences.append(audience.value)
            }
            return audiences
        default:
            throw IdentityError(.invalidClaim, "the token's aud must be a string or an array of strings")
        }
    }

    static func normalizedType(_ type: String) -> String {
        let lowered = type.lowercased()
        return lowered.hasPrefix("application/") ? String(lowered.dropFirst("application/".count)) : lowered
    }

    private static func list(_ names: Set<String>) -> String {
        "[" + names.sorted().prefix(8).map { IdentityError.quoted($0) }.joined(separator: ", ")
            + (names.count > 8 ? ", …]" : "]")
    }

    static func time(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 1e13 else { return String(seconds) }
        return Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }
}
