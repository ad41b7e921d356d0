public import CEL
internal import Foundation
public import Logging
internal import NIOCore
public import TesseraPolicy

/// What the server knows of a caller: its address and, for an mTLS client, its certificate identity.
public struct CallerIdentity: Sendable, Hashable {
    /// The client's address (`127.0.0.1:53412`), when known.
    public var address: String?
    /// The SPIFFE ID among the certificate's URI SANs (`spiffe://example.org/agents/trusted/a1`).
    public var spiffeID: String?
    /// Every URI SAN of the client certificate.
    public var uriSANs: [String]
    /// Every DNS SAN of the client certificate.
    public var dnsSANs: [String]

    /// Creates an identity.
    public init(
        address: String? = nil,
        spiffeID: String? = nil,
        uriSANs: [String] = [],
        dnsSANs: [String] = []
    ) {
        self.address = address
        self.spiffeID = spiffeID
        self.uriSANs = uriSANs
        self.dnsSANs = dnsSANs
    }

    /// The `caller` document policies see: `address`, and when a certificate was presented
    /// `spiffe_id`, `uri_sans`, `dns_sans`.
    public var document: Value {
        var entries: [(key: Value, value: Value)] = []
        if let address { entries.append((.string("address"), .string(CELString(address)))) }
        if let spiffeID { entries.append((.string("spiffe_id"), .string(CELString(spiffeID)))) }
        if !uriSANs.isEmpty {
            entries.append((.string("uri_sans"), .list(uriSANs.map { .string(CELString($0)) })))
        }
        if !dnsSANs.isEmpty {
            entries.append((.string("dns_sans"), .list(dnsSANs.map { .string(CELString($0)) })))
        }
        switch CELMap.make(entries) {
        case .success(let map): return .map(map)
        case .failure: return .map(.empty)
        }
    }

    /// The caller of a connection: its address, and the client certificate's identity when
    /// `readsCertificate` (an mTLS listener; reading it costs a hop to the connection's event loop).
    static func of(_ channel: any Channel, readsCertificate: Bool) async -> CallerIdentity {
        readsCertificate
            ? await ClientCertificate.identity(of: channel)
            : CallerIdentity(address: ClientCertificate.address(of: channel))
    }

    /// How the decision log names the caller: the SPIFFE ID, else the first DNS SAN, else the address.
    public var logName: String? { spiffeID ?? dnsSANs.first ?? address }
}

/// Decides through the engine, writes the decision log, and counts metrics: the one path every
/// HTTP route takes.
public struct DecisionService: Sendable {
    /// The engine that decides.
    public let engine: PolicyEngine
    /// Where decisions are written; `nil` disables the log (and the `decision_id` in answers, as OPA).
    public let log: (any DecisionLog)?
    /// Redacts inputs before they are logged.
    public let redactor: DecisionRedactor
    /// Counts decisions.
    public let metrics: ServerMetrics
    /// Where failures to write the log are reported.
    public let logger: Logger

    /// Creates the service.
    public init(
        engine: PolicyEngine,
        log: (any DecisionLog)?,
        redactor: DecisionRedactor,
        metrics: ServerMetrics,
        logger: Logger
    ) {
        self.engine = engine
        self.log = log
        self.redactor = redactor
        self.metrics = metrics
        self.logger = logger
    }

    /// Decides, then logs the decision. With a durable log this returns only once the record is
    /// committed.
    /// - Throws: ``DecisionLogUnavailable`` when the record could not be written: the caller must
    ///   not act on the decision (fail closed).
    public func decide(path: String, input: Value?, caller: CallerIdentity, source: String) async throws -> Decision {
        let decision = engine.decide(path: path, input: input ?? .null, caller: caller.document)
        // Only defined paths become label values: those are bounded by the policies' documents, while
        // undefined ones are whatever a client sends.
        metrics.recordDecision(
            path: decision.policy == nil || decision.result == nil ? "(undefined)" : (path.isEmpty ? "/" : path),
            outcome: DecisionOutcome(decision: decision),
            duration: decision.duration
        )
        if let log {
            // The record (and its redaction) is built only when there is a log to write it to.
            let record = DecisionRecord(
                decision: decision,
                path: path,
                input: input,
                caller: caller.logName,
                source: source,
                time: Date(),
                redactor: redactor
            )
            do {
                try await log.append(record)
            } catch {
                metrics.recordLogFailure()
                logger.error(
                    "decision log write failed; answering with an error",
                    metadata: ["decision_id": "\(decision.id)", "error": "\(error)"]
                )
                throw DecisionLogUnavailable(reason: "\(error)")
            }
        }
        return decision
    }
}

/// The decision could not be written to the decision log, so it is not given.
public struct DecisionLogUnavailable: Error, Sendable, CustomStringConvertible {
    /// Why the write failed.
    public var reason: String
    /// A message without internal details.
    public var description: String { "the decision log is unavailable" }
}
