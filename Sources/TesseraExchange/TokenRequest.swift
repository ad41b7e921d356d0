/// The token endpoint's URNs.
public enum TokenURN {
    /// RFC 8693 token exchange.
    public static let tokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
    /// RFC 7523 JWT bearer grant.
    public static let jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    /// RFC 7523 client assertion type.
    public static let clientAssertionJWT = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// A JWT.
    public static let jwt = "urn:ietf:params:oauth:token-type:jwt"
    /// An OpenID Connect ID token.
    public static let idToken = "urn:ietf:params:oauth:token-type:id_token"
    /// An OAuth access token.
    public static let accessToken = "urn:ietf:params:oauth:token-type:access_token"
}

/// A token request read from the form: which grant, which tokens, which target and scopes.
///
/// Tokens are held only as long as the request is handled and never written anywhere.
struct TokenRequest: Sendable {
    enum Grant: Sendable {
        case tokenExchange
        case jwtBearer
    }

    var grant: Grant
    var grantType: String
    /// The subject token (or the RFC 7523 assertion).
    var subjectToken: String
    var subjectTokenType: String?
    var actorToken: String?
    var actorTokenType: String?
    var audiences: [String]
    var resources: [String]
    var scopes: [String]
    var requestedTokenType: String
    var clientAssertion: String?
    var clientID: String?

    /// Parameters that may appear once.
    static let singleValued: Set<String> = [
        "grant_type", "subject_token", "subject_token_type", "actor_token", "actor_token_type", "scope",
        "requested_token_type", "assertion", "client_assertion", "client_assertion_type", "client_id",
    ]
    static let subjectTokenTypes: Set<String> = [TokenURN.jwt, TokenURN.idToken, TokenURN.accessToken]
    static let maxParameters = 64
    static let maxRepeated = 16

    /// Reads the form (already percent-decoded name/value pairs). Unknown parameters are ignored
    /// (RFC 6749 §3.2).
    static func parse(_ form: [(String, String)]) throws(OAuthError) -> TokenRequest {
        guard form.count <= maxParameters else {
            throw OAuthError(.invalidRequest, "the request has more than \(maxParameters) parameters")
        }
        var single: [String: String] = [:]
        var audiences: [String] = []
        var resources: [String] = []
        for (name, value) in form {
            if singleValued.contains(name) {
                guard single[name] == nil else {
                    throw OAuthError(.invalidRequest, "the parameter \(name) appears more than once")
                }
                single[name] = value
            } else if name == "audience" {
                audiences.append(value)
            } else if name == "resource" {
                resources.append(value)
            }
        }
        guard audiences.count <= maxRepeated, resources.count <= maxRepeated else {
            throw OAuthError(.invalidRequest, "at most \(maxRepeated) audience and resource parameters each")
        }
        for value in audiences + resources where value.isEmpty {
            throw OAuthError(.invalidRequest, "an audience or resource parameter is empty")
        }
        for resource in resources where !resource.contains(":") {
            throw OAuthError(.invalidRequest, "a resource must be an absolute URI (RFC 8707)")
        }
        guard let grantType = single["grant_type"], !grantType.isEmpty else {
            throw OAuthError(.invalidRequest, "the parameter grant_type is missing")
        }
        let grant: Grant
        let subjectToken: String
        var subjectTokenType: String?
        switch grantType {
        case TokenURN.tokenExchange:
            grant = .tokenExchange
            guard let token = single["subject_token"], !token.isEmpty else {
                throw OAuthError(.invalidRequest, "the parameter subject_token is missing")
            }
            guard let type = single["subject_token_type"], !type.isEmpty else {
                throw OAuthError(.invalidRequest, "the parameter subject_token_type is missing")
            }
            guard subjectTokenTypes.contains(type) else {
                throw OAuthError(
                    .invalidRequest,
                    "subject_token_type must be the jwt, id_token or access_token token type URN"
                )
            }
            if single["assertion"] != nil {
                throw OAuthError(.invalidRequest, "assertion is not a parameter of the token exchange grant")
            }
            subjectToken = token
            subjectTokenType = type
        case TokenURN.jwtBearer:
            grant = .jwtBearer
            guard let assertion = single["assertion"], !assertion.isEmpty else {
                throw OAuthError(.invalidRequest, "the parameter assertion is missing")
            }
            for name in ["subject_token", "subject_token_type", "actor_token", "actor_token_type"]
            where single[name] != nil {
                throw OAuthError(.invalidRequest, "\(name) is not a parameter of the jwt-bearer grant")
            }
            subjectToken = assertion
        default:
            throw OAuthError(.unsupportedGrantType, "the grant_type is not supported")
        }
        let actorToken = single["actor_token"]
        let actorTokenType = single["actor_token_type"]
        switch (actorToken, actorTokenType) {
        case (nil, nil):
            break
        case (let token?, let type?):
            guard !token.isEmpty else { throw OAuthError(.invalidRequest, "the parameter actor_token is empty") }
            guard subjectTokenTypes.contains(type) else {
                throw OAuthError(
                    .invalidRequest,
                    "actor_token_type must be the jwt, id_token or access_token token type URN"
                )
            }
        case (nil, _?):
            throw OAuthError(.invalidRequest, "actor_token_type is given without actor_token")
        case (_?, nil):
            throw OAuthError(.invalidRequest, "actor_token is given without actor_token_type")
        }
        var scopes: [String] = []
        if let scope = single["scope"] {
            for token in scope.split(separator: " ", omittingEmptySubsequences: true) {
                let text = String(token)
                guard ScopeText.isValidToken(text) else {
                    throw OAuthError(.invalidScope, "the scope parameter holds a malformed scope")
                }
                if !scopes.contains(text) { scopes.append(text) }
            }
            guard scopes.count <= 64 else { throw OAuthError(.invalidScope, "at most 64 scopes may be requested") }
        }
        let requested = single["requested_token_type"] ?? TokenURN.accessToken
        guard requested == TokenURN.accessToken || requested == TokenURN.jwt else {
            throw OAuthError(
                .invalidRequest,
                "requested_token_type must be the access_token or the jwt token type URN"
            )
        }
        var clientAssertion: String?
        switch (single["client_assertion_type"], single["client_assertion"]) {
        case (nil, nil):
            break
        case (let type?, let assertion?):
            guard type == TokenURN.clientAssertionJWT else {
                throw OAuthError(.invalidClient, "client_assertion_type must be the jwt-bearer client assertion URN")
            }
            guard !assertion.isEmpty else { throw OAuthError(.invalidClient, "the client_assertion is empty") }
            clientAssertion = assertion
        default:
            throw OAuthError(.invalidRequest, "client_assertion and client_assertion_type go together")
        }
        return TokenRequest(
            grant: grant,
            grantType: grantType,
            subjectToken: subjectToken,
            subjectTokenType: subjectTokenType,
            actorToken: actorToken,
            actorTokenType: actorTokenType,
            audiences: audiences,
            resources: resources,
            scopes: scopes,
            requestedTokenType: requested,
            clientAssertion: clientAssertion,
            clientID: single["client_id"]
        )
    }
}
