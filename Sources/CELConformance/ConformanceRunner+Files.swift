import Foundation

/// Running the corpus from files and directories on disk.
extension ConformanceRunner {
    /// The files a run covers: each path that names a file, and every `*.textproto` file directly inside
    /// each path that names a directory. Sorted by file name (then path), without duplicates.
    /// - Throws: `ConformanceError` for a path that does not exist, a directory that cannot be listed, or a
    ///   directory without `.textproto` files.
    public static func textProtoFiles(at paths: [String]) throws(ConformanceError) -> [String] {
        let fileManager = FileManager.default
        var files: Set<String> = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ConformanceError("no such file or directory: \(path)")
            }
            guard isDirectory.boolValue else {
                files.insert(path)
                continue
            }
            let names: [String]
            do {
                names = try fileManager.contentsOfDirectory(atPath: path)
            } catch {
                throw ConformanceError("cannot list directory \(path): \(error.localizedDescription)")
            }
            let found = names.filter { $0.hasSuffix(".textproto") }
            guard !found.isEmpty else {
                throw ConformanceError("no .textproto files in directory \(path)")
            }
            for name in found {
                files.insert((path as NSString).appendingPathComponent(name))
            }
        }
        return files.sorted { lhs, rhs in
            let (left, right) = (fileName(of: lhs), fileName(of: rhs))
            return left == right ? lhs < rhs : left < right
        }
    }

    /// Runs every file the paths name (see `textProtoFiles(at:)`).
    /// - Throws: `ConformanceError` when a path is missing; a file that cannot be read or decoded is a
    ///   failure in the report instead.
    public func run(paths: [String]) throws(ConformanceError) -> ConformanceReport {
        let files = try Self.textProtoFiles(at: paths)
        return report(files.map { run(fileAt: $0) })
    }

    /// Reads one text-format file and runs its tests; a file that cannot be read or decoded is reported as
    /// one failure.
    public func run(fileAt path: String) -> ConformanceFileReport {
        let name = Self.fileName(of: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            return ConformanceFileReport(
                fileName: name,
                results: [ConformanceTestResult(name: name, outcome: .failed("\(path): cannot read the file"))]
            )
        }
        return run(textProto: [UInt8](data), fileName: name)
    }

    /// The last component of a path.
    static func fileName(of path: String) -> String {
        (path as NSString).lastPathComponent
    }
}
