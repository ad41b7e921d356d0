public import struct Foundation.Date

/// How a decision came out, as the decision log records and filters it.
public enum DecisionOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The result is `true`, or a document whose `allow` is `true`.
    case allow
    /// The result is `false`, or a document whose `allow` is not `true`, or any other defined result.
    case deny
    /// The path addressed nothing (OPA's `{}`).
    case undefined
    /// Evaluation failed (the policy's `default` document may still have answered, failing closed).
    case error
}

/// One entry of the decision log (the audit trail): who asked what, which revision answered, and how.
///
/// `input` and `result` are JSON text. The input is redacted before it gets here (``DecisionRedactor``):
/// tokens are never stored whole.
public struct DecisionRecord: Sendable, Hashable, Codable {
    /// The decision id (also sent to the caller as `decision_id`).
    public var id: String
    /// When the decision was made.
    public var time: Date
    /// The decision path, such as `mcp/trust_boundaries/allow`.
    public var path: String
    /// The redacted input as JSON text, or `nil` when there was none.
    public var input: String?
    /// The result as JSON text, or `nil` when the path was undefined.
    public var result: String?
    /// The outcome, for filtering.
    public var outcome: DecisionOutcome
    /// The policy revision that decided.
    public var revision: String
    /// How long the evaluation took, in nanoseconds.
    public var durationNanoseconds: Int64
    /// Who asked: the client address, or the certificate identity of an mTLS client.
    public var caller: String?
    /// Which front end asked: `v1/data`, `v0/data`, `ext_authz`, `exchange`, `mcp`, ...
    public var source: String
    /// Why evaluation failed, when it did.
    public var failure: String?

    /// Creates a record.
    public init(
        id: String,
        time: Date,
        path: String,
        input: String?,
        result: String?,
        outcome: DecisionOutcome,
        revision: String,
        durationNanoseconds: Int64,
        caller: String?,
        source: String,
        failure: String?
    ) {
        self.id = id
        self.time = time
        self.path = path
        self.input = input
        self.result = result
        self.outcome = outcome
        self.revision = revision
        self.durationNanoseconds = durationNanoseconds
        self.caller = caller
        self.source = source
        self.failure = failure
    }
}

/// Where decisions are written. Implementations: `SQLiteDecisionLog` and `PostgresDecisionLog` in
/// `TesseraAudit`.
///
/// In `durable` mode ``append(_:)`` returns only after the record is committed, so a caller that
/// answers after it never answers a decision the log could lose; concurrent appends share commits
/// (group commit). In `buffered` mode it returns at once and records are committed in batches: a crash
/// loses at most the records of the last batch interval.
public protocol DecisionLog: Sendable {
    /// Writes one record (in durable mode, waits until it is committed).
    /// - Throws: when the record cannot be written; callers must then not report the decision as made.
    func append(_ record: DecisionRecord) async throws
    /// Commits everything appended so far.
    func flush() async throws
    /// Flushes and closes the log; later appends throw.
    func close() async throws
}

/// Whether ``DecisionLog/append(_:)`` waits for the commit.
public enum DecisionLogMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Each append waits until its record is committed (group commit).
    case durable
    /// Appends return at once; a background task commits in batches.
    case buffered
}

/// A query over the decision log: every field narrows it; `nil` fields match everything.
public struct DecisionLogQuery: Sendable, Hashable {
    /// Decisions at or after this time.
    public var from: Date?
    /// Decisions before this time.
    public var to: Date?
    /// Decisions whose path is exactly this.
    public var path: String?
    /// Decisions with this outcome.
    public var outcome: DecisionOutcome?
    /// The decision with this id.
    public var id: String?
    /// At most this many records, newest first.
    public var limit: Int

    /// Creates a query.
    public init(
        from: Date? = nil,
        to: Date? = nil,
        path: String? = nil,
        outcome: DecisionOutcome? = nil,
        id: String? = nil,
        limit: Int = 100
    ) {
        self.from = from
        self.to = to
        self.path = path
        self.outcome = outcome
        self.id = id
        self.limit = limit
    }
}

/// A decision log that can be searched (`tessera decisions`).
public protocol DecisionLogReader: Sendable {
    /// The records matching a query, newest first.
    func query(_ query: DecisionLogQuery) async throws -> [DecisionRecord]
}
