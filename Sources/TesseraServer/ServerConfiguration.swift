/// How `tessera serve` listens and routes. Defaults: 127.0.0.1:8181, plain HTTP on loopback only.
public struct ServerConfiguration: Sendable, Hashable {
    /// The address to bind.
    public var host: String
    /// The port to bind (0 picks a free one).
    public var port: Int
    /// TLS (and mTLS) files; `nil` serves plain HTTP.
    public var tls: TLSFiles?
    /// Whether plain HTTP may bind a non-loopback address (bearer tokens would cross the network in
    /// clear; a warning is logged at start).
    public var allowInsecureRemote: Bool
    /// The route Envoy's ext_authz `path_prefix` names.
    public var extAuthzPrefix: String
    /// The policy path that decides ext_authz checks.
    public var extAuthzDecisionPath: String
    /// The largest request body accepted.
    public var maxBodyBytes: Int
    /// How often policy and certificate files are checked for changes.
    public var reloadInterval: Swift.Duration

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8181,
        tls: TLSFiles? = nil,
        allowInsecureRemote: Bool = false,
        extAuthzPrefix: String = "/ext_authz",
        extAuthzDecisionPath: String = "envoy/authz",
        maxBodyBytes: Int = 1 << 20,
        reloadInterval: Swift.Duration = .seconds(1)
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.allowInsecureRemote = allowInsecureRemote
        self.extAuthzPrefix = extAuthzPrefix
        self.extAuthzDecisionPath = extAuthzDecisionPath
        self.maxBodyBytes = maxBodyBytes
        self.reloadInterval = reloadInterval
    }

    /// Whether ``host`` is a loopback address.
    public var bindsLoopback: Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Parses `HOST:PORT` (`[::1]:8181` for IPv6).
    /// - Returns: `nil` when the text is not of that form or the port is out of range.
    public static func parseAddress(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}
