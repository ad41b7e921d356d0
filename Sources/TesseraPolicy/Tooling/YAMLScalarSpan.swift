/// Where one YAML scalar lies in its file, and which file byte each byte of its value came from.
///
/// libyaml (through Yams) gives only the start of a node. A CEL position is an offset into the
/// scalar's *value*, which differs from the file text by the quotes, the escapes (`''`, `\"`, `\n`),
/// the indentation of block scalars and the folding of line breaks. The span is found by walking the
/// file text from the start mark and the value side by side, the way the YAML scanner produced one
/// from the other: plain, single- and double-quoted scalars, and literal (`|`) and folded (`>`) block
/// scalars, whose content starts on the line after the header at the block's indentation.
struct YAMLScalarSpan: Sendable, Hashable {
    /// The presentation styles of a scalar.
    enum Style: Sendable, Hashable {
        case plain
        case singleQuoted
        case doubleQuoted
        case literal
        case folded

        /// Whether the style is a block scalar (`|` or `>`).
        var isBlock: Bool { self == .literal || self == .folded }
    }

    /// How the scalar is written.
    var style: Style
    /// The UTF-8 offset of the scalar's text in the file: its first character, opening quote or block
    /// indicator (after any tag or anchor).
    var start: Int
    /// The UTF-8 offset just past the scalar's text: after the closing quote, the last character of a
    /// plain scalar, or the last non-blank content line of a block scalar.
    var end: Int
    /// For each UTF-8 byte of the value, the offset in the file it was read from.
    var valueOffsets: [Int]
    /// Whether the whole value was matched against the file text. When not, the bytes not matched map
    /// to `start`, and the span is not safe to rewrite.
    var isExact: Bool
    /// For block scalars: the indentation of the content lines, in spaces.
    var blockIndent: Int?
    /// For block scalars: the offset just past the header line (`|-  # comment`), before its line break.
    var headerEnd: Int?

    /// The file offset of a UTF-8 offset into the value; the end of the value maps just past its
    /// last byte, and anything outside maps to `start`.
    func fileOffset(ofValueOffset offset: Int) -> Int {
        if offset >= 0, offset < valueOffsets.count { return valueOffsets[offset] }
        if offset == valueOffsets.count, let last = valueOffsets.last, isExact { return last + 1 }
        return start
    }

    /// Locates a scalar whose node starts at byte `nodeStart` of `file` and whose value is `value`.
    static func locate(in file: [UInt8], nodeStart: Int, value: String, style: Style) -> YAMLScalarSpan {
        var scanner = Scanner(file: file, value: Array(value.utf8), style: style)
        return scanner.scan(from: nodeStart)
    }
}

/// Walks the file text and the value together.
private struct Scanner {
    let file: [UInt8]
    let value: [UInt8]
    let style: YAMLScalarSpan.Style

    private var offsets: [Int] = []
    private var position = 0
    private var valueIndex = 0

    init(file: [UInt8], value: [UInt8], style: YAMLScalarSpan.Style) {
        self.file = file
        self.value = value
        self.style = style
        offsets.reserveCapacity(value.count)
    }

    private func byte(_ index: Int) -> UInt8 { index >= 0 && index < file.count ? file[index] : 0 }

    mutating func scan(from nodeStart: Int) -> YAMLScalarSpan {
        position = min(max(0, nodeStart), file.count)
        skipNodeProperties()
        let start = position
        var blockIndent: Int?
        var headerEnd: Int?
        var blockEnd = start
        switch style {
        case .plain:
            break
        case .singleQuoted, .doubleQuoted:
            position += 1
        case .literal, .folded:
            let header = readBlockHeader(at: start)
            blockIndent = header.indent
            headerEnd = header.headerEnd
            blockEnd = header.contentEnd
            position = header.contentStart
        }
        let exact = align(blockIndent: blockIndent)
        while offsets.count < value.count { offsets.append(start) }
        var end = exact ? position : start
        if exact {
            switch style {
            case .plain:
                break
            case .singleQuoted, .doubleQuoted:
                let quote = UInt8(ascii: style == .singleQuoted ? "'" : "\"")
                var index = position
                while index < file.count, file[index] != quote { index += 1 }
                end = index < file.count ? index + 1 : position
            case .literal, .folded:
                end = max(blockEnd, headerEnd ?? start)
            }
        }
        return YAMLScalarSpan(
            style: style,
            start: start,
            end: end,
            valueOffsets: offsets,
            isExact: exact,
            blockIndent: blockIndent,
            headerEnd: headerEnd
        )
    }

    /// Skips a tag (`!!str`) or an anchor (`&name`) written before the scalar, and the spaces after it.
    private mutating func skipNodeProperties() {
        while byte(position) == UInt8(ascii: "!") || byte(position) == UInt8(ascii: "&") {
            while position < file.count, !isBlank(file[position]) { position += 1 }
            while position < file.count, isBlank(file[position]) { position += 1 }
        }
    }

    private struct BlockHeader {
        var indent: Int
        var headerEnd: Int
        var contentStart: Int
        var contentEnd: Int
    }

    /// Reads `|` or `>` with its chomping and indentation indicators, and finds the content lines:
    /// the block's indentation is explicit (relative to the line of the header) or that of the first
    /// non-blank line; the block ends before the first non-blank line indented less.
    private func readBlockHeader(at start: Int) -> BlockHeader {
        var index = start + 1
        var explicit: Int?
        while index < file.count, file[index] != UInt8(ascii: "\n"), file[index] != UInt8(ascii: "#") {
            let character = file[index]
            if character >= UInt8(ascii: "1"), character <= UInt8(ascii: "9") {
                explicit = Int(character - UInt8(ascii: "0"))
            }
            index += 1
        }
        var headerEnd = index
        while headerEnd < file.count, file[headerEnd] != UInt8(ascii: "\n") { headerEnd += 1 }
        var lineEndOfHeader = headerEnd
        if lineEndOfHeader > start, byte(lineEndOfHeader - 1) == UInt8(ascii: "\r") { lineEndOfHeader -= 1 }
        let contentStart = min(headerEnd + 1, file.count)

        var indent: Int
        if let explicit {
            var lineStart = start
            while lineStart > 0, file[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
            indent = leadingSpaces(at: lineStart) + explicit
        } else {
            indent = 0
            var lineStart = contentStart
            while lineStart < file.count {
                let spaces = leadingSpaces(at: lineStart)
                let after = byte(lineStart + spaces)
                if after != UInt8(ascii: "\n"), after != UInt8(ascii: "\r"), lineStart + spaces < file.count {
                    indent = spaces
                    break
                }
                lineStart = nextLine(after: lineStart)
            }
        }

        var contentEnd = lineEndOfHeader
        var lineStart = contentStart
        while lineStart < file.count {
            let spaces = leadingSpaces(at: lineStart)
            let after = byte(lineStart + spaces)
            let blank = after == UInt8(ascii: "\n") || after == UInt8(ascii: "\r") || lineStart + spaces >= file.count
            if !blank {
                if spaces < indent || indent == 0 { break }
                var end = lineStart
                while end < file.count, file[end] != UInt8(ascii: "\n") { end += 1 }
                if end > lineStart, file[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                contentEnd = end
            }
            lineStart = nextLine(after: lineStart)
        }
        return BlockHeader(
            indent: indent,
            headerEnd: lineEndOfHeader,
            contentStart: contentStart,
            contentEnd: contentEnd
        )
    }

    private func leadingSpaces(at lineStart: Int) -> Int {
        var count = 0
        while byte(lineStart + count) == UInt8(ascii: " ") { count += 1 }
        return count
    }

    private func nextLine(after lineStart: Int) -> Int {
        var index = lineStart
        while index < file.count, file[index] != UInt8(ascii: "\n") { index += 1 }
        return index + 1
    }

    private func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private func isWhitespace(_ byte: UInt8) -> Bool {
        isBlank(byte) || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    private mutating func record(_ fileOffset: Int, count: Int = 1) {
        for _ in 0..<count { offsets.append(fileOffset) }
        valueIndex += count
    }

    /// Matches the value against the file from `position`; returns whether every byte matched.
    private mutating func align(blockIndent: Int?) -> Bool {
        var atLineStart = style.isBlock
        while valueIndex < value.count {
            guard position < file.count else { return false }
            if atLineStart {
                atLineStart = false
                var skipped = 0
                while position < file.count, isBlank(file[position]) {
                    if let blockIndent, skipped >= blockIndent || file[position] != UInt8(ascii: " ") { break }
                    position += 1
                    skipped += 1
                }
                continue
            }
            let character = file[position]
            let expected = value[valueIndex]
            if style == .singleQuoted, character == UInt8(ascii: "'") {
                guard byte(position + 1) == UInt8(ascii: "'"), expected == UInt8(ascii: "'") else { return false }
                record(position)
                position += 2
                continue
            }
            if style == .doubleQuoted, character == UInt8(ascii: "\"") { return false }
            if style == .doubleQuoted, character == UInt8(ascii: "\\") {
                let next = byte(position + 1)
                if next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") {
                    // An escaped line break: the break and the next line's indentation are dropped.
                    position += next == UInt8(ascii: "\r") && byte(position + 2) == UInt8(ascii: "\n") ? 3 : 2
                    atLineStart = true
                    continue
                }
                guard let (decoded, length) = decodeEscape(at: position),
                    valueIndex + decoded.count <= value.count,
                    Array(value[valueIndex..<valueIndex + decoded.count]) == decoded
                else { return false }
                record(position, count: decoded.count)
                position += length
                continue
            }
            if character == expected {
                record(position)
                position += 1
                if character == UInt8(ascii: "\n") { atLineStart = true }
                continue
            }
            if character == UInt8(ascii: "\n"), expected == UInt8(ascii: " "), style != .literal {
                // A folded line break.
                record(position)
                position += 1
                atLineStart = true
                continue
            }
            if isWhitespace(character) {
                position += 1
                if character == UInt8(ascii: "\n") { atLineStart = true }
                continue
            }
            return false
        }
        return true
    }

    /// The one-character escapes of double-quoted scalars (YAML 1.2, 5.7) and what they stand for.
    private static let simpleEscapes: [UInt8: UInt32] = [
        UInt8(ascii: "0"): 0, UInt8(ascii: "a"): 7, UInt8(ascii: "b"): 8, UInt8(ascii: "t"): 9, 9: 9,
        UInt8(ascii: "n"): 10, UInt8(ascii: "v"): 11, UInt8(ascii: "f"): 12, UInt8(ascii: "r"): 13,
        UInt8(ascii: "e"): 27, UInt8(ascii: " "): 32, UInt8(ascii: "\""): 34, UInt8(ascii: "/"): 47,
        UInt8(ascii: "\\"): 92, UInt8(ascii: "N"): 0x85, UInt8(ascii: "_"): 0xA0, UInt8(ascii: "L"): 0x2028,
        UInt8(ascii: "P"): 0x2029,
    ]

    /// The bytes a double-quoted escape at `index` stands for, and the escape's length in the file.
    private func decodeEscape(at index: Int) -> ([UInt8], Int)? {
        let code = byte(index + 1)
        if let scalar = Self.simpleEscapes[code] { return (utf8(scalar), 2) }
        let digits: Int
        switch code {
        case UInt8(ascii: "x"): digits = 2
        case UInt8(ascii: "u"): digits = 4
        case UInt8(ascii: "U"): digits = 8
        default: return nil
        }
        var scalar: UInt32 = 0
        for offset in 0..<digits {
            guard let digit = hexValue(byte(index + 2 + offset)) else { return nil }
            scalar = scalar << 4 | digit
        }
        return (utf8(scalar), 2 + digits)
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private func utf8(_ scalar: UInt32) -> [UInt8] {
        guard let unicode = Unicode.Scalar(scalar) else { return [] }
        return Array(String(Character(unicode)).utf8)
    }
}
