import ArgumentParser
import CEL
import Foundation
import TesseraAudit
import TesseraPolicy

/// `tessera decisions`: searches the decision log (the audit trail) by time, path, outcome or id, and
/// prints the matches newest first, as a table or as one JSON array.
struct DecisionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "Search the decision log (the audit trail).",
        discussion: """
            Prints the decisions matching every given filter, newest first. TIME is an RFC 3339 date-time \
            (2026-05-01T12:00:00Z, 2026-05-01T14:00:00+02:00) or an age: 90s, 15m, 2h, 7d (that long ago). \
            --from is inclusive, --to exclusive. The table shows id, time (UTC), path, outcome, duration and \
            caller; --format json prints one JSON array of whole records (input and result as JSON, \
            redacted as they were logged). Exit status: 0 when the query ran (even with no match), 1 when \
            the log cannot be read.
            """
    )

    @Option(
        help: ArgumentHelp(
            "The decision log: sqlite:PATH, a path, or postgres://user:password@host:port/db.",
            valueName: "spec"
        )
    )
    var log: String = "./.tessera/decisions.sqlite"

    @Option(help: ArgumentHelp("Decisions at or after this time.", valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("Decisions before this time.", valueName: "time"))
    var to: String?

    @Option(help: ArgumentHelp("Decisions for exactly this path (such as mcp/trust_boundaries/allow).", valueName: "p"))
    var path: String?

    @Option(help: ArgumentHelp("Decisions with this outcome: allow, deny, undefined or error.", valueName: "outcome"))
    var result: String?

    @Option(help: ArgumentHelp("The decision with this id.", valueName: "id"))
    var id: String?

    @Option(help: "At most this many decisions (1 to 100000).")
    var limit: Int = 100

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    /// How the matches are printed.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        case table
        case json
    }

    func validate() throws {
        _ = try makeQuery(now: Date())
    }

    func run() async throws {
        let query = try makeQuery(now: Date())
        let reader: (any DecisionLogReader)?
        do {
            reader = try await DecisionLogs.openReader(log)
        } catch {
            var message = "tessera decisions: \(error)"
            if error.code == .cannotOpen, case .sqlite? = try? DecisionLogs.location(of: log) {
                message += "\n(the server writes it there by default; pass --log to read another log)"
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            throw ExitCode(1)
        }
        guard let reader else {
            FileHandle.standardError.write(Data("tessera decisions: --log none names no decision log\n".utf8))
            throw ExitCode(1)
        }
        let records: [DecisionRecord]
        do {
            records = try await reader.query(query)
        } catch {
            await Self.close(reader)
            FileHandle.standardError.write(Data("tessera decisions: \(error)\n".utf8))
            throw ExitCode(1)
        }
        await Self.close(reader)
        switch format {
        case .table: print(Self.table(records), terminator: "")
        case .json: print(Self.json(records))
        }
    }

    private static func close(_ reader: any DecisionLogReader) async {
        if let log = reader as? any DecisionLog {
            try? await log.close()
        } else if let file = reader as? SQLiteDecisionLogReader {
            try? file.close()
        }
    }

    /// The query the options describe.
    /// - Throws: `ValidationError` naming the bad option.
    func makeQuery(now: Date) throws -> DecisionLogQuery {
        var query = DecisionLogQuery(path: path, id: id, limit: limit)
        guard (1...100_000).contains(limit) else {
            throw ValidationError("--limit must be between 1 and 100000, not \(limit).")
        }
        if let from {
            guard let date = Self.time(from, now: now) else { throw Self.badTime("--from", from) }
            query.from = date
        }
        if let to {
            guard let date = Self.time(to, now: now) else { throw Self.badTime("--to", to) }
            query.to = date
        }
        if let result {
            guard let outcome = DecisionOutcome(rawValue: result.lowercased()) else {
                throw ValidationError("--result must be allow, deny, undefined or error, not '\(result)'.")
            }
            query.outcome = outcome
        }
        return query
    }

    private static func badTime(_ option: String, _ text: String) -> ValidationError {
        ValidationError(
            "\(option) '\(text)' is not a time: write RFC 3339 (2026-05-01T12:00:00Z) or an age such as 15m, 2h, 7d."
        )
    }

    /// A time given as RFC 3339 text, or as an age (`90s`, `15m`, `2h`, `7d`: that long before `now`);
    /// `nil` when it is neither.
    static func time(_ text: String, now: Date) -> Date? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        if let unit = text.last, let seconds = units[unit], let count = Int64(text.dropLast()), count >= 0,
            count <= 100 * 366 * 86_400 / seconds
        {
            return now.addingTimeInterval(-Double(count * seconds))
        }
        guard case .success(let timestamp) = Timestamp.parse(text) else { return nil }
        return Date(timeIntervalSince1970: Double(timestamp.seconds) + Double(timestamp.nanos) / 1_000_000_000)
    }

    // MARK: - Output

    /// A date as RFC 3339 in UTC with milliseconds: `2026-05-01T12:00:00.123Z`.
    static func timeText(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1_000).rounded(.down))
        let (seconds, remainder) = milliseconds.quotientAndRemainder(dividingBy: 1_000)
        let (wholeSeconds, fraction) = remainder < 0 ? (seconds - 1, remainder + 1_000) : (seconds, remainder)
        guard let timestamp = Timestamp(seconds: wholeSeconds) else { return "\(date)" }
        let text = timestamp.description
        let digits = String(fraction)
        return String(text.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// A duration in nanoseconds for people: `850ns`, `12.3µs`, `1.25ms`, `2.5s`.
    static func durationText(_ nanoseconds: Int64) -> String {
        func decimal(_ value: Double) -> String {
            let text = value < 10 ? String(format: "%.2f", value) : String(format: "%.1f", value)
            return text.hasSuffix(".00") ? String(text.dropLast(3)) : text
        }
        let value = Double(nanoseconds)
        switch nanoseconds {
        case ..<1_000: return "\(nanoseconds)ns"
        case ..<1_000_000: return decimal(value / 1_000) + "µs"
        case ..<1_000_000_000: return decimal(value / 1_000_000) + "ms"
        default: return decimal(value / 1_000_000_000) + "s"
        }
    }

    /// Aligned columns with a header line: id, time, path, outcome, duration, caller. Long paths and
    /// callers are shortened with `…`. No match prints `no decisions match` on one line.
    static func table(_ records: [DecisionRecord]) -> String {
        guard !records.isEmpty else { return "no decisions match\n" }
        let header = ["ID", "TIME", "PATH", "OUTCOME", "DURATION", "CALLER"]
        let rows = records.map { record in
            [
                shortened(record.id, 36), timeText(record.time), shortened(record.path, 48),
                record.outcome.rawValue, durationText(record.durationNanoseconds),
                shortened(record.caller ?? "-", 40),
            ]
        }
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        var output = ""
        for row in [header] + rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            output += cells.joined(separator: "  ") + "\n"
        }
        return output
    }

    /// `text` with control characters shown as `?`, and cut to `limit` characters with `…`.
    private static func shortened(_ text: String, _ limit: Int) -> String {
        var clean = ""
        clean.unicodeScalars.append(
            contentsOf: text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }
        )
        guard clean.count > limit else { return clean }
        return String(clean.prefix(limit - 1)) + "…"
    }

    /// One JSON array, one record per line: input and result embedded as JSON (or as a string if a
    /// stored text is not JSON), time as RFC 3339 with milliseconds.
    static func json(_ records: [DecisionRecord]) -> String {
        func embedded(_ text: String?) -> String {
            guard let text else { return "null" }
            if (try? JSON.parse(text, options: JSONReadOptions(integersAsInt: true, maxDepth: 512))) != nil {
                return text
            }
            return JSON.quote(text)
        }
        func string(_ text: String?) -> String { text.map(JSON.quote) ?? "null" }
        let lines = records.map { record in
            "{"
                + [
                    "\"id\":\(JSON.quote(record.id))",
                    "\"time\":\(JSON.quote(timeText(record.time)))",
                    "\"path\":\(JSON.quote(record.path))",
                    "\"outcome\":\(JSON.quote(record.outcome.rawValue))",
                    "\"input\":\(embedded(record.input))",
                    "\"result\":\(embedded(record.result))",
                    "\"revision\":\(JSON.quote(record.revision))",
                    "\"duration_ns\":\(record.durationNanoseconds)",
                    "\"caller\":\(string(record.caller))",
                    "\"source\":\(JSON.quote(record.source))",
                    "\"failure\":\(string(record.failure))",
                ].joined(separator: ",") + "}"
        }
        guard !lines.isEmpty else { return "[]" }
        return "[\n" + lines.joined(separator: ",\n") + "\n]"
    }
}
