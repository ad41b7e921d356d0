import Foundation

/// A PostgreSQL connection URL: `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=MODE&sslrootcert=FILE`
/// (`postgresql://` too). User and password may be percent-encoded. Defaults: user `postgres`, port 5432,
/// database = user.
///
/// Transport security: a plaintext connection is allowed only to a loopback host (`localhost`,
/// `127.0.0.0/8`, `::1`), where it is the default. Any other host needs `sslmode=require`, `verify-ca` or
/// `verify-full`, and gets TLS with the server certificate *always* verified against the system's trust
/// roots, or the CA file in `sslrootcert` (stricter than libpq, whose `require` does not verify).
/// `disable`, `allow` and `prefer` to a remote host are refused: the password and decision inputs must
/// not cross a network in clear.
struct PostgresConnectionURL: Sendable, Hashable {
    var username: String
    var password: String?
    var host: String
    var port: Int
    var database: String
    /// Whether to use TLS (and verify the server).
    var tls: Bool
    /// A PEM file of CA certificates to trust instead of the system's.
    var rootCertificate: String?

    /// The URL without its password, for messages.
    var redacted: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        let userText = password == nil ? username : "\(username):***"
        return "postgres://\(userText)@\(hostText):\(port)/\(database)" + (tls ? "?sslmode=verify-full" : "")
    }

    /// Whether `host` is a loopback name or address.
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Parses and checks a URL.
    /// - Throws: ``DecisionLogError`` (`invalidSpecification`, or `insecureConnection` for plaintext to a
    ///   remote host); the message never contains the password.
    init(_ text: String) throws(DecisionLogError) {
        func invalid(_ message: String) -> DecisionLogError {
            DecisionLogError(code: .invalidSpecification, store: "postgres URL", message: message)
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw invalid("a PostgreSQL URL starts with postgres:// or postgresql://")
        }
        guard let components = URLComponents(string: text) else {
            throw invalid("malformed URL (expected postgres://user:password@host:port/database)")
        }
        guard var host = components.host, !host.isEmpty else {
            throw invalid("the URL names no host (expected postgres://user:password@host:port/database)")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        self.port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw invalid("port \(port) is out of range") }
        self.username = components.user?.removingPercentEncoding ?? components.user ?? "postgres"
        if username.isEmpty { username = "postgres" }
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.removingPercentEncoding ?? path
        guard !database.contains("/") else { throw invalid("the database name '\(database)' contains '/'") }
        self.database = database.isEmpty ? username : database

        var sslmode: String?
        var rootCertificate: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode": sslmode = item.value
            case "sslrootcert": rootCertificate = item.value
            default:
                throw invalid(
                    "unsupported URL parameter '\(item.name)' (supported: sslmode, sslrootcert)"
                )
            }
        }
        self.rootCertificate = rootCertificate
        let loopback = Self.isLoopback(host)
        switch sslmode ?? (loopback ? "disable" : "verify-full") {
        case "require", "verify-ca", "verify-full":
            tls = true
        case "disable", "allow", "prefer":
            guard loopback else {
                throw DecisionLogError(
                    code: .insecureConnection,
                    store: "postgres://\(host):\(port)/\(self.database)",
                    message: "refusing a plaintext connection to a host that is not loopback (sslmode="
                        + "\(sslmode ?? "disable")): the password and decision inputs would cross the network in "
                        + "clear; use sslmode=verify-full (add sslrootcert=FILE for a private CA)"
                )
            }
            tls = false
        case let other:
            throw invalid("unknown sslmode '\(other)' (use disable on loopback, or require/verify-ca/verify-full)")
        }
    }
}
