import CEL

/// The report as JSON lines, for `cel-conformance --json`.
extension ConformanceReport {
    /// One JSON object per line:
    /// 1. one per test, in run order:
    ///    `{"id":"file/section/test","file":…,"section":…,"test":…,"outcome":"passed|failed|skipped"}`,
    ///    with `"reason"` for failures and skips (a file that could not be read has `"file"` and no test);
    /// 2. one per stale skip entry: `{"unused_skip":"pattern","line":N}`;
    /// 3. the totals: `{"mode":"eval","passed":N,"failed":N,"skipped":N}`;
    ///
    /// and last, as in the text form, the line `conformance: N passed, N failed, N skipped`.
    public var jsonLines: [String] {
        var lines: [String] = []
        for file in files {
            for result in file.results {
                var fields: [(String, String)] = []
                if let id = result.id {
                    fields += [
                        ("id", Self.quoted(id.description)), ("file", Self.quoted(id.file)),
                        ("section", Self.quoted(id.section)), ("test", Self.quoted(id.test)),
                    ]
                } else {
                    fields.append(("file", Self.quoted(result.name)))
                }
                switch result.outcome {
                case .passed:
                    fields.append(("outcome", "\"passed\""))
                case .failed(let reason):
                    fields += [("outcome", "\"failed\""), ("reason", Self.quoted(reason))]
                case .skipped(let reason):
                    fields += [("outcome", "\"skipped\""), ("reason", Self.quoted(reason))]
                }
                lines.append(Self.object(fields))
            }
        }
        for entry in unusedSkips {
            lines.append(Self.object([("unused_skip", Self.quoted(entry.pattern)), ("line", String(entry.line))]))
        }
        lines.append(
            Self.object([
                ("mode", Self.quoted(mode.rawValue)), ("passed", String(passed)), ("failed", String(failed)),
                ("skipped", String(skipped)),
            ])
        )
        lines.append(summary)
        return lines
    }

    /// `jsonLines`, joined with newlines, with a final newline.
    public var renderedJSON: String {
        jsonLines.joined(separator: "\n") + "\n"
    }

    /// A JSON object from keys and already encoded values, in order.
    private static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal (CEL's JSON writer does the escaping).
    static func quoted(_ text: String) -> String {
        JSON.quote(text)
    }
}
