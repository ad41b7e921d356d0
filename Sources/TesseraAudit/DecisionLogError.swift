/// Why a decision log could not be opened, written or read.
///
/// The message names the store (a file path, or a PostgreSQL URL without its password) and what went wrong.
public struct DecisionLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable kind of a decision-log error.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's text, such as `decision_log_closed`.
        public var rawValue: String

        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The code's text.
        public var description: String { rawValue }

        /// The log specification (`sqlite:PATH`, `postgres://...`, `none`) or an option is malformed.
        public static let invalidSpecification = Code(rawValue: "decision_log_invalid_specification")
        /// The store could not be opened or reached (missing directory, permissions, connection refused).
        public static let cannotOpen = Code(rawValue: "decision_log_cannot_open")
        /// The file is not a SQLite database, or it is damaged. Nothing was changed or deleted.
        public static let corrupt = Code(rawValue: "decision_log_corrupt")
        /// The store was written by a newer Tessera (unknown schema version), or its table is not ours.
        public static let unsupportedSchema = Code(rawValue: "decision_log_unsupported_schema")
        /// A plaintext connection to a PostgreSQL server that is not on loopback was refused.
        public static let insecureConnection = Code(rawValue: "decision_log_insecure_connection")
        /// The log was closed; nothing more can be appended.
        public static let closed = Code(rawValue: "decision_log_closed")
        /// Records could not be committed.
        public static let writeFailed = Code(rawValue: "decision_log_write_failed")
        /// The buffered queue is full and the store is failing: the record was not accepted.
        public static let unavailable = Code(rawValue: "decision_log_unavailable")
        /// A query over the log failed.
        public static let queryFailed = Code(rawValue: "decision_log_query_failed")
    }

    /// The kind of error.
    public var code: Code
    /// The store: a file path, or a PostgreSQL URL without its password.
    public var store: String
    /// What went wrong, for people.
    public var message: String

    /// Creates an error.
    public init(code: Code, store: String, message: String) {
        self.code = code
        self.store = store
        self.message = message
    }

    /// `STORE: MESSAGE`.
    public var description: String { store.isEmpty ? message : "\(store): \(message)" }
}
