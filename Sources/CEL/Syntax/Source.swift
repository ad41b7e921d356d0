/// The text of one CEL expression, and the mapping of UTF-8 offsets to lines and columns.
public struct Source: Sendable {
    /// A name for the text in diagnostics, such as a file name or `<input>`.
    public let name: String
    /// The expression text.
    public let text: String
    /// The UTF-8 bytes of `text`.
    public let bytes: [UInt8]

    /// Creates a source.
    public init(_ text: String, name: String = "<input>") {
        self.name = name
        self.text = text
        self.bytes = Array(text.utf8)
    }

    /// The UTF-8 offset at which each line starts; the first is 0. Computed on demand: only
    /// diagnostics need it, and parsing a valid expression should not pay for it.
    public var lineStarts: [Int] {
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(index + 1)
        }
        return starts
    }

    /// A position in the text, 1-based, with the column counted in Unicode scalars.
    public struct Location: Sendable, Hashable, CustomStringConvertible {
        /// The 1-based line number.
        public var line: Int
        /// The 1-based column, counted in Unicode scalars from the start of the line.
        public var column: Int
        /// Creates a location.
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
        /// `line:column`.
        public var description: String { "\(line):\(column)" }
    }

    /// The line and column of a UTF-8 offset (clamped to the text).
    public func location(of offset: Int) -> Location {
        let offset = max(0, min(offset, bytes.count))
        let lineStarts = self.lineStarts
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var index = lineStarts[low]
        while index < offset {
            // Count only the first byte of each UTF-8 sequence.
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return Location(line: low + 1, column: column)
    }

    /// The text of a 1-based line, without its line terminator.
    public func line(_ number: Int) -> String {
        let lineStarts = self.lineStarts
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }
}
