import CEL
import Crypto
public import Foundation
import Synchronization

/// A verified DPoP proof (RFC 9449).
public struct DPoPProof: Sendable {
    /// The RFC 7638 thumbprint of the proof's key: the `jkt` to bind tokens to (`cnf.jkt`).
    public let thumbprint: String
    /// The proof's `jti`.
    public let tokenID: String
    /// The proof's `iat`.
    public let issuedAt: Date
    /// The proof's algorithm.
    public let algorithm: JWSAlgorithm
    /// The proof's public key.
    public let key: JWK
}

/// A bounded memory of DPoP proof IDs seen recently, to refuse replays.
///
/// Each entry is kept until the proof it came from could no longer be accepted (its `iat` plus the
/// accepted age). When the cache holds `capacity` unexpired entries, new proofs are refused with
/// ``IdentityError/Code/dpopReplayCacheFull`` rather than forgetting entries that could be replayed:
/// it fails closed. Size the capacity above the proofs a replica accepts within one window.
public final class DPoPReplayCache: Sendable {
    private struct State {
        var expiries: [String: Date] = [:]
        /// Insertion order, for purging from the front; `head` is the first live position.
        var order: [(key: String, expiry: Date)] = []
        var head = 0
    }

    /// The most entries held at once.
    public let capacity: Int
    private let state = Mutex(State())

    /// Creates an empty cache.
    /// - Parameter capacity: The most entries held at once (default 100,000).
    public init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
    }

    /// The number of entries held (expired ones may still be counted until the next insertion).
    public var count: Int {
        state.withLock { $0.expiries.count }
    }

    enum Insertion {
        case inserted
        case replayed
        case full
    }

    /// Records `key` until `expiry`, unless it is already recorded and unexpired.
    func insert(_ key: String, expiry: Date, now: Date) -> Insertion {
        state.withLock { state in
            Self.purge(&state, now: now, all: false)
            if let existing = state.expiries[key], existing > now { return .replayed }
            if state.expiries.count >= capacity {
                Self.purge(&state, now: now, all: true)
                if state.expiries.count >= capacity { return .full }
            }
            state.expiries[key] = expiry
            state.order.append((key, expiry))
            return .inserted
        }
    }

    private static func purge(_ state: inout State, now: Date, all: Bool) {
        if all {
            state.expiries = state.expiries.filter { $0.value > now }
            state.order = state.order[state.head...].filter { $0.expiry > now }
            state.head = 0
            return
        }
        while state.head < state.order.count, state.order[state.head].expiry <= now {
            let entry = state.order[state.head]
            if let stored = state.expiries[entry.key], stored <= now { state.expiries[entry.key] = nil }
            state.head += 1
        }
        if state.head > 1024, state.head * 2 > state.order.count {
            state.order.removeFirst(state.head)
            state.head = 0
        }
    }
}

/// Verifies DPoP proofs (RFC 9449 §4.3) at the token endpoint and at resource servers.
///
/// A proof passes when: it is a compact JWS within the size limit; `typ` is `dpop+jwt`; `alg` is an
/// allowed asymmetric algorithm; the header's `jwk` is a public key (private members are refused) that
/// fits `alg`; the signature verifies with that key; `htm` equals the request method; `htu` equals the
/// request URL without query and fragment (scheme and host compared case-insensitively, default ports
/// ignored); `iat` is within the window; `jti` is present and not seen before (the replay cache); and,
/// when an access token is presented, `ath` is the base64url SHA-256 of it. The `jti` is recorded only
/// after every other check passed.
public struct DPoPVerifier: Sendable {
    /// The algorithms accepted.
    public let allowedAlgorithms: Set<JWSAlgorithm>
    /// How old a proof may be (from `iat`).
    public let maxAge: Swift.Duration
    /// How far in the future `iat` may be.
    public let clockSkew: Swift.Duration
    /// The replay cache (shared by every verifier of one server).
    public let replayCache: DPoPReplayCache
    /// Size and nesting limits for proofs.
    public let limits: TokenLimits
    private let now: @Sendable () -> Date

    /// Creates a verifier.
    /// - Parameters:
    ///   - allowedAlgorithms: The accepted algorithms (default ES256, ES384, EdDSA, PS256, RS256).
    ///   - maxAge: How old a proof may be (default 60 s).
    ///   - clockSkew: How far in the future `iat` may be (default 10 s).
    ///   - replayCache: The replay cache.
    ///   - limits: Proof size limits (default 8 KiB, nesting 8).
    ///   - now: The clock.
    public init(
        allowedAlgorithms: Set<JWSAlgorithm> = [.es256, .es384, .edDSA, .ps256, .rs256],
        maxAge: Swift.Duration = .seconds(60),
        clockSkew: Swift.Duration = .seconds(10),
        replayCache: DPoPReplayCache = DPoPReplayCache(),
        limits: TokenLimits = TokenLimits(maxTokenBytes: 8 << 10, maxJSONDepth: 8),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.allowedAlgorithms = allowedAlgorithms
        self.maxAge = maxAge
        self.clockSkew = clockSkew
        self.replayCache = replayCache
        self.limits = limits
        self.now = now
    }

    /// Verifies a DPoP proof for a request.
    /// - Parameters:
    ///   - proof: The `DPoP` header's value.
    ///   - method: The request's method, such as `POST`.
    ///   - url: The request's full URL as the client addressed it (`https://broker.example/oauth2/token`).
    ///   - accessToken: The access token presented with the proof (resource servers); when given, `ath`
    ///     is required and must match.
    /// - Returns: The proof's key thumbprint, `jti` and `iat`.
    /// - Throws: ``IdentityError`` saying what failed.
    public func verify(
        proof: String,
        method: String,
        url: String,
        accessToken: String? = nil
    ) throws(IdentityError) -> DPoPProof {
        try verify(proof: proof, method: method, url: url, accessToken: accessToken, boundThumbprint: nil)
    }

    /// Verifies a DPoP-bound access token's proof at a resource server: the proof must pass
    /// ``verify(proof:method:url:accessToken:)`` with `ath` for `accessToken`, and its key's thumbprint
    /// must equal the token's `cnf.jkt`.
    /// - Parameters:
    ///   - accessTokenClaims: The verified claims of the access token.
    ///   - proof: The `DPoP` header's value.
    ///   - method: The request's method.
    ///   - url: The request's full URL.
    ///   - accessToken: The access token as presented (for `ath`).
    /// - Returns: The verified proof.
    /// - Throws: ``IdentityError``; ``IdentityError/Code/dpopBindingMismatch`` when the token has no
    ///   `cnf.jkt` or it names another key.
    public func verifyBoundToken(
        accessTokenClaims: JSONObject,
        proof: String,
        method: String,
        url: String,
        accessToken: String
    ) throws(IdentityError) -> DPoPProof {
        guard case .map(let confirmation) = accessTokenClaims["cnf"],
            case .string(let jkt)? = confirmation[MapKey.string(CELString("jkt"))]
        else {
            throw IdentityError(.dpopBindingMismatch, "the access token is not DPoP-bound (it has no cnf.jkt)")
        }
        return try verify(proof: proof, method: method, url: url, accessToken: accessToken, boundThumbprint: jkt.value)
    }

    private func verify(
        proof: String,
        method: String,
        url: String,
        accessToken: String?,
        boundThumbprint: String?
    ) throws(IdentityError) -> DPoPProof {
        let what = "the DPoP proof"
        let jws = try CompactJWS(proof, limits: limits, what: what)
        guard let type = jws.type, type.lowercased() == "dpop+jwt" else {
            throw IdentityError(
                .typeNotAllowed,
                "\(what)'s typ is \(jws.type.map { IdentityError.quoted($0) } ?? "missing"); it must be dpop+jwt"
            )
        }
        guard allowedAlgorithms.contains(jws.algorithm) else {
            throw IdentityError(.algorithmNotAllowed, "\(what)'s alg \(jws.algorithm.name) is not allowed")
        }
        guard let member = jws.header["jwk"] else {
            throw IdentityError(.invalidKey, "\(what)'s header has no jwk")
        }
        guard let object = JSONObject(member) else {
            throw IdentityError(.invalidKey, "\(what)'s header jwk is not a JSON object")
        }
        let key = try JWK(object: object, publicOnly: true, what: "\(what)'s header jwk")
        try key.verify(signature: jws.signature, signingInput: jws.signingInput, algorithm: jws.algorithm, what: what)
        let claims = try JSONObject.parse(
            bytes: jws.payload,
            what: "\(what)'s claims",
            maxDepth: limits.maxJSONDepth,
            maxBytes: limits.maxTokenBytes
        )
        let claimsWhat = "\(what)'s claims"
        let htm = try claims.requiredString("htm", in: claimsWhat, code: .invalidClaim, missing: .missingClaim)
        guard htm == method else {
            throw IdentityError(
                .dpopMethodMismatch,
                "\(what) is for method \(IdentityError.quoted(htm)), the request is \(IdentityError.quoted(method))"
            )
        }
        let htu = try claims.requiredString("htu", in: claimsWhat, code: .invalidClaim, missing: .missingClaim)
        guard let requestURL = Self.normalizedURL(url) else {
            throw IdentityError(
                .dpopURLMismatch,
                "the request URL \(IdentityError.quoted(url, limit: 200)) is not an http(s) URL"
            )
        }
        guard let proofURL = Self.normalizedURL(htu), proofURL == requestURL else {
            throw IdentityError(
                .dpopURLMismatch,
                "\(what) is for \(IdentityError.quoted(htu, limit: 200)), the request is for "
                    + IdentityError.quoted(requestURL, limit: 200)
            )
        }
        guard let issuedAt = try claims.numericDate("iat", in: claimsWhat) else {
            throw IdentityError(.missingClaim, "\(claimsWhat) have no iat")
        }
        let tokenID = try claims.requiredString("jti", in: claimsWhat, code: .invalidClaim, missing: .missingClaim)
        guard !tokenID.isEmpty, tokenID.utf8.count <= 256 else {
            throw IdentityError(.invalidClaim, "\(what)'s jti must be 1 to 256 bytes long")
        }
        let current = now()
        let time = current.timeIntervalSince1970
        if issuedAt > time + clockSkew.timeInterval {
            throw IdentityError(
                .issuedInFuture,
                "\(what) (jti \(IdentityError.quoted(tokenID))) was issued \(Int(issuedAt - time)) s in the future"
            )
        }
        if time - issuedAt > maxAge.timeInterval {
            throw IdentityError(
                .tooOld,
                "\(what) (jti \(IdentityError.quoted(tokenID))) is \(Int(time - issuedAt)) s old; "
                    + "the limit is \(Int(maxAge.timeInterval)) s"
            )
        }
        if let accessToken {
            guard let ath = try claims.optionalString("ath", in: claimsWhat, code: .invalidClaim) else {
                throw IdentityError(.dpopAccessTokenHash, "\(what) has no ath, but an access token was presented")
            }
            let expected = Base64URL.encode(Array(SHA256.hash(data: Array(accessToken.utf8))))
            guard ath == expected else {
                throw IdentityError(.dpopAccessTokenHash, "\(what)'s ath is not the hash of the presented access token")
            }
        }
        let thumbprint = key.thumbprint()
        if let boundThumbprint, boundThumbprint != thumbprint {
            throw IdentityError(
                .dpopBindingMismatch,
                "\(what)'s key (jkt \(thumbprint)) is not the key the access token is bound to"
            )
        }
        let expiry = Date(timeIntervalSince1970: issuedAt + maxAge.timeInterval)
        switch replayCache.insert(thumbprint + " " + tokenID, expiry: expiry, now: current) {
        case .inserted:
            break
        case .replayed:
            throw IdentityError(.dpopReplay, "\(what) with jti \(IdentityError.quoted(tokenID)) was already used")
        case .full:
            throw IdentityError(
                .dpopReplayCacheFull,
                "the DPoP replay cache is full (\(replayCache.capacity) unexpired proofs); the proof is refused"
            )
        }
        return DPoPProof(
            thumbprint: thumbprint,
            tokenID: tokenID,
            issuedAt: Date(timeIntervalSince1970: issuedAt),
            algorithm: jws.algorithm,
            key: key
        )
    }

    /// `scheme://host[:port]/path` of an http(s) URL: scheme and host lowercased, the default port
    /// dropped, an empty path as `/`, query and fragment removed; `nil` for anything else.
    static func normalizedURL(_ text: String) -> String? {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            let rawHost = components.percentEncodedHost, !rawHost.isEmpty
        else { return nil }
        var host = rawHost.lowercased()
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        var result = "\(scheme)://\(host)"
        if let port = components.port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) {
            result += ":\(port)"
        }
        let path = components.percentEncodedPath
        result += path.isEmpty ? "/" : path
        return result
    }
}
