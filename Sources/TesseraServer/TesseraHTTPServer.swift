internal import Dispatch
internal import Foundation
public import Hummingbird
import HummingbirdCore
public import Logging
internal import NIOCore
public import TesseraExchange
public import TesseraPolicy

/// Why the server refuses to start.
public struct ServerStartError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var description: String
}

/// `tessera serve`: the decision API over HTTP(S).
///
/// Routes: OPA's data API (``DataRoutes``), Envoy ext_authz (``ExtAuthzRoute``), `/health` and
/// `/metrics` (``StatusRoutes``). While it runs, policy files are polled and reloaded on change or
/// on SIGHUP (a revision that does not compile is refused and reported in the log, `/health` and
/// `tessera_policy_reload_ok`), and TLS files are reloaded on change.
public struct TesseraHTTPServer: Sendable {
    /// Listening and routing settings.
    public let configuration: ServerConfiguration
    /// The decision path every route takes.
    public let service: DecisionService
    /// The server's log.
    public let logger: Logger
    /// The token exchange broker (`/oauth2/token`, discovery, JWKS); `nil` serves no broker routes.
    public let exchange: TokenExchangeService?
    private let tlsContext: ReloadableTLSContext?
    private let exchangeMetrics: ExchangeMetrics

    /// Checks the configuration and loads TLS files.
    /// - Throws: ``ServerStartError`` for plain HTTP on a non-loopback address without
    ///   ``ServerConfiguration/allowInsecureRemote``, or TLS files that do not load.
    public init(
        configuration: ServerConfiguration,
        service: DecisionService,
        logger: Logger,
        exchange: TokenExchangeService? = nil
    ) throws(ServerStartError) {
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.exchange = exchange
        self.exchangeMetrics = ExchangeMetrics(registry: service.metrics.registry)
        if let files = configuration.tls {
            do {
                tlsContext = try ReloadableTLSContext(files: files)
            } catch {
                throw ServerStartError(description: error.description)
            }
        } else {
            tlsContext = nil
            if !configuration.bindsLoopback {
                guard configuration.allowInsecureRemote else {
                    throw ServerStartError(
                        description:
                            "refusing plain HTTP on \(configuration.host): bearer tokens would cross the network in clear; "
                            + "configure TLS (--tls-cert/--tls-key) or pass --allow-insecure-remote"
                    )
                }
            }
        }
    }

    /// The router with every route.
    public func makeRouter() -> Router<TesseraRequestContext> {
        let router = Router(context: TesseraRequestContext.self)
        let readsCertificates = configuration.tls?.clientCAPath != nil
        DataRoutes(
            service: service,
            maxBodyBytes: configuration.maxBodyBytes,
            readsClientCertificates: readsCertificates
        )
        .register(on: router)
        ExtAuthzRoute(
            service: service,
            prefix: configuration.extAuthzPrefix,
            decisionPath: configuration.extAuthzDecisionPath,
            readsClientCertificates: readsCertificates
        ).register(on: router)
        StatusRoutes(engine: service.engine, metrics: service.metrics).register(on: router)
        if let exchange { ExchangeRoutes(service: exchange, metrics: exchangeMetrics).register(on: router) }
        return router
    }

    /// The Hummingbird application serving the routes (for tests: `app.test(.live)`).
    /// - Parameter onRunning: called with the bound port once the server listens.
    public func makeApplication(
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let server: HTTPServerBuilder = tlsContext.map { .tls(reloading: $0) } ?? .http1()
        return Application(
            router: makeRouter(),
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "tessera"
            ),
            onServerRunning: { channel in
                await onRunning(channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
    }

    /// Runs until SIGTERM or SIGINT (graceful shutdown), watching policy and TLS files and SIGHUP.
    /// - Parameter onRunning: called with the bound port once the server listens.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        if configuration.tls == nil, !configuration.bindsLoopback {
            logger.warning(
                "serving plain HTTP on a non-loopback address: bearer tokens cross the network in clear",
                metadata: ["host": "\(configuration.host)"]
            )
        }
        let app = makeApplication(onRunning: onRunning)
        service.metrics.recordReload(succeeded: true)
        let watcher = Task { await watch() }
        let hangup = installHangupHandler()
        defer {
            watcher.cancel()
            hangup.cancel()
        }
        try await app.runService()
    }

    /// Reports one reload attempt in the log and the metrics.
    public func report(_ outcome: ReloadOutcome, trigger: String) {
        switch outcome {
        case .loaded(let revision, let previous):
            service.metrics.recordReload(succeeded: true)
            logger.info(
                "policies reloaded",
                metadata: ["trigger": "\(trigger)", "revision": "\(revision)", "previous": "\(previous)"]
            )
        case .refused(let error, let serving):
            service.metrics.recordReload(succeeded: false)
            logger.error(
                "policy reload refused; the last good revision keeps serving",
                metadata: [
                    "trigger": "\(trigger)", "serving": "\(serving)",
                    "errors": "\(service.engine.status.lastError ?? error.description)",
                ]
            )
        }
    }

    private func watch() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.reloadInterval)
            } catch {
                return
            }
            if let outcome = service.engine.reloadIfChanged() { report(outcome, trigger: "file change") }
            switch tlsContext?.reloadIfChanged() {
            case .success?:
                logger.info("TLS certificate and key reloaded")
            case .failure(let error)?:
                logger.error(
                    "TLS reload refused; the previous certificate keeps serving",
                    metadata: ["error": "\(error)"]
                )
            case nil:
                break
            }
        }
    }

    /// SIGHUP reloads the policies (and TLS files) at once.
    private func installHangupHandler() -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "tessera.sighup"))
        let server = self
        source.setEventHandler {
            server.report(server.service.engine.reload(), trigger: "SIGHUP")
            if case .failure(let error)? = server.tlsContext?.reloadIfChanged() {
                server.logger.error("TLS reload refused", metadata: ["error": "\(error)"])
            }
        }
        source.resume()
        return source
    }
}
