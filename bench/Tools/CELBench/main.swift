// cel-bench: compile and evaluation times, and heap allocations per evaluation, of a cases file in
// the format of shared/bench/expressions.json. Release builds only:
//
//     swift run -c release --package-path bench cel-bench ../shared/bench/expressions.json
//
// Prints one JSON object per case: {"id", "parse_ns", "compile_ns", "eval_ns", "allocs"}, after
// checking every case's result against its `expected` value (a mismatch stops the run, exit 1).
// compile_ns is parse + type check (with the file's declarations) + plan; the program evaluated is
// the one planned from the checked expression.

import CEL
import CMallocCounter
import Foundation

/// Writes to standard error and exits with status 1.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("cel-bench: " + message + "\n").utf8))
    exit(1)
}

struct Options {
    var path = ""
    var batches = 31
    var batchNanoseconds: UInt64 = 4_000_000
    var cases: Set<String> = []
}

func parseArguments() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst()
    while let argument = arguments.popFirst() {
        switch argument {
        case "--batches":
            guard let value = arguments.popFirst().flatMap(Int.init), value > 0 else { fail("--batches needs a count") }
            options.batches = value
        case "--batch-ms":
            guard let value = arguments.popFirst().flatMap(Double.init), value > 0 else {
                fail("--batch-ms needs a number")
            }
            options.batchNanoseconds = UInt64(value * 1_000_000)
        case "--cases":
            guard let value = arguments.popFirst() else { fail("--cases needs a comma-separated list of ids") }
            options.cases = Set(value.split(separator: ",").map(String.init))
        case "-h", "--help":
            print("usage: cel-bench CASES.json [--batches N] [--batch-ms MS] [--cases id,id,...]")
            exit(0)
        default:
            guard options.path.isEmpty, !argument.hasPrefix("-") else { fail("unexpected argument \(argument)") }
            options.path = argument
        }
    }
    guard !options.path.isEmpty else { fail("usage: cel-bench CASES.json (e.g. ../shared/bench/expressions.json)") }
    return options
}

/// `{"$timestamp": "..."}` and `{"$duration": "..."}` become timestamps and durations, recursively.
func convertSpecialValues(_ value: Value) -> Value {
    switch value {
    case .list(let elements):
        return .list(elements.map(convertSpecialValues))
    case .map(let map):
        if map.count == 1, case .string(let key) = map.keys[0], case .string(let text) = map.values[0] {
            if key.value == "$timestamp" {
                switch Timestamp.parse(text.value) {
                case .success(let t): return .timestamp(t)
                case .failure(let error): fail("bad $timestamp \(text.value): \(error)")
                }
            }
            if key.value == "$duration" {
                switch Duration.parse(text.value) {
                case .success(let d): return .duration(d)
                case .failure(let error): fail("bad $duration \(text.value): \(error)")
                }
            }
        }
        let entries = zip(map.keys, map.values).map { (key: $0.0, value: convertSpecialValues($0.1)) }
        switch CELMap.make(entries) {
        case .success(let converted): return .map(converted)
        case .failure(let error): fail("bad input map: \(error)")
        }
    default:
        return value
    }
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// The median time per call of `body`, over `batches` batches each sized to take about `batchNanoseconds`.
@inline(never)
func medianNanoseconds(_ options: Options, _ body: () -> Void) -> Double {
    var iterations = 1
    while true {
        let start = now()
        for _ in 0..<iterations { body() }
        let elapsed = now() - start
        if elapsed >= options.batchNanoseconds || iterations >= 1 << 26 { break }
        let scaled = Double(iterations) * Double(options.batchNanoseconds) / Double(max(elapsed, 1)) * 1.1
        iterations = max(iterations * 2, Int(scaled))
    }
    var samples: [Double] = []
    for _ in 0..<options.batches {
        let start = now()
        for _ in 0..<iterations { body() }
        samples.append(Double(now() - start) / Double(iterations))
    }
    samples.sort()
    return samples[samples.count / 2]
}

/// Heap allocations per call of `body`, averaged over `count` calls.
func allocationsPerCall(_ count: Int, _ body: () -> Void) -> Double {
    tessera_malloc_counter_start()
    for _ in 0..<count { body() }
    return Double(tessera_malloc_counter_stop()) / Double(count)
}

final class Probe {
    var value = 0
}

/// The allocation counter must see allocations, or every `allocs` figure would read 0 for nothing.
func checkAllocationCounter() {
    var probes: [Probe] = []
    tessera_malloc_counter_start()
    for index in 0..<100 {
        let probe = Probe()
        probe.value = index
        probes.append(probe)
    }
    let counted = tessera_malloc_counter_stop()
    guard tessera_malloc_counter_is_active() != 0, counted >= 100, probes.count == 100 else {
        fail("the allocation counter is not in effect (counted \(counted) of at least 100 allocations)")
    }
}

let options = parseArguments()
checkAllocationCounter()
guard let data = FileManager.default.contents(atPath: options.path) else { fail("cannot read \(options.path)") }
let document: Value
do {
    document = try JSON.parse(String(decoding: data, as: UTF8.self), options: JSONReadOptions(integersAsInt: true))
} catch {
    fail("\(options.path): \(error)")
}
guard case .map(let root) = document, case .list(let cases)? = root[.string("cases")] else {
    fail("\(options.path): expected an object with a \"cases\" list")
}
var declared: [String] = []
var checkerDeclarations = Declarations.standard.merging(.extensions)
if case .map(let declarations)? = root[.string("declarations")] {
    for (key, value) in zip(declarations.keys, declarations.values) {
        guard case .string(let name) = key, case .string(let typeText) = value else { continue }
        declared.append(name.value)
        do throws(CELTypeParseError) {
            checkerDeclarations.declare(variable: name.value, type: try CELType(parsing: typeText.value))
        } catch {
            fail("declaration \(name.value): \(error)")
        }
    }
}
let environment = Environment(variables: declared)
let checker = Checker(declarations: checkerDeclarations)

/// Parse, check and plan: the whole compilation of a checked program.
func compileChecked(_ expression: String) -> Program? {
    guard let parsed = Parser().parse(expression).parsed, let checked = checker.check(parsed).checked else {
        return nil
    }
    return try? environment.program(for: checked)
}

for entry in cases {
    guard case .map(let item) = entry, case .string(let id)? = item[.string("id")],
        case .string(let expression)? = item[.string("expr")]
    else { fail("a case lacks an id or expr") }
    if !options.cases.isEmpty && !options.cases.contains(id.value) { continue }
    let input = convertSpecialValues(item[.string("input")] ?? .map(.empty))
    guard case .map(let inputMap) = input else { fail("\(id.value): input must be an object") }
    var bindings: [String: Value] = [:]
    for (key, value) in zip(inputMap.keys, inputMap.values) {
        if case .string(let name) = key { bindings[name.value] = value }
    }
    guard let program = compileChecked(expression.value) else {
        let parsed = Parser().parse(expression.value)
        let detail = parsed.parsed.map { checker.check($0).diagnostics.rendered(in: $0.source) } ?? "syntax error"
        fail("\(id.value): does not compile:\n\(detail)")
    }
    let activation = program.activation(bindings)
    let result = program.evaluate(activation)
    let expected = convertSpecialValues(item[.string("expected")] ?? .null)
    guard result.celType == expected.celType, Value.celEquals(result, expected) else {
        fail("\(id.value): expected \(expected), got \(result)")
    }

    let parser = Parser()
    let parseNanoseconds = medianNanoseconds(options) { _ = parser.parse(expression.value) }
    let compileNanoseconds = medianNanoseconds(options) { _ = compileChecked(expression.value) }
    let evalNanoseconds = medianNanoseconds(options) { _ = program.evaluate(activation) }
    let allocations = allocationsPerCall(10_000) { _ = program.evaluate(activation) }

    func number(_ value: Double) -> String { String(format: "%.1f", value) }
    print(
        "{\"id\": \"\(id.value)\", \"parse_ns\": \(number(parseNanoseconds)), "
            + "\"compile_ns\": \(number(compileNanoseconds)), \"eval_ns\": \(number(evalNanoseconds)), "
            + "\"allocs\": \(number(allocations))}"
    )
}
