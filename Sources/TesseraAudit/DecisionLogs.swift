import Foundation
public import TesseraPolicy

/// Opens decision logs from the one-string specifications the CLI and the server share.
///
/// A specification is one of:
/// - `none`: no decision log (`nil`);
/// - `sqlite:PATH` or a bare `PATH`: ``SQLiteDecisionLog`` (the default is ``defaultSpecification``);
/// - `postgres://...` or `postgresql://...` (also written `postgres:postgres://...`): ``PostgresDecisionLog``.
public enum DecisionLogs {
    /// Where the embedded log lives by default: `./.tessera/decisions.sqlite`.
    public static let defaultSpecification = "sqlite:./.tessera/decisions.sqlite"

    /// What a specification names.
    public enum Location: Sendable, Hashable {
        /// No decision log.
        case none
        /// A SQLite file.
        case sqlite(path: String)
        /// A PostgreSQL URL.
        case postgres(url: String)
    }

    /// Parses a specification without opening anything.
    /// - Throws: ``DecisionLogError`` (`invalidSpecification`) for an empty specification or path.
    public static func location(of specification: String) throws(DecisionLogError) -> Location {
        let text = specification.trimmingCharacters(in: .whitespaces)
        func invalid(_ message: String) -> DecisionLogError {
            DecisionLogError(code: .invalidSpecification, store: "decision log", message: message)
        }
        if text.isEmpty {
            throw invalid("empty decision log specification (use sqlite:PATH, postgres://..., or none)")
        }
        if text == "none" { return .none }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") { return .postgres(url: text) }
        if text.hasPrefix("postgres:") || text.hasPrefix("postgresql:") {
            let url = String(text[text.index(after: text.firstIndex(of: ":") ?? text.startIndex)...])
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw invalid("'\(text.prefix(40))...' is not a PostgreSQL URL (expected postgres://user@host/db)")
            }
            return .postgres(url: url)
        }
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else {
                throw invalid("sqlite: needs a path, such as sqlite:./.tessera/decisions.sqlite")
            }
            return .sqlite(path: path)
        }
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/"), text[..<colon].count > 1,
            text[text.index(after: colon)...].hasPrefix("//")
        {
            throw invalid("unknown decision log scheme '\(text[..<colon])' (use sqlite:PATH, postgres://..., or none)")
        }
        return .sqlite(path: text)
    }

    /// Opens the log a specification names, for writing (and reading).
    /// - Parameters:
    ///   - specification: `sqlite:PATH`, a path, `postgres://...`, or `none`.
    ///   - mode: `durable` or `buffered`.
    ///   - options: Batch interval, batch size and queue bound.
    /// - Returns: The log, or `nil` for `none`.
    /// - Throws: ``DecisionLogError`` from parsing or opening.
    public static func open(
        _ specification: String,
        mode: DecisionLogMode,
        options: DecisionLogOptions = DecisionLogOptions()
    ) async throws(DecisionLogError) -> (any DecisionLog & DecisionLogReader)? {
        switch try location(of: specification) {
        case .none:
            return nil
        case .sqlite(let path):
            return try SQLiteDecisionLog(path: path, mode: mode, options: options)
        case .postgres(let url):
            return try await PostgresDecisionLog.open(url: url, mode: mode, options: options)
        }
    }

    /// Opens the log a specification names for reading only (`tessera decisions`): a SQLite file must
    /// already exist and is neither created nor migrated.
    /// - Returns: The reader, or `nil` for `none`.
    /// - Throws: ``DecisionLogError`` from parsing or opening.
    public static func openReader(_ specification: String) async throws(DecisionLogError) -> (any DecisionLogReader)? {
        switch try location(of: specification) {
        case .none:
            return nil
        case .sqlite(let path):
            return try SQLiteDecisionLogReader(path: path)
        case .postgres(let url):
            return try await PostgresDecisionLog.open(url: url, mode: .buffered)
        }
    }
}
