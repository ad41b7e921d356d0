// swift-tools-version: 6.1
// Benchmarks for Tessera, kept in a package of their own so the main build stays light.
// Run from this directory:  swift package --disable-sandbox benchmark --target CELParse
// (see README.md and RESULTS.md).
import PackageDescription

import class Foundation.ProcessInfo

// The harness's malloc interposer (trait MallocInterposer) is LD_PRELOADed into every benchmark
// process: it gives the malloc counts, but puts a 16-byte header and a counter update on every
// allocation, which slows allocation-heavy code such as the parser. TESSERA_BENCH_NO_MALLOC_COUNTS=1
// builds without it, for wall-clock figures closer to production; use a scratch path of its own
// (`--scratch-path .build-nomalloc`) so the two configurations never share build products.
let mallocCounts = ProcessInfo.processInfo.environment["TESSERA_BENCH_NO_MALLOC_COUNTS"] == nil

let package = Package(
    name: "tessera-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "tessera", path: ".."),
        .package(
            url: "https://github.com/ordo-one/benchmark",
            from: "1.38.1",
            traits: mallocCounts ? ["MallocInterposer"] : []
        ),
        // The same Hummingbird as the root package (its Package.resolved pins 2.28.1), for trivial-server.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // Reads shared/bench/expressions.json for the benchmarks and the driver.
        .target(name: "BenchSupport", path: "Sources/BenchSupport"),
        // ordo-one/benchmark targets: one executable per suite under Benchmarks/<Name>.
        .executableTarget(
            name: "CELParse",
            dependencies: [
                "BenchSupport",
                .product(name: "CEL", package: "tessera"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CELParse",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        // A plain driver without the harness: a cross-check of the wall clock, and the program to run
        // under callgrind (this VM has no hardware instruction counters).
        .executableTarget(
            name: "parse-driver",
            dependencies: [
                "BenchSupport",
                .product(name: "CEL", package: "tessera"),
            ],
            path: "Tools/ParseDriver"
        ),
        // cel-bench: compile and evaluation medians and heap allocations per evaluation of a cases
        // file (issue 3): `swift run -c release --package-path bench cel-bench ../shared/bench/expressions.json`.
        .target(name: "CMallocCounter", path: "Sources/CMallocCounter"),
        .executableTarget(
            name: "cel-bench",
            dependencies: [
                "CMallocCounter",
                .product(name: "CEL", package: "tessera"),
            ],
            path: "Tools/CELBench"
        ),
        // decision-bench: in-process PolicyEngine.decide() latency percentiles for the shipped policies
        // (issue 5): `swift run -c release --package-path bench decision-bench policies`.
        .executableTarget(
            name: "decision-bench",
            dependencies: [
                .product(name: "CEL", package: "tessera"),
                .product(name: "TesseraPolicy", package: "tessera"),
            ],
            path: "Tools/DecisionBench"
        ),
        // trivial-server: one Hummingbird route that reads the body and answers a constant, the limit of
        // the HTTP stack that http/run.sh measures `tessera serve` against.
        .executableTarget(
            name: "trivial-server",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird")
            ],
            path: "Tools/TrivialServer"
        ),
    ],
    swiftLanguageModes: [.v6]
)
