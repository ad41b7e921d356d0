import CELConformance
import Foundation
import Testing

/// Where the upstream CEL corpus and our own corpus are, and their expressions.
enum CorpusLocation {
    /// The repository root, three levels above this file.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The cel-spec checkout: `CEL_SPEC_DIR` when set, else `<repo>/../shared/cel-spec`.
    static var celSpecDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["CEL_SPEC_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/cel-spec")
    }

    /// The upstream corpus directory, or `nil` after recording an issue that names the path looked for.
    static func upstreamCorpus(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let corpus = celSpecDirectory.appendingPathComponent("tests/simple/testdata").standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: corpus, isDirectory: &isDirectory), isDirectory.boolValue else {
            Issue.record(
                """
                the CEL conformance corpus is missing: looked for the directory \(corpus) \
                (set CEL_SPEC_DIR to the cel-spec directory)
                """,
                sourceLocation: sourceLocation
            )
            return nil
        }
        return corpus
    }

    /// Our own corpus, in the same format: `<repo>/conformance/testdata`.
    static var ownCorpus: String {
        repositoryRoot.appendingPathComponent("conformance/testdata").path
    }

    /// One expression of a corpus.
    struct Expression: Sendable, CustomStringConvertible {
        var id: String
        var expr: String
        var macros: Bool
        var description: String { id }
    }

    /// Every test expression of the `.textproto` files in `directory`.
    static func expressions(in directory: String) throws -> [Expression] {
        var out: [Expression] = []
        for path in try ConformanceRunner.textProtoFiles(at: [directory]) {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let file = try ConformanceFile(textProto: [UInt8](data))
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            for section in file.sections {
                for test in section.tests {
                    out.append(
                        Expression(
                            id: "\(name)/\(section.name)/\(test.name)",
                            expr: test.expr,
                            macros: !test.disableMacros
                        )
                    )
                }
            }
        }
        return out
    }
}
