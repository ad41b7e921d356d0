import CEL
import Foundation
import TesseraIdentity
public import Yams

extension BrokerConfiguration {
    /// The kinds of target the parser knows.
    public static let targetKinds: Set<String> = ["jwt"]

    /// Reads the `broker`, `sources` and `targets` sections of `tessera.yaml` (each `nil` when
    /// absent), strictly: unknown keys, wrong types, duplicate names, unusable URLs, `none` or HMAC
    /// algorithms and missing required keys are errors naming the file, line and key.
    ///
    /// Relative file paths are resolved against `baseDirectory`. Files are not read here (see
    /// ``ExchangeBroker/build(configuration:engine:issuer:...)``).
    /// - Throws: ``BrokerConfigurationError`` for the first problem.
    public static func parse(
        broker: Node?,
        sources: Node?,
        targets: Node?,
        file: String,
        baseDirectory: String
    ) throws(BrokerConfigurationError) -> BrokerConfiguration {
        let reader = YAMLReader(file: file, base: baseDirectory)
        var configuration = BrokerConfiguration()
        if let broker { configuration.broker = try reader.broker(broker) }
        if let sources {
            let items = try reader.sequence(sources, at: "sources")
            var names: Set<String> = []
            var issuers: Set<String> = []
            for (index, item) in items.enumerated() {
                let source = try reader.source(item, at: "sources[\(index)]")
                guard names.insert(source.name).inserted else {
                    throw reader.problem("sources[\(index)].name", "the name '\(source.name)' is used twice", item)
                }
                if let issuer = source.issuer, !issuers.insert(issuer).inserted {
                    throw reader.problem(
                        "sources[\(index)].issuer",
                        "another source already trusts the issuer '\(issuer)'; sources are chosen by exact iss",
                        item
                    )
                }
                configuration.sources.append(source)
            }
        }
        if let targets {
            let items = try reader.sequence(targets, at: "targets")
            var names: Set<String> = []
            for (index, item) in items.enumerated() {
                let target = try reader.target(item, at: "targets[\(index)]")
                let identifiers: Set<String> = [target.name, target.audience]
                guard identifiers.isDisjoint(with: names) else {
                    throw reader.problem(
                        "targets[\(index)]",
                        "the name or audience '\(target.name)' / '\(target.audience)' already names another target",
                        item
                    )
                }
                names.formUnion(identifiers)
                configuration.targets.append(target)
            }
        }
        return configuration
    }

    /// Parses a whole YAML document holding (at least) the three sections; for tests and tools.
    /// - Throws: ``BrokerConfigurationError``.
    public static func parse(
        yaml text: String,
        file: String,
        baseDirectory: String
    ) throws(BrokerConfigurationError) -> BrokerConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw BrokerConfigurationError(location: file, key: "top level", message: "not valid YAML: \(error)")
        }
        guard let root else { return BrokerConfiguration() }
        let reader = YAMLReader(file: file, base: baseDirectory)
        let top = try reader.mapping(root, at: "")
        return try parse(
            broker: top["broker"],
            sources: top["sources"],
            targets: top["targets"],
            file: file,
            baseDirectory: baseDirectory
        )
    }
}

/// Reads typed values from YAML nodes, with errors naming the file, line and key (the style of the
/// CLI's `ConfigFile` reader).
struct YAMLReader {
    let file: String
    let base: String

    func location(_ node: Node) -> String {
        node.mark.map { "\(file):\($0.line)" } ?? file
    }

    func problem(_ key: String, _ message: String, _ node: Node) -> BrokerConfigurationError {
        BrokerConfigurationError(location: location(node), key: key.isEmpty ? "top level" : key, message: message)
    }

    func mapping(_ node: Node, at key: String) throws(BrokerConfigurationError) -> [String: Node] {
        guard case .mapping(let mapping) = node else { throw problem(key, "expected a mapping", node) }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else { throw problem(key, "keys must be strings", keyNode) }
            if result[scalar.string] != nil {
                throw problem(key, "'\(scalar.string)' appears twice", keyNode)
            }
            result[scalar.string] = value
        }
        return result
    }

    func allow(_ mapping: [String: Node], keys: Set<String>, at key: String) throws(BrokerConfigurationError) {
        for name in mapping.keys.sorted() where !keys.contains(name) {
            let node = mapping[name] ?? Node("")
            throw problem(
                key.isEmpty ? name : "\(key).\(name)",
                "unknown key (expected one of \(keys.sorted().joined(separator: ", ")))",
                node
            )
        }
    }

    func sequence(_ node: Node, at key: String) throws(BrokerConfigurationError) -> [Node] {
        guard case .sequence(let items) = node else { throw problem(key, "expected a list", node) }
        guard items.count <= 256 else { throw problem(key, "at most 256 entries", node) }
        return Array(items)
    }

    func string(_ node: Node, at key: String) throws(BrokerConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw problem(key, "expected a string", node) }
        guard !scalar.string.isEmpty else { throw problem(key, "must not be empty", node) }
        guard scalar.string.utf8.count <= 2048 else { throw problem(key, "longer than 2048 bytes", node) }
        return scalar.string
    }

    func strings(_ node: Node, at key: String) throws(BrokerConfigurationError) -> [String] {
        var result: [String] = []
        for (index, item) in try sequence(node, at: key).enumerated() {
            result.append(try string(item, at: "\(key)[\(index)]"))
        }
        return result
    }

    func bool(_ node: Node, at key: String) throws(BrokerConfigurationError) -> Bool {
        switch try string(node, at: key) {
        case "true": return true
        case "false": return false
        case let other: throw problem(key, "expected true or false, found '\(other)'", node)
        }
    }

    /// A duration such as `90s`, `5m`, `1h` (CEL duration syntax), positive and at most `maximum`.
    func duration(
        _ node: Node,
        at key: String,
        maximum: Swift.Duration = .seconds(86_400)
    ) throws(BrokerConfigurationError) -> Swift.Duration {
        let text = try string(node, at: key)
        guard case .success(let parsed) = CEL.Duration.parse(text) else {
            throw problem(key, "expected a duration such as 60s, 5m or 1h, found '\(text)'", node)
        }
        let value = Swift.Duration.seconds(parsed.seconds) + .nanoseconds(Int64(parsed.nanos))
        guard value > .zero, value <= maximum else {
            throw problem(key, "must be more than 0 and at most \(maximum.components.seconds)s, found '\(text)'", node)
        }
        return value
    }

    func path(_ node: Node, at key: String) throws(BrokerConfigurationError) -> String {
        let text = try string(node, at: key)
        return text.hasPrefix("/") ? text : (base as NSString).appendingPathComponent(text)
    }

    /// An `https` URL, or `http` on a loopback host; no query or fragment.
    func url(_ node: Node, at key: String) throws(BrokerConfigurationError) -> String {
        let text = try string(node, at: key)
        guard let problem = URLRules.problem(with: text) else { return text }
        throw self.problem(key, problem, node)
    }

    func broker(_ node: Node) throws(BrokerConfigurationError) -> BrokerSettings {
        let map = try mapping(node, at: "broker")
        try allow(
            map,
            keys: ["issuer", "signing_keys", "grant_policy", "dpop_required", "default_ttl"],
            at: "broker"
        )
        var settings = BrokerSettings()
        if let value = map["issuer"] { settings.issuer = try url(value, at: "broker.issuer") }
        if let value = map["signing_keys"] {
            let items = try sequence(value, at: "broker.signing_keys")
            for (index, item) in items.enumerated() {
                let key = "broker.signing_keys[\(index)]"
                let entry = try mapping(item, at: key)
                try allow(entry, keys: ["file", "publish_until"], at: key)
                guard let file = entry["file"] else { throw problem(key, "needs 'file'", item) }
                var keyFile = BrokerSettings.KeyFile(
                    path: try path(file, at: "\(key).file"),
                    location: location(item)
                )
                if let until = entry["publish_until"] {
                    let text = try string(until, at: "\(key).publish_until")
                    guard let date = try? Date(text, strategy: .iso8601) else {
                        throw problem(
                            "\(key).publish_until",
                            "expected an RFC 3339 time such as 2026-12-01T00:00:00Z, found '\(text)'",
                            until
                        )
                    }
                    keyFile.publishUntil = date
                }
                settings.signingKeys.append(keyFile)
            }
            let current = settings.signingKeys.filter { $0.publishUntil == nil }.count
            guard current == 1 else {
                throw problem(
                    "broker.signing_keys",
                    current == 0
                        ? "one key must have no publish_until: it is the key that signs"
                        : "only one key may be without publish_until (the key that signs); found \(current)",
                    value
                )
            }
        }
        if let value = map["grant_policy"] {
            let path = try string(value, at: "broker.grant_policy")
            guard !path.hasPrefix("/"), !path.hasSuffix("/"), !path.contains("//"), !path.contains(" ") else {
                throw problem("broker.grant_policy", "expected a decision path such as exchange/grants", value)
            }
            settings.grantPolicy = path
        }
        if let value = map["dpop_required"] { settings.dpopRequired = try bool(value, at: "broker.dpop_required") }
        if let value = map["default_ttl"] { settings.defaultTTL = try duration(value, at: "broker.default_ttl") }
        return settings
    }

    func source(_ node: Node, at key: String) throws(BrokerConfigurationError) -> SourceConfiguration {
        let map = try mapping(node, at: key)
        try allow(
            map,
            keys: [
                "name", "kind", "issuer", "audiences", "algorithms", "clock_skew", "max_token_age", "jwks_file",
                "trust_domain", "bundle_file", "discovery_url",
            ],
            at: key
        )
        guard let nameNode = map["name"] else { throw problem(key, "needs 'name'", node) }
        let name = try string(nameNode, at: "\(key).name")
        guard let kindNode = map["kind"] else { throw problem(key, "needs 'kind'", node) }
        let kindText = try string(kindNode, at: "\(key).kind")
        guard let kind = SourceKind(rawValue: kindText) else {
            throw problem(
                "\(key).kind",
                "unknown kind '\(kindText)' (expected one of \(SourceKind.allCases.map(\.rawValue).joined(separator: ", ")))",
                kindNode
            )
        }
        var issuer = try map["issuer"].map { node throws(BrokerConfigurationError) in
            try url(node, at: "\(key).issuer")
        }
        guard let audiencesNode = map["audiences"] else {
            throw problem(key, "needs 'audiences': tokens must be meant for the broker", node)
        }
        let audiences = try strings(audiencesNode, at: "\(key).audiences")
        guard !audiences.isEmpty else {
            throw problem("\(key).audiences", "needs at least one audience", audiencesNode)
        }
        var source = SourceConfiguration(
            name: name,
            kind: kind,
            issuer: nil,
            audiences: audiences,
            location: location(node)
        )
        if let value = map["algorithms"] {
            let names = try strings(value, at: "\(key).algorithms")
            guard !names.isEmpty else { throw problem("\(key).algorithms", "needs at least one algorithm", value) }
            for name in names {
                do {
                    _ = try JWSAlgorithm(name: name)
                } catch {
                    throw problem("\(key).algorithms", error.message, value)
                }
            }
            source.algorithms = names
        }
        if let value = map["clock_skew"] {
            source.clockSkew = try duration(value, at: "\(key).clock_skew", maximum: .seconds(600))
        }
        if let value = map["max_token_age"] { source.maxTokenAge = try duration(value, at: "\(key).max_token_age") }
        source.jwksFile = try map["jwks_file"].map { node throws(BrokerConfigurationError) in
            try path(node, at: "\(key).jwks_file")
        }
        func forbid(_ names: [String]) throws(BrokerConfigurationError) {
            for name in names {
                if let value = map[name] {
                    throw problem("\(key).\(name)", "not used by a \(kind.rawValue) source", value)
                }
            }
        }
        switch kind {
        case .oidc:
            try forbid(["jwks_file", "trust_domain", "bundle_file", "discovery_url"])
            guard issuer != nil else { throw problem(key, "needs 'issuer' (discovery at <issuer>/.well-known)", node) }
        case .kubernetes, .jwksFile:
            try forbid(["trust_domain", "bundle_file", "discovery_url"])
            guard issuer != nil else { throw problem(key, "needs 'issuer' (the exact iss of its tokens)", node) }
            if kind == .jwksFile, source.jwksFile == nil { throw problem(key, "needs 'jwks_file'", node) }
        case .githubActions:
            try forbid(["trust_domain", "bundle_file", "discovery_url"])
            issuer = issuer ?? SourceConfiguration.githubActionsIssuer
        case .spiffe:
            try forbid(["jwks_file"])
            guard let domainNode = map["trust_domain"] else {
                throw problem(key, "needs 'trust_domain' (such as example.org)", node)
            }
            let domain = try string(domainNode, at: "\(key).trust_domain")
            guard SPIFFEID.isTrustDomain(domain) else {
                throw problem(
                    "\(key).trust_domain",
                    "expected a trust domain name (lowercase letters, digits, '.', '-', '_'), found '\(domain)'",
                    domainNode
                )
            }
            source.trustDomain = domain
            source.bundleFile = try map["bundle_file"].map { node throws(BrokerConfigurationError) in
                try path(node, at: "\(key).bundle_file")
            }
            source.discoveryURL = try map["discovery_url"].map { node throws(BrokerConfigurationError) in
                try url(node, at: "\(key).discovery_url")
            }
            guard (source.bundleFile == nil) != (source.discoveryURL == nil) else {
                throw problem(key, "needs exactly one of 'bundle_file' and 'discovery_url'", node)
            }
            if source.discoveryURL != nil, issuer == nil { issuer = source.discoveryURL }
        }
        source.issuer = issuer
        return source
    }

    func target(_ node: Node, at key: String) throws(BrokerConfigurationError) -> TargetConfiguration {
        let map = try mapping(node, at: key)
        guard let nameNode = map["name"] else { throw problem(key, "needs 'name'", node) }
        let name = try string(nameNode, at: "\(key).name")
        guard let kindNode = map["kind"] else { throw problem(key, "needs 'kind'", node) }
        let kind = try string(kindNode, at: "\(key).kind")
        if kind == "aws" {
            throw problem("\(key).kind", "aws targets need the AWS role mapper (not built yet)", kindNode)
        }
        guard BrokerConfiguration.targetKinds.contains(kind) else {
            throw problem(
                "\(key).kind",
                "unknown kind '\(kind)' (expected one of \(BrokerConfiguration.targetKinds.sorted().joined(separator: ", ")))",
                kindNode
            )
        }
        try allow(map, keys: ["name", "kind", "audience", "max_lifetime", "scopes"], at: key)
        guard let audienceNode = map["audience"] else { throw problem(key, "needs 'audience'", node) }
        var target = TargetConfiguration(
            name: name,
            kind: kind,
            audience: try string(audienceNode, at: "\(key).audience"),
            location: location(node)
        )
        if let value = map["max_lifetime"] { target.maxLifetime = try duration(value, at: "\(key).max_lifetime") }
        if let value = map["scopes"] {
            let scopes = try strings(value, at: "\(key).scopes")
            for scope in scopes where !ScopeText.isValidToken(scope) {
                throw problem("\(key).scopes", "'\(scope)' is not a valid scope (RFC 6749 §3.3)", value)
            }
            target.scopes = scopes
        }
        return target
    }
}

/// The transport rule for every URL the broker is configured with: `https`, or `http` on a loopback
/// host; no query or fragment.
enum URLRules {
    static func problem(with text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return "expected an absolute http(s) URL, found '\(text)'" }
        guard components.query == nil, components.fragment == nil else {
            return "must not have a query or a fragment: '\(text)'"
        }
        switch scheme {
        case "https": return nil
        case "http" where isLoopback(host): return nil
        case "http": return "must use https (plain http is allowed on loopback only): '\(text)'"
        default: return "expected an http(s) URL, found '\(text)'"
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }
}

/// RFC 6749 §3.3 scope text.
enum ScopeText {
    /// Whether `token` is a non-empty scope token: `%x21 / %x23-5B / %x5D-7E`, at most 256 bytes.
    static func isValidToken(_ token: String) -> Bool {
        guard !token.isEmpty, token.utf8.count <= 256 else { return false }
        return token.utf8.allSatisfy { byte in
            byte == 0x21 || (0x23...0x5B).contains(byte) || (0x5D...0x7E).contains(byte)
        }
    }
}
