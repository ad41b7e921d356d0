/// One problem found in an expression, with where it is.
///
/// Diagnostics are collected, not thrown: the parser reports every syntax error of an input in one run.
public struct CELDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// Stable machine-readable codes, for tooling and tests.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code as written in reports, such as `syntax_error`.
        public var rawValue: String
        /// Creates a code; use the static members for the parser's own.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw value.
        public var description: String { rawValue }

        /// A token the grammar does not allow at this place.
        public static let syntaxError = Code(rawValue: "syntax_error")
        /// A character or literal the lexer cannot read (bad escape, unterminated string, stray byte).
        public static let invalidToken = Code(rawValue: "invalid_token")
        /// A numeric literal out of its type's range.
        public static let literalOutOfRange = Code(rawValue: "literal_out_of_range")
        /// A reserved word used as an identifier or function name.
        public static let reservedIdentifier = Code(rawValue: "reserved_identifier")
        /// A macro called with arguments it cannot expand.
        public static let invalidMacro = Code(rawValue: "invalid_macro")
        /// The expression exceeds a configured parser limit.
        public static let limitExceeded = Code(rawValue: "limit_exceeded")
    }

    /// How serious the problem is.
    public var severity: Severity
    /// The stable code of the problem.
    public var code: Code
    /// What is wrong, for people.
    public var message: String
    /// The UTF-8 offsets the problem covers; the caret goes under `range.lowerBound`.
    public var range: Range<Int>

    /// Creates a diagnostic.
    public init(severity: Severity = .error, code: Code, message: String, range: Range<Int>) {
        self.severity = severity
        self.code = code
        self.message = message
        self.range = range
    }

    /// A one-line summary, without the source line.
    public var description: String { "\(severity.rawValue) \(code): \(message) at offset \(range.lowerBound)" }

    /// Renders the diagnostic as `name:line:col: code: message`, then the source line and a caret
    /// under the spot.
    public func rendered(in source: Source) -> String {
        let location = source.location(of: range.lowerBound)
        let line = source.line(location.line)
        // Keep tabs so the caret lines up under them in a terminal.
        var pad = ""
        for (index, scalar) in line.unicodeScalars.enumerated() where index < location.column - 1 {
            pad.append(scalar == "\t" ? "\t" : " ")
        }
        return "\(source.name):\(location.line):\(location.column): \(code): \(message)\n | \(line)\n | \(pad)^"
    }
}

extension Array where Element == CELDiagnostic {
    /// All diagnostics rendered against their source, one after the other.
    public func rendered(in source: Source) -> String {
        map { $0.rendered(in: source) }.joined(separator: "\n")
    }
}
