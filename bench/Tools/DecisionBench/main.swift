// decision-bench: in-process latency of PolicyEngine.decide() for the shipped MCP policies (issue 5).
// Release builds only, from the repository root:
//
//     swift run -c release --package-path bench decision-bench policies
//     swift run -c release --package-path bench decision-bench policies --iterations 500000 --rounds 3
//
// It compiles the policy directory with PolicyEngine(directory:), checks that the benchmark input
// decides as expected (`allow` is true for a trusted agent running `shell` / `execute`; a mismatch
// stops the run, exit 1), then, for each decision path and each input form, times every call on its
// own with ContinuousClock after a warm-up, and prints one JSON object per line:
//
//     {"round", "path", "input", "iterations", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns",
//      "mean_ns", "cpu_ns"}
//
// Input forms:
// - "value": a pre-parsed input Value (the cost of decide() alone: path lookup, evaluation, the
//   decision id, the result selection);
// - "json": the request body `{"input": {...}}` parsed per call with the server's read options
//   (JSON.parse(bytes:), maxDepth 64), its `input` taken, then decide();
// - "json+answer": "json" plus writing the answer text `{"result":...}` as the /v1/data route does:
//   the whole per-request CPU work of the route outside the HTTP stack and the decision log.
//
// The percentiles are of per-call timings and include one clock read (the first line reports its
// cost, `clock_ns`, the median of back-to-back reads). After the timed calls, the same number of calls
// runs untimed: mean_ns is its wall-clock time per call, cpu_ns its thread CPU time per call
// (CLOCK_THREAD_CPUTIME_ID), which leaves out the time other processes hold the core: on a shared
// machine, cpu_ns is the figure to compare with throughput (1e9 / cpu_ns decisions per second per core).

import CEL
import Foundation
import TesseraPolicy

/// Writes to standard error and exits with status 1.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("decision-bench: " + message + "\n").utf8))
    exit(1)
}

struct Options {
    var directory = ""
    var iterations = 200_000
    var warmup = 20_000
    var rounds = 1
    var paths = ["mcp/trust_boundaries/allow", "mcp/trust_boundaries"]
}

func parseArguments() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    while let argument = arguments.popFirst() {
        switch argument {
        case "--iterations":
            guard let value = arguments.popFirst().flatMap(Int.init), value >= 1000, value <= 50_000_000 else {
                fail("--iterations needs a count from 1000 to 50000000")
            }
            options.iterations = value
        case "--warmup":
            guard let value = arguments.popFirst().flatMap(Int.init), value >= 0, value <= 50_000_000 else {
                fail("--warmup needs a count from 0 to 50000000")
            }
            options.warmup = value
        case "--rounds":
            guard let value = arguments.popFirst().flatMap(Int.init), value >= 1, value <= 100 else {
                fail("--rounds needs a count from 1 to 100")
            }
            options.rounds = value
        case "--paths":
            guard let value = arguments.popFirst(), !value.isEmpty else {
                fail("--paths needs a comma-separated list of decision paths")
            }
            options.paths = value.split(separator: ",").map(String.init)
        case "-h", "--help":
            print(
                "usage: decision-bench POLICY_DIR [--iterations N] [--warmup N] [--rounds N] [--paths p,p]"
            )
            exit(0)
        default:
            guard options.directory.isEmpty, !argument.hasPrefix("-") else { fail("unexpected argument \(argument)") }
            options.directory = argument
        }
    }
    guard !options.directory.isEmpty else { fail("usage: decision-bench POLICY_DIR (e.g. policies)") }
    return options
}

/// The body `bench/http/post.lua` sends: a trusted agent running `shell` for `execute`.
let body = #"{"input": {"agent": {"trust_level": "trusted"}, "request": {"operation": "execute", "tool": "shell"}}}"#
let bodyBytes = Array(body.utf8)
/// The read options of the /v1/data route (Sources/TesseraServer/DataRoutes.swift).
let readOptions = JSONReadOptions(maxDepth: 64, maxBytes: bodyBytes.count + 1)

/// The `input` of the body, parsed as the server parses it.
@inline(never)
func parseInput() -> Value {
    guard case .map(let document)? = try? JSON.parse(bytes: bodyBytes, options: readOptions),
        let input = document[.string("input")]
    else {
        fail("the benchmark body does not parse")
    }
    return input
}

/// The answer text the /v1/data route writes for a decision without a decision log.
@inline(never)
func answerText(_ decision: Decision) -> String {
    guard let result = decision.result, let text = try? JSON.text(of: result) else {
        fail("decision without a result")
    }
    return "{\"result\":" + text + "}"
}

enum InputForm: String, CaseIterable {
    case value
    case json
    case jsonAnswer = "json+answer"
}

/// Sinks results so the optimizer keeps every call.
final class Sink {
    var count = 0
    @inline(never)
    func take(_ decision: Decision) { count &+= decision.id.utf8.count }
    @inline(never)
    func take(_ text: String) { count &+= text.utf8.count }
}

let options = parseArguments()
let engine: PolicyEngine
do {
    engine = try PolicyEngine(directory: options.directory)
} catch {
    fail("the policies in \(options.directory) do not compile:\n\(error)")
}
guard engine.status.policyCount > 0 else { fail("no policies in \(options.directory)") }
let preParsed = parseInput()
/// Used from the main thread only.
nonisolated(unsafe) let sink = Sink()

// Check the decisions before timing anything.
for path in options.paths {
    let decision = engine.decide(path: path, input: preParsed)
    guard let result = decision.result, let text = try? JSON.text(of: result) else {
        fail("\(path): no result (\(decision.failure ?? "undefined path"))")
    }
    let expected = path.hasSuffix("/allow") ? text == "true" : text.contains("\"allow\":true")
    guard expected, decision.failure == nil else {
        fail("\(path): unexpected result \(text) \(decision.failure ?? "")")
    }
}

let clock = ContinuousClock()

/// Writes one line to standard output at once (so progress shows through a pipe).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func nanoseconds(_ duration: Swift.Duration) -> Int64 {
    let parts = duration.components
    return parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000
}

/// One decision of the given form; what the timed loop calls.
@inline(__always)
func call(_ form: InputForm, _ path: String) {
    switch form {
    case .value:
        sink.take(engine.decide(path: path, input: preParsed))
    case .json:
        sink.take(engine.decide(path: path, input: parseInput()))
    case .jsonAnswer:
        sink.take(answerText(engine.decide(path: path, input: parseInput())))
    }
}

/// The median cost of reading the clock twice back to back (what each per-call sample includes).
func clockCost() -> Int64 {
    var samples = [Int64](repeating: 0, count: 100_001)
    for index in samples.indices {
        let start = clock.now
        let end = clock.now
        samples[index] = nanoseconds(end - start)
    }
    samples.sort()
    return samples[samples.count / 2]
}

/// CPU time of this thread so far (CLOCK_THREAD_CPUTIME_ID): unlike the wall clock, it does not count
/// the time the thread waits while other processes run.
func threadCPUNanoseconds() -> Int64 {
    var time = timespec()
    guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { fail("clock_gettime failed") }
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}

func percentile(_ sorted: [Int64], _ fraction: Double) -> Int64 {
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func measure(_ form: InputForm, _ path: String, round: Int) {
    for _ in 0..<options.warmup { call(form, path) }
    var samples = [Int64](repeating: 0, count: options.iterations)
    for index in 0..<options.iterations {
        let start = clock.now
        call(form, path)
        samples[index] = nanoseconds(clock.now - start)
    }
    let loopStart = clock.now
    let cpuStart = threadCPUNanoseconds()
    for _ in 0..<options.iterations { call(form, path) }
    let cpu = Double(threadCPUNanoseconds() - cpuStart) / Double(options.iterations)
    let mean = Double(nanoseconds(clock.now - loopStart)) / Double(options.iterations)
    samples.sort()
    let fields: [(String, String)] = [
        ("round", "\(round)"),
        ("path", "\"\(path)\""),
        ("input", "\"\(form.rawValue)\""),
        ("iterations", "\(options.iterations)"),
        ("p50_ns", "\(percentile(samples, 0.50))"),
        ("p90_ns", "\(percentile(samples, 0.90))"),
        ("p99_ns", "\(percentile(samples, 0.99))"),
        ("p999_ns", "\(percentile(samples, 0.999))"),
        ("max_ns", "\(samples[samples.count - 1])"),
        ("mean_ns", String(format: "%.0f", mean)),
        ("cpu_ns", String(format: "%.0f", cpu)),
    ]
    emit("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
}

let status = engine.status
emit("{\"clock_ns\":\(clockCost()),\"revision\":\"\(status.revision)\",\"policies\":\(status.policyCount)}")
for round in 1...options.rounds {
    for path in options.paths {
        for form in InputForm.allCases {
            measure(form, path, round: round)
        }
    }
}
if sink.count == 0 { fail("no decisions were made") }
