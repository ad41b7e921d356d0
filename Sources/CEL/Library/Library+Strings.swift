/// The strings extension (cel-go `ext.Strings`, version 3): `charAt`, `indexOf`, `lastIndexOf`,
/// `lowerAscii`, `upperAscii`, `replace`, `split`, `substring`, `trim`, `join`, `reverse`,
/// `strings.quote` and `format`.
///
/// Indices count Unicode code points, never bytes or grapheme clusters. An index outside the string
/// is an error value (`index out of range: 30`), as the conformance corpus requires.
extension Library {
    /// The strings extension library: receiver functions on strings and lists of strings, the global
    /// `strings.quote`, and `format` (see `Library+StringFormat.swift`).
    public static let strings: Library = {
        var library = Library()
        library.define("charAt", .receiver, .binary(StringExtension.charAt))
        library.define("indexOf", .receiver, .binary { StringExtension.indexOf($0, $1, nil) })
        library.define("indexOf", .receiver, .ternary(StringExtension.indexOf))
        library.define("lastIndexOf", .receiver, .binary { StringExtension.lastIndexOf($0, $1, nil) })
        library.define("lastIndexOf", .receiver, .ternary(StringExtension.lastIndexOf))
        library.define("lowerAscii", .receiver, .unary { StringExtension.mapASCII("lowerAscii", $0, from: 0x41) })
        library.define("upperAscii", .receiver, .unary { StringExtension.mapASCII("upperAscii", $0, from: 0x61) })
        library.define("replace", .receiver, .ternary { StringExtension.replace($0, $1, $2, nil) })
        library.define(
            "replace",
            .receiver,
            .variadic(arity: 4) { StringExtension.replace($0[0], $0[1], $0[2], $0[3]) }
        )
        library.define("split", .receiver, .binary { StringExtension.split($0, $1, nil) })
        library.define("split", .receiver, .ternary(StringExtension.split))
        library.define("substring", .receiver, .binary { StringExtension.substring($0, $1, nil) })
        library.define("substring", .receiver, .ternary(StringExtension.substring))
        library.define("trim", .receiver, .unary(StringExtension.trim))
        library.define("join", .receiver, .unary { StringExtension.join($0, nil) })
        library.define("join", .receiver, .binary(StringExtension.join))
        library.define("reverse", .receiver, .unary(StringExtension.reverse))
        library.define("strings.quote", .global, .unary(StringExtension.quote))
        library.defineFormat()
        return library
    }()
}

/// The implementations of the strings extension. Searches run on UTF-8 bytes, which finds the same
/// matches as a search on code points (a match of valid UTF-8 in valid UTF-8 always starts and ends
/// on code point boundaries); indices are converted to and from code point counts at the edges.
enum StringExtension {
    @inline(never)
    static func outOfRange(_ index: Int64) -> Value {
        .error(.outOfRange, "index out of range: \(index)")
    }

    /// `s.charAt(i)`: the code point at `i`, or `""` when `i` is the length.
    @Sendable static func charAt(_ receiver: Value, _ index: Value) -> Value {
        guard case .string(let string) = receiver, case .int(let position) = index else {
            return .noSuchOverload("charAt", receiver, index)
        }
        guard position >= 0 else { return outOfRange(position) }
        var current: Int64 = 0
        for scalar in string.value.unicodeScalars {
            if current == position { return .string(String(scalar)) }
            current += 1
        }
        return current == position ? .string("") : outOfRange(position)
    }

    /// `s.indexOf(t)` and `s.indexOf(t, from)`: the code point index of the first occurrence of `t`
    /// at or after `from`, or -1.
    @Sendable static func indexOf(_ receiver: Value, _ needle: Value, _ start: Value?) -> Value {
        guard case .string(let string) = receiver, case .string(let search) = needle else {
            return overloadError("indexOf", receiver, needle, start)
        }
        var from: Int64 = 0
        if let start {
            guard case .int(let value) = start else { return overloadError("indexOf", receiver, needle, start) }
            from = value
        }
        let bytes = Array(string.value.utf8)
        guard from >= 0, let byteStart = UTF8Offsets.byteOffset(ofScalar: from, in: bytes) else {
            return outOfRange(from)
        }
        let pattern = BytePattern(Array(search.value.utf8))
        guard !pattern.isEmpty else { return .int(from) }
        guard let match = pattern.firstMatch(in: bytes, from: byteStart) else { return .int(-1) }
        return .int(Int64(UTF8Offsets.scalarCount(bytes[..<match])))
    }

    /// `s.lastIndexOf(t)` and `s.lastIndexOf(t, last)`: the code point index of the last occurrence
    /// of `t` that starts at or before `last` (the length by default), or -1.
    @Sendable static func lastIndexOf(_ receiver: Value, _ needle: Value, _ last: Value?) -> Value {
        guard case .string(let string) = receiver, case .string(let search) = needle else {
            return overloadError("lastIndexOf", receiver, needle, last)
        }
        let bytes = Array(string.value.utf8)
        var position = Int64(UTF8Offsets.scalarCount(bytes[...]))
        if let last {
            guard case .int(let value) = last else { return overloadError("lastIndexOf", receiver, needle, last) }
            position = value
        }
        guard position >= 0, let byteLimit = UTF8Offsets.byteOffset(ofScalar: position, in: bytes) else {
            return outOfRange(position)
        }
        let needleBytes = Array(search.value.utf8)
        guard !needleBytes.isEmpty else { return .int(position) }
        guard needleBytes.count <= bytes.count else { return .int(-1) }
        // A match starting at byte `s` ends at `s + m`; in the reversed string it starts at
        // `n - s - m`, so `s <= byteLimit` becomes a search from `n - byteLimit - m`.
        let reversedPattern = BytePattern(needleBytes.reversed())
        let reversedBytes = Array(bytes.reversed())
        let from = max(0, bytes.count - byteLimit - needleBytes.count)
        guard let match = reversedPattern.firstMatch(in: reversedBytes, from: from) else { return .int(-1) }
        let start = bytes.count - match - needleBytes.count
        return .int(Int64(UTF8Offsets.scalarCount(bytes[..<start])))
    }

    /// `lowerAscii` (`from` is `A`) and `upperAscii` (`from` is `a`): shifts the 26 ASCII letters
    /// starting at `from` to the other case and leaves every other code point alone.
    static func mapASCII(_ name: String, _ receiver: Value, from first: UInt8) -> Value {
        guard case .string(let string) = receiver else { return .noSuchOverload(name, receiver) }
        let last = first + 25
        let mapped = string.value.utf8.map { byte in
            byte >= first && byte <= last ? byte ^ 0x20 : byte
        }
        return .string(String(decoding: mapped, as: UTF8.self))
    }

    /// `s.replace(old, new)` and `s.replace(old, new, n)`: replaces the first `n` occurrences of
    /// `old` (all when `n` is negative or absent). An empty `old` matches before every code point
    /// and at the end, as Go's `strings.Replace` does.
    @Sendable static func replace(_ receiver: Value, _ old: Value, _ new: Value, _ limit: Value?) -> Value {
        guard case .string(let string) = receiver, case .string(let search) = old, case .string(let replacement) = new
        else {
            return overloadError("replace", receiver, old, new, limit)
        }
        var remaining: Int64 = -1
        if let limit {
            guard case .int(let value) = limit else { return overloadError("replace", receiver, old, new, limit) }
            remaining = value
        }
        if remaining == 0 { return receiver }
        let bytes = Array(string.value.utf8)
        let replacementBytes = Array(replacement.value.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        let pattern = BytePattern(Array(search.value.utf8))
        if pattern.isEmpty {
            var position = 0
            while remaining != 0 {
                output += replacementBytes
                remaining -= 1
                guard position < bytes.count else { break }
                let next = UTF8Offsets.nextScalarStart(after: position, in: bytes)
                output += bytes[position..<next]
                position = next
            }
            output += bytes[position...]
            return .string(String(decoding: output, as: UTF8.self))
        }
        var position = 0
        while remaining != 0, let match = pattern.firstMatch(in: bytes, from: position) {
            output += bytes[position..<match]
            output += replacementBytes
            position = match + pattern.count
            remaining -= 1
        }
        output += bytes[position...]
        return .string(String(decoding: output, as: UTF8.self))
    }

    /// `s.split(separator)` and `s.split(separator, n)`: at most `n` pieces (all when `n` is
    /// negative or absent, none when it is zero), the last one holding the rest of the string. An
    /// empty separator splits into code points.
    @Sendable static func split(_ receiver: Value, _ separator: Value, _ limit: Value?) -> Value {
        guard case .string(let string) = receiver, case .string(let separatorString) = separator else {
            return overloadError("split", receiver, separator, limit)
        }
        var count: Int64 = -1
        if let limit {
            guard case .int(let value) = limit else { return overloadError("split", receiver, separator, limit) }
            count = value
        }
        if count == 0 { return .list([]) }
        let bytes = Array(string.value.utf8)
        var pieces: [Value] = []
        func piece(_ range: Range<Int>) -> Value {
            .string(String(decoding: bytes[range], as: UTF8.self))
        }
        let pattern = BytePattern(Array(separatorString.value.utf8))
        var position = 0
        if pattern.isEmpty {
            while position < bytes.count {
                if count > 0 && Int64(pieces.count) == count - 1 { break }
                let next = UTF8Offsets.nextScalarStart(after: position, in: bytes)
                pieces.append(piece(position..<next))
                position = next
            }
            if position < bytes.count { pieces.append(piece(position..<bytes.count)) }
            return .list(pieces)
        }
        while count < 0 || Int64(pieces.count) < count - 1, let match = pattern.firstMatch(in: bytes, from: position) {
            pieces.append(piece(position..<match))
            position = match + pattern.count
        }
        pieces.append(piece(position..<bytes.count))
        return .list(pieces)
    }

    /// `s.substring(start)` and `s.substring(start, end)`: the code points in `start..<end`.
    @Sendable static func substring(_ receiver: Value, _ start: Value, _ end: Value?) -> Value {
        guard case .string(let string) = receiver, case .int(let first) = start else {
            return overloadError("substring", receiver, start, end)
        }
        let bytes = Array(string.value.utf8)
        guard first >= 0, let byteStart = UTF8Offsets.byteOffset(ofScalar: first, in: bytes) else {
            return outOfRange(first)
        }
        var byteEnd = bytes.count
        if let end {
            guard case .int(let last) = end else { return overloadError("substring", receiver, start, end) }
            guard last >= 0, let offset = UTF8Offsets.byteOffset(ofScalar: last, in: bytes) else {
                return outOfRange(last)
            }
            guard first <= last else {
                return .error(.outOfRange, "invalid substring range. start: \(first), end: \(last)")
            }
            byteEnd = offset
        }
        return .string(String(decoding: bytes[byteStart..<byteEnd], as: UTF8.self))
    }

    /// `s.trim()`: removes leading and trailing white space as Unicode's `White_Space` property
    /// defines it (zero-width spaces are not white space).
    @Sendable static func trim(_ receiver: Value) -> Value {
        guard case .string(let string) = receiver else { return .noSuchOverload("trim", receiver) }
        let scalars = string.value.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhiteSpace($0) }),
            let last = scalars.lastIndex(where: { !isWhiteSpace($0) })
        else {
            return .string("")
        }
        return .string(String(String.UnicodeScalarView(scalars[first...last])))
    }

    /// Unicode's `White_Space` code points, listed so the result does not depend on the platform's
    /// Unicode tables.
    static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }

    /// `list.join()` and `list.join(separator)`: concatenates a list of strings.
    @Sendable static func join(_ receiver: Value, _ separator: Value?) -> Value {
        guard case .list(let elements) = receiver else { return overloadError("join", receiver, separator) }
        var glue = ""
        if let separator {
            guard case .string(let value) = separator else { return overloadError("join", receiver, separator) }
            glue = value.value
        }
        var parts: [String] = []
        parts.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let part) = element else {
                return .error(
                    .noSuchOverload,
                    "no such overload: join expects a list of strings, found \(element.celType.name)"
                )
            }
            parts.append(part.value)
        }
        return .string(parts.joined(separator: glue))
    }

    /// `s.reverse()`: the code points in reverse order.
    @Sendable static func reverse(_ receiver: Value) -> Value {
        guard case .string(let string) = receiver else { return .noSuchOverload("reverse", receiver) }
        return .string(String(String.UnicodeScalarView(string.value.unicodeScalars.reversed())))
    }

    /// `strings.quote(s)`: `s` in double quotes with `\a \b \f \n \r \t \v \\ \"` escaped; every other
    /// code point is kept as is.
    @Sendable static func quote(_ argument: Value) -> Value {
        guard case .string(let string) = argument else { return .noSuchOverload("strings.quote", argument) }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in string.value.unicodeScalars {
            let escape: Unicode.Scalar? =
                switch scalar {
                case "\u{07}": "a"
                case "\u{08}": "b"
                case "\u{0C}": "f"
                case "\n": "n"
                case "\r": "r"
                case "\t": "t"
                case "\u{0B}": "v"
                case "\\": "\\"
                case "\"": "\""
                default: nil
                }
            if let escape {
                quoted.append("\\")
                quoted.append(escape)
            } else {
                quoted.append(scalar)
            }
        }
        quoted.append("\"")
        return .string(String(quoted))
    }

    /// The no-such-overload error for a call whose last argument may be absent.
    @inline(never)
    static func overloadError(_ name: String, _ arguments: Value?...) -> Value {
        let kinds = arguments.compactMap { $0?.celType.name }.joined(separator: ", ")
        return .error(.noSuchOverload, "no such overload: \(name)(\(kinds))")
    }
}

/// Conversions between code point indices and byte offsets in UTF-8.
enum UTF8Offsets {
    /// Whether a byte starts a code point (is not a continuation byte).
    @inline(__always)
    static func isScalarStart(_ byte: UInt8) -> Bool {
        byte & 0xC0 != 0x80
    }

    /// The number of code points in valid UTF-8.
    static func scalarCount(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + (isScalarStart($1) ? 1 : 0) }
    }

    /// The byte offset of code point `index`, the byte count when `index` is the code point count,
    /// or `nil` when `index` is beyond it. `index` must not be negative.
    static func byteOffset(ofScalar index: Int64, in bytes: [UInt8]) -> Int? {
        var seen: Int64 = 0
        for (offset, byte) in bytes.enumerated() where isScalarStart(byte) {
            if seen == index { return offset }
            seen += 1
        }
        return seen == index ? bytes.count : nil
    }

    /// The offset of the code point after the one starting at `position`.
    static func nextScalarStart(after position: Int, in bytes: [UInt8]) -> Int {
        var next = position + 1
        while next < bytes.count && !isScalarStart(bytes[next]) { next += 1 }
        return next
    }
}

/// A byte string to search for, with its Knuth–Morris–Pratt failure table, so a search takes time
/// linear in the text whatever the pattern.
struct BytePattern {
    let bytes: [UInt8]
    /// `failure[i]`: the length of the longest proper border of `bytes[0...i]`.
    private let failure: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var failure = [Int](repeating: 0, count: bytes.count)
        var border = 0
        for index in bytes.indices.dropFirst() {
            while border > 0 && bytes[index] != bytes[border] { border = failure[border - 1] }
            if bytes[index] == bytes[border] { border += 1 }
            failure[index] = border
        }
        self.failure = failure
    }

    var isEmpty: Bool { bytes.isEmpty }
    var count: Int { bytes.count }

    /// The offset of the first occurrence in `text` starting at or after `start`. The pattern must
    /// not be empty.
    func firstMatch(in text: [UInt8], from start: Int) -> Int? {
        var matched = 0
        var index = start
        while index < text.count {
            while matched > 0 && text[index] != bytes[matched] { matched = failure[matched - 1] }
            if text[index] == bytes[matched] { matched += 1 }
            if matched == bytes.count { return index + 1 - matched }
            index += 1
        }
        return nil
    }
}
