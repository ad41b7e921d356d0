internal import Foundation

/// Finds and reads the policy files and test files the policy tools are given.
package enum PolicyFiles {
    /// A path that does not exist or cannot be read: a usage error (exit status 2).
    package struct PathError: Error, Sendable, CustomStringConvertible {
        /// What is wrong, with the path.
        package var message: String
        /// The message.
        package var description: String { message }
    }

    /// Which files to find under a directory.
    package enum Kind: Sendable {
        /// Policy documents: `*.yaml` except `*_test.yaml`.
        case policies
        /// Policy tests: `*_test.yaml`.
        case tests

        func matches(_ name: String) -> Bool {
            switch self {
            case .policies: name.hasSuffix(".yaml") && !name.hasSuffix("_test.yaml")
            case .tests: name.hasSuffix("_test.yaml")
            }
        }
    }

    /// The files of a kind under each path, in order and without repeats: a file is taken as it is
    /// named (a policy path that names a test file is skipped), a directory is searched recursively
    /// and its files are sorted. Paths are shown as given, joined with the relative path under a
    /// directory (`policies/mcp/tool_access.yaml`).
    /// - Throws: ``PathError`` for a path that does not exist or a directory that cannot be read.
    package static func find(_ paths: [String], kind: Kind) throws(PathError) -> [String] {
        var found: [String] = []
        var seen: Set<String> = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw PathError(message: "\(path): no such file or directory")
            }
            var files: [String] = []
            if isDirectory.boolValue {
                guard let enumerator = manager.enumerator(atPath: path) else {
                    throw PathError(message: "\(path): cannot read the directory")
                }
                var relative: [String] = []
                while let next = enumerator.nextObject() as? String {
                    if kind.matches((next as NSString).lastPathComponent) { relative.append(next) }
                }
                let base = path.hasSuffix("/") ? String(path.dropLast()) : path
                files = relative.sorted().map { base == "." ? $0 : base.isEmpty ? "/" + $0 : base + "/" + $0 }
            } else if kind == .tests || !path.hasSuffix("_test.yaml") {
                files = [path]
            }
            for file in files where seen.insert(file).inserted { found.append(file) }
        }
        return found
    }

    /// The text of a file, or `nil` when it cannot be read as UTF-8.
    package static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// Writes a file atomically.
    /// - Throws: ``PathError`` when it cannot be written.
    package static func write(_ text: String, to path: String) throws(PathError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PathError(message: "\(path): cannot write the file: \(error.localizedDescription)")
        }
    }
}
