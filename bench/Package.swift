// swift-tools-version: 6.1
// Benchmarks for Tessera, kept in a package of their own so the main build stays light.
// Run from this directory:  swift package --disable-sandbox benchmark --target CELParse
// (see README.md and RESULTS.md).
import PackageDescription

let package = Package(
    name: "tessera-bench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "tessera", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CELParse",
            dependencies: [
                .product(name: "CEL", package: "tessera"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CELParse",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
