import Foundation
import TesseraAudit
import TesseraPolicy
import Testing

/// A fresh directory under the temporary directory.
func temporaryDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("SQLite decision log")
final class SQLiteDecisionLogTests: Sendable {
    /// Every file of one test is under this directory, removed when the test ends.
    private let root: URL

    init() throws {
        root = try temporaryDirectory("sqlite")
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    private func directory(_ name: String) throws -> URL {
        let url = root.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Opens logs on one file (created in a directory that does not exist yet).
    private func opener() throws -> (path: String, open: LogOpener) {
        let path = try directory("log").appendingPathComponent("nested/dir/decisions.sqlite").path
        return (path, { mode, options in try SQLiteDecisionLog(path: path, mode: mode, options: options) })
    }

    @Test("a durable append is visible from a second connection when it returns")
    func durableVisibility() async throws {
        let (path, open) = try opener()
        try await DecisionLogBehaviour.durableAppendIsVisibleAtOnce(open)
        // Also from the read-only reader `tessera decisions` uses.
        let log = try SQLiteDecisionLog(path: path, mode: .durable)
        let record = Records.make()
        try await log.append(record)
        let reader = try SQLiteDecisionLogReader(path: path)
        #expect(try await reader.query(DecisionLogQuery(id: record.id)).count == 1)
        try reader.close()
        try await log.close()
    }

    @Test("concurrent durable appends are group-committed: fewer transactions than records, none lost")
    func groupCommit() async throws {
        let statistics = try await DecisionLogBehaviour.concurrentAppendsShareCommits(try opener().open)
        #expect(statistics.commits >= 1)
    }

    @Test("buffered mode: append returns at once, flush and close commit, later appends throw")
    func buffered() async throws {
        try await DecisionLogBehaviour.bufferedFlushAndClose(try opener().open)
    }

    @Test("reopening after close finds every record")
    func reopen() async throws {
        try await DecisionLogBehaviour.reopenAfterClose(try opener().open)
    }

    @Test("filters: time range, path, outcome, id, limit; newest first")
    func filters() async throws {
        try await DecisionLogBehaviour.filters(try opener().open)
    }

    @Test("a full buffered queue applies back pressure")
    func backPressure() async throws {
        try await DecisionLogBehaviour.backPressure(try opener().open)
    }

    @Test("a failed commit fails durable appends; buffered records wait and are committed after recovery")
    func failures() async throws {
        try await DecisionLogBehaviour.failureAndRecovery(try opener().open)
    }

    @Test("opening a file that is not a database fails clearly and leaves the file alone")
    func corruptFile() throws {
        let path = try directory("corrupt").appendingPathComponent("decisions.sqlite").path
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteDecisionLog(path: path, mode: .durable)
            Issue.record("a garbage file opened as a decision log")
        } catch {
            #expect(error.code == .corrupt)
            #expect(error.description.contains(path))
            #expect(error.description.contains("not a SQLite database"))
        }
        #expect(throws: DecisionLogError.self) { try SQLiteDecisionLogReader(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
    }

    @Test("a damaged database (cut in the middle) is refused or read without a crash")
    func truncatedFile() async throws {
        let (path, open) = try opener()
        let log = try await open(.durable, DecisionLogOptions())
        for _ in 0..<200 { try await log.append(Records.make(input: String(repeating: "x", count: 500))) }
        try await log.close()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        do {
            let reopened = try SQLiteDecisionLog(path: path, mode: .durable)
            _ = try? await reopened.query(DecisionLogQuery(limit: 1000))
            try? await reopened.close()
        } catch {
            #expect([DecisionLogError.Code.corrupt, .cannotOpen, .unsupportedSchema].contains(error.code))
        }
    }

    @Test("a log migrated by a newer Tessera, or a foreign table, is refused without changes")
    func unknownSchema() async throws {
        let (path, _) = try opener()
        let log = try SQLiteDecisionLog(path: path, mode: .durable)
        let record = Records.make()
        try await log.append(record)
        try await log.execute("INSERT INTO grdb_migrations (identifier) VALUES ('decisions-v99')")
        try await log.close()
        do {
            _ = try SQLiteDecisionLog(path: path, mode: .durable)
            Issue.record("a newer schema was accepted")
        } catch {
            #expect(error.code == .unsupportedSchema)
            #expect(error.message.contains("newer version"))
        }
        #expect(throws: DecisionLogError.self) { try SQLiteDecisionLogReader(path: path) }

        // A database whose 'decisions' table Tessera did not create.
        let foreign = try directory("foreign").appendingPathComponent("decisions.sqlite").path
        let other = try SQLiteDecisionLog(path: foreign, mode: .durable)
        try await other.execute("DROP TABLE decisions; DELETE FROM grdb_migrations; CREATE TABLE decisions (id TEXT)")
        try await other.close()
        do {
            _ = try SQLiteDecisionLog(path: foreign, mode: .durable)
            Issue.record("a foreign decisions table was accepted")
        } catch {
            #expect(error.code == .unsupportedSchema)
        }
    }

    @Test("a missing file is an error for the reader, and the directory is created for the writer")
    func missingFile() async throws {
        let path = try directory("missing").appendingPathComponent("a/b/decisions.sqlite").path
        do {
            _ = try SQLiteDecisionLogReader(path: path)
            Issue.record("the reader opened a missing file")
        } catch {
            #expect(error.code == .cannotOpen)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        let log = try SQLiteDecisionLog(path: path, mode: .buffered)
        #expect(FileManager.default.fileExists(atPath: path))
        try await log.close()
    }

    /// Information for bench/: durable throughput with many concurrent appenders. Runs only when
    /// TESSERA_AUDIT_THROUGHPUT is set (timing is not a test).
    @Test(
        "durable throughput (information only)",
        .enabled(if: ProcessInfo.processInfo.environment["TESSERA_AUDIT_THROUGHPUT"] != nil)
    )
    func throughput() async throws {
        for concurrency in [1, 16, 64, 256] {
            let log = try SQLiteDecisionLog(path: try opener().path, mode: .durable)
            let total = 8192
            let clock = ContinuousClock()
            let elapsed = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<concurrency {
                        group.addTask {
                            for _ in stride(from: worker, to: total, by: concurrency) {
                                try await log.append(Records.make())
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let statistics = log.statistics
            try await log.close()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(
                "sqlite durable: \(concurrency) appenders, \(total) records in \(seconds) s = "
                    + "\(Int(Double(total) / seconds)) records/s, \(statistics.commits) commits"
            )
        }
    }
}
