import CEL
public import Foundation
public import TesseraIdentity
public import TesseraPolicy

/// A successful token response (RFC 8693 §2.2.1).
public struct TokenResponse: Sendable {
    /// The issued credential.
    public var accessToken: String
    /// The `issued_token_type`.
    public var issuedTokenType: String
    /// `Bearer`, or `DPoP` when the token is bound to a DPoP key.
    public var tokenType: String
    /// Seconds until the token expires.
    public var expiresIn: Int
    /// The issued scopes.
    public var scopes: [String]

    /// The JSON body.
    public var jsonText: String {
        var text = "{\"access_token\":\(JSON.quote(accessToken)),\"issued_token_type\":\(JSON.quote(issuedTokenType))"
        text += ",\"token_type\":\(JSON.quote(tokenType)),\"expires_in\":\(expiresIn)"
        if !scopes.isEmpty { text += ",\"scope\":\(JSON.quote(scopes.joined(separator: " ")))" }
        return text + "}"
    }
}

/// The outcome of one exchange: the answer, and the target it was for (for metrics).
public struct TokenExchangeOutcome: Sendable {
    /// The response or the error.
    public var result: Result<TokenResponse, OAuthError>
    /// The configured target the request named, when it named one.
    public var target: String?
}

/// The RFC 8693 token exchange and RFC 7523 JWT-bearer grant, independent of HTTP.
///
/// For each request: the form is read strictly; the DPoP proof, when given (or required), is
/// verified for `POST <issuer>/oauth2/token`; a client assertion is verified against the sources with
/// the broker as audience; the subject token (or assertion) and the actor token are routed to a
/// source by their exact `iss` and verified; the target is chosen by `audience`/`resource`; the grant
/// policy decides `{allow, scopes, ttl, claims}`; scopes and lifetime are checked and capped; the
/// target issues; and the exchange is written to the decision log, allowed or denied, without any
/// token. A decision the log cannot take is answered `server_error` and no token is given.
public final class TokenExchangeService: Sendable {
    /// The decision log's `source` for exchanges.
    public static let logSource = "oauth2/token"

    /// The broker's issuer URL (`iss` of issued tokens).
    public let issuer: String
    /// The broker settings.
    public let settings: BrokerSettings
    /// The trusted sources.
    public let sources: [TrustedSource]
    /// The targets.
    public let targets: [any Target]
    /// The signing keys.
    public let keys: SigningKeyRing
    /// The engine deciding grants.
    public let engine: PolicyEngine
    /// The decision log; `nil` disables it.
    public let log: (any DecisionLog)?
    private let redactor: DecisionRedactor
    private let dpop: DPoPVerifier
    private let now: @Sendable () -> Date
    private let ids: DecisionIDGenerator
    private let byIssuer: [String: TrustedSource]

    /// Creates the service.
    /// - Parameters:
    ///   - issuer: The broker's issuer URL.
    ///   - settings: The `broker` settings.
    ///   - sources: The trusted sources.
    ///   - targets: The targets.
    ///   - keys: The signing keys.
    ///   - engine: The engine deciding grants.
    ///   - log: The decision log.
    ///   - redactor: Redacts decision inputs.
    ///   - dpop: The DPoP verifier (with the server's replay cache).
    ///   - now: The clock.
    ///   - ids: Makes token and decision ids.
    public init(
        issuer: String,
        settings: BrokerSettings,
        sources: [TrustedSource],
        targets: [any Target],
        keys: SigningKeyRing,
        engine: PolicyEngine,
        log: (any DecisionLog)?,
        redactor: DecisionRedactor = DecisionRedactor(),
        dpop: DPoPVerifier = DPoPVerifier(),
        now: @escaping @Sendable () -> Date = { Date() },
        ids: DecisionIDGenerator = .random
    ) {
        self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.settings = settings
        self.sources = sources
        self.targets = targets
        self.keys = keys
        self.engine = engine
        self.log = log
        self.redactor = redactor
        self.dpop = dpop
        self.now = now
        self.ids = ids
        var byIssuer: [String: TrustedSource] = [:]
        for source in sources {
            if let issuer = source.configuration.issuer { byIssuer[issuer] = source }
        }
        self.byIssuer = byIssuer
    }

    /// `<issuer>/oauth2/token`.
    public var tokenEndpoint: String { issuer + "/oauth2/token" }
    /// `<issuer>/.well-known/jwks.json`.
    public var jwksURI: String { issuer + "/.well-known/jwks.json" }

    /// The OpenID configuration document (JSON).
    public var discoveryDocument: String {
        func list(_ items: [String]) -> String { "[" + items.map(JSON.quote).joined(separator: ",") + "]" }
        let fields = [
            "\"issuer\":\(JSON.quote(issuer))",
            "\"jwks_uri\":\(JSON.quote(jwksURI))",
            "\"token_endpoint\":\(JSON.quote(tokenEndpoint))",
            "\"grant_types_supported\":\(list([TokenURN.tokenExchange, TokenURN.jwtBearer]))",
            "\"token_endpoint_auth_methods_supported\":\(list(["none", "private_key_jwt"]))",
            "\"token_endpoint_auth_signing_alg_values_supported\":\(list(["ES256", "RS256"]))",
            "\"dpop_signing_alg_values_supported\":\(list(dpop.allowedAlgorithms.map(\.name).sorted()))",
            "\"id_token_signing_alg_values_supported\":\(list(["ES256"]))",
            "\"response_types_supported\":\(list(["token"]))",
            "\"subject_types_supported\":\(list(["public"]))",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// The published JWK set (JSON): the signing key and unexpired previous keys.
    public func jwksDocument() -> String { keys.publicJWKS(at: now()) }

    /// Handles one token request.
    /// - Parameters:
    ///   - form: The decoded form parameters in order.
    ///   - dpopProof: The `DPoP` header, when present.
    ///   - method: The HTTP method (for the proof's `htm`).
    ///   - url: The URL the client addressed (for `htu`); `nil` for ``tokenEndpoint``.
    ///   - caller: Who asked (address), for the decision log.
    /// - Returns: The response or the error, and the target.
    public func exchange(
        form: [(String, String)],
        dpopProof: String?,
        method: String = "POST",
        url: String? = nil,
        caller: String? = nil
    ) async -> TokenExchangeOutcome {
        var trace = Trace()
        let result: Result<TokenResponse, OAuthError>
        do {
            result = .success(
                try await perform(
                    form: form,
                    dpopProof: dpopProof,
                    method: method,
                    url: url ?? tokenEndpoint,
                    trace: &trace
                )
            )
        } catch {
            result = .failure(error)
        }
        do {
            try await record(result, trace: trace, caller: caller)
        } catch {
            return TokenExchangeOutcome(result: .failure(error), target: trace.target)
        }
        return TokenExchangeOutcome(result: result, target: trace.target)
    }

    /// What an exchange learned, for the decision log (never a token).
    struct Trace {
        var input: Value?
        var subject: String?
        var source: String?
        var target: String?
        var scopes: [String] = []
        var tokenID: String?
        var expiresIn: Int?
        var decision: Decision?
        var policyResult: Value?
        var grantType: String?
    }

    private func perform(
        form: [(String, String)],
        dpopProof: String?,
        method: String,
        url: String,
        trace: inout Trace
    ) async throws(OAuthError) -> TokenResponse {
        let request = try TokenRequest.parse(form)
        trace.grantType = request.grantType
        var proof: DPoPProof?
        if let dpopProof {
            do {
                proof = try dpop.verify(proof: dpopProof, method: method, url: url)
            } catch {
                throw OAuthError(.invalidDPoPProof, Self.dpopDescription(error), detail: error.description)
            }
        } else if settings.dpopRequired {
            throw OAuthError(.invalidDPoPProof, "a DPoP proof is required")
        }
        var client: (document: Value, id: String)?
        if let assertion = request.clientAssertion {
            let (token, source) = try await verify(
                assertion,
                what: "client assertion",
                code: .invalidClient,
                audiences: [tokenEndpoint, issuer]
            )
            guard let subject = token.subject, !subject.isEmpty else {
                throw OAuthError(.invalidClient, "the client assertion has no sub")
            }
            if let clientID = request.clientID, clientID != subject {
                throw OAuthError(.invalidClient, "client_id does not match the client assertion's sub")
            }
            let document: Value
            do {
                document = try source.document(for: token)
            } catch {
                throw OAuthError(
                    .invalidClient,
                    "the client assertion's claims are not acceptable",
                    detail: error.description
                )
            }
            client = (document, subject)
        }
        let what = request.grant == .jwtBearer ? "assertion" : "subject token"
        let (subjectToken, source) = try await verify(request.subjectToken, what: what, code: .invalidGrant)
        trace.source = source.name
        trace.subject = subjectToken.subject
        guard let subject = subjectToken.subject, !subject.isEmpty else {
            throw OAuthError(.invalidGrant, "the \(what) has no sub")
        }
        let subjectDocument: Value
        do {
            subjectDocument = try source.document(for: subjectToken)
        } catch {
            throw OAuthError(
                .invalidGrant,
                "the \(what)'s claims are not acceptable for its source",
                detail: error.description
            )
        }
        var actorDocument: Value?
        var act: Value?
        if let actorToken = request.actorToken {
            let (token, actorSource) = try await verify(actorToken, what: "actor token", code: .invalidGrant)
            guard let actorSubject = token.subject, !actorSubject.isEmpty else {
                throw OAuthError(.invalidGrant, "the actor token has no sub")
            }
            do {
                actorDocument = try actorSource.document(for: token)
            } catch {
                throw OAuthError(
                    .invalidGrant,
                    "the actor token's claims are not acceptable",
                    detail: error.description
                )
            }
            var entries: [(String, Value)] = [
                ("sub", .string(CELString(actorSubject))), ("iss", .string(CELString(token.issuer))),
            ]
            if let nested = token.claims["act"], case .map = nested { entries.append(("act", nested)) }
            act = TrustedSource.map(entries)
        }
        let target = try chooseTarget(request)
        trace.target = target.name
        let input = Self.input(
            subject: subjectDocument,
            source: source.name,
            actor: actorDocument,
            target: target.name,
            request: request,
            client: client?.document
        )
        trace.input = input
        let decision = engine.decide(path: settings.grantPolicy, input: input)
        trace.decision = decision
        trace.policyResult = decision.result
        guard decision.failure == nil, let value = decision.result else {
            throw OAuthError(
                .invalidTarget,
                "the grant policy does not allow this exchange",
                detail: decision.failure ?? "the grant policy \(settings.grantPolicy) is undefined"
            )
        }
        let grant = try GrantResult.read(value)
        guard grant.allow else {
            throw OAuthError(
                .invalidTarget,
                "the grant policy does not allow this exchange",
                detail: grant.reasons.isEmpty ? "denied" : grant.reasons.joined(separator: "; ")
            )
        }
        let scopes = try Self.scopes(requested: request.scopes, granted: grant.scopes, target: target)
        trace.scopes = scopes
        let lifetime = min(grant.ttl ?? settings.defaultTTL, target.maxLifetime)
        let tokenID = ids.next()
        let credential = try await target.issue(
            Issuance(
                subject: subject,
                source: source.name,
                scopes: scopes,
                lifetime: lifetime,
                claims: grant.claims,
                actor: act,
                clientID: client?.id,
                confirmationThumbprint: proof?.thumbprint,
                requestedTokenType: request.requestedTokenType,
                tokenID: tokenID,
                now: now()
            )
        )
        trace.tokenID = credential.tokenID
        trace.expiresIn = credential.expiresIn
        return TokenResponse(
            accessToken: credential.token,
            issuedTokenType: credential.issuedTokenType,
            tokenType: proof == nil ? "Bearer" : "DPoP",
            expiresIn: credential.expiresIn,
            scopes: scopes
        )
    }

    /// Routes a token to its source by exact `iss` (or, for issuer-less SPIFFE sources, by the trust
    /// domain of `sub`) and verifies it there.
    private func verify(
        _ token: String,
        what: String,
        code: OAuthError.Code,
        audiences: Set<String>? = nil
    ) async throws(OAuthError) -> (VerifiedToken, TrustedSource) {
        let jws: CompactJWS
        let claims: JSONObject
        do {
            jws = try CompactJWS(token)
            claims = try jws.unverifiedClaims()
        } catch {
            throw OAuthError(code, "the \(what) is \(Self.describe(error))", detail: "\(what): \(error.description)")
        }
        var source = claims.string("iss").flatMap { byIssuer[$0] }
        if source == nil, let subject = claims.string("sub"), let id = SPIFFEID(subject) {
            source = sources.first { $0.configuration.issuer == nil && $0.configuration.trustDomain == id.trustDomain }
        }
        guard let source else {
            throw OAuthError(code, "the \(what)'s issuer is not trusted", detail: "\(what): no source for its iss")
        }
        do {
            return (try await source.verify(jws, audiences: audiences), source)
        } catch {
            throw OAuthError(
                code,
                "the \(what) is \(Self.describe(error))",
                detail: "\(what) (source \(source.name)): \(error.description)"
            )
        }
    }

    private func chooseTarget(_ request: TokenRequest) throws(OAuthError) -> any Target {
        let names = request.audiences + request.resources
        guard !names.isEmpty else {
            throw OAuthError(.invalidTarget, "name the target in audience or resource")
        }
        var chosen: (any Target)?
        for name in names {
            guard let target = targets.first(where: { $0.audience == name || $0.name == name }) else {
                throw OAuthError(.invalidTarget, "an audience or resource names no target of this broker")
            }
            if let chosen, chosen.name != target.name {
                throw OAuthError(.invalidTarget, "audience and resource must name one target")
            }
            chosen = target
        }
        guard let chosen else { throw OAuthError(.invalidTarget, "name the target in audience or resource") }
        return chosen
    }

    /// The scopes to issue: when some are requested, all of them (each must be granted and allowed by
    /// the target, else `invalid_scope`); otherwise every granted scope the target allows.
    static func scopes(requested: [String], granted: [String], target: any Target) throws(OAuthError) -> [String] {
        let allowed = target.allowedScopes
        guard !requested.isEmpty else {
            return granted.filter { allowed?.contains($0) ?? true }
        }
        for scope in requested where !granted.contains(scope) || !(allowed?.contains(scope) ?? true) {
            throw OAuthError(.invalidScope, "a requested scope is not granted", detail: "scope \(scope) not granted")
        }
        return requested
    }

    static func input(
        subject: Value,
        source: String,
        actor: Value?,
        target: String,
        request: TokenRequest,
        client: Value?
    ) -> Value {
        func strings(_ items: [String]) -> Value { .list(items.map { .string(CELString($0)) }) }
        let requestDocument = TrustedSource.map([
            ("audience", strings(request.audiences)),
            ("resource", strings(request.resources)),
            ("scope", strings(request.scopes)),
            ("requested_token_type", .string(CELString(request.requestedTokenType))),
            ("grant_type", .string(CELString(request.grantType))),
        ])
        var entries: [(String, Value)] = [
            ("subject", subject), ("source", .string(CELString(source))), ("target", .string(CELString(target))),
            ("request", requestDocument),
        ]
        if let actor { entries.append(("actor", actor)) }
        if let client { entries.append(("client", client)) }
        return TrustedSource.map(entries)
    }

    /// Writes the exchange to the decision log.
    private func record(
        _ result: Result<TokenResponse, OAuthError>,
        trace: Trace,
        caller: String?
    ) async throws(OAuthError) {
        guard let log else { return }
        func text(_ value: String?) -> Value { value.map { .string(CELString($0)) } ?? .null }
        var entries: [(String, Value)] = []
        let outcome: DecisionOutcome
        var failure: String?
        switch result {
        case .success:
            entries.append(("outcome", text("issued")))
            outcome = .allow
        case .failure(let error):
            entries.append(("outcome", text("denied")))
            entries.append(("error", text(error.code.rawValue)))
            failure =
                error.detail.map { "\(error.code.rawValue): \($0)" } ?? "\(error.code.rawValue): \(error.description)"
            outcome = trace.decision?.failure != nil || error.code == .serverError ? .error : .deny
        }
        entries.append(("subject", text(trace.subject)))
        entries.append(("source", text(trace.source)))
        entries.append(("target", text(trace.target)))
        entries.append(("grant_type", text(trace.grantType)))
        entries.append(("scopes", .list(trace.scopes.map { .string(CELString($0)) })))
        if let tokenID = trace.tokenID { entries.append(("jti", text(tokenID))) }
        if let expiresIn = trace.expiresIn { entries.append(("expires_in", .int(Int64(expiresIn)))) }
        if let policy = trace.policyResult { entries.append(("grant", policy)) }
        let (seconds, attoseconds) = (trace.decision?.duration ?? .zero).components
        let record = DecisionRecord(
            id: trace.decision?.id ?? ids.next(),
            time: now(),
            path: settings.grantPolicy,
            input: trace.input.map { redactor.encode(input: $0) },
            result: redactor.encode(result: TrustedSource.map(entries)),
            outcome: outcome,
            revision: trace.decision?.revision ?? engine.policies.revision,
            durationNanoseconds: seconds * 1_000_000_000 + attoseconds / 1_000_000_000,
            caller: caller,
            source: Self.logSource,
            failure: failure
        )
        do {
            try await log.append(record)
        } catch {
            throw OAuthError(.serverError, "the exchange could not be recorded", detail: "decision log: \(error)")
        }
    }

    /// A short, safe description of why a token failed (no key source URLs, no claim values).
    static func describe(_ error: IdentityError) -> String {
        switch error.code {
        case .expired: "expired"
        case .notYetValid: "not yet valid"
        case .issuedInFuture: "issued in the future"
        case .tooOld: "too old"
        case .issuerMismatch: "from another issuer"
        case .audienceMismatch: "not meant for this broker (aud)"
        case .unknownKey: "signed with an unknown key"
        case .invalidSignature: "not correctly signed"
        case .algorithmNone: "unsigned (alg none)"
        case .symmetricAlgorithm: "signed with a symmetric algorithm"
        case .algorithmNotAllowed, .unsupportedAlgorithm, .keyAlgorithmMismatch:
            "signed with an algorithm that is not allowed"
        case .tokenTooLarge: "too large"
        case .malformedToken: "malformed"
        case .missingClaim: "missing a required claim"
        case .invalidClaim: "carrying an invalid claim"
        case .keySourceUnavailable: "not verifiable now (the issuer's keys are unavailable)"
        default: "not acceptable"
        }
    }

    static func dpopDescription(_ error: IdentityError) -> String {
        switch error.code {
        case .dpopReplay: "the DPoP proof was already used"
        case .dpopMethodMismatch: "the DPoP proof is for another method (htm)"
        case .dpopURLMismatch: "the DPoP proof is for another URL (htu)"
        case .privateKeyNotAllowed: "the DPoP proof's jwk carries a private key"
        case .tooOld, .issuedInFuture: "the DPoP proof's iat is outside the accepted window"
        case .dpopReplayCacheFull: "the DPoP proof cannot be checked for replay now"
        default: "the DPoP proof is invalid (\(describe(error)))"
        }
    }
}
