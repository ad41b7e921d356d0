import TesseraPolicy
import TesseraServer
import Testing

@testable import tessera

@Suite("tessera.yaml")
struct ConfigFileTests {
    @Test func readsEverySetting() throws {
        let text = """
            server:
              addr: 0.0.0.0:9443
              allow_insecure_remote: false
              max_body_bytes: 65536
              tls:
                cert: certs/server.pem
                key: /etc/tessera/server.key
                client_ca: certs/ca.pem
                require_client_cert: true
            policies:
              directory: ./policies
              reload_interval: 500ms
            decision_log:
              store: sqlite:state/decisions.sqlite
              mode: buffered
              redact: [request.headers.cookie, "subject_token"]
            ext_authz:
              prefix: /authz
              decision: envoy/ingress
            """
        let config = try ConfigFile.parse(text, file: "tessera.yaml", baseDirectory: "/srv/tessera")
        #expect(config.addr == "0.0.0.0:9443")
        #expect(config.allowInsecureRemote == false)
        #expect(config.maxBodyBytes == 65536)
        #expect(config.tls?.certificatePath == "/srv/tessera/certs/server.pem")
        #expect(config.tls?.keyPath == "/etc/tessera/server.key")
        #expect(config.tls?.clientCAPath == "/srv/tessera/certs/ca.pem")
        #expect(config.tls?.requireClientCertificate == true)
        #expect(config.policyDirectory == "/srv/tessera/./policies")
        #expect(config.reloadInterval == .milliseconds(500))
        #expect(config.decisionLog == "sqlite:/srv/tessera/state/decisions.sqlite")
        #expect(config.decisionLogMode == .buffered)
        #expect(config.redact == ["request.headers.cookie", "subject_token"])
        #expect(config.extAuthzPrefix == "/authz")
        #expect(config.extAuthzDecision == "envoy/ingress")
    }

    @Test func anEmptyFileIsTheDefaults() throws {
        #expect(try ConfigFile.parse("", file: "tessera.yaml", baseDirectory: ".") == ConfigFile())
    }

    @Test(arguments: [
        ("server:\n  adress: 1.2.3.4:5\n", "tessera.yaml:2: server.adress: unknown key"),
        ("server:\n  addr: localhost\n", "server.addr: expected HOST:PORT"),
        ("serve: {}\n", "serve: unknown key"),
        ("server:\n  tls: {cert: a.pem}\n", "server.tls: needs both 'cert' and 'key'"),
        ("server:\n  tls: {cert: a, key: b, require_client_cert: true}\n", "needs 'client_ca'"),
        ("decision_log:\n  mode: eventually\n", "decision_log.mode: expected durable or buffered"),
        ("policies:\n  reload_interval: soon\n", "policies.reload_interval: expected a duration"),
        ("server:\n  max_body_bytes: 12\n", "server.max_body_bytes: expected an integer"),
        ("server: [1, 2]\n", "server: expected a mapping"),
        ("server:\n  addr: 1.2.3.4:5\n  addr: 1.2.3.4:6\n", "duplicated key"),
        ("server: {\n", "not valid YAML"),
    ])
    func rejectsWithFileKeyAndReason(text: String, message: String) {
        do {
            _ = try ConfigFile.parse(text, file: "tessera.yaml", baseDirectory: ".")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
            #expect(error.description.hasPrefix("tessera.yaml"))
        }
    }
}
