public import AsyncHTTPClient
import CEL
public import Foundation
public import TesseraIdentity

/// A trusted issuer of subject, actor and client tokens: its verification rules, its keys, and how its
/// claims are shown to policies.
public struct TrustedSource: Sendable {
    /// The configuration it was built from.
    public let configuration: SourceConfiguration
    /// Where its keys come from.
    public let keySource: any KeySource
    private let policy: VerificationPolicy
    private let now: @Sendable () -> Date

    /// The source's name.
    public var name: String { configuration.name }

    /// Builds a source: reads its JWK set or bundle file, or prepares discovery (nothing is fetched
    /// until the first token).
    /// - Parameters:
    ///   - configuration: The source entry.
    ///   - httpClient: The client for discovery and JWKS fetches.
    ///   - now: The clock.
    /// - Throws: ``BrokerConfigurationError`` naming the source's line for an unreadable key file or an
    ///   unusable URL.
    public init(
        configuration: SourceConfiguration,
        httpClient: HTTPClient = .shared,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(BrokerConfigurationError) {
        let key = "sources.\(configuration.name)"
        func problem(_ field: String, _ error: IdentityError) -> BrokerConfigurationError {
            BrokerConfigurationError(location: configuration.location, key: "\(key).\(field)", message: error.message)
        }
        var algorithms: Set<JWSAlgorithm> = []
        for name in configuration.algorithms {
            do {
                algorithms.insert(try JWSAlgorithm(name: name))
            } catch {
                throw problem("algorithms", error)
            }
        }
        let keySource: any KeySource
        if let file = configuration.jwksFile ?? configuration.bundleFile {
            do {
                keySource = try StaticKeySource(file: file, now: now)
            } catch {
                throw problem(configuration.jwksFile != nil ? "jwks_file" : "bundle_file", error)
            }
        } else if let text = configuration.discoveryURL ?? configuration.issuer {
            let field = configuration.discoveryURL != nil ? "discovery_url" : "issuer"
            guard let url = URL(string: text) else {
                throw BrokerConfigurationError(
                    location: configuration.location,
                    key: "\(key).\(field)",
                    message: "not a URL: '\(text)'"
                )
            }
            do {
                keySource = try OIDCKeySource(issuer: url, httpClient: httpClient, now: now)
            } catch {
                throw problem(field, error)
            }
        } else {
            throw BrokerConfigurationError(
                location: configuration.location,
                key: key,
                message: "has no issuer, JWK set file or discovery URL to get keys from"
            )
        }
        self.init(configuration: configuration, keySource: keySource, algorithms: algorithms, now: now)
    }

    /// A source over a given key source (for tests and embedding).
    /// - Parameters:
    ///   - configuration: The source entry.
    ///   - keySource: Where keys come from.
    ///   - algorithms: The accepted algorithms.
    ///   - now: The clock.
    public init(
        configuration: SourceConfiguration,
        keySource: any KeySource,
        algorithms: Set<JWSAlgorithm>,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.keySource = keySource
        self.now = now
        self.policy = VerificationPolicy(
            issuer: configuration.issuer ?? "",
            audiences: Set(configuration.audiences),
            allowedAlgorithms: algorithms,
            clockSkew: configuration.clockSkew,
            maxTokenAge: configuration.maxTokenAge
        )
    }

    /// Verifies a token of this source.
    /// - Parameters:
    ///   - jws: The parsed token.
    ///   - audiences: Accepted audiences instead of the configured ones (client assertions must name
    ///     the broker).
    /// - Returns: The verified token.
    /// - Throws: ``IdentityError``.
    func verify(_ jws: CompactJWS, audiences: Set<String>? = nil) async throws(IdentityError) -> VerifiedToken {
        var rules = policy
        if let audiences { rules.audiences = audiences }
        if configuration.issuer == nil {
            // An issuer-less SPIFFE source (bundle file): the token was routed here by its `sub`; it
            // must still carry an `iss`, which is then only required to be present.
            rules.issuer = (try? jws.unverifiedClaims().string("iss")) ?? ""
        }
        let verifier = JWTVerifier(policy: rules, keySource: keySource, now: now)
        return try await verifier.verify(jws)
    }

    /// The claims policies see as `input.subject` (or `actor`, `client`): the verified claims, plus
    /// `kubernetes: {namespace, service_account, pod}` for a Kubernetes source and
    /// `spiffe: {trust_domain, path}` for a SPIFFE source.
    /// - Throws: ``IdentityError`` when a Kubernetes token names no service account or a SPIFFE
    ///   token's `sub` is not a SPIFFE ID of the trust domain.
    func document(for token: VerifiedToken) throws(IdentityError) -> Value {
        switch configuration.kind {
        case .kubernetes:
            return try Self.adding("kubernetes", Self.kubernetes(token.claims), to: token.claims)
        case .spiffe:
            guard let subject = token.subject, let domain = configuration.trustDomain,
                let id = SPIFFEID(subject), id.trustDomain == domain
            else {
                throw IdentityError(
                    .invalidClaim,
                    "the token's sub is not a SPIFFE ID in the trust domain \(configuration.trustDomain ?? "")"
                )
            }
            let spiffe = Self.map([
                ("trust_domain", .string(CELString(id.trustDomain))), ("path", .string(CELString(id.path))),
            ])
            return try Self.adding("spiffe", spiffe, to: token.claims)
        case .oidc, .githubActions, .jwksFile:
            return token.claims.value
        }
    }

    /// `{namespace, service_account, pod}` from the `kubernetes.io` claim, else from
    /// `sub = system:serviceaccount:NS:SA`.
    static func kubernetes(_ claims: JSONObject) throws(IdentityError) -> Value {
        var namespace: String?
        var account: String?
        var pod: String?
        if case .map(let info)? = claims["kubernetes.io"], let object = JSONObject(.map(info)) {
            namespace = object.string("namespace")
            if case .map(let serviceAccount)? = object["serviceaccount"] {
                account = JSONObject(.map(serviceAccount))?.string("name")
            }
            if case .map(let podInfo)? = object["pod"] { pod = JSONObject(.map(podInfo))?.string("name") }
        }
        if namespace == nil || account == nil, let subject = claims.string("sub") {
            let parts = subject.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount", !parts[2].isEmpty,
                !parts[3].isEmpty
            {
                namespace = namespace ?? String(parts[2])
                account = account ?? String(parts[3])
            }
        }
        guard let namespace, let account else {
            throw IdentityError(
                .invalidClaim,
                "the token names no Kubernetes service account (no kubernetes.io claim, sub is not "
                    + "system:serviceaccount:NAMESPACE:NAME)"
            )
        }
        var entries: [(String, Value)] = [
            ("namespace", .string(CELString(namespace))), ("service_account", .string(CELString(account))),
        ]
        if let pod { entries.append(("pod", .string(CELString(pod)))) }
        return map(entries)
    }

    static func map(_ entries: [(String, Value)]) -> Value {
        switch CELMap.make(entries.map { (key: Value.string(CELString($0.0)), value: $0.1) }) {
        case .success(let map): .map(map)
        case .failure: .map(.empty)
        }
    }

    private static func adding(_ name: String, _ value: Value, to claims: JSONObject) throws(IdentityError) -> Value {
        var entries = claims.map.entries.filter { entry in
            if case .string(let key) = entry.key, key.value == name { return false }
            return true
        }
        entries.append((key: .string(CELString(name)), value: value))
        switch CELMap.make(entries) {
        case .success(let map): return .map(map)
        case .failure(let error): throw IdentityError(.invalidClaim, "the claims cannot be extended: \(error.message)")
        }
    }
}

/// A SPIFFE ID (`spiffe://trust-domain/path`), checked as the SPIFFE ID specification says.
struct SPIFFEID: Sendable, Hashable {
    let trustDomain: String
    /// The path, with its leading `/`.
    let path: String

    init?(_ text: String) {
        let prefix = "spiffe://"
        guard text.hasPrefix(prefix), text.utf8.count <= 2048 else { return nil }
        let rest = text.dropFirst(prefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let domain = String(rest[..<slash])
        let path = String(rest[slash...])
        guard Self.isTrustDomain(domain), path.count > 1 else { return nil }
        for segment in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard !segment.isEmpty, segment != ".", segment != "..",
                segment.utf8.allSatisfy({ byte in
                    (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte)
                        || byte == 0x2D || byte == 0x2E || byte == 0x5F
                })
            else { return nil }
        }
        self.trustDomain = domain
        self.path = path
    }

    /// Lowercase letters, digits, `.`, `-` and `_`; 1 to 255 bytes.
    static func isTrustDomain(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 255
            && text.utf8.allSatisfy { byte in
                (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2E || byte == 0x2D
                    || byte == 0x5F
            }
    }
}
