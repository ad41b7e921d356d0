public import CEL
public import Foundation
public import TesseraIdentity

/// What the broker issues a credential for, once the grant allowed it.
public struct Issuance: Sendable {
    /// The subject's `sub`.
    public var subject: String
    /// The name of the source that vouched for the subject.
    public var source: String
    /// The scopes to issue (already checked against the request, the grant and the target).
    public var scopes: [String]
    /// The lifetime (already capped by the target's maximum).
    public var lifetime: Swift.Duration
    /// Extra claims from the grant, in order (reserved names are dropped by the target).
    public var claims: [(name: String, value: Value)]
    /// The `act` claim for a delegated exchange.
    public var actor: Value?
    /// The authenticated client's id, when a client assertion was given.
    public var clientID: String?
    /// The DPoP key thumbprint to bind to (`cnf.jkt`), when a proof was given.
    public var confirmationThumbprint: String?
    /// The token type the client asked for.
    public var requestedTokenType: String
    /// The identifier of the new credential (`jti`).
    public var tokenID: String
    /// The time of issue.
    public var now: Date
}

/// A credential a target issued.
public struct IssuedCredential: Sendable {
    /// The credential (the access token).
    public var token: String
    /// The `issued_token_type`.
    public var issuedTokenType: String
    /// Seconds until it expires.
    public var expiresIn: Int
    /// Its identifier, for the decision log.
    public var tokenID: String
}

/// A kind of credential the broker issues (`jwt` now; `aws` and others plug in here).
public protocol Target: Sendable {
    /// The target's name (`input.target`).
    var name: String { get }
    /// The kind, such as `jwt`.
    var kind: String { get }
    /// The audience requests may name it by (as well as by ``name``).
    var audience: String { get }
    /// The cap on an issued credential's lifetime.
    var maxLifetime: Swift.Duration { get }
    /// The scopes that may ever be issued; `nil` for any the grant allows.
    var allowedScopes: Set<String>? { get }
    /// Issues the credential.
    /// - Throws: ``OAuthError`` (`server_error` when signing fails).
    func issue(_ issuance: Issuance) async throws(OAuthError) -> IssuedCredential
}

/// A `jwt` target: an ES256 JWT signed by the broker, `typ: at+jwt`, for an API or MCP server.
public struct JWTTarget: Target {
    /// Claims a grant cannot set or override.
    public static let reservedClaims: Set<String> = [
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope", "client_id", "src", "act", "cnf", "may_act",
        "azp", "auth_time", "nonce",
    ]

    /// The target's name.
    public let name: String
    /// Always `jwt`.
    public let kind = "jwt"
    /// The `aud` of issued tokens.
    public let audience: String
    /// The cap on lifetimes.
    public let maxLifetime: Swift.Duration
    /// The scopes that may ever be issued.
    public let allowedScopes: Set<String>?
    /// The broker's issuer (`iss`).
    public let issuer: String
    private let keys: SigningKeyRing

    /// Creates a target.
    /// - Parameters:
    ///   - configuration: The target entry.
    ///   - issuer: The broker's issuer URL.
    ///   - keys: The signing keys.
    public init(configuration: TargetConfiguration, issuer: String, keys: SigningKeyRing) {
        self.name = configuration.name
        self.audience = configuration.audience
        self.maxLifetime = configuration.maxLifetime
        self.allowedScopes = configuration.scopes.map(Set.init)
        self.issuer = issuer
        self.keys = keys
    }

    /// Signs the token: `iss`, `sub`, `aud`, `iat`, `nbf`, `exp`, `jti`, `scope`, `client_id`, `src`,
    /// the grant's claims (reserved names skipped), `act`, `cnf.jkt`.
    public func issue(_ issuance: Issuance) async throws(OAuthError) -> IssuedCredential {
        let issuedAt = Int64(issuance.now.timeIntervalSince1970.rounded(.down))
        let seconds = max(1, issuance.lifetime.components.seconds)
        func text(_ value: String) -> Value { .string(CELString(value)) }
        var entries: [(key: Value, value: Value)] = [
            (text("iss"), text(issuer)),
            (text("sub"), text(issuance.subject)),
            (text("aud"), text(audience)),
            (text("iat"), .int(issuedAt)),
            (text("nbf"), .int(issuedAt)),
            (text("exp"), .int(issuedAt + seconds)),
            (text("jti"), text(issuance.tokenID)),
        ]
        if !issuance.scopes.isEmpty { entries.append((text("scope"), text(issuance.scopes.joined(separator: " ")))) }
        if let clientID = issuance.clientID { entries.append((text("client_id"), text(clientID))) }
        entries.append((text("src"), text(issuance.source)))
        for (name, value) in issuance.claims where !Self.reservedClaims.contains(name) {
            entries.append((text(name), value))
        }
        if let actor = issuance.actor { entries.append((text("act"), actor)) }
        if let thumbprint = issuance.confirmationThumbprint {
            entries.append((text("cnf"), TrustedSource.map([("jkt", text(thumbprint))])))
        }
        let claims: CELMap
        switch CELMap.make(entries) {
        case .success(let map): claims = map
        case .failure(let error):
            throw OAuthError(.serverError, "the token could not be issued", detail: "claims: \(error.message)")
        }
        let token: String
        do {
            token = try keys.sign(claims: .map(claims), type: "at+jwt")
        } catch {
            throw OAuthError(.serverError, "the token could not be issued", detail: error.description)
        }
        return IssuedCredential(
            token: token,
            issuedTokenType: issuance.requestedTokenType,
            expiresIn: Int(seconds),
            tokenID: issuance.tokenID
        )
    }
}
