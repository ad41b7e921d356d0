// Reads the shared expression set (shared/bench/expressions.json) for the benchmarks and tools.

import Foundation

/// One case of expressions.json: the part the parse benchmarks need.
public struct ExpressionCase: Decodable, Sendable {
    /// The case id, such as `01_sub_eq`.
    public let id: String
    /// The CEL expression.
    public let expr: String
}

private struct ExpressionSet: Decodable {
    let cases: [ExpressionCase]
}

/// Where expressions.json is read from: `$TESSERA_BENCH_EXPRESSIONS` when set, else
/// `<repo>/../shared/bench/expressions.json`, found from this file's `#filePath`.
public func expressionsPath(filePath: String = #filePath) -> String {
    if let override = ProcessInfo.processInfo.environment["TESSERA_BENCH_EXPRESSIONS"], !override.isEmpty {
        return override
    }
    // #filePath is <repo>/bench/Sources/BenchSupport/Expressions.swift.
    let repo = URL(fileURLWithPath: filePath)
        .deletingLastPathComponent()  // BenchSupport
        .deletingLastPathComponent()  // Sources
        .deletingLastPathComponent()  // bench
        .deletingLastPathComponent()  // <repo>
    return repo.appendingPathComponent("../shared/bench/expressions.json").standardizedFileURL.path
}

/// The cases of expressions.json, in file order. Stops the process with a clear message when the
/// file is missing or unreadable: a benchmark run without its inputs must not look like a pass.
public func loadExpressionCases() -> [ExpressionCase] {
    let path = expressionsPath()
    guard FileManager.default.fileExists(atPath: path) else {
        fatalError(
            """
            expressions file not found at \(path).
            It is shared/bench/expressions.json beside the repository (<repo>/../shared/bench/); \
            set TESSERA_BENCH_EXPRESSIONS=/path/to/expressions.json to use another copy.
            """
        )
    }
    do {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let set = try JSONDecoder().decode(ExpressionSet.self, from: data)
        guard !set.cases.isEmpty else { fatalError("\(path) has no cases") }
        return set.cases
    } catch {
        fatalError("cannot read \(path): \(error)")
    }
}

/// Whether the benchmark harness was built with its malloc interposer, so that malloc metrics mean
/// something (see Package.swift: TESSERA_BENCH_NO_MALLOC_COUNTS turns it off at build time, and the
/// plugin passes the environment on to the benchmark process).
public var mallocCountsEnabled: Bool {
    ProcessInfo.processInfo.environment["TESSERA_BENCH_NO_MALLOC_COUNTS"] == nil
}
