internal import CEL

/// The output formats of `tessera check`.
package enum FindingFormat: String, Sendable, CaseIterable {
    /// `file:line:col: severity: [rule] message`, the source line and a caret, then a summary line.
    case text
    /// A JSON array of `{"file", "line", "column", "severity", "rule", "message"}` objects.
    case json
    /// SARIF 2.1.0, for code scanning.
    case sarif
    /// GitHub Actions workflow commands (`::error file=F,line=L,col=C::message`), which annotate the
    /// pull request.
    case github

    /// Renders a report; the text ends with a line break when not empty.
    package func render(_ report: PolicyCheck.Report) -> String {
        switch self {
        case .text: Self.text(report)
        case .json: Self.json(report.findings)
        case .sarif: Self.sarif(report.findings)
        case .github: Self.github(report.findings)
        }
    }

    private static func text(_ report: PolicyCheck.Report) -> String {
        var output = ""
        for finding in report.findings {
            let position = finding.position
            output +=
                "\(finding.file):\(position): \(finding.severity.rawValue): [\(finding.rule)] \(finding.message)\n"
            if !finding.sourceLine.isEmpty {
                var pad = ""
                for (index, scalar) in finding.sourceLine.unicodeScalars.enumerated() where index < position.column - 1
                {
                    pad.append(scalar == "\t" ? "\t" : " ")
                }
                output += " | \(finding.sourceLine)\n | \(pad)^\n"
            }
        }
        let files = report.fileCount == 1 ? "1 file" : "\(report.fileCount) files"
        output += "\(files) checked: \(count(report.errorCount, "error")), \(count(report.warningCount, "warning"))\n"
        return output
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        number == 1 ? "1 \(noun)" : "\(number) \(noun)s"
    }

    private static func json(_ findings: [PolicyFinding]) -> String {
        let objects = findings.map { finding in
            "  {\"file\": \(JSON.quote(finding.file)), \"line\": \(finding.position.line), "
                + "\"column\": \(finding.position.column), \"severity\": \(JSON.quote(finding.severity.rawValue)), "
                + "\"rule\": \(JSON.quote(finding.rule)), \"message\": \(JSON.quote(finding.message))}"
        }
        return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    private static func sarif(_ findings: [PolicyFinding]) -> String {
        let rules = PolicyRule.all
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let ruleObjects = rules.map { rule in
            """
                      {
                        "id": \(JSON.quote(rule.id)),
                        "shortDescription": {"text": \(JSON.quote(rule.summary))},
                        "defaultConfiguration": {"level": \(JSON.quote(rule.severity.rawValue))}
                      }
            """
        }
        let results = findings.map { finding in
            """
                    {
                      "ruleId": \(JSON.quote(finding.rule)),
                      "ruleIndex": \(ruleIndex[finding.rule] ?? 0),
                      "level": \(JSON.quote(finding.severity.rawValue)),
                      "message": {"text": \(JSON.quote(finding.message))},
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {"uri": \(JSON.quote(uri(finding.file)))},
                            "region": {"startLine": \(finding.position.line), "startColumn": \(finding.position.column)}
                          }
                        }
                      ]
                    }
            """
        }
        return """
            {
              "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
              "version": "2.1.0",
              "runs": [
                {
                  "tool": {
                    "driver": {
                      "name": "tessera",
                      "rules": [
            \(ruleObjects.joined(separator: ",\n"))
                      ]
                    }
                  },
                  "columnKind": "unicodeCodePoints",
                  "results": [\(results.isEmpty ? "" : "\n" + results.joined(separator: ",\n") + "\n      ")]
                }
              ]
            }

            """
    }

    /// A relative URI reference for a file path: `/` separators, percent-encoding of what is not
    /// allowed in a path.
    private static func uri(_ path: String) -> String {
        var result = ""
        for byte in path.utf8 {
            let character = Character(Unicode.Scalar(byte))
            if byte < 0x80, character.isLetter || character.isNumber || "-._~/!$&'()*+,;=:@".contains(character) {
                result.append(character)
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }

    private static func github(_ findings: [PolicyFinding]) -> String {
        findings.map { finding in
            let properties = [
                "file=\(escapeProperty(finding.file))",
                "line=\(finding.position.line)",
                "col=\(finding.position.column)",
                "title=\(escapeProperty("tessera \(finding.rule)"))",
            ]
            let command = finding.severity == .error ? "error" : "warning"
            return
                "::\(command) \(properties.joined(separator: ","))::\(escapeData("[\(finding.rule)] \(finding.message)"))\n"
        }.joined()
    }

    /// Escapes the message of a workflow command.
    private static func escapeData(_ text: String) -> String {
        escape(text, ["%": "%25", "\r": "%0D", "\n": "%0A"])
    }

    /// Escapes a property value of a workflow command.
    private static func escapeProperty(_ text: String) -> String {
        escape(text, ["%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"])
    }

    /// Replaces Unicode scalars (not characters: `\r\n` is one character but two scalars).
    private static func escape(_ text: String, _ replacements: [Unicode.Scalar: String]) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if let replacement = replacements[scalar] {
                result += replacement
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
