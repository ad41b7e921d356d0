// Parse time of the shared authorization expressions (shared/bench/expressions.json) with
// Tessera's CEL parser: one benchmark per case, named `parse/<case id>`.
//
// Each iteration is exactly one `Parser().parse(expr)` call (scaling factor 1), so the wall-clock
// percentiles are per-parse latencies. The measured work is what a caller pays for
// `parser.parse(String)`: building the `Source` (UTF-8 bytes, line table), lexing, parsing, macro
// expansion and the `ParseResult`.
//
// The expressions file is `<repo>/../shared/bench/expressions.json`, found from this file's
// `#filePath`; set TESSERA_BENCH_EXPRESSIONS to read another file.

import Benchmark
import CEL
import Foundation

/// The part of expressions.json this benchmark reads.
private struct ExpressionSet: Decodable {
    struct Case: Decodable {
        let id: String
        let expr: String
    }
    let cases: [Case]
}

private func expressionsPath() -> String {
    if let override = ProcessInfo.processInfo.environment["TESSERA_BENCH_EXPRESSIONS"], !override.isEmpty {
        return override
    }
    // #filePath is <repo>/bench/Benchmarks/CELParse/CELParse.swift.
    let repo = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CELParse
        .deletingLastPathComponent()  // Benchmarks
        .deletingLastPathComponent()  // bench
        .deletingLastPathComponent()  // <repo>
    return repo.appendingPathComponent("../shared/bench/expressions.json").standardizedFileURL.path
}

private func loadCases() -> [ExpressionSet.Case] {
    let path = expressionsPath()
    guard FileManager.default.fileExists(atPath: path) else {
        fatalError(
            """
            CELParse: expressions file not found at \(path).
            It is shared/bench/expressions.json beside the repository (<repo>/../shared/bench/); \
            set TESSERA_BENCH_EXPRESSIONS=/path/to/expressions.json to use another copy.
            """
        )
    }
    do {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let set = try JSONDecoder().decode(ExpressionSet.self, from: data)
        guard !set.cases.isEmpty else { fatalError("CELParse: \(path) has no cases") }
        return set.cases
    } catch {
        fatalError("CELParse: cannot read \(path): \(error)")
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        // `.instructions` needs hardware perf counters, which this VM does not expose
        // (`perf stat -e instructions` says "not supported"); bench/RESULTS.md has callgrind counts.
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 1_000,
        scalingFactor: .one,  // one parse per iteration: percentiles are per-parse latencies
        maxDuration: .seconds(2),
        maxIterations: .kilo(100)
    )

    let parser = Parser()  // ParserOptions() defaults, macros on
    for testCase in loadCases() {
        let expr = testCase.expr
        // Checked once, outside the timed loop: every case must parse without errors.
        let check = parser.parse(expr)
        guard check.parsed != nil else {
            fatalError(
                "CELParse: case \(testCase.id) does not parse:\n\(check.diagnostics.rendered(in: check.source))"
            )
        }
        Benchmark("parse/\(testCase.id)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(parser.parse(expr))
            }
        }
    }
}
