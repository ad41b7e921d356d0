// Parse time of the shared authorization expressions (shared/bench/expressions.json) with
// Tessera's CEL parser: one benchmark per case, named `parse/<case id>`.
//
// Each iteration is exactly one `Parser().parse(expr)` call (scaling factor 1), so the wall-clock
// percentiles are per-parse latencies. The measured work is what a caller pays for
// `parser.parse(String)`: building the `Source` (UTF-8 bytes, line table), lexing, parsing, macro
// expansion and the `ParseResult`.
//
// The expressions file is `<repo>/../shared/bench/expressions.json` (see BenchSupport); set
// TESSERA_BENCH_EXPRESSIONS to read another file.

import BenchSupport
import Benchmark
import CEL

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        // `.instructions` needs hardware perf counters, which this VM does not expose
        // (`perf stat -e instructions true` says "not supported"); RESULTS.md has callgrind counts.
        // Malloc counts need the harness's malloc interposer (see Package.swift).
        metrics: [.wallClock, .throughput] + (mallocCountsEnabled ? [.mallocCountTotal] : []),
        timeUnits: .nanoseconds,
        warmupIterations: 1_000,
        scalingFactor: .one,  // one parse per iteration: percentiles are per-parse latencies
        maxDuration: .seconds(2),
        maxIterations: .kilo(100)
    )

    let parser = Parser()  // ParserOptions() defaults, macros on
    for testCase in loadExpressionCases() {
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
