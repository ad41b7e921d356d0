// swift-tools-version: 6.1
// The module graph follows ../shared/DESIGN.md:
//   CPCRE2 (system libpcre2-8)  <-  CEL (no other dependency of ours)
//   CEL  <-  CELConformance (textproto reader, corpus runner)  <-  cel-conformance
//   CEL  <-  tessera (CLI)
//   CEL, Yams  <-  TesseraPolicy (policy documents, revisions, decide, reload, policy tools,
//                                  the decision-log protocol)
//   TesseraPolicy, GRDB, PostgresNIO  <-  TesseraAudit (decision-log stores: SQLite, PostgreSQL)
//   CEL, Crypto, CryptoExtras, AsyncHTTPClient  <-  TesseraIdentity (JWS/JWT verify and sign, JWK/JWKS,
//                                  OIDC discovery key cache, signing keys, DPoP; shared identity code)
//   TesseraPolicy, TesseraIdentity, CEL, Yams, AsyncHTTPClient  <-  TesseraExchange (RFC 8693 broker: sources,
//                                  targets, grants, token endpoint logic independent of HTTP)
//   TesseraPolicy, TesseraExchange, Hummingbird, Prometheus  <-  TesseraServer (HTTP routes: /v1/data,
//                                  ext_authz, /oauth2/token, discovery, ...)
//   all of the above  <-  tessera (CLI: wiring only)
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
        .library(name: "TesseraIdentity", targets: ["TesseraIdentity"]),
        .library(name: "TesseraExchange", targets: ["TesseraExchange"]),
        .executable(name: "tessera", targets: ["tessera"]),
        .executable(name: "cel-conformance", targets: ["cel-conformance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
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
            name: "TesseraAudit",
            dependencies: [
                "TesseraPolicy",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TesseraIdentity",
            dependencies: [
                "CEL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TesseraExchange",
            dependencies: [
                "CEL",
                "TesseraPolicy",
                "TesseraIdentity",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TesseraServer",
            dependencies: [
                "TesseraPolicy",
                "TesseraExchange",
                "TesseraIdentity",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TesseraAWS",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
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
                "TesseraPolicy",
                "TesseraAudit",
                "TesseraServer",
                "TesseraExchange",
                "TesseraIdentity",
                "TesseraAWS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
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
            name: "TesseraAuditTests",
            dependencies: ["TesseraAudit", "TesseraPolicy", "CEL"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TesseraIdentityTests",
            dependencies: [
                "TesseraIdentity", "CEL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TesseraExchangeTests",
            dependencies: [
                "TesseraExchange", "TesseraIdentity", "TesseraPolicy", "CEL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TesseraServerTests",
            dependencies: [
                "TesseraServer", "TesseraPolicy", "CEL", "TesseraExchange", "TesseraIdentity",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TesseraAWSTests",
            dependencies: [
                "TesseraAWS", "tessera",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TesseraTests",
            dependencies: [
                "tessera", "CEL", "TesseraPolicy", "TesseraServer", "TesseraAudit", "TesseraExchange",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Testbed"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
