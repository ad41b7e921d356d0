import Foundation
public import Logging
import PostgresNIO
import Synchronization
public import TesseraPolicy

/// A decision log in PostgreSQL, for several replicas sharing one audit trail.
///
/// Same semantics as ``SQLiteDecisionLog``: in `durable` mode ``append(_:)`` returns after the transaction
/// holding the record has committed (group commit: one writer task per replica drains its queue, and all
/// waiting records go in one transaction); in `buffered` mode it returns once the record is queued, and a
/// background task commits at most once per `batchInterval` (200 ms) or per `maximumBatch` records (1000).
/// **Loss window (buffered):** a crash of the process loses the records appended since the last commit, at
/// most one `batchInterval` of decisions (up to the queue's capacity while the server is unreachable: failed
/// batches stay queued and are retried). A batch is one transaction of multi-row `INSERT`s
/// (`ON CONFLICT (id) DO NOTHING`, so a batch retried after a lost `COMMIT` answer is not duplicated).
/// Durability of a commit is the server's (`synchronous_commit`).
///
/// **Schema**, created when missing under an advisory lock (so replicas starting together do not race):
/// table `decisions` (`id text PRIMARY KEY`, `time timestamptz` (microseconds), `path`, `input` and `result`
/// (JSON as `text`, kept byte for byte: `jsonb` would reorder keys and reject `\u0000`), `outcome`,
/// `revision`, `duration_ns bigint`, `caller`, `source`, `failure`; indexes on `time`, `(path, time)` and
/// `(outcome, time)`), and `tessera_decision_log_schema (version)`. A newer version than this one
/// understands is refused. NUL characters, which PostgreSQL text cannot hold, are stored as U+FFFD.
///
/// The connection pool's run loop is a task this type starts and stops (``close()``). See
/// ``PostgresConnectionURL`` for the URL form and the TLS rules (plaintext only to loopback).
public final class PostgresDecisionLog: DecisionLog, DecisionLogReader {
    /// The URL without its password.
    public let store: String
    /// Whether appends wait for their commit.
    public let mode: DecisionLogMode
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let batcher: DecisionBatcher
    private let logger: Logger

    /// The schema version this Tessera writes and reads.
    static let schemaVersion: Int32 = 1
    /// Rows per `INSERT` statement (11 parameters each, well under PostgreSQL's 65 535).
    static let rowsPerStatement = 1000
    /// Key of the advisory lock held while the schema is checked and created.
    static let schemaLockKey: Int64 = 0x7465_7373_6572_6131

    private init(
        store: String,
        mode: DecisionLogMode,
        client: PostgresClient,
        runTask: Task<Void, Never>,
        options: DecisionLogOptions,
        commitTimeout: Duration,
        logger: Logger
    ) {
        self.store = store
        self.mode = mode
        self.client = client
        self.runTask = runTask
        self.logger = logger
        self.batcher = DecisionBatcher(mode: mode, options: options, store: store) { records in
            do {
                try await Self.withDeadline(commitTimeout) {
                    try await client.withTransaction(logger: logger) { connection in
                        var start = records.startIndex
                        while start < records.endIndex {
                            let end = min(start + Self.rowsPerStatement, records.endIndex)
                            try await connection.query(Self.insert(records[start..<end]), logger: logger)
                            start = end
                        }
                    }
                }
            } catch {
                throw DecisionLogError(
                    code: .writeFailed,
                    store: store,
                    message: "cannot commit \(records.count) decision records: \(Self.describe(error))"
                )
            }
        }
    }

    /// A commit that took longer than the commit timeout.
    struct CommitTimeout: Error, CustomStringConvertible {
        var timeout: Duration
        var description: String { "no answer from PostgreSQL within \(timeout)" }
    }

    /// Runs `operation`, throwing ``CommitTimeout`` if it has not finished after `timeout`. The operation is
    /// then cancelled and left to finish on its own (a lease waiting for an unreachable server would
    /// otherwise wait for ever); a batch that still commits later is harmless, inserts being idempotent.
    static func withDeadline(
        _ timeout: Duration,
        _ operation: @escaping @Sendable () async throws -> Void
    ) async throws {
        let race = DeadlineRace()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            race.start(
                continuation,
                work: Task {
                    do {
                        try await operation()
                        race.finish(.success(()))
                    } catch {
                        race.finish(.failure(error))
                    }
                },
                timer: Task {
                    try? await Task.sleep(for: timeout)
                    race.finish(.failure(CommitTimeout(timeout: timeout)))
                }
            )
        }
    }

    /// Connects, creates the schema when missing, and starts the writer.
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database[?sslmode=verify-full&sslrootcert=FILE]`.
    ///   - mode: `durable` or `buffered`.
    ///   - options: Batch interval, batch size and queue bound.
    ///   - connectTimeout: How long to wait for the server when opening.
    ///   - commitTimeout: How long one batch may take; past it the batch fails (durable appends throw,
    ///     buffered batches are retried), so an unreachable server never blocks appends for ever.
    ///   - logger: Where the connection pool logs (nothing by default).
    /// - Throws: ``DecisionLogError``: `invalidSpecification` or `insecureConnection` for the URL,
    ///   `cannotOpen` when the server cannot be reached or refuses, `unsupportedSchema` for a newer schema or
    ///   a foreign `decisions` table.
    public static func open(
        url: String,
        mode: DecisionLogMode,
        options: DecisionLogOptions = DecisionLogOptions(),
        connectTimeout: Duration = .seconds(10),
        commitTimeout: Duration = .seconds(30),
        logger: Logger? = nil
    ) async throws(DecisionLogError) -> PostgresDecisionLog {
        let location = try PostgresConnectionURL(url)
        let store = location.redacted
        let logger = logger ?? Logger(label: "tessera.decisions.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        var tlsConfiguration: TLSConfiguration?
        if location.tls {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let root = location.rootCertificate { configuration.trustRoots = .file(root) }
            tlsConfiguration = configuration
        }
        // One direct connection first: it fails fast with the real reason (refused, authentication, TLS),
        // which the pool would hide behind retries; the schema is prepared on it.
        var probeTLS = PostgresConnection.Configuration.TLS.disable
        if let tlsConfiguration {
            do {
                probeTLS = .require(try NIOSSLContext(configuration: tlsConfiguration))
            } catch {
                throw DecisionLogError(code: .cannotOpen, store: store, message: "cannot set up TLS: \(error)")
            }
        }
        var probe = PostgresConnection.Configuration(
            host: location.host,
            port: location.port,
            username: location.username,
            password: location.password,
            database: location.database,
            tls: probeTLS
        )
        let (seconds, attoseconds) = connectTimeout.components
        probe.options.connectTimeout = .nanoseconds(
            max(1, seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000)
        )
        let probeConfiguration = probe
        try await withTimeout(connectTimeout + .seconds(5), store: store) { () async throws(DecisionLogError) in
            let connection: PostgresConnection
            do {
                connection = try await PostgresConnection.connect(
                    configuration: probeConfiguration,
                    id: 0,
                    logger: logger
                )
            } catch {
                throw DecisionLogError(code: .cannotOpen, store: store, message: "cannot connect: \(describe(error))")
            }
            do throws(DecisionLogError) {
                try await prepareSchema(connection, store: store, logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try? await connection.close()
        }

        var configuration = PostgresClient.Configuration(
            host: location.host,
            port: location.port,
            username: location.username,
            password: location.password,
            database: location.database,
            tls: tlsConfiguration.map { .require($0) } ?? .disable
        )
        configuration.options.connectTimeout = connectTimeout
        configuration.options.maximumConnections = 4
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runTask = Task { await client.run() }
        return PostgresDecisionLog(
            store: store,
            mode: mode,
            client: client,
            runTask: runTask,
            options: options,
            commitTimeout: commitTimeout,
            logger: logger
        )
    }

    /// Runs `operation`, failing with `cannotOpen` when it takes longer than `timeout`.
    private static func withTimeout(
        _ timeout: Duration,
        store: String,
        _ operation: @escaping @Sendable () async throws(DecisionLogError) -> Void
    ) async throws(DecisionLogError) {
        typealias Outcome = (result: Result<Void, DecisionLogError>?, timedOut: Bool)
        let outcome: Outcome = await withTaskGroup(of: Result<Void, DecisionLogError>?.self) { group in
            group.addTask {
                do throws(DecisionLogError) {
                    try await operation()
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if let first { return (first, false) }
            // Timed out: the operation, cancelled, may still say why it could not connect.
            return (await group.next() ?? nil, true)
        }
        switch outcome {
        case (.success?, _):
            return
        case (.failure(let error)?, false):
            throw error
        case (.failure(let error)?, true):
            throw DecisionLogError(
                code: .cannotOpen,
                store: store,
                message: "no connection to PostgreSQL within \(timeout) (\(error.message))"
            )
        case (nil, _):
            throw DecisionLogError(
                code: .cannotOpen,
                store: store,
                message: "no answer from PostgreSQL within \(timeout) (is the server running and reachable?)"
            )
        }
    }

    /// Checks the schema version and creates the schema when missing, under an advisory lock.
    private static func prepareSchema(
        _ connection: PostgresConnection,
        store: String,
        logger: Logger
    ) async throws(DecisionLogError) {
        do {
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(schemaLockKey))", logger: logger)
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS tessera_decision_log_schema (version integer NOT NULL)",
                    logger: logger
                )
                var version: Int32?
                let rows = try await connection.query(
                    "SELECT max(version) FROM tessera_decision_log_schema",
                    logger: logger
                )
                for try await value in rows.decode(Int32?.self) { version = value }
                if let version {
                    guard version <= schemaVersion else {
                        throw DecisionLogError(
                            code: .unsupportedSchema,
                            store: store,
                            message: "the decision log has schema version \(version), written by a newer version "
                                + "of Tessera (this one knows \(schemaVersion)); upgrade Tessera"
                        )
                    }
                    return
                }
                var exists = false
                let existing = try await connection.query(
                    "SELECT to_regclass('decisions') IS NOT NULL",
                    logger: logger
                )
                for try await value in existing.decode(Bool.self) { exists = value }
                guard !exists else {
                    throw DecisionLogError(
                        code: .unsupportedSchema,
                        store: store,
                        message: "the database has a 'decisions' table that Tessera did not create; use another "
                            + "database or schema"
                    )
                }
                try await connection.query(
                    """
                    CREATE TABLE decisions (
                        id text PRIMARY KEY,
                        time timestamptz NOT NULL,
                        path text NOT NULL,
                        input text,
                        result text,
                        outcome text NOT NULL,
                        revision text NOT NULL,
                        duration_ns bigint NOT NULL,
                        caller text,
                        source text NOT NULL,
                        failure text
                    )
                    """,
                    logger: logger
                )
                try await connection.query("CREATE INDEX decisions_time ON decisions (time)", logger: logger)
                try await connection.query(
                    "CREATE INDEX decisions_path_time ON decisions (path, time)",
                    logger: logger
                )
                try await connection.query(
                    "CREATE INDEX decisions_outcome_time ON decisions (outcome, time)",
                    logger: logger
                )
                try await connection.query(
                    "INSERT INTO tessera_decision_log_schema (version) VALUES (\(schemaVersion))",
                    logger: logger
                )
            }
        } catch {
            if let error = unwrap(error) { throw error }
            throw DecisionLogError(
                code: .cannotOpen,
                store: store,
                message: "cannot prepare the decision log: \(describe(error))"
            )
        }
    }

    /// A ``DecisionLogError`` thrown inside a transaction, unwrapped from postgres-nio's wrapper.
    private static func unwrap(_ error: any Error) -> DecisionLogError? {
        if let error = error as? DecisionLogError { return error }
        if let error = error as? PostgresTransactionError, let inner = error.closureError {
            return inner as? DecisionLogError
        }
        return nil
    }

    /// A short description of a postgres-nio error: the server's SQLSTATE and message, or the connection
    /// problem; never the statement or its parameters (which hold decision inputs).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PostgresTransactionError {
            if let inner = error.beginError ?? error.closureError ?? error.commitError { return describe(inner) }
            return "transaction failed"
        }
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let message = info[.message] {
                return "server error \(info[.sqlState] ?? "?"): \(message)"
            }
            if let underlying = error.underlying { return "\(error.code): \(describe(underlying))" }
            return "\(error.code)"
        }
        if let error = error as? DecisionLogError { return error.message }
        return "\(error)"
    }

    /// The multi-row `INSERT` for a slice of records.
    static func insert(_ records: ArraySlice<DecisionRecord>) -> PostgresQuery {
        var bindings = PostgresBindings(capacity: records.count * 11)
        var sql = """
            INSERT INTO decisions (id, time, path, input, result, outcome, revision, duration_ns, caller, source, \
            failure) VALUES
            """
        for (row, record) in records.enumerated() {
            let base = row * 11
            sql += row == 0 ? " (" : ", ("
            sql += (1...11).map { "$\(base + $0)" }.joined(separator: ", ") + ")"
            bindings.append(storable(record.id))
            bindings.append(record.time)
            bindings.append(storable(record.path))
            bindings.append(record.input.map(storable))
            bindings.append(record.result.map(storable))
            bindings.append(record.outcome.rawValue)
            bindings.append(storable(record.revision))
            bindings.append(record.durationNanoseconds)
            bindings.append(record.caller.map(storable))
            bindings.append(storable(record.source))
            bindings.append(record.failure.map(storable))
        }
        sql += " ON CONFLICT (id) DO NOTHING"
        return PostgresQuery(unsafeSQL: sql, binds: bindings)
    }

    /// The text with NUL characters (which PostgreSQL text cannot hold) replaced by U+FFFD.
    static func storable(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        return text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
    }

    /// The counters since the log was opened (records, commits, failures, queue length).
    public var statistics: DecisionLogStatistics { batcher.statistics }

    /// Writes one record; in durable mode, returns once it is committed.
    /// - Throws: ``DecisionLogError`` when the log is closed or the commit failed (durable), or when the queue
    ///   is full while the server is failing (buffered).
    public func append(_ record: DecisionRecord) async throws {
        try await batcher.append(record)
    }

    /// Returns once every record appended before the call is committed.
    /// - Throws: ``DecisionLogError`` when a commit failed (buffered mode; the records stay queued).
    public func flush() async throws {
        try await batcher.flush()
    }

    /// Commits what is queued, then closes the connections and stops the run loop; later appends throw.
    /// - Throws: ``DecisionLogError`` when queued records could not be committed.
    public func close() async throws {
        var failure: (any Error)?
        do {
            try await batcher.close()
        } catch {
            failure = error
        }
        runTask.cancel()
        await runTask.value
        if let failure { throw failure }
    }

    /// Runs one SQL statement on the log's database: for tests and maintenance, never for records.
    package func execute(_ sql: String) async throws {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        for try await _ in rows {}
    }

    /// The records matching `query`, newest first.
    /// - Throws: ``DecisionLogError`` when the log is closed or the query fails.
    public func query(_ query: DecisionLogQuery) async throws -> [DecisionRecord] {
        guard !batcher.isClosed else {
            throw DecisionLogError(code: .closed, store: store, message: "the decision log is closed")
        }
        let limit = min(max(query.limit, 0), 100_000)
        guard limit > 0 else { return [] }
        var conditions: [String] = []
        var bindings = PostgresBindings()
        if let from = query.from {
            bindings.append(from)
            conditions.append("time >= $\(bindings.count)")
        }
        if let to = query.to {
            bindings.append(to)
            conditions.append("time < $\(bindings.count)")
        }
        if let path = query.path {
            bindings.append(path)
            conditions.append("path = $\(bindings.count)")
        }
        if let outcome = query.outcome {
            bindings.append(outcome.rawValue)
            conditions.append("outcome = $\(bindings.count)")
        }
        if let id = query.id {
            bindings.append(id)
            conditions.append("id = $\(bindings.count)")
        }
        bindings.append(Int64(limit))
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT id, time, path, input, result, outcome, revision, duration_ns, caller, source, failure
            FROM decisions \(filter) ORDER BY time DESC, id DESC LIMIT $\(bindings.count)
            """
        do {
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            var records: [DecisionRecord] = []
            for try await row in rows {
                let (id, time, path, input, result, outcome, revision, duration, caller, source, failure) =
                    try row.decode(
                        (
                            String, Date, String, String?, String?, String, String, Int64, String?, String, String?
                        ).self
                    )
                records.append(
                    DecisionRecord(
                        id: id,
                        time: time,
                        path: path,
                        input: input,
                        result: result,
                        outcome: DecisionOutcome(rawValue: outcome) ?? .error,
                        revision: revision,
                        durationNanoseconds: duration,
                        caller: caller,
                        source: source,
                        failure: failure
                    )
                )
            }
            return records
        } catch {
            throw DecisionLogError(code: .queryFailed, store: store, message: Self.describe(error))
        }
    }
}

/// The continuation of ``PostgresDecisionLog/withDeadline(_:_:)``, resumed once by whichever of the work and
/// the timer ends first; the other task is then cancelled.
private final class DeadlineRace: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Void, any Error>?
        var result: Result<Void, any Error>?
        var tasks: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<Void, any Error>, work: Task<Void, Never>, timer: Task<Void, Never>)
    {
        let early: Result<Void, any Error>? = state.withLock { state in
            state.tasks = [work, timer]
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let early {
            work.cancel()
            timer.cancel()
            continuation.resume(with: early)
        }
    }

    func finish(_ result: Result<Void, any Error>) {
        let (continuation, tasks) = state.withLock { state in
            guard state.result == nil else {
                return (CheckedContinuation<Void, any Error>?.none, [Task<Void, Never>]())
            }
            state.result = result
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: result)
    }
}
