import Foundation
import TesseraAudit
import TesseraPolicy
import Testing

/// A decision log under test with what the shared checks need: the log, a way to open another
/// connection to the same store, and its counters.
protocol TestableDecisionLog: DecisionLog, DecisionLogReader {
    var statistics: DecisionLogStatistics { get }
    func execute(_ sql: String) async throws
}

extension SQLiteDecisionLog: TestableDecisionLog {}
extension PostgresDecisionLog: TestableDecisionLog {}

/// Opens a log on the store under test (each call a new connection pool).
typealias LogOpener = @Sendable (DecisionLogMode, DecisionLogOptions) async throws -> any TestableDecisionLog

/// Makes test records.
enum Records {
    /// A record with a unique id; `time` defaults to now (truncated to milliseconds, which every store keeps).
    static func make(
        path: String = "test/allow",
        outcome: DecisionOutcome = .allow,
        time: Date? = nil,
        input: String? = #"{"user":"alice"}"#,
        id: String = UUID().uuidString
    ) -> DecisionRecord {
        let now = time ?? Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        return DecisionRecord(
            id: id,
            time: now,
            path: path,
            input: input,
            result: outcome == .undefined ? nil : (outcome == .allow ? "true" : "false"),
            outcome: outcome,
            revision: "rev-1",
            durationNanoseconds: 12_345,
            caller: "127.0.0.1:40000",
            source: "v1/data",
            failure: outcome == .error ? "policy 'test' failed: division_by_zero: divide by zero" : nil
        )
    }

    /// A path no other test uses, so tests can share a store.
    static func uniquePath(_ name: String) -> String {
        "test/\(name)/\(UUID().uuidString.prefix(8))"
    }
}

/// The same checks for every store: durable visibility, group commit, buffered flush and close, reopening,
/// filters, back pressure.
enum DecisionLogBehaviour {
    /// A durable append is visible to another connection as soon as it returns.
    static func durableAppendIsVisibleAtOnce(_ open: LogOpener) async throws {
        let log = try await open(.durable, DecisionLogOptions())
        let other = try await open(.durable, DecisionLogOptions())
        let path = Records.uniquePath("visible")
        for index in 0..<5 {
            let record = Records.make(path: path)
            try await log.append(record)
            let seen = try await other.query(DecisionLogQuery(id: record.id))
            #expect(seen.count == 1, "record \(index) not visible from the second connection")
            #expect(seen.first.map { same($0, record) } == true)
        }
        try await log.close()
        try await other.close()
    }

    /// Concurrent durable appends share transactions, and every one is committed.
    /// - Returns: the counters, for the caller to report.
    @discardableResult
    static func concurrentAppendsShareCommits(_ open: LogOpener, count: Int = 400) async throws
        -> DecisionLogStatistics
    {
        let log = try await open(.durable, DecisionLogOptions())
        let path = Records.uniquePath("group")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<count {
                group.addTask { try await log.append(Records.make(path: path)) }
            }
            try await group.waitForAll()
        }
        let statistics = log.statistics
        #expect(statistics.committed == count)
        #expect(statistics.commits < count, "no group commit: \(statistics.commits) commits for \(count) records")
        #expect(statistics.failedCommits == 0)
        let stored = try await log.query(DecisionLogQuery(path: path, limit: count * 2))
        #expect(stored.count == count)
        #expect(Set(stored.map(\.id)).count == count)
        try await log.close()
        return statistics
    }

    /// Buffered appends return before the commit; flush and close commit them; appends after close throw.
    static func bufferedFlushAndClose(_ open: LogOpener) async throws {
        let options = DecisionLogOptions(batchInterval: .seconds(30))
        let log = try await open(.buffered, options)
        let other = try await open(.durable, DecisionLogOptions())
        let path = Records.uniquePath("buffered")
        // The first record is committed at once (nothing was committed for a whole interval); the next ones
        // wait for the interval.
        try await log.append(Records.make(path: path))
        try await log.flush()
        for _ in 0..<5 { try await log.append(Records.make(path: path)) }
        #expect(log.statistics.pending == 5)
        #expect(try await other.query(DecisionLogQuery(path: path)).count == 1)
        try await log.flush()
        #expect(log.statistics.pending == 0)
        #expect(try await other.query(DecisionLogQuery(path: path)).count == 6)
        for _ in 0..<3 { try await log.append(Records.make(path: path)) }
        try await log.close()
        #expect(try await other.query(DecisionLogQuery(path: path)).count == 9)
        await #expect(throws: DecisionLogError.self) { try await log.append(Records.make(path: path)) }
        try await other.close()
    }

    /// A closed log refuses appends; reopening the store finds everything.
    static func reopenAfterClose(_ open: LogOpener) async throws {
        let path = Records.uniquePath("reopen")
        let log = try await open(.durable, DecisionLogOptions())
        let records = (0..<3).map { _ in Records.make(path: path) }
        for record in records { try await log.append(record) }
        try await log.close()
        do {
            try await log.append(Records.make(path: path))
            Issue.record("append after close did not throw")
        } catch let error as DecisionLogError {
            #expect(error.code == .closed)
        }
        let reopened = try await open(.buffered, DecisionLogOptions())
        let found = try await reopened.query(DecisionLogQuery(path: path))
        #expect(Set(found.map(\.id)) == Set(records.map(\.id)))
        try await reopened.append(Records.make(path: path))
        try await reopened.close()
        let again = try await open(.durable, DecisionLogOptions())
        #expect(try await again.query(DecisionLogQuery(path: path)).count == 4)
        // The same id twice is stored once (batches are retried idempotently).
        try await again.append(records[0])
        #expect(try await again.query(DecisionLogQuery(id: records[0].id)).count == 1)
        try await again.close()
    }

    /// Every filter narrows, results come newest first, and the limit holds.
    static func filters(_ open: LogOpener) async throws {
        let log = try await open(.durable, DecisionLogOptions())
        let path = Records.uniquePath("filters")
        let otherPath = path + "/other"
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        let outcomes: [DecisionOutcome] = [.allow, .deny, .undefined, .error, .allow, .deny]
        var records: [DecisionRecord] = []
        for (index, outcome) in outcomes.enumerated() {
            let record = Records.make(
                path: index == 5 ? otherPath : path,
                outcome: outcome,
                time: base.addingTimeInterval(Double(index) * 60)
            )
            records.append(record)
            try await log.append(record)
        }
        let all = try await log.query(DecisionLogQuery(path: path))
        #expect(all.map(\.id) == records[0..<5].reversed().map(\.id))
        #expect(all.first.map { same($0, records[4]) } == true)
        let allowed = try await log.query(DecisionLogQuery(path: path, outcome: .allow))
        #expect(allowed.map(\.id) == [records[4].id, records[0].id])
        let errors = try await log.query(DecisionLogQuery(path: path, outcome: .error))
        #expect(errors.map(\.failure) == [records[3].failure])
        let window = try await log.query(
            DecisionLogQuery(from: base.addingTimeInterval(60), to: base.addingTimeInterval(180), path: path)
        )
        #expect(window.map(\.id) == [records[2].id, records[1].id])
        let byID = try await log.query(DecisionLogQuery(id: records[5].id))
        #expect(byID.map(\.path) == [otherPath])
        let limited = try await log.query(DecisionLogQuery(path: path, limit: 2))
        #expect(limited.map(\.id) == [records[4].id, records[3].id])
        #expect(try await log.query(DecisionLogQuery(path: path, limit: 0)).isEmpty)
        let undefined = try await log.query(DecisionLogQuery(path: path, outcome: .undefined))
        #expect(undefined.first?.result == nil)
        try await log.close()
    }

    /// A full buffered queue makes appends wait for a commit instead of growing.
    static func backPressure(_ open: LogOpener) async throws {
        let options = DecisionLogOptions(batchInterval: .seconds(60), maximumBatch: 1000, queueCapacity: 4)
        let log = try await open(.buffered, options)
        let path = Records.uniquePath("pressure")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { try await log.append(Records.make(path: path)) }
            }
            try await group.waitForAll()
        }
        #expect(log.statistics.pending <= 4)
        try await log.flush()
        #expect(try await log.query(DecisionLogQuery(path: path)).count == 20)
        #expect(log.statistics.commits >= 5)
        try await log.close()
    }

    /// A failed commit fails the durable appends of its batch; a buffered batch stays queued and is committed
    /// once the store works again.
    static func failureAndRecovery(_ open: LogOpener) async throws {
        let path = Records.uniquePath("failure")
        let durable = try await open(.durable, DecisionLogOptions())
        let buffered = try await open(.buffered, DecisionLogOptions(batchInterval: .milliseconds(10)))
        try await durable.execute("ALTER TABLE decisions RENAME TO decisions_away")
        do {
            try await durable.append(Records.make(path: path))
            Issue.record("a durable append succeeded without a table")
        } catch let error as DecisionLogError {
            #expect(error.code == .writeFailed)
            #expect(error.message.contains("decisions"))
        }
        #expect(durable.statistics.failedCommits == 1)
        #expect(durable.statistics.failedRecords == 1)
        let kept = Records.make(path: path)
        try await buffered.append(kept)
        await #expect(throws: DecisionLogError.self) { try await buffered.flush() }
        #expect(buffered.statistics.pending == 1)
        try await durable.execute("ALTER TABLE decisions_away RENAME TO decisions")
        try await buffered.flush()
        #expect(buffered.statistics.pending == 0)
        #expect(try await durable.query(DecisionLogQuery(path: path)).map(\.id) == [kept.id])
        try await durable.close()
        try await buffered.close()
    }

    /// Whether a stored record equals the appended one (times to the microsecond).
    static func same(_ stored: DecisionRecord, _ original: DecisionRecord) -> Bool {
        var expected = original
        expected.time = stored.time
        return stored == expected && abs(stored.time.timeIntervalSince(original.time)) < 0.000_002
    }
}
