import CEL
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension EndToEndTests {
    /// The decision log's promise in `durable` mode: a decision is answered only once its record is
    /// committed. Concurrent clients load `tessera serve`, the server is killed with SIGKILL in the middle,
    /// and every decision id a client received with a 200 must be in the SQLite log, which must open
    /// cleanly (`tessera decisions`; also `PRAGMA integrity_check` when `sqlite3` is installed).
    @Suite("e2e: SIGKILL durability")
    struct DurabilityTests {
        static let clients = 8

        /// One client: POSTs decisions until `deadline` or until the server is gone, and returns the
        /// decision ids answered with 200.
        static func hammer(base: String, client: Int, deadline: ContinuousClock.Instant) async -> [String] {
            var answered: [String] = []
            var failures = 0
            var sequence = 0
            let tiers = ["trusted", "semi-trusted", "untrusted"]
            while ContinuousClock.now < deadline, failures < 3 {
                sequence += 1
                let input =
                    #"{"agent": {"trust_level": "\#(tiers[sequence % 3])", "name": "client-\#(client)-\#(sequence)"}, "#
                    + #""request": {"operation": "read", "tool": "filesystem"}}"#
                do {
                    let answer = try await Testbed.request(
                        "POST",
                        "\(base)/v1/data/mcp/trust_boundaries/allow",
                        body: #"{"input": \#(input)}"#,
                        timeout: 5
                    )
                    guard answer.status == 200 else {
                        failures += 1
                        continue
                    }
                    if case .map(let map)? = answer.json, case .string(let id)? = map[Value.string("decision_id")] {
                        answered.append(id.description)
                    }
                } catch {
                    failures += 1
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
            return answered
        }

        /// The ids in `tessera decisions --format json` output: a JSON array of records, or one record
        /// per line.
        static func loggedIDs(_ output: String) -> Set<String>? {
            let options = JSONReadOptions(integersAsInt: true, maxBytes: 1 << 30)
            func id(of value: Value) -> String? {
                guard case .map(let map) = value else { return nil }
                guard case .string(let id)? = map[Value.string("id")] ?? map[Value.string("decision_id")] else {
                    return nil
                }
                return id.description
            }
            if let document = try? JSON.parse(output, options: options) {
                if case .list(let records) = document { return Set(records.compactMap(id(of:))) }
                if case .map(let map) = document, case .list(let records)? = map[Value.string("decisions")] {
                    return Set(records.compactMap(id(of:)))
                }
            }
            var ids = Set<String>()
            for line in output.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let record = try? JSON.parse(String(line), options: options), let value = id(of: record) else {
                    return nil
                }
                ids.insert(value)
            }
            return ids
        }

        @Test("every decision answered in durable mode is in the log after SIGKILL under load")
        func answeredDecisionsSurviveSIGKILL() async throws {
            let directory = try Testbed.temporaryDirectory("durability")
            defer { try? FileManager.default.removeItem(at: directory) }
            let database = directory.appendingPathComponent("log/decisions.sqlite")
            try FileManager.default.createDirectory(
                at: database.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            let server = try await TesseraServer.start(
                policies: Testbed.repository.appendingPathComponent("policies"),
                directory: directory,
                arguments: ["--decision-log", "sqlite:\(database.path)", "--log-mode", "durable"]
            )
            defer { server.peer.stop() }

            let base = server.base
            let deadline = ContinuousClock.now + .seconds(3)
            let answered = try await withThrowingTaskGroup(of: [String].self) { group in
                for client in 0..<Self.clients {
                    group.addTask { await Self.hammer(base: base, client: client, deadline: deadline) }
                }
                // Let the load run, then kill the server in the middle of it.
                try await Task.sleep(for: .milliseconds(1_500))
                server.peer.kill9()
                var ids: [String] = []
                for try await part in group { ids += part }
                return ids
            }
            #expect(!server.peer.isRunning)
            #expect(answered.count >= 50, "only \(answered.count) decisions were answered before the kill")
            #expect(Set(answered).count == answered.count, "decision ids repeat")

            let decisions = try await Testbed.run(
                try Testbed.tessera(),
                ["decisions", "--log", "sqlite:\(database.path)", "--format", "json", "--limit", "100000"],
                directory: directory
            )
            try #require(
                decisions.status == 0,
                "tessera decisions failed (exit \(decisions.status)) on the killed server's log: \(decisions.error)"
            )
            let logged = try #require(
                Self.loggedIDs(decisions.output),
                "tessera decisions --format json printed no records: \(decisions.output.prefix(500))"
            )
            let missing = answered.filter { !logged.contains($0) }
            let lost = missing.count
            #expect(
                lost == 0,
                "\(missing.count) of \(answered.count) answered decisions are not in the log (\(logged.count) records), e.g. \(missing.prefix(5))"
            )

            // Integrity beyond "it opens": SQLite's own check, when the sqlite3 shell is installed.
            let sqlite = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first {
                FileManager.default.isExecutableFile(atPath: $0)
            }
            if let sqlite {
                let check = try await Testbed.run(
                    URL(fileURLWithPath: sqlite),
                    [database.path, "PRAGMA integrity_check;"]
                )
                #expect(
                    check.status == 0 && check.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok",
                    "\(check)"
                )
            }
        }
    }
}
