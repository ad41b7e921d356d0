public import AsyncHTTPClient
import Foundation
public import TesseraIdentity
public import TesseraPolicy

/// Builds a ``TokenExchangeService`` from a ``BrokerConfiguration``.
public enum ExchangeBroker {
    /// The signing keys a configuration names, or the development key.
    public struct Keys: Sendable {
        /// The key ring.
        public var ring: SigningKeyRing
        /// When no key is configured: the development key's file and whether it was created now.
        public var development: (path: String, created: Bool)?
    }

    /// Loads the configured signing keys, or (with none configured) the development key in
    /// `developmentDirectory`, creating it when missing.
    /// - Throws: ``BrokerConfigurationError`` naming the key's line or the development key file.
    public static func loadKeys(
        _ settings: BrokerSettings,
        developmentDirectory: String = ".tessera"
    ) throws(BrokerConfigurationError) -> Keys {
        guard !settings.signingKeys.isEmpty else {
            do {
                let loaded = try DevelopmentSigningKey.loadOrCreate(directory: developmentDirectory)
                return Keys(ring: SigningKeyRing(current: loaded.key), development: (loaded.path, loaded.created))
            } catch {
                throw BrokerConfigurationError(
                    location: developmentDirectory,
                    key: "broker.signing_keys",
                    message: error.message
                )
            }
        }
        var current: SigningKey?
        var previous: [SigningKeyRing.RetiredKey] = []
        for (index, file) in settings.signingKeys.enumerated() {
            let key: SigningKey
            do {
                key = try SigningKey.load(file: file.path)
            } catch {
                throw BrokerConfigurationError(
                    location: file.location,
                    key: "broker.signing_keys[\(index)].file",
                    message: error.message
                )
            }
            if let until = file.publishUntil {
                previous.append(SigningKeyRing.RetiredKey(key: key, publishUntil: until))
            } else {
                current = key
            }
        }
        guard let current else {
            throw BrokerConfigurationError(
                location: settings.signingKeys.first?.location ?? "",
                key: "broker.signing_keys",
                message: "one key must have no publish_until: it is the key that signs"
            )
        }
        return Keys(ring: SigningKeyRing(current: current, previous: previous), development: nil)
    }

    /// Builds the service.
    /// - Parameters:
    ///   - configuration: The broker configuration.
    ///   - issuer: The broker's issuer (``BrokerSettings/issuer``, else the listen address URL).
    ///   - keys: The signing keys (``loadKeys(_:developmentDirectory:)``).
    ///   - engine: The engine deciding grants.
    ///   - log: The decision log.
    ///   - redactor: Redacts logged inputs.
    ///   - httpClient: The client for OIDC discovery and JWKS fetches.
    /// - Throws: ``BrokerConfigurationError`` for a source whose key file does not load.
    public static func build(
        configuration: BrokerConfiguration,
        issuer: String,
        keys: SigningKeyRing,
        engine: PolicyEngine,
        log: (any DecisionLog)?,
        redactor: DecisionRedactor = DecisionRedactor(),
        httpClient: HTTPClient = .shared
    ) throws(BrokerConfigurationError) -> TokenExchangeService {
        var sources: [TrustedSource] = []
        for entry in configuration.sources {
            sources.append(try TrustedSource(configuration: entry, httpClient: httpClient))
        }
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        let targets: [any Target] = configuration.targets.map { JWTTarget(configuration: $0, issuer: base, keys: keys) }
        return TokenExchangeService(
            issuer: base,
            settings: configuration.broker,
            sources: sources,
            targets: targets,
            keys: keys,
            engine: engine,
            log: log,
            redactor: redactor
        )
    }
}
