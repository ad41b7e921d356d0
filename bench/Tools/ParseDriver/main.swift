// A plain release-built driver for the parser, without the benchmark harness (and so without its
// malloc interposer):
//
//   parse-driver time [--case ID]                      median per-parse time over batches, per case
//   parse-driver loop --case ID [--iterations N]      N parses of one case inside `timedLoop`, for
//       valgrind --tool=callgrind --toggle-collect='*timedLoop*' (instructions per parse = Ir / N)
//
// It cross-checks the CELParse benchmark's wall clock and gives instruction counts on machines
// without hardware perf counters.

import BenchSupport
import CEL
import Foundation

@inline(never) @_optimize(none)
func sink<T>(_ value: T) {}

/// The measured loop; callgrind's --toggle-collect selects it by name.
@inline(never)
func timedLoop(_ parser: Parser, _ expr: String, _ iterations: Int) {
    for _ in 0..<iterations {
        sink(parser.parse(expr))
    }
}

func nanoseconds(_ duration: Swift.Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
}

func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? "time"
let only = option("--case", in: arguments)
let parser = Parser()
let cases = loadExpressionCases().filter { only == nil || $0.id == only }
guard !cases.isEmpty else { fatalError("no case with id \(only ?? "")") }
for testCase in cases {
    let check = parser.parse(testCase.expr)
    guard check.parsed != nil else {
        fatalError("case \(testCase.id) does not parse:\n\(check.diagnostics.rendered(in: check.source))")
    }
}

switch mode {
case "loop":
    let iterations = Int(option("--iterations", in: arguments) ?? "1000") ?? 1000
    for testCase in cases {
        sink(parser.parse(testCase.expr))  // warm-up (lazy initialisation), outside timedLoop
        timedLoop(parser, testCase.expr, iterations)
        print("\(testCase.id): \(iterations) parses in timedLoop")
    }
case "time":
    let clock = ContinuousClock()
    let batches = Int(option("--batches", in: arguments) ?? "301") ?? 301
    print("case | per-parse median (ns) | min batch (ns) | p90 batch (ns) | batch size")
    for testCase in cases {
        let expr = testCase.expr
        // Warm-up, and a batch size that makes one batch about 200 µs long.
        let warmStart = clock.now
        timedLoop(parser, expr, 2_000)
        let estimate = max(nanoseconds(warmStart.duration(to: clock.now)) / 2_000, 1)
        let batchSize = max(1, Int(200_000 / estimate))
        var perParse: [Double] = []
        perParse.reserveCapacity(batches)
        for _ in 0..<batches {
            let start = clock.now
            timedLoop(parser, expr, batchSize)
            perParse.append(nanoseconds(start.duration(to: clock.now)) / Double(batchSize))
        }
        perParse.sort()
        let median = perParse[perParse.count / 2]
        let p90 = perParse[min(perParse.count - 1, perParse.count * 9 / 10)]
        print(
            "\(testCase.id) | \(String(format: "%.0f", median)) | \(String(format: "%.0f", perParse[0])) | "
                + "\(String(format: "%.0f", p90)) | \(batchSize)"
        )
    }
default:
    fatalError("usage: parse-driver time [--case ID] [--batches N] | loop --case ID [--iterations N]")
}
