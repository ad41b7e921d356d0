import Foundation
import GRDB
public import TesseraPolicy

/// The embedded decision log: one SQLite file in WAL mode, written through GRDB.
///
/// **Schema** (migration `decisions-v1`): table `decisions` with `id TEXT PRIMARY KEY`, `time INTEGER`
/// (nanoseconds since 1970, UTC), `path`, `input` and `result` (JSON text), `outcome`
/// (`allow`/`deny`/`undefined`/`error`), `revision`, `duration_ns`, `caller`, `source`, `failure`; indexes on
/// `time`, `(path, time)` and `(outcome, time)`. A record whose id is already in the table is ignored, so a
/// retried batch never duplicates records.
///
/// **Modes** (``DecisionLogMode``, batching in ``DecisionLogOptions``):
/// - `durable`: ``append(_:)`` returns after the transaction holding the record has committed. One writer
///   task drains the queue, so appends that arrive while a transaction commits share the next one (group
///   commit). The connections run `PRAGMA synchronous = FULL`: WAL is synced to disk at every commit, so
///   an answered decision survives a crash of the process *and* a power loss or kernel crash. Group commit
///   is what keeps that affordable: one sync per batch, not per record.
/// - `buffered`: ``append(_:)`` returns once the record is queued. A background task commits at most once
///   per `batchInterval` (200 ms by default), or as soon as `maximumBatch` records (1000) wait. The queue
///   holds at most `queueCapacity` records (10 000); a full queue makes `append` wait. The connections run
///   `PRAGMA synchronous = NORMAL`: a committed transaction survives a crash of the process, and the
///   database is never corrupted, but the last commits may be lost on power loss.
///   **Loss window:** a crash of the process loses the records appended since the last commit: at most one
///   `batchInterval` of decisions (more only while the disk is failing, up to the queue's capacity); a
///   power loss can also lose the last commits not yet synced by SQLite's WAL checkpointing.
///
/// Opening creates the parent directory and the schema. A file that is not a SQLite database (or is
/// damaged), or that a newer Tessera migrated, is refused with a clear ``DecisionLogError``; it is never
/// modified or deleted. Several readers (`tessera decisions`) may read while a server writes.
public final class SQLiteDecisionLog: DecisionLog, DecisionLogReader {
    /// The database file.
    public let path: String
    /// Whether appends wait for their commit.
    public let mode: DecisionLogMode
    private let pool: DatabasePool
    private let batcher: DecisionBatcher

    /// The migrations this version knows. A database that has applied one that is not here was written by a
    /// newer Tessera.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("decisions-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE decisions (
                        id TEXT PRIMARY KEY NOT NULL,
                        time INTEGER NOT NULL,
                        path TEXT NOT NULL,
                        input TEXT,
                        result TEXT,
                        outcome TEXT NOT NULL,
                        revision TEXT NOT NULL,
                        duration_ns INTEGER NOT NULL,
                        caller TEXT,
                        source TEXT NOT NULL,
                        failure TEXT
                    );
                    CREATE INDEX decisions_time ON decisions (time);
                    CREATE INDEX decisions_path_time ON decisions (path, time);
                    CREATE INDEX decisions_outcome_time ON decisions (outcome, time);
                    """
            )
        }
        return migrator
    }()

    /// The columns every version of the table has.
    static let columns = [
        "id", "time", "path", "input", "result", "outcome", "revision", "duration_ns", "caller", "source", "failure",
    ]

    /// Opens (or creates) the log at `path`, creating its directory and schema.
    /// - Parameters:
    ///   - path: The database file.
    ///   - mode: `durable` or `buffered`.
    ///   - options: Batch interval, batch size and queue bound.
    /// - Throws: ``DecisionLogError``: `cannotOpen` (directory, permissions), `corrupt` (not a SQLite database
    ///   or damaged), `unsupportedSchema` (written by a newer Tessera, or a foreign `decisions` table).
    public init(path: String, mode: DecisionLogMode, options: DecisionLogOptions = DecisionLogOptions())
        throws(DecisionLogError)
    {
        self.path = path
        self.mode = mode
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw DecisionLogError(
                    code: .cannotOpen,
                    store: path,
                    message: "cannot create the directory \(directory): \(error.localizedDescription)"
                )
            }
        }
        var configuration = Configuration()
        configuration.label = "tessera.decisions"
        configuration.busyMode = .timeout(10)
        let synchronous = mode == .durable ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.prepareSchema(pool, path: path)
        } catch let error as DecisionLogError {
            throw error
        } catch {
            throw Self.openError(error, path: path)
        }
        self.pool = pool
        self.batcher = DecisionBatcher(mode: mode, options: options, store: path) { records in
            do {
                try await pool.write { db in
                    let statement = try db.cachedStatement(
                        sql: """
                            INSERT INTO decisions (id, time, path, input, result, outcome, revision, duration_ns,
                                caller, source, failure)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (id) DO NOTHING
                            """
                    )
                    for record in records {
                        try statement.execute(arguments: [
                            record.id, nanoseconds(since1970: record.time), record.path, record.input, record.result,
                            record.outcome.rawValue, record.revision, record.durationNanoseconds, record.caller,
                            record.source, record.failure,
                        ])
                    }
                }
            } catch {
                throw DecisionLogError(
                    code: .writeFailed,
                    store: path,
                    message: "cannot commit \(records.count) decision records: \(Self.describe(error))"
                )
            }
        }
    }

    /// Checks the schema version and the table, then migrates.
    private static func prepareSchema(_ pool: DatabasePool, path: String) throws {
        let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
        if superseded {
            throw DecisionLogError(
                code: .unsupportedSchema,
                store: path,
                message: "the decision log was written by a newer version of Tessera (unknown schema migrations); "
                    + "upgrade Tessera or use another file"
            )
        }
        let migrated = try pool.read { db in try migrator.hasCompletedMigrations(db) }
        if !migrated {
            let foreign = try pool.read { db in
                try db.tableExists("decisions") && migrator.appliedIdentifiers(db).isEmpty
            }
            if foreign {
                throw DecisionLogError(
                    code: .unsupportedSchema,
                    store: path,
                    message: "the file has a 'decisions' table that Tessera did not create; use another file"
                )
            }
            try migrator.migrate(pool)
        }
        try pool.read { db in try checkColumns(db, path: path) }
    }

    /// Fails when the table lacks a column this version reads.
    static func checkColumns(_ db: Database, path: String) throws {
        guard try db.tableExists("decisions") else {
            throw DecisionLogError(
                code: .unsupportedSchema,
                store: path,
                message: "the database has no 'decisions' table: it is not a Tessera decision log"
            )
        }
        let present = Set(try db.columns(in: "decisions").map { $0.name.lowercased() })
        let missing = columns.filter { !present.contains($0) }
        guard missing.isEmpty else {
            throw DecisionLogError(
                code: .unsupportedSchema,
                store: path,
                message: "the 'decisions' table lacks the columns \(missing.joined(separator: ", "))"
            )
        }
    }

    /// A GRDB error met while opening, as a ``DecisionLogError``.
    static func openError(_ error: any Error, path: String) -> DecisionLogError {
        if let error = error as? DatabaseError,
            error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT
        {
            return DecisionLogError(
                code: .corrupt,
                store: path,
                message: "not a SQLite database, or damaged (\(describe(error))); the file was left as it is: "
                    + "move it away or use another path"
            )
        }
        return DecisionLogError(code: .cannotOpen, store: path, message: "cannot open: \(describe(error))")
    }

    /// A short description of a GRDB error: the SQLite message, without the statement and its arguments
    /// (which hold decision inputs).
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "\(error.resultCode)")"
        }
        return "\(error)"
    }

    /// The counters since the log was opened (records, commits, failures, queue length).
    public var statistics: DecisionLogStatistics { batcher.statistics }

    /// Writes one record; in durable mode, returns once it is committed.
    /// - Throws: ``DecisionLogError`` when the log is closed or the commit failed (durable), or when the queue
    ///   is full while the store is failing (buffered).
    public func append(_ record: DecisionRecord) async throws {
        try await batcher.append(record)
    }

    /// Returns once every record appended before the call is committed.
    /// - Throws: ``DecisionLogError`` when a commit failed (buffered mode; the records stay queued).
    public func flush() async throws {
        try await batcher.flush()
    }

    /// Commits what is queued, then closes the database; later appends throw.
    /// - Throws: ``DecisionLogError`` when queued records could not be committed, or the file not closed.
    public func close() async throws {
        var failure: (any Error)?
        do {
            try await batcher.close()
        } catch {
            failure = error
        }
        do {
            try pool.close()
        } catch {
            failure = failure ?? DecisionLogError(code: .writeFailed, store: path, message: Self.describe(error))
        }
        if let failure { throw failure }
    }

    /// Runs SQL on the log's database, in a transaction: for tests and maintenance, never for records.
    package func execute(_ sql: String) async throws {
        try await pool.write { db in try db.execute(sql: sql) }
    }

    /// The records matching `query`, newest first.
    /// - Throws: ``DecisionLogError`` when the log is closed or the query fails.
    public func query(_ query: DecisionLogQuery) async throws -> [DecisionRecord] {
        guard !batcher.isClosed else {
            throw DecisionLogError(code: .closed, store: path, message: "the decision log is closed")
        }
        do {
            return try await pool.read { db in try Self.select(db, query) }
        } catch {
            throw DecisionLogError(code: .queryFailed, store: path, message: Self.describe(error))
        }
    }

    /// Runs a query on a connection (shared with ``SQLiteDecisionLogReader``).
    static func select(_ db: Database, _ query: DecisionLogQuery) throws -> [DecisionRecord] {
        let limit = min(max(query.limit, 0), 100_000)
        guard limit > 0 else { return [] }
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let from = query.from {
            conditions.append("time >= ?")
            arguments += [nanoseconds(since1970: from)]
        }
        if let to = query.to {
            conditions.append("time < ?")
            arguments += [nanoseconds(since1970: to)]
        }
        if let path = query.path {
            conditions.append("path = ?")
            arguments += [path]
        }
        if let outcome = query.outcome {
            conditions.append("outcome = ?")
            arguments += [outcome.rawValue]
        }
        if let id = query.id {
            conditions.append("id = ?")
            arguments += [id]
        }
        arguments += [limit]
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, time, path, input, result, outcome, revision, duration_ns, caller, source, failure
                FROM decisions \(filter) ORDER BY time DESC, rowid DESC LIMIT ?
                """,
            arguments: arguments
        )
        return rows.map { row in
            DecisionRecord(
                id: row["id"] ?? "",
                time: date(nanosecondsSince1970: row["time"] ?? 0),
                path: row["path"] ?? "",
                input: row["input"],
                result: row["result"],
                outcome: DecisionOutcome(rawValue: row["outcome"] ?? "") ?? .error,
                revision: row["revision"] ?? "",
                durationNanoseconds: row["duration_ns"] ?? 0,
                caller: row["caller"],
                source: row["source"] ?? "",
                failure: row["failure"]
            )
        }
    }
}

/// A read-only view of a SQLite decision log, for `tessera decisions`: opens an existing file without
/// creating or migrating anything.
public final class SQLiteDecisionLogReader: DecisionLogReader {
    /// The database file.
    public let path: String
    private let queue: DatabaseQueue

    /// Opens an existing log read-only.
    /// - Throws: ``DecisionLogError``: `cannotOpen` when there is no file, `corrupt`, or `unsupportedSchema`.
    public init(path: String) throws(DecisionLogError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw DecisionLogError(code: .cannotOpen, store: path, message: "no decision log here (no such file)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "tessera.decisions.reader"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in
                if try SQLiteDecisionLog.migrator.hasBeenSuperseded(db) {
                    throw DecisionLogError(
                        code: .unsupportedSchema,
                        store: path,
                        message: "the decision log was written by a newer version of Tessera; upgrade Tessera"
                    )
                }
                try SQLiteDecisionLog.checkColumns(db, path: path)
            }
        } catch let error as DecisionLogError {
            throw error
        } catch {
            throw SQLiteDecisionLog.openError(error, path: path)
        }
    }

    /// The records matching `query`, newest first.
    /// - Throws: ``DecisionLogError`` when the query fails.
    public func query(_ query: DecisionLogQuery) async throws -> [DecisionRecord] {
        do {
            return try await queue.read { db in try SQLiteDecisionLog.select(db, query) }
        } catch {
            throw DecisionLogError(code: .queryFailed, store: path, message: SQLiteDecisionLog.describe(error))
        }
    }

    /// Closes the file.
    public func close() throws {
        try queue.close()
    }
}

/// Nanoseconds since 1970-01-01T00:00:00Z, clamped to the range of `Int64` (years 1677 to 2262).
func nanoseconds(since1970 date: Date) -> Int64 {
    let seconds = date.timeIntervalSince1970
    guard seconds.isFinite else { return 0 }
    let whole = seconds.rounded(.down)
    guard whole > -9_223_372_035, whole < 9_223_372_035 else { return whole < 0 ? Int64.min : Int64.max }
    let fraction = Int64(((seconds - whole) * 1_000_000_000).rounded())
    return Int64(whole) * 1_000_000_000 + fraction
}

/// The date `nanoseconds` after 1970-01-01T00:00:00Z.
func date(nanosecondsSince1970 nanoseconds: Int64) -> Date {
    let (seconds, fraction) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
    return Date(timeIntervalSince1970: Double(seconds) + Double(fraction) / 1_000_000_000)
}
