import Foundation
import TesseraPolicy
import Testing

@testable import TesseraAudit

/// The test PostgreSQL: `TESSERA_TEST_POSTGRES_URL`, set by `eval "$(scripts/testbed-postgres.sh start)"`.
enum TestPostgres {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "TESSERA_TEST_POSTGRES_URL is not set: these tests need a real PostgreSQL. Start the throwaway "
                + "cluster with `eval \"$(scripts/testbed-postgres.sh start)\"` and run the tests again "
                + "(./scripts/test.sh does both)."
        }
    }

    /// The base URL.
    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["TESSERA_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw Missing()
        }
        return url
    }

    /// A new, empty database for one test, and the URL of it; `drop` removes it.
    static func freshDatabase() async throws -> (url: String, drop: @Sendable () async -> Void) {
        let base = try url()
        let admin = try await PostgresDecisionLog.open(url: base, mode: .durable)
        let name = "tessera_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await admin.execute("CREATE DATABASE \(name)")
        try await admin.close()
        guard var components = URLComponents(string: base) else { throw Missing() }
        components.path = "/" + name
        guard let url = components.string else { throw Missing() }
        return (
            url,
            {
                guard let admin = try? await PostgresDecisionLog.open(url: base, mode: .durable) else { return }
                try? await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                try? await admin.close()
            }
        )
    }

    /// Runs `body` with an opener on a fresh database, and drops the database afterwards.
    static func withDatabase(_ body: (String, LogOpener) async throws -> Void) async throws {
        let (url, drop) = try await freshDatabase()
        do {
            try await body(url) { mode, options in
                try await PostgresDecisionLog.open(url: url, mode: mode, options: options)
            }
        } catch {
            await drop()
            throw error
        }
        await drop()
    }
}

@Suite("PostgreSQL decision log")
struct PostgresDecisionLogTests {
    @Test("a durable append is visible from a second connection when it returns")
    func durableVisibility() async throws {
        try await TestPostgres.withDatabase { _, open in
            try await DecisionLogBehaviour.durableAppendIsVisibleAtOnce(open)
        }
    }

    @Test("concurrent durable appends are group-committed: fewer transactions than records, none lost")
    func groupCommit() async throws {
        try await TestPostgres.withDatabase { _, open in
            try await DecisionLogBehaviour.concurrentAppendsShareCommits(open)
        }
    }

    @Test("buffered mode: append returns at once, flush and close commit, later appends throw")
    func buffered() async throws {
        try await TestPostgres.withDatabase { _, open in try await DecisionLogBehaviour.bufferedFlushAndClose(open) }
    }

    @Test("reopening after close finds every record")
    func reopen() async throws {
        try await TestPostgres.withDatabase { _, open in try await DecisionLogBehaviour.reopenAfterClose(open) }
    }

    @Test("filters: time range, path, outcome, id, limit; newest first")
    func filters() async throws {
        try await TestPostgres.withDatabase { _, open in try await DecisionLogBehaviour.filters(open) }
    }

    @Test("a full buffered queue applies back pressure")
    func backPressure() async throws {
        try await TestPostgres.withDatabase { _, open in try await DecisionLogBehaviour.backPressure(open) }
    }

    @Test("a failed commit fails durable appends; buffered records wait and are committed after recovery")
    func failures() async throws {
        try await TestPostgres.withDatabase { _, open in try await DecisionLogBehaviour.failureAndRecovery(open) }
    }

    @Test("a commit that does not finish in time fails instead of blocking for ever")
    func deadline() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: PostgresDecisionLog.CommitTimeout.self) {
            try await PostgresDecisionLog.withDeadline(.milliseconds(50)) {
                try await Task.sleep(for: .seconds(60))
            }
        }
        #expect(clock.now - start < .seconds(5))
        try await PostgresDecisionLog.withDeadline(.seconds(5)) {}
        await #expect(throws: CancellationError.self) {
            try await PostgresDecisionLog.withDeadline(.seconds(5)) { throw CancellationError() }
        }
    }

    @Test("two replicas share one log: each sees the other's records")
    func replicas() async throws {
        try await TestPostgres.withDatabase { _, open in
            let first = try await open(.durable, DecisionLogOptions())
            let second = try await open(.buffered, DecisionLogOptions(batchInterval: .milliseconds(20)))
            let path = Records.uniquePath("replicas")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<100 {
                    let log = index.isMultiple(of: 2) ? first : second
                    group.addTask { try await log.append(Records.make(path: path)) }
                }
                try await group.waitForAll()
            }
            try await second.flush()
            #expect(try await first.query(DecisionLogQuery(path: path, limit: 500)).count == 100)
            #expect(try await second.query(DecisionLogQuery(path: path, limit: 500)).count == 100)
            try await first.close()
            try await second.close()
        }
    }

    @Test("text with NUL characters and large batches are stored")
    func awkwardText() async throws {
        try await TestPostgres.withDatabase { _, open in
            let log = try await open(.buffered, DecisionLogOptions(batchInterval: .seconds(30), maximumBatch: 2500))
            var record = Records.make(path: Records.uniquePath("nul"))
            record.caller = "a\u{0}b"
            record.failure = "é \u{1F600} \\ \" ' ;"
            try await log.append(record)
            let path = Records.uniquePath("many")
            for _ in 0..<2100 { try await log.append(Records.make(path: path)) }
            try await log.flush()
            let stored = try await log.query(DecisionLogQuery(id: record.id))
            #expect(stored.first?.caller == "a\u{FFFD}b")
            #expect(stored.first?.failure == record.failure)
            #expect(try await log.query(DecisionLogQuery(path: path, limit: 5000)).count == 2100)
            try await log.close()
        }
    }

    @Test("a newer schema version, or a foreign decisions table, is refused")
    func unknownSchema() async throws {
        try await TestPostgres.withDatabase { url, open in
            let log = try await open(.durable, DecisionLogOptions())
            try await log.append(Records.make())
            try await log.execute("INSERT INTO tessera_decision_log_schema (version) VALUES (7)")
            try await log.close()
            do throws(DecisionLogError) {
                _ = try await PostgresDecisionLog.open(url: url, mode: .durable)
                Issue.record("a newer schema was accepted")
            } catch {
                #expect(error.code == .unsupportedSchema)
                #expect(error.message.contains("version 7"))
            }
        }
        try await TestPostgres.withDatabase { url, open in
            let log = try await open(.durable, DecisionLogOptions())
            try await log.execute("DROP TABLE tessera_decision_log_schema")
            try await log.close()
            do throws(DecisionLogError) {
                _ = try await PostgresDecisionLog.open(url: url, mode: .durable)
                Issue.record("a foreign decisions table was accepted")
            } catch {
                #expect(error.code == .unsupportedSchema)
            }
        }
    }

    @Test("an unreachable server or a wrong password fails to open with a clear error, without the password")
    func unreachable() async throws {
        let base = try TestPostgres.url()
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await PostgresDecisionLog.open(
                url: "postgres://tessera:pw-secret@127.0.0.1:1/tessera_test",
                mode: .durable,
                connectTimeout: .seconds(2)
            )
            Issue.record("opened a log on a closed port")
        } catch {
            #expect(error.code == .cannotOpen)
            #expect(!error.description.contains("pw-secret"))
            #expect(error.message.contains("Connection refused"), "\(error)")
        }
        #expect(clock.now - start < .seconds(5))
        guard var components = URLComponents(string: base) else { return }
        components.password = "wrong-password"
        do {
            _ = try await PostgresDecisionLog.open(url: components.string ?? base, mode: .durable)
            Issue.record("opened a log with a wrong password")
        } catch {
            #expect(error.code == .cannotOpen)
            #expect(!error.description.contains("wrong-password"))
            #expect(error.message.contains("28P01: password authentication failed"), "\(error)")
        }
    }

    @Test("the factory opens PostgreSQL URLs")
    func factory() async throws {
        try await TestPostgres.withDatabase { url, _ in
            let log = try await DecisionLogs.open("postgres:" + url, mode: .durable)
            let record = Records.make()
            try await log?.append(record)
            let reader = try await DecisionLogs.openReader(url)
            #expect(try await reader?.query(DecisionLogQuery(id: record.id)).count == 1)
            try await (reader as? any DecisionLog)?.close()
            try await log?.close()
        }
    }
}

@Suite("PostgreSQL URLs")
struct PostgresConnectionURLTests {
    @Test("user, password (percent-encoded), host, port and database are read; defaults fill the rest")
    func parts() throws {
        let url = try PostgresConnectionURL("postgres://audit:p%40ss%2Fword@127.0.0.1:6543/logs")
        #expect(url.username == "audit")
        #expect(url.password == "p@ss/word")
        #expect(url.host == "127.0.0.1")
        #expect(url.port == 6543)
        #expect(url.database == "logs")
        #expect(!url.tls)
        #expect(!url.redacted.contains("p@ss"))
        let defaults = try PostgresConnectionURL("postgresql://localhost")
        #expect(defaults.username == "postgres")
        #expect(defaults.port == 5432)
        #expect(defaults.database == "postgres")
        #expect(try PostgresConnectionURL("postgres://u@[::1]:5433/db").host == "::1")
    }

    @Test("plaintext only to loopback; remote hosts get verified TLS or are refused")
    func transportSecurity() throws {
        #expect(try PostgresConnectionURL("postgres://u:p@db.example.com/x").tls)
        #expect(try PostgresConnectionURL("postgres://u:p@10.0.0.5/x?sslmode=require").tls)
        #expect(try PostgresConnectionURL("postgres://u:p@127.0.0.1/x?sslmode=verify-full").tls)
        for mode in ["disable", "prefer", "allow"] {
            do {
                _ = try PostgresConnectionURL("postgres://u:secret@db.example.com/x?sslmode=\(mode)")
                Issue.record("sslmode=\(mode) to a remote host was accepted")
            } catch {
                #expect(error.code == .insecureConnection)
                #expect(!error.description.contains("secret"))
            }
        }
        #expect(throws: DecisionLogError.self) { try PostgresConnectionURL("postgres://u@h/x?sslmode=bogus") }
        #expect(throws: DecisionLogError.self) { try PostgresConnectionURL("postgres://u@h/x?application_name=a") }
        #expect(throws: DecisionLogError.self) { try PostgresConnectionURL("mysql://u@h/x") }
        #expect(throws: DecisionLogError.self) { try PostgresConnectionURL("postgres:///x") }
    }
}

@Suite("Decision log specifications")
struct DecisionLogsTests {
    @Test("sqlite:PATH, bare paths, postgres URLs and none")
    func locations() throws {
        #expect(try DecisionLogs.location(of: "none") == .none)
        #expect(try DecisionLogs.location(of: "sqlite:/var/lib/t/d.sqlite") == .sqlite(path: "/var/lib/t/d.sqlite"))
        #expect(
            try DecisionLogs.location(of: "./.tessera/decisions.sqlite") == .sqlite(path: "./.tessera/decisions.sqlite")
        )
        #expect(try DecisionLogs.location(of: "postgres://u@h/d") == .postgres(url: "postgres://u@h/d"))
        #expect(try DecisionLogs.location(of: "postgres:postgresql://u@h/d") == .postgres(url: "postgresql://u@h/d"))
        #expect(throws: DecisionLogError.self) { try DecisionLogs.location(of: "") }
        #expect(throws: DecisionLogError.self) { try DecisionLogs.location(of: "sqlite:") }
        #expect(throws: DecisionLogError.self) { try DecisionLogs.location(of: "mysql://u@h/d") }
    }

    @Test("the factory opens SQLite logs, and none is nil")
    func open() async throws {
        let directory = try temporaryDirectory("factory")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("d.sqlite").path
        #expect(try await DecisionLogs.open("none", mode: .durable) == nil)
        let log = try await DecisionLogs.open("sqlite:" + path, mode: .durable)
        #expect(log is SQLiteDecisionLog)
        try await log?.append(Records.make())
        try await log?.close()
        let reader = try await DecisionLogs.openReader(path)
        #expect(try await reader?.query(DecisionLogQuery()).count == 1)
    }
}
