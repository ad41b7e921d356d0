import ArgumentParser
import CEL
import Foundation
import Logging
import TesseraAudit
import TesseraExchange
import TesseraIdentity
import TesseraPolicy
import TesseraServer

/// `tessera serve`: the decision API (OPA's data API, Envoy ext_authz, /health, /metrics) on embedded
/// defaults: 127.0.0.1:8181, policies from ./policies, decision log in ./.tessera/decisions.sqlite.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve decisions over HTTP (OPA-compatible /v1/data, Envoy ext_authz, /health, /metrics).",
        discussion: """
            With no flags: listens on 127.0.0.1:8181, compiles the policies in ./policies, and writes every \
            decision to the SQLite log ./.tessera/decisions.sqlite in durable mode. Settings come from \
            tessera.yaml (--config, or ./tessera.yaml when present), and flags override them.

            Policy files are checked for changes every second and on SIGHUP; a revision that does not \
            compile is refused and the last good one keeps serving (see /health). Plain HTTP binds to \
            loopback only unless --allow-insecure-remote is given; --tls-cert and --tls-key serve HTTPS, \
            and --client-ca with --require-client-cert makes it mTLS.
            """
    )

    @Option(help: ArgumentHelp("The settings file (default: ./tessera.yaml when present).", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Listen address (default 127.0.0.1:8181).", valueName: "host:port"))
    var addr: String?

    @Option(help: ArgumentHelp("The policy directory (default ./policies).", valueName: "dir"))
    var policies: String?

    @Option(
        help: ArgumentHelp(
            "The decision log: sqlite:PATH, postgres://..., or none (default sqlite:./.tessera/decisions.sqlite).",
            valueName: "spec"
        )
    )
    var decisionLog: String?

    @Option(help: ArgumentHelp("durable (answer after commit) or buffered (default durable).", valueName: "mode"))
    var logMode: String?

    @Option(help: ArgumentHelp("Input paths to redact in the decision log (repeatable).", valueName: "path"))
    var redact: [String] = []

    @Option(help: ArgumentHelp("TLS certificate chain (PEM).", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("TLS private key (PEM).", valueName: "file"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("CA certificates (PEM) client certificates must chain to.", valueName: "file"))
    var clientCA: String?

    @Flag(help: "Refuse clients without a valid certificate (mTLS; needs --client-ca).")
    var requireClientCert = false

    @Flag(help: "Allow plain HTTP on a non-loopback address (tokens would cross the network in clear).")
    var allowInsecureRemote = false

    @Option(
        help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (default info).", valueName: "level")
    )
    var logLevel = "info"

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("Give --tls-cert and --tls-key together.") }
        if requireClientCert, clientCA == nil { throw ValidationError("--require-client-cert needs --client-ca.") }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level: expected trace, debug, info, notice, warning, error or critical.")
        }
        if let logMode, DecisionLogMode(rawValue: logMode) == nil {
            throw ValidationError("--log-mode: expected durable or buffered, found '\(logMode)'.")
        }
        if let addr, ServerConfiguration.parseAddress(addr) == nil {
            throw ValidationError("--addr: expected HOST:PORT, found '\(addr)'.")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "tessera")

        let file: ConfigFile
        do {
            if let config {
                file = try ConfigFile.load(path: config)
            } else if FileManager.default.fileExists(atPath: "tessera.yaml") {
                file = try ConfigFile.load(path: "tessera.yaml")
            } else {
                file = ConfigFile()
            }
        } catch {
            fail("tessera serve: \(error)")
        }

        var settings = ServerConfiguration()
        if let address = (addr ?? file.addr).flatMap(ServerConfiguration.parseAddress) {
            settings.host = address.host
            settings.port = address.port
        }
        settings.allowInsecureRemote = allowInsecureRemote || (file.allowInsecureRemote ?? false)
        if let size = file.maxBodyBytes { settings.maxBodyBytes = size }
        if let interval = file.reloadInterval { settings.reloadInterval = interval }
        if let prefix = file.extAuthzPrefix { settings.extAuthzPrefix = prefix }
        if let path = file.extAuthzDecision { settings.extAuthzDecisionPath = path }
        if let tlsCert, let tlsKey {
            settings.tls = TLSFiles(
                certificatePath: tlsCert,
                keyPath: tlsKey,
                clientCAPath: clientCA,
                requireClientCertificate: requireClientCert
            )
        } else {
            settings.tls = file.tls
        }

        let directory = policies ?? file.policyDirectory ?? "policies"
        let engine: PolicyEngine
        do {
            engine = try PolicyEngine(directory: directory)
        } catch {
            fail(
                "tessera serve: the policies in \(directory) do not compile:\n"
                    + PolicyEngine.describe(error, directory: directory)
            )
        }

        let spec = decisionLog ?? file.decisionLog ?? "sqlite:.tessera/decisions.sqlite"
        let mode = logMode.flatMap(DecisionLogMode.init(rawValue:)) ?? file.decisionLogMode ?? .durable
        let log: (any DecisionLog)?
        do {
            log = try await DecisionLogs.open(spec, mode: mode)
        } catch {
            fail("tessera serve: cannot open the decision log \(spec): \(error)")
        }

        let redactor: DecisionRedactor
        do {
            redactor = try DecisionRedactor(paths: redact + (file.redact ?? []))
        } catch {
            fail("tessera serve: redaction paths: \(error)")
        }
        let service = DecisionService(
            engine: engine,
            log: log,
            redactor: redactor,
            metrics: ServerMetrics(),
            logger: logger
        )
        let scheme = settings.tls == nil ? "http" : "https"
        let status = engine.status
        let host = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        let exchange = makeBroker(
            file.exchange ?? BrokerConfiguration(),
            issuer: "\(scheme)://\(host):\(settings.port)",
            engine: engine,
            log: log,
            redactor: redactor,
            logger: logger
        )
        let server: TesseraHTTPServer
        do {
            server = try TesseraHTTPServer(
                configuration: settings,
                service: service,
                logger: logger,
                exchange: exchange
            )
        } catch {
            fail("tessera serve: \(error)")
        }
        let logDescription = log == nil ? "off" : "\(spec) (\(mode.rawValue))"
        do {
            try await server.run { port in
                logger.info(
                    "tessera serving on \(scheme)://\(host):\(port)",
                    metadata: [
                        "policies": "\(directory)",
                        "revision": "\(status.revision)",
                        "policy_count": "\(status.policyCount)",
                        "decision_log": "\(logDescription)",
                    ]
                )
            }
        } catch {
            try? await log?.close()
            fail("tessera serve: \(error)")
        }
        try await log?.close()
    }

    /// The token exchange broker: the configured signing keys, or the development key under
    /// ./.tessera (announced loudly); the issuer from `broker.issuer`, else the listen address URL.
    private func makeBroker(
        _ configuration: BrokerConfiguration,
        issuer defaultIssuer: String,
        engine: PolicyEngine,
        log: (any DecisionLog)?,
        redactor: DecisionRedactor,
        logger: Logger
    ) -> TokenExchangeService {
        let keys: ExchangeBroker.Keys
        do {
            keys = try ExchangeBroker.loadKeys(configuration.broker, developmentDirectory: ".tessera")
        } catch {
            fail("tessera serve: \(error)")
        }
        if let development = keys.development {
            let message =
                "WARNING: no broker signing key is configured (broker.signing_keys): tokens are signed with the "
                + "DEVELOPMENT key \(development.path)\(development.created ? ", generated now" : ""). "
                + "Anyone who can read that file can mint tokens this broker vouches for. "
                + "Do not use it outside development."
            logger.warning("\(message)", metadata: ["kid": "\(keys.ring.current.keyID)"])
        }
        let issuer = configuration.broker.issuer ?? defaultIssuer
        if configuration.broker.issuer == nil, defaultIssuer.hasSuffix(":0") {
            logger.warning("the broker issuer ends in port 0: set broker.issuer when listening on a random port")
        }
        if configuration.sources.isEmpty {
            logger.notice("the token exchange broker trusts no source: every exchange is answered invalid_grant")
        } else if engine.decide(path: configuration.broker.grantPolicy, input: .map(.empty)).policy == nil {
            logger.warning(
                "the grant policy \(configuration.broker.grantPolicy) is not among the policies: every exchange is denied"
            )
        }
        do {
            return try ExchangeBroker.build(
                configuration: configuration,
                issuer: issuer,
                keys: keys.ring,
                engine: engine,
                log: log,
                redactor: redactor
            )
        } catch {
            fail("tessera serve: \(error)")
        }
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(1)
    }
}
