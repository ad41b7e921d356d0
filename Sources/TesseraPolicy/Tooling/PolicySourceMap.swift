internal import Yams

/// Where the parts of a policy file are: the key and the value of each field (`name`, `decision`,
/// `rules.allow`, `variables.tool`, `messages.allow`, ...), so that a CEL offset inside an expression
/// maps to the line and column of the YAML file.
///
/// CEL reports positions from the start of the expression; a policy author needs them in the file.
/// ``position(field:offset:)`` follows each value byte back to the file through ``YAMLScalarSpan``,
/// which undoes quoting, escapes, block indentation and line folding.
package struct PolicySourceMap: Sendable {
    /// The file name used in findings.
    package let file: String
    /// The file's text.
    package let text: String
    let bytes: [UInt8]
    let lineStarts: [Int]
    /// The key of each field, by field path (`decision`, `rules.allow`), as UTF-8 offsets.
    private(set) var keys: [String: Int] = [:]
    /// The value of each scalar field, by field path.
    private(set) var scalars: [String: YAMLScalarSpan] = [:]

    /// A YAML syntax error: where and what.
    package struct SyntaxError: Error, Sendable {
        /// Where libyaml stopped.
        package var position: FilePosition
        /// libyaml's complaint.
        package var message: String
    }

    /// Maps a policy file. Fields that are not where a policy document has them are ignored (the
    /// document parser reports them).
    /// - Throws: ``SyntaxError`` when the text is not YAML.
    package init(file: String, text: String) throws(SyntaxError) {
        self.file = file
        self.text = text
        let bytes = Array(text.utf8)
        self.bytes = bytes
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(index + 1) }
        self.lineStarts = starts

        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.syntaxError(error)
        } catch {
            throw SyntaxError(position: .start, message: "invalid YAML: \(error)")
        }
        guard case .mapping(let mapping)? = root else { return }
        for (key, value) in mapping {
            guard case .scalar(let name) = key else { continue }
            record(key: key, value: value, path: name.string)
            guard ["variables", "rules", "messages"].contains(name.string), case .mapping(let entries) = value else {
                continue
            }
            for (entryKey, entryValue) in entries {
                guard case .scalar(let entryName) = entryKey else { continue }
                record(key: entryKey, value: entryValue, path: "\(name.string).\(entryName.string)")
            }
        }
    }

    private mutating func record(key: Node, value: Node, path: String) {
        if keys[path] == nil, let mark = key.mark { keys[path] = offset(of: mark) }
        guard scalars[path] == nil, case .scalar(let scalar) = value, let mark = value.mark else { return }
        let style: YAMLScalarSpan.Style
        switch scalar.style {
        case .singleQuoted: style = .singleQuoted
        case .doubleQuoted: style = .doubleQuoted
        case .literal: style = .literal
        case .folded: style = .folded
        case .plain, .any: style = .plain
        }
        scalars[path] = YAMLScalarSpan.locate(
            in: bytes,
            nodeStart: offset(of: mark),
            value: scalar.string,
            style: style
        )
    }

    private static func syntaxError(_ error: YamlError) -> SyntaxError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) at \($0.mark.line):\($0.mark.column): " } ?? ""
            return SyntaxError(position: FilePosition(line: mark.line, column: mark.column), message: prefix + problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return SyntaxError(
                position: FilePosition(line: context.mark.line, column: context.mark.column),
                message: "duplicate key(s) \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", "))"
            )
        case .reader(let problem, _, _, _):
            return SyntaxError(position: .start, message: "cannot read the file: \(problem)")
        default:
            return SyntaxError(position: .start, message: "invalid YAML: \(error)")
        }
    }

    /// The UTF-8 offset of a libyaml mark (1-based line, column in Unicode scalars).
    func offset(of mark: Mark) -> Int {
        guard mark.line >= 1, mark.line <= lineStarts.count else { return 0 }
        var index = lineStarts[mark.line - 1]
        var column = 1
        while column < mark.column, index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
            index += 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            column += 1
        }
        return index
    }

    /// The line and column of a UTF-8 offset of the file (clamped to the text).
    package func position(ofByte offset: Int) -> FilePosition {
        let offset = max(0, min(offset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var index = lineStarts[low]
        while index < offset {
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return FilePosition(line: low + 1, column: column)
    }

    /// The text of a 1-based line, without its line break.
    package func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The file position of a UTF-8 offset into the expression of a field, or of the field's value
    /// when the offset cannot be followed, or `nil` when the file has no such field.
    package func position(field: String, offset: Int) -> FilePosition? {
        guard let span = scalars[field] else { return keyPosition(field: field) }
        return position(ofByte: span.fileOffset(ofValueOffset: offset))
    }

    /// The file position of a field's key (`rules.allow` → the `allow` key), or `nil`.
    package func keyPosition(field: String) -> FilePosition? {
        keys[field].map { position(ofByte: $0) }
    }

    /// The file position of a field's value, or of its key when the value is not a scalar, or `nil`.
    package func valuePosition(field: String) -> FilePosition? {
        guard let span = scalars[field] else { return keyPosition(field: field) }
        return position(ofByte: span.start)
    }

    /// The located value of a scalar field.
    func span(field: String) -> YAMLScalarSpan? { scalars[field] }

    /// The UTF-8 offset of a 1-based line and column (in Unicode scalars) of an expression's text, as
    /// CEL's rendered diagnostics give them (clamped to the text).
    package static func offset(in expression: String, line: Int, column: Int) -> Int {
        let bytes = Array(expression.utf8)
        var index = 0
        var currentLine = 1
        while currentLine < line, index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { currentLine += 1 }
            index += 1
        }
        var currentColumn = 1
        while currentColumn < column, index < bytes.count, bytes[index] != UInt8(ascii: "\n") {
            index += 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            currentColumn += 1
        }
        return index
    }
}
