import CEL
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOSSL
import Synchronization
import TesseraPolicy
import TesseraServer
import Testing

/// Certificates made with the `openssl` command for one test: two CAs, server certificates from
/// each, and a client certificate carrying a SPIFFE ID.
struct TestPKI {
    let directory: String

    init() throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("tessera-pki-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for ca in ["ca1", "ca2"] {
            try openssl([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "\(ca).key", "-out", "\(ca).pem", "-days", "1", "-subj", "/CN=tessera test \(ca)",
            ])
        }
        try issue(
            "server1",
            by: "ca1",
            subject: "/CN=localhost",
            extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1"
        )
        try issue(
            "server2",
            by: "ca2",
            subject: "/CN=localhost",
            extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1"
        )
        try issue(
            "client",
            by: "ca1",
            subject: "/CN=agent a1",
            extensions: "subjectAltName=URI:spiffe://example.org/agents/trusted/a1\nextendedKeyUsage=clientAuth"
        )
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    private func issue(_ name: String, by ca: String, subject: String, extensions: String) throws {
        try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject,
        ])
        try openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-CAcreateserial",
            "-out", "\(name).pem", "-days", "1", "-extfile", "\(name).ext",
        ])
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw PKIError(message: "cannot run openssl (install the Debian package openssl): \(error)")
        }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PKIError(message: "openssl \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }

    struct PKIError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

@Suite("TLS and mTLS")
struct TLSTests {
    static let whoami = """
        name: whoami
        decision: "{'spiffe_id': caller.?spiffe_id.orValue('none'), 'uri_sans': caller.?uri_sans.orValue([])}"
        """

    /// Runs the server (with its reload watcher) until `body` returns.
    func withServer(
        _ tls: TLSFiles,
        _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        let directory = try PolicyDirectory()
        defer { directory.remove() }
        try directory.write("whoami.yaml", Self.whoami)
        let (server, _) = try makeServer(
            directory,
            configuration: ServerConfiguration(port: 0, tls: tls, reloadInterval: .milliseconds(50))
        )
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run { port in continuation.yield(port) } }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            Issue.record("the server did not start")
            return
        }
        try await body(port)
    }

    func clientConfiguration(trusting ca: String, certificate: String? = nil, key: String? = nil) throws
        -> TLSConfiguration
    {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        if let certificate, let key {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
        }
        return configuration
    }

    func post(_ port: Int, _ path: String, tls: TLSConfiguration) async throws -> TestClient.Response {
        try await TestClient.withClient(
            host: "127.0.0.1",
            port: port,
            configuration: .init(tlsConfiguration: tls, timeout: .seconds(2), serverName: "localhost")
        ) { client in
            try await client.post(path, body: ByteBuffer(string: "{}"))
        }
    }

    @Test func servesHTTPSAndReloadsTheCertificate() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try FileManager.default.copyItem(atPath: pki.path("server1.pem"), toPath: pki.path("live.pem"))
        try FileManager.default.copyItem(atPath: pki.path("server1.key"), toPath: pki.path("live.key"))
        let files = TLSFiles(certificatePath: pki.path("live.pem"), keyPath: pki.path("live.key"))
        try await withServer(files) { port in
            let response = try await post(
                port,
                "/v1/data/whoami",
                tls: try clientConfiguration(trusting: pki.path("ca1.pem"))
            )
            #expect(response.status == .ok)
            #expect(same(response.json?.field("result")?.field("spiffe_id"), .string("none")))
            await #expect(throws: (any Error).self) {
                _ = try await post(port, "/v1/data/whoami", tls: try clientConfiguration(trusting: pki.path("ca2.pem")))
            }
            // Replace the files (key first; a mismatched pair in between is refused, not served).
            try Data(contentsOf: URL(fileURLWithPath: pki.path("server2.key"))).write(
                to: URL(fileURLWithPath: pki.path("live.key"))
            )
            try Data(contentsOf: URL(fileURLWithPath: pki.path("server2.pem"))).write(
                to: URL(fileURLWithPath: pki.path("live.pem"))
            )
            var reloaded = false
            for _ in 0..<100 {
                if reloaded { break }
                try await Task.sleep(for: .milliseconds(50))
                let configuration = try clientConfiguration(trusting: pki.path("ca2.pem"))
                reloaded = (try? await post(port, "/v1/data/whoami", tls: configuration))?.status == .ok
            }
            #expect(reloaded, "the new certificate was not served")
        }
    }

    @Test func aKeyThatDoesNotMatchTheCertificateIsRefused() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        #expect(throws: TLSLoadError.self) {
            _ = try ReloadableTLSContext(
                files: TLSFiles(certificatePath: pki.path("server1.pem"), keyPath: pki.path("server2.key"))
            )
        }
    }

    @Test func mutualTLSPassesTheSPIFFEIDToPolicies() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let files = TLSFiles(
            certificatePath: pki.path("server1.pem"),
            keyPath: pki.path("server1.key"),
            clientCAPath: pki.path("ca1.pem"),
            requireClientCertificate: true
        )
        try await withServer(files) { port in
            let withCertificate = try clientConfiguration(
                trusting: pki.path("ca1.pem"),
                certificate: pki.path("client.pem"),
                key: pki.path("client.key")
            )
            let response = try await post(port, "/v1/data/whoami", tls: withCertificate)
            #expect(response.status == .ok)
            #expect(
                same(
                    response.json?.field("result")?.field("spiffe_id"),
                    .string("spiffe://example.org/agents/trusted/a1")
                )
            )
            await #expect(throws: (any Error).self) {
                _ = try await post(port, "/v1/data/whoami", tls: try clientConfiguration(trusting: pki.path("ca1.pem")))
            }
        }
    }
}

extension TestClient.Response {
    var json: Value? { body.flatMap { try? JSON.parse(String(buffer: $0)) } }
}
