import Foundation
import TesseraExchange
import TesseraPolicy
import TesseraServer
import Yams

/// `tessera.yaml`: the settings of `tessera serve`, every one optional (flags override them).
///
/// ```yaml
/// server:
///   addr: 127.0.0.1:8181
///   allow_insecure_remote: false
///   max_body_bytes: 1048576
///   tls: {cert: server.pem, key: server.key, client_ca: ca.pem, require_client_cert: true}
/// policies:
///   directory: ./policies
///   reload_interval: 1s
/// decision_log:
///   store: sqlite:./.tessera/decisions.sqlite   # or postgres://..., or none
///   mode: durable                                # or buffered
///   redact: [request.headers.cookie]
/// ext_authz:
///   prefix: /ext_authz
///   decision: envoy/authz
/// broker: {issuer: https://broker.example, grant_policy: exchange/grants, dpop_required: false}
/// sources: [{name: github, kind: github-actions, audiences: [tessera]}]
/// targets: [{name: orders-api, kind: jwt, audience: https://orders.example.com, max_lifetime: 15m}]
/// ```
///
/// The `broker`, `sources` and `targets` sections are read by `BrokerConfiguration` (TesseraExchange).
/// Relative paths are relative to the directory of the file. Unknown keys are errors.
struct ConfigFile: Sendable, Equatable {
    var addr: String?
    var allowInsecureRemote: Bool?
    var maxBodyBytes: Int?
    var tls: TLSFiles?
    var policyDirectory: String?
    var reloadInterval: Swift.Duration?
    var decisionLog: String?
    var decisionLogMode: DecisionLogMode?
    var redact: [String]?
    var extAuthzPrefix: String?
    var extAuthzDecision: String?
    /// The token exchange broker: present when any of `broker`, `sources`, `targets` is.
    var exchange: BrokerConfiguration?

    /// A problem in the file: the file, the key path, and what is wrong.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads a file.
    static func load(path: String) throws(Problem) -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw Problem(description: "\(path): cannot read the file") }
        let base = (path as NSString).deletingLastPathComponent
        return try parse(text, file: path, baseDirectory: base.isEmpty ? "." : base)
    }

    /// Parses the text of a file.
    static func parse(_ text: String, file: String, baseDirectory: String) throws(Problem) -> ConfigFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw Problem(description: "\(file): not valid YAML: \(error)")
        }
        var config = ConfigFile()
        guard let root else { return config }
        var reader = Reader(file: file, base: baseDirectory)
        let top = try reader.mapping(root, at: "")
        try reader.allow(
            top,
            keys: ["server", "policies", "decision_log", "ext_authz", "broker", "sources", "targets"],
            at: ""
        )
        if let server = top["server"] {
            let node = try reader.mapping(server, at: "server")
            try reader.allow(node, keys: ["addr", "allow_insecure_remote", "max_body_bytes", "tls"], at: "server")
            if let addr = node["addr"] {
                let text = try reader.string(addr, at: "server.addr")
                guard ServerConfiguration.parseAddress(text) != nil else {
                    throw reader.problem("server.addr", "expected HOST:PORT, found '\(text)'", addr)
                }
                config.addr = text
            }
            if let value = node["allow_insecure_remote"] {
                config.allowInsecureRemote = try reader.bool(value, at: "server.allow_insecure_remote")
            }
            if let value = node["max_body_bytes"] {
                config.maxBodyBytes = try reader.int(value, at: "server.max_body_bytes", range: 1024...(64 << 20))
            }
            if let tls = node["tls"] {
                let map = try reader.mapping(tls, at: "server.tls")
                try reader.allow(map, keys: ["cert", "key", "client_ca", "require_client_cert"], at: "server.tls")
                guard let cert = map["cert"], let key = map["key"] else {
                    throw reader.problem("server.tls", "needs both 'cert' and 'key'", tls)
                }
                config.tls = TLSFiles(
                    certificatePath: try reader.path(cert, at: "server.tls.cert"),
                    keyPath: try reader.path(key, at: "server.tls.key"),
                    clientCAPath: try map["client_ca"].map { node throws(Problem) in
                        try reader.path(node, at: "server.tls.client_ca")
                    },
                    requireClientCertificate: try map["require_client_cert"].map { node throws(Problem) in
                        try reader.bool(node, at: "server.tls.require_client_cert")
                    } ?? false
                )
                if config.tls?.requireClientCertificate == true, config.tls?.clientCAPath == nil {
                    throw reader.problem("server.tls.require_client_cert", "needs 'client_ca'", tls)
                }
            }
        }
        if let policies = top["policies"] {
            let node = try reader.mapping(policies, at: "policies")
            try reader.allow(node, keys: ["directory", "reload_interval"], at: "policies")
            if let value = node["directory"] {
                config.policyDirectory = try reader.path(value, at: "policies.directory")
            }
            if let value = node["reload_interval"] {
                config.reloadInterval = try reader.duration(value, at: "policies.reload_interval")
            }
        }
        if let log = top["decision_log"] {
            let node = try reader.mapping(log, at: "decision_log")
            try reader.allow(node, keys: ["store", "mode", "redact"], at: "decision_log")
            if let value = node["store"] {
                var store = try reader.string(value, at: "decision_log.store")
                if store.hasPrefix("sqlite:") {
                    store = "sqlite:" + reader.resolve(String(store.dropFirst("sqlite:".count)))
                }
                config.decisionLog = store
            }
            if let value = node["mode"] {
                let text = try reader.string(value, at: "decision_log.mode")
                guard let mode = DecisionLogMode(rawValue: text) else {
                    throw reader.problem("decision_log.mode", "expected durable or buffered, found '\(text)'", value)
                }
                config.decisionLogMode = mode
            }
            if let value = node["redact"] {
                guard case .sequence(let items) = value else {
                    throw reader.problem("decision_log.redact", "expected a list of paths", value)
                }
                config.redact = try items.map { item throws(Problem) in
                    try reader.string(item, at: "decision_log.redact")
                }
            }
        }
        if let authz = top["ext_authz"] {
            let node = try reader.mapping(authz, at: "ext_authz")
            try reader.allow(node, keys: ["prefix", "decision"], at: "ext_authz")
            if let value = node["prefix"] {
                let prefix = try reader.string(value, at: "ext_authz.prefix")
                guard prefix.hasPrefix("/"), prefix.count > 1, !prefix.hasSuffix("/") else {
                    throw reader.problem("ext_authz.prefix", "expected a path such as /ext_authz", value)
                }
                config.extAuthzPrefix = prefix
            }
            if let value = node["decision"] {
                config.extAuthzDecision = try reader.string(value, at: "ext_authz.decision")
            }
        }
        if top["broker"] != nil || top["sources"] != nil || top["targets"] != nil {
            do {
                config.exchange = try BrokerConfiguration.parse(
                    broker: top["broker"],
                    sources: top["sources"],
                    targets: top["targets"],
                    file: file,
                    baseDirectory: baseDirectory
                )
            } catch {
                throw Problem(description: error.description)
            }
        }
        return config
    }

    /// Reads typed values from YAML nodes, with errors naming the file, key and line.
    private struct Reader {
        let file: String
        let base: String

        func problem(_ key: String, _ message: String, _ node: Node) -> Problem {
            let line = node.mark.map { ":\($0.line)" } ?? ""
            return Problem(description: "\(file)\(line): \(key.isEmpty ? "top level" : key): \(message)")
        }

        func mapping(_ node: Node, at key: String) throws(Problem) -> [String: Node] {
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

        func allow(_ mapping: [String: Node], keys: Set<String>, at key: String) throws(Problem) {
            for name in mapping.keys.sorted() where !keys.contains(name) {
                let node = mapping[name] ?? Node("")
                throw problem(
                    key.isEmpty ? name : "\(key).\(name)",
                    "unknown key (expected one of \(keys.sorted().joined(separator: ", ")))",
                    node
                )
            }
        }

        func string(_ node: Node, at key: String) throws(Problem) -> String {
            guard case .scalar(let scalar) = node else { throw problem(key, "expected a string", node) }
            return scalar.string
        }

        func bool(_ node: Node, at key: String) throws(Problem) -> Bool {
            switch try string(node, at: key) {
            case "true": return true
            case "false": return false
            case let other: throw problem(key, "expected true or false, found '\(other)'", node)
            }
        }

        func int(_ node: Node, at key: String, range: ClosedRange<Int>) throws(Problem) -> Int {
            let text = try string(node, at: key)
            guard let value = Int(text), range.contains(value) else {
                throw problem(
                    key,
                    "expected an integer in \(range.lowerBound)...\(range.upperBound), found '\(text)'",
                    node
                )
            }
            return value
        }

        func duration(_ node: Node, at key: String) throws(Problem) -> Swift.Duration {
            let text = try string(node, at: key)
            let units: [(suffix: String, scale: Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
            for (suffix, scale) in units where text.hasSuffix(suffix) {
                if let number = Double(text.dropLast(suffix.count)), number > 0, number * scale <= 3600 {
                    return .milliseconds(Int64((number * scale * 1000).rounded()))
                }
            }
            throw problem(key, "expected a duration such as 500ms, 1s or 2m (at most 1 hour), found '\(text)'", node)
        }

        func path(_ node: Node, at key: String) throws(Problem) -> String {
            resolve(try string(node, at: key))
        }

        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
        }
    }
}
