/// `tessera check` over policy files: every compile error and every lint, positioned in the YAML.
///
/// The files are compiled together, as one revision would be: each document is parsed and compiled
/// on its own (``PolicyDocument``, ``CompiledPolicy``), the ones that compile are then compiled as a
/// ``PolicySet`` for the errors between files (duplicate or nested names, invalid paths), and each
/// compiled policy is linted (``PolicyLinter``).
package enum PolicyCheck {
    /// The result of a check.
    package struct Report: Sendable {
        /// Every finding, sorted by file and position.
        package var findings: [PolicyFinding]
        /// How many files were checked.
        package var fileCount: Int

        /// Whether any finding is an error (exit status 1).
        package var hasErrors: Bool { findings.contains { $0.severity == .error } }
        /// How many findings are errors.
        package var errorCount: Int { findings.filter { $0.severity == .error }.count }
        /// How many findings are warnings.
        package var warningCount: Int { findings.filter { $0.severity == .warning }.count }
    }

    /// Checks policy files given as (path, text) pairs; the path is used in findings as it is.
    package static func check(files: [(path: String, text: String)]) -> Report {
        var findings: [PolicyFinding] = []
        var compiled: [(path: String, text: String)] = []
        var maps: [String: PolicySourceMap] = [:]
        var documents: [String: PolicyDocument] = [:]
        var policies: [(policy: CompiledPolicy, map: PolicySourceMap)] = []

        for file in files {
            let sourceMap: PolicySourceMap
            do throws(PolicySourceMap.SyntaxError) {
                sourceMap = try PolicySourceMap(file: file.path, text: file.text)
            } catch {
                findings.append(
                    PolicyFinding(
                        severity: .error,
                        rule: PolicyRule.compile.id,
                        file: file.path,
                        position: error.position,
                        message: "invalid YAML: \(error.message)",
                        sourceLine: lineText(file.text, error.position.line)
                    )
                )
                continue
            }
            maps[file.path] = sourceMap
            let document: PolicyDocument
            do {
                document = try PolicyDocument.parse(yaml: file.text, file: file.path)
            } catch {
                for problem in error.errors {
                    findings.append(
                        CompileErrorMapping.finding(for: problem, file: file.path, document: nil, sourceMap: sourceMap)
                    )
                }
                continue
            }
            documents[file.path] = document
            do {
                let policy = try CompiledPolicy(document)
                policies.append((policy, sourceMap))
                compiled.append(file)
            } catch {
                for problem in error.errors {
                    findings.append(
                        CompileErrorMapping.finding(
                            for: problem,
                            file: file.path,
                            document: document,
                            sourceMap: sourceMap
                        )
                    )
                }
            }
        }

        do {
            _ = try PolicySet.compile(files: compiled, idGenerator: DecisionIDGenerator { "" })
        } catch {
            for problem in error.errors {
                guard let sourceMap = maps[problem.file] else { continue }
                findings.append(
                    CompileErrorMapping.finding(
                        for: problem,
                        file: problem.file,
                        document: documents[problem.file],
                        sourceMap: sourceMap
                    )
                )
            }
        }

        for (policy, sourceMap) in policies {
            findings.append(contentsOf: PolicyLinter.lint(policy, sourceMap: sourceMap))
        }
        return Report(findings: PolicyFinding.sorted(Array(Set(findings))), fileCount: files.count)
    }

    /// Reads and checks the policy files under paths (see ``PolicyFiles/find(_:kind:)``).
    /// - Throws: ``PolicyFiles/PathError`` for a path that does not exist (a usage error).
    package static func check(paths: [String]) throws(PolicyFiles.PathError) -> Report {
        var files: [(path: String, text: String)] = []
        var unreadable: [PolicyFinding] = []
        for path in try PolicyFiles.find(paths, kind: .policies) {
            guard let text = PolicyFiles.read(path) else {
                unreadable.append(
                    PolicyFinding(
                        severity: .error,
                        rule: PolicyRule.compile.id,
                        file: path,
                        position: .start,
                        message: "cannot read the file as UTF-8"
                    )
                )
                continue
            }
            files.append((path, text))
        }
        var report = check(files: files)
        report.findings = PolicyFinding.sorted(report.findings + unreadable)
        report.fileCount += unreadable.count
        return report
    }

    private static func lineText(_ text: String, _ number: Int) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard number >= 1, number <= lines.count else { return "" }
        let line = lines[number - 1]
        return String(line.hasSuffix("\r") ? line.dropLast() : line)
    }
}
