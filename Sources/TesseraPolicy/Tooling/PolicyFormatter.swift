internal import CEL
internal import Yams

/// `tessera fmt`: rewrites the CEL expressions of a policy file in the ``Unparser``'s normal form,
/// leaving the rest of the file (keys, comments, messages, `default`, blank lines) byte for byte.
///
/// Each expression scalar (`variables`, `rules`, `decision`) is replaced in place, where
/// ``YAMLScalarSpan`` located it. Block scalars (`|`, `>`) keep their header and indentation and get
/// the multi-line layout of ``ExpressionLayout``; plain and quoted scalars get the one-line text, in
/// their own style when it needs no escaping, else plain or single-quoted. Expressions with `//`
/// comments are left as they are (the unparser would drop the comments). The result is checked
/// before it is returned: every expression must parse back to the same tree, and the file must
/// still compile, or the file is not formatted.
package enum PolicyFormatter {
    /// Why a file was not formatted.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        /// The file.
        package var file: String
        /// What is wrong.
        package var message: String
        /// `file: message`.
        package var description: String { "\(file): \(message)" }
    }

    /// The formatted text of a policy file (the same text when nothing changes).
    /// - Throws: ``Failure`` when the file does not compile, a scalar cannot be located exactly, or
    ///   the result would not compile to the same expressions.
    package static func format(_ text: String, file: String) throws(Failure) -> String {
        let sourceMap: PolicySourceMap
        let document: PolicyDocument
        do {
            sourceMap = try PolicySourceMap(file: file, text: text)
            document = try PolicyDocument.parse(yaml: text, file: file)
            _ = try CompiledPolicy(document)
        } catch {
            throw Failure(file: file, message: "does not compile, not formatted (run tessera check)")
        }

        let fields =
            document.variables.map { ("variables.\($0.name)", $0.expression) }
            + document.rules.map { ("rules.\($0.name)", $0.expression) } + [("decision", document.decision)]
        var replacements: [(range: Range<Int>, text: String)] = []
        var expected: [String: String] = [:]
        for (field, expression) in fields {
            guard let span = sourceMap.span(field: field) else { continue }
            guard span.isExact else {
                throw Failure(file: file, message: "cannot locate the text of \(field) exactly, not formatted")
            }
            guard let (formatted, normal) = try normalize(expression, field: field, span: span, sourceMap: sourceMap)
            else {
                expected[field] = try unparsed(expression, file: file, field: field)
                continue
            }
            expected[field] = normal
            let replacement = render(formatted, span: span, sourceMap: sourceMap)
            let range = replacementRange(span)
            if String(decoding: sourceMap.bytes[range], as: UTF8.self) != replacement {
                replacements.append((range, replacement))
            }
        }
        guard !replacements.isEmpty else { return text }

        var bytes = sourceMap.bytes
        for replacement in replacements.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(replacement.range, with: Array(replacement.text.utf8))
        }
        let result = String(decoding: bytes, as: UTF8.self)
        try verify(result, file: file, expected: expected)
        return result
    }

    /// The unparsed (one-line, normal) text of an expression.
    private static func unparsed(_ expression: String, file: String, field: String) throws(Failure) -> String {
        let parse = Parser().parse(expression)
        guard let parsed = parse.parsed else { throw Failure(file: file, message: "\(field) does not parse") }
        do {
            return try Unparser().unparse(parsed)
        } catch {
            throw Failure(file: file, message: "\(field): \(error)")
        }
    }

    /// The formatted lines of an expression and its one-line normal form, or `nil` when it is to be
    /// left alone (it has comments).
    private static func normalize(
        _ expression: String,
        field: String,
        span: YAMLScalarSpan,
        sourceMap: PolicySourceMap
    ) throws(Failure) -> (lines: [String], normal: String)? {
        let file = sourceMap.file
        let parse = Parser().parse(expression)
        guard let parsed = parse.parsed else { throw Failure(file: file, message: "\(field) does not parse") }
        if hasComment(expression, parsed.expr) { return nil }
        do {
            let normal = try Unparser().unparse(parsed)
            guard span.style.isBlock else { return ([normal], normal) }
            let layout = ExpressionLayout(baseIndent: blockIndent(span, sourceMap), macroCalls: parsed.macroCalls)
            return (try layout.lines(parsed.expr), normal)
        } catch {
            throw Failure(file: file, message: "\(field): \(error)")
        }
    }

    /// Whether the text holds a `//` comment: more `//` than its string literals account for.
    static func hasComment(_ text: String, _ expr: Expr) -> Bool {
        func count(_ text: String) -> Int { text.split(separator: "//", omittingEmptySubsequences: false).count - 1 }
        let total = count(text)
        guard total > 0 else { return false }
        var inLiterals = 0
        PolicyLinter.walk(expr) { node in
            if case .literal(.string(let value)) = node.kind { inLiterals += count(value) }
        }
        return total > inLiterals
    }

    /// The indentation of a block scalar's content lines (that of the key plus two when unknown).
    private static func blockIndent(_ span: YAMLScalarSpan, _ sourceMap: PolicySourceMap) -> Int {
        if let indent = span.blockIndent, indent > 0 { return indent }
        let line = sourceMap.line(sourceMap.position(ofByte: span.start).line)
        return line.prefix { $0 == " " }.count + 2
    }

    /// The bytes a new scalar text replaces: the whole scalar, or a block scalar's content after its
    /// header line.
    private static func replacementRange(_ span: YAMLScalarSpan) -> Range<Int> {
        if span.style.isBlock, let headerEnd = span.headerEnd { return headerEnd..<max(headerEnd, span.end) }
        return span.start..<span.end
    }

    /// The new scalar text.
    private static func render(_ lines: [String], span: YAMLScalarSpan, sourceMap: PolicySourceMap) -> String {
        if span.style.isBlock {
            let pad = String(repeating: " ", count: blockIndent(span, sourceMap))
            return lines.map { "\n" + pad + $0 }.joined()
        }
        let text = lines.joined(separator: " ")
        switch span.style {
        case .singleQuoted where !text.contains("'"):
            return "'\(text)'"
        case .doubleQuoted where !text.contains("\"") && !text.contains("\\"):
            return "\"\(text)\""
        case .plain, .singleQuoted, .doubleQuoted, .literal, .folded:
            if isPlainSafe(text) { return text }
            return "'" + text.replacing("'", with: "''") + "'"
        }
    }

    /// Whether a one-line text reads back as the same string when written as a plain scalar in a
    /// block mapping (conservative: the result is verified anyway).
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last else { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first == " " || last == " " || last == ":" { return false }
        if text.contains(": ") || text.contains(" #") || text.contains("\t") || text.contains("\n") { return false }
        return !["null", "Null", "NULL", "~"].contains(text)
    }

    /// Checks the formatted file: it parses as a policy, each expression parses back to the same
    /// tree as before, and it compiles.
    private static func verify(_ text: String, file: String, expected: [String: String]) throws(Failure) {
        let document: PolicyDocument
        do {
            document = try PolicyDocument.parse(yaml: text, file: file)
            _ = try CompiledPolicy(document)
        } catch {
            throw Failure(file: file, message: "the formatted file would not compile, not formatted: \(error)")
        }
        let fields =
            document.variables.map { ("variables.\($0.name)", $0.expression) }
            + document.rules.map { ("rules.\($0.name)", $0.expression) } + [("decision", document.decision)]
        for (field, expression) in fields {
            guard try unparsed(expression, file: file, field: field) == expected[field] else {
                throw Failure(file: file, message: "formatting would change \(field), not formatted")
            }
        }
    }
}
