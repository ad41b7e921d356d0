import CEL
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TesseraPolicy
import TesseraServer

/// A decision log in memory, for tests: records what it was given, or fails every append.
final class MemoryDecisionLog: DecisionLog {
    let records = Mutex<[DecisionRecord]>([])
    let failing: Bool

    init(failing: Bool = false) {
        self.failing = failing
    }

    struct Failure: Error {}

    func append(_ record: DecisionRecord) async throws {
        if failing { throw Failure() }
        records.withLock { $0.append(record) }
    }

    func flush() async throws {}
    func close() async throws {}
}

/// A temporary policy directory with the shipped policies and a test ext_authz policy.
struct PolicyDirectory {
    let path: String

    static let extAuthz = """
        name: envoy/authz
        variables:
          method: input.request.method
          path: input.request.path
          header: "input.request.headers[?'x-allow'].orValue('')"
        rules:
          allow: method == 'GET' && path.startsWith('/api/') && header == 'yes'
        decision: |
          allow ? {'allow': true, 'headers': {'x-authz-user': 'alice'}}
                : {'allow': false, 'response_headers': {'x-authz-reason': 'missing x-allow'}, 'reasons': ['denied']}
        """

    init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("tessera-server-\(UUID().uuidString)").path
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        try FileManager.default.createDirectory(atPath: path + "/mcp", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: path + "/envoy", withIntermediateDirectories: true)
        for name in ["trust_boundaries", "tool_access"] {
            try FileManager.default.copyItem(
                atPath: repo.appendingPathComponent("policies/mcp/\(name).yaml").path,
                toPath: path + "/mcp/\(name).yaml"
            )
        }
        try write("envoy/authz.yaml", Self.extAuthz)
    }

    func write(_ relative: String, _ text: String) throws {
        try text.write(toFile: path + "/" + relative, atomically: true, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A server over a policy directory with a memory log, on a free loopback port.
func makeServer(
    _ directory: PolicyDirectory,
    log: MemoryDecisionLog? = MemoryDecisionLog(),
    configuration: ServerConfiguration = ServerConfiguration(port: 0)
) throws -> (TesseraHTTPServer, ServerMetrics) {
    let engine = try PolicyEngine(directory: directory.path)
    let metrics = ServerMetrics()
    var logger = Logger(label: "tessera-test")
    logger.logLevel = .critical
    let service = DecisionService(
        engine: engine,
        log: log,
        redactor: DecisionRedactor(),
        metrics: metrics,
        logger: logger
    )
    return (try TesseraHTTPServer(configuration: configuration, service: service, logger: logger), metrics)
}

extension TestResponse {
    var text: String { String(buffer: body) }

    var json: Value? { try? JSON.parse(text) }
}

func jsonBody(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

let jsonHeaders: HTTPFields = [.contentType: "application/json"]

/// Whether two values are the same JSON (CEL values are not `Equatable`).
func same(_ a: Value?, _ b: Value?) -> Bool {
    a.flatMap { try? JSON.text(of: $0) } == b.flatMap { try? JSON.text(of: $0) }
}

extension Optional where Wrapped == Value {
    /// Whether there is no value.
    var isNone: Bool { self == nil }
}

/// A header name for a test (a valid name, else `x-invalid-name`).
func header(_ name: String) -> HTTPField.Name {
    HTTPField.Name(name) ?? HTTPField.Name("x-invalid-name") ?? .accept
}
