/// Turns the compile errors of ``PolicyDocument``, ``CompiledPolicy`` and ``PolicySet`` into findings
/// positioned in the YAML file.
///
/// The compiler renders CEL diagnostics against the expression (`file#rules.allow:1:9: code: ...`),
/// so their line and column count from the start of the expression; the YAML reader renders
/// `file:line:col: ...`; the remaining errors name only the file and the field (`file: name: ...`).
/// Each form is read back here and placed with the file's ``PolicySourceMap``; when a message has no
/// recognizable position, the finding goes to the field's value, or to the start of the file.
enum CompileErrorMapping {
    /// The finding for one compile error of a file.
    /// - Parameters:
    ///   - error: The compiler's error.
    ///   - file: The file name as shown in findings.
    ///   - document: The parsed document, for the expression texts, when it parsed.
    ///   - sourceMap: The file's source map.
    static func finding(
        for error: PolicyError,
        file: String,
        document: PolicyDocument?,
        sourceMap: PolicySourceMap
    ) -> PolicyFinding {
        var message = error.message
        var position: FilePosition?
        var rule = PolicyRule.compile

        if let field = error.field, message.hasPrefix("\(error.file)#\(field):"),
            let (line, column, rest) = lineAndColumn(message.dropFirst("\(error.file)#\(field):".count))
        {
            // A CEL diagnostic rendered against the expression: the first line is the message, the
            // source line and caret after it are about the expression, not the file.
            let firstLine = rest.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? rest
            message = "\(field): \(firstLine)"
            if firstLine.hasPrefix("invalid_argument:"), firstLine.contains("regular expression") {
                rule = .invalidRegex
            }
            if let expression = expressionText(field: field, document: document) {
                let offset = PolicySourceMap.offset(in: expression, line: line, column: column)
                position = sourceMap.position(field: field, offset: offset)
            }
        } else if message.hasPrefix("\(error.file):"),
            let (line, column, rest) = lineAndColumn(message.dropFirst("\(error.file):".count))
        {
            message = rest
            position = FilePosition(line: line, column: column)
        } else {
            if message.hasPrefix("\(error.file): ") { message = String(message.dropFirst("\(error.file): ".count)) }
            if let field = error.field {
                position =
                    field.hasPrefix("messages.")
                    ? sourceMap.keyPosition(field: field) : sourceMap.valuePosition(field: field)
            }
        }
        let resolved = position ?? sourceMap.valuePosition(field: error.field ?? "") ?? .start
        return PolicyFinding(
            severity: rule.severity,
            rule: rule.id,
            file: file,
            position: resolved,
            message: message,
            sourceLine: sourceMap.line(resolved.line)
        )
    }

    /// The CEL text of a field of a document (`input`, `decision`, `variables.x`, `rules.x`).
    static func expressionText(field: String, document: PolicyDocument?) -> String? {
        guard let document else { return nil }
        if field == "input" { return document.inputType }
        if field == "decision" { return document.decision }
        if field.hasPrefix("variables.") {
            return document.variables.first { "variables.\($0.name)" == field }?.expression
        }
        if field.hasPrefix("rules.") {
            return document.rules.first { "rules.\($0.name)" == field }?.expression
        }
        return nil
    }

    /// Reads `LINE:COLUMN: rest` (spaces after the last colon dropped).
    private static func lineAndColumn(_ text: Substring) -> (Int, Int, String)? {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let line = Int(parts[0]), let column = Int(parts[1]) else { return nil }
        return (line, column, String(parts[2].drop { $0 == " " }))
    }
}
