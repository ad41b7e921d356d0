import Foundation

/// Reading a skip list from disk.
extension ConformanceSkipList {
    /// Reads and parses a skip list file.
    /// - Parameter path: The file, such as `conformance/skips.txt`.
    /// - Throws: `ConformanceError` when the file cannot be read or is malformed.
    public init(contentsOf path: String) throws(ConformanceError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConformanceError("cannot read skip list \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConformanceError("skip list \(path) is not valid UTF-8")
        }
        try self.init(parsing: text, source: path)
    }
}
