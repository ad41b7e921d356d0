public import Foundation

/// The token exchange broker's settings from `tessera.yaml`: the `broker`, `sources` and `targets`
/// sections (see ``BrokerConfiguration/parse(broker:sources:targets:file:baseDirectory:)``).
public struct BrokerConfiguration: Sendable, Equatable {
    /// The `broker` section.
    public var broker: BrokerSettings
    /// The trusted issuers of subject, actor and client tokens, in file order.
    public var sources: [SourceConfiguration]
    /// What can be issued, in file order.
    public var targets: [TargetConfiguration]

    /// Creates a configuration (the default: no source, no target, a development key).
    public init(
        broker: BrokerSettings = BrokerSettings(),
        sources: [SourceConfiguration] = [],
        targets: [TargetConfiguration] = []
    ) {
        self.broker = broker
        self.sources = sources
        self.targets = targets
    }
}

/// The `broker` section: the broker as an issuer.
public struct BrokerSettings: Sendable, Equatable {
    /// A signing key file and, for a retired key, until when its public key stays published.
    public struct KeyFile: Sendable, Equatable {
        /// The PEM or private JWK file (resolved against the configuration file's directory).
        public var path: String
        /// For a retired key: publish it until then, never sign with it. `nil` for the signing key.
        public var publishUntil: Date?
        /// Where it was configured (`tessera.yaml:12`), for errors.
        public var location: String

        /// Creates an entry.
        public init(path: String, publishUntil: Date? = nil, location: String = "") {
            self.path = path
            self.publishUntil = publishUntil
            self.location = location
        }
    }

    /// The `iss` of minted tokens and the discovery base URL; `nil` for the listen address URL.
    public var issuer: String?
    /// The signing keys: exactly one without `publish_until` (the current key); empty for the
    /// development key.
    public var signingKeys: [KeyFile]
    /// The decision path asked for every exchange.
    public var grantPolicy: String
    /// Whether every exchange needs a DPoP proof.
    public var dpopRequired: Bool
    /// The lifetime of a minted token when the grant result has no `ttl`.
    public var defaultTTL: Swift.Duration

    /// Creates settings.
    public init(
        issuer: String? = nil,
        signingKeys: [KeyFile] = [],
        grantPolicy: String = "exchange/grants",
        dpopRequired: Bool = false,
        defaultTTL: Swift.Duration = .seconds(300)
    ) {
        self.issuer = issuer
        self.signingKeys = signingKeys
        self.grantPolicy = grantPolicy
        self.dpopRequired = dpopRequired
        self.defaultTTL = defaultTTL
    }
}

/// The kinds of source.
public enum SourceKind: String, Sendable, Hashable, CaseIterable {
    /// Any OpenID Connect issuer, keys through discovery.
    case oidc
    /// Kubernetes service-account tokens; `kubernetes` claims exposed.
    case kubernetes
    /// SPIFFE JWT-SVIDs; `sub` must be in the trust domain; `spiffe` claims exposed.
    case spiffe
    /// GitHub Actions OIDC tokens (issuer preset).
    case githubActions = "github-actions"
    /// Any issuer whose keys are in a JWK set file.
    case jwksFile = "jwks-file"
}

/// One entry of `sources`.
public struct SourceConfiguration: Sendable, Equatable {
    /// The issuer GitHub Actions tokens carry.
    public static let githubActionsIssuer = "https://token.actions.githubusercontent.com"

    /// The source's name (`input.source`).
    public var name: String
    /// The kind.
    public var kind: SourceKind
    /// The exact `iss` of its tokens; `nil` only for a `spiffe` source with a bundle file.
    public var issuer: String?
    /// The accepted audiences (a token must carry at least one).
    public var audiences: [String]
    /// The accepted algorithm names (default RS256, ES256).
    public var algorithms: [String]
    /// The tolerated clock difference.
    public var clockSkew: Swift.Duration
    /// The oldest token accepted, from `iat`.
    public var maxTokenAge: Swift.Duration?
    /// A JWK set file with the keys (kubernetes, github-actions, jwks-file).
    public var jwksFile: String?
    /// The SPIFFE trust domain (spiffe).
    public var trustDomain: String?
    /// The JWT bundle file (spiffe).
    public var bundleFile: String?
    /// The SPIRE OIDC discovery URL (spiffe).
    public var discoveryURL: String?
    /// Where it was configured (`tessera.yaml:12`), for errors.
    public var location: String

    /// Creates a source entry.
    public init(
        name: String,
        kind: SourceKind,
        issuer: String?,
        audiences: [String],
        algorithms: [String] = ["RS256", "ES256"],
        clockSkew: Swift.Duration = .seconds(60),
        maxTokenAge: Swift.Duration? = nil,
        jwksFile: String? = nil,
        trustDomain: String? = nil,
        bundleFile: String? = nil,
        discoveryURL: String? = nil,
        location: String = ""
    ) {
        self.name = name
        self.kind = kind
        self.issuer = issuer
        self.audiences = audiences
        self.algorithms = algorithms
        self.clockSkew = clockSkew
        self.maxTokenAge = maxTokenAge
        self.jwksFile = jwksFile
        self.trustDomain = trustDomain
        self.bundleFile = bundleFile
        self.discoveryURL = discoveryURL
        self.location = location
    }
}

/// One entry of `targets`.
public struct TargetConfiguration: Sendable, Equatable {
    /// The target's name (`input.target`; a request may name it in `audience` or `resource`).
    public var name: String
    /// The kind (`jwt`).
    public var kind: String
    /// The `aud` of minted tokens.
    public var audience: String
    /// The cap on a minted token's lifetime.
    public var maxLifetime: Swift.Duration
    /// The scopes that may ever be issued for it; `nil` for any the grant allows.
    public var scopes: [String]?
    /// Where it was configured, for errors.
    public var location: String

    /// Creates a target entry.
    public init(
        name: String,
        kind: String = "jwt",
        audience: String,
        maxLifetime: Swift.Duration = .seconds(900),
        scopes: [String]? = nil,
        location: String = ""
    ) {
        self.name = name
        self.kind = kind
        self.audience = audience
        self.maxLifetime = maxLifetime
        self.scopes = scopes
        self.location = location
    }
}

/// A problem in the broker configuration: the file and line, the key, and what is wrong.
public struct BrokerConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `file:line` (or `file` when the line is unknown).
    public var location: String
    /// The key path, such as `sources[1].issuer`.
    public var key: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(location: String, key: String, message: String) {
        self.location = location
        self.key = key
        self.message = message
    }

    /// `file:line: key: message`, the form of every `tessera.yaml` error.
    public var description: String { "\(location): \(key): \(message)" }
}
