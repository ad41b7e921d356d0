/// Tests the runner does not run, each with the reason why.
///
/// The text form has one entry a line: a pattern, then a tab or at least two spaces, then the reason.
/// Blank lines and lines starting with `#` are ignored. A line `[eval]` or `[parse]` makes the entries
/// after it apply in that mode only, and `[all]` in every mode again (the start of the list).
/// ```
/// # file/section/test      reason
/// parse/repeat/*           the parser limits nesting to 128
/// [eval]
/// proto2/*                 needs protobuf: TestAllTypes messages
/// ```
/// A pattern is `file/section/test` (the file without `.textproto`), or `file/section/*` or `file/*` for
/// a whole section or file. Names may contain single spaces and `/`; that is why two spaces or a tab end
/// the pattern.
public struct ConformanceSkipList: Sendable, Hashable {
    /// One line of the skip list.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// `file/section/test`, `file/section/*` or `file/*`.
        public var pattern: String
        /// Why the tests are skipped.
        public var reason: String
        /// The 1-based line of the entry in its list (0 when built in code).
        public var line: Int
        /// The mode the entry applies in, or `nil` for every mode.
        public var mode: ConformanceMode?

        /// Creates an entry.
        public init(pattern: String, reason: String, line: Int = 0, mode: ConformanceMode? = nil) {
            self.pattern = pattern
            self.reason = reason
            self.line = line
            self.mode = mode
        }

        /// Whether the entry applies when running in `mode`.
        public func applies(in mode: ConformanceMode) -> Bool {
            self.mode.map { $0 == mode } ?? true
        }

        /// The file part of the pattern: the text before the first `/`.
        public var file: String {
            String(pattern.prefix { $0 != "/" })
        }

        /// Whether the entry covers a test.
        public func matches(_ id: ConformanceTestID) -> Bool {
            guard pattern.hasSuffix("/*") else { return pattern == id.description }
            let prefix = pattern.dropLast(2)
            return prefix == id.file || prefix == "\(id.file)/\(id.section)"
        }

        /// `pattern  reason`.
        public var description: String { "\(pattern)  \(reason)" }
    }

    /// The entries, in list order.
    public var entries: [Entry]

    /// Creates a skip list from entries.
    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Reads the text form of a skip list.
    /// - Parameters:
    ///   - text: The list.
    ///   - source: The name of the list in error messages, such as its path.
    /// - Throws: `ConformanceError` naming the line of an entry without a reason, a malformed pattern, a
    ///   pattern given twice for the same mode, or an unknown `[mode]` line.
    public init(parsing text: String, source: String = "skip list") throws(ConformanceError) {
        var entries: [Entry] = []
        var seen: [String: Int] = [:]
        var mode: ConformanceMode?
        // "\r\n" is one Character, so it needs its own case.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            let line = Self.trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = String(line.dropFirst().dropLast())
                if name == "all" {
                    mode = nil
                    continue
                }
                guard let named = ConformanceMode(rawValue: name) else {
                    throw ConformanceError("\(source):\(lineNumber): unknown mode '\(name)' (use a mode name or 'all')")
                }
                mode = named
                continue
            }
            let (pattern, reason) = Self.splitEntry(line)
            guard !reason.isEmpty else {
                throw ConformanceError(
                    "\(source):\(lineNumber): '\(pattern)' has no reason (separate it with a tab or two spaces)"
                )
            }
            guard Self.isWellFormed(pattern) else {
                throw ConformanceError(
                    "\(source):\(lineNumber): '\(pattern)' is not file/section/test, file/section/* or file/*"
                )
            }
            let key = "\(mode?.rawValue ?? "all") \(pattern)"
            if let first = seen[key] {
                throw ConformanceError("\(source):\(lineNumber): '\(pattern)' is already listed on line \(first)")
            }
            seen[key] = lineNumber
            entries.append(Entry(pattern: pattern, reason: reason, line: lineNumber, mode: mode))
        }
        self.init(entries: entries)
    }

    /// The first entry covering a test in a mode, if any.
    public func entry(for id: ConformanceTestID, in mode: ConformanceMode) -> Entry? {
        entries.first { $0.applies(in: mode) && $0.matches(id) }
    }

    /// Splits a line at its first tab or run of two spaces.
    private static func splitEntry(_ line: Substring) -> (pattern: String, reason: String) {
        var index = line.startIndex
        while index < line.endIndex {
            let next = line.index(after: index)
            if line[index] == "\t" || (line[index] == " " && next < line.endIndex && line[next] == " ") {
                return (String(line[..<index]), String(trimmed(line[index...])))
            }
            index = next
        }
        return (String(line), "")
    }

    /// At least a file and one more part, every part non-empty.
    private static func isWellFormed(_ pattern: String) -> Bool {
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0.isEmpty }), !parts.dropLast().contains("*") else { return false }
        return parts.last == "*" ? parts.count >= 2 : parts.count >= 3
    }

    /// The text without leading and trailing spaces, tabs and carriage returns.
    private static func trimmed(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else {
            return text[text.endIndex...]
        }
        return text[first...last]
    }
}
