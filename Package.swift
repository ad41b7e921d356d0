// swift-tools-version: 6.1
// The module graph follows ../shared/DESIGN.md:
//   CPCRE2 (system libpcre2-8)  <-  CEL (no other dependency of ours)
//   CEL  <-  CELConformance (textproto reader, corpus runner)  <-  cel-conformance
//   CEL  <-  tessera (CLI)
//   CEL, Yams  <-  TesseraPolicy (policy documents, revisions, decide)
// Front ends (TesseraPolicy, TesseraExchange, ...) join as their issues land; none of them
// may depend on another front end.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "tessera",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CEL", targets: ["CEL"]),
        .library(name: "TesseraPolicy", targets: ["TesseraPolicy"]),
        .executable(name: "tessera", targets: ["tessera"]),
        .executable(name: "cel-conformance", targets: ["cel-conformance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .target(
            name: "CEL",
            dependencies: ["CPCRE2"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TesseraPolicy",
            dependencies: ["CEL", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CELConformance",
            dependencies: ["CEL"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cel-conformance",
            dependencies: ["CELConformance"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tessera",
            dependencies: [
                "CEL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CELTests",
            dependencies: ["CEL", "CPCRE2"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CELConformanceTests",
            dependencies: ["CELConformance", "CEL"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TesseraPolicyTests",
            dependencies: ["TesseraPolicy", "CEL"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TesseraTests",
            dependencies: ["tessera", "CEL"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
