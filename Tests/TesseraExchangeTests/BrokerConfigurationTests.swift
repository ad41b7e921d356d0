import Foundation
import TesseraExchange
import TesseraIdentity
import Testing

@Suite("Broker configuration")
struct BrokerConfigurationTests {
    static let sample = """
        broker:
          issuer: https://broker.example
          signing_keys:
            - file: keys/current.pem
            - file: /etc/tessera/old.pem
              publish_until: 2026-12-01T00:00:00Z
          grant_policy: exchange/grants
          dpop_required: true
          default_ttl: 2m
        sources:
          - name: github
            kind: github-actions
            audiences: [tessera]
          - name: cluster
            kind: kubernetes
            issuer: https://kubernetes.default.svc.cluster.local
            jwks_file: k8s-jwks.json
            audiences: [tessera]
            algorithms: [RS256]
            clock_skew: 30s
            max_token_age: 1h
          - name: mesh
            kind: spiffe
            trust_domain: example.org
            bundle_file: bundle.jwks
            audiences: [tessera]
          - name: dev
            kind: oidc
            issuer: http://127.0.0.1:9500
            audiences: [tessera]
        targets:
          - name: orders-api
            kind: jwt
            audience: https://orders.example.com
            max_lifetime: 15m
            scopes: [orders.read, orders.write]
        """

    @Test func readsEverySetting() throws {
        let configuration = try BrokerConfiguration.parse(
            yaml: Self.sample,
            file: "tessera.yaml",
            baseDirectory: "/srv"
        )
        #expect(configuration.broker.issuer == "https://broker.example")
        #expect(configuration.broker.signingKeys.map(\.path) == ["/srv/keys/current.pem", "/etc/tessera/old.pem"])
        #expect(configuration.broker.signingKeys[0].publishUntil == nil)
        #expect(configuration.broker.signingKeys[1].publishUntil == Date(timeIntervalSince1970: 1_796_083_200))
        #expect(configuration.broker.dpopRequired)
        #expect(configuration.broker.defaultTTL == .seconds(120))
        #expect(configuration.sources.map(\.name) == ["github", "cluster", "mesh", "dev"])
        #expect(configuration.sources[0].issuer == SourceConfiguration.githubActionsIssuer)
        #expect(configuration.sources[0].algorithms == ["RS256", "ES256"])
        #expect(configuration.sources[1].jwksFile == "/srv/k8s-jwks.json")
        #expect(configuration.sources[1].clockSkew == .seconds(30))
        #expect(configuration.sources[1].maxTokenAge == .seconds(3600))
        #expect(configuration.sources[1].location == "tessera.yaml:14")
        #expect(configuration.sources[2].issuer == nil)
        #expect(configuration.sources[2].trustDomain == "example.org")
        #expect(configuration.targets.first?.maxLifetime == .seconds(900))
        #expect(configuration.targets.first?.scopes == ["orders.read", "orders.write"])
    }

    @Test(arguments: [
        ("broker:\n  issuer: http://broker.example\n", "tessera.yaml:2: broker.issuer: must use https"),
        ("broker:\n  issuer: https://b.example?x=1\n", "tessera.yaml:2: broker.issuer: must not have a query"),
        ("broker:\n  dpop: true\n", "tessera.yaml:2: broker.dpop: unknown key"),
        ("broker:\n  default_ttl: soon\n", "tessera.yaml:2: broker.default_ttl: expected a duration"),
        (
            "broker:\n  signing_keys:\n    - file: a.pem\n      publish_until: 2026-12-01T00:00:00Z\n",
            "tessera.yaml:3: broker.signing_keys: one key must have no publish_until"
        ),
        ("broker:\n  signing_keys:\n    - file: a.pem\n    - file: b.pem\n", "broker.signing_keys: only one key"),
        (
            "broker:\n  signing_keys:\n    - file: a.pem\n      publish_until: tomorrow\n",
            "tessera.yaml:4: broker.signing_keys[0].publish_until: expected an RFC 3339 time"
        ),
        (
            "sources:\n  - name: x\n    kind: saml\n    audiences: [t]\n",
            "tessera.yaml:3: sources[0].kind: unknown kind 'saml'"
        ),
        (
            "sources:\n  - name: x\n    kind: oidc\n    issuer: https://i.example\n",
            "tessera.yaml:2: sources[0]: needs 'audiences'"
        ),
        (
            "sources:\n  - name: x\n    kind: oidc\n    issuer: https://i.example\n    audiences: [t]\n    algorithms: [HS256]\n",
            "tessera.yaml:6: sources[0].algorithms: alg HS256 is an HMAC algorithm"
        ),
        (
            "sources:\n  - name: x\n    kind: oidc\n    issuer: https://i.example\n    audiences: [t]\n    algorithms: [none]\n",
            "tessera.yaml:6: sources[0].algorithms: alg \"none\""
        ),
        (
            "sources:\n  - name: x\n    kind: oidc\n    issuer: http://10.0.0.1\n    audiences: [t]\n",
            "tessera.yaml:4: sources[0].issuer: must use https"
        ),
        ("sources:\n  - name: x\n    kind: oidc\n    audiences: [t]\n", "tessera.yaml:2: sources[0]: needs 'issuer'"),
        (
            "sources:\n  - name: x\n    kind: jwks-file\n    issuer: https://i.example\n    audiences: [t]\n",
            "sources[0]: needs 'jwks_file'"
        ),
        (
            "sources:\n  - name: x\n    kind: spiffe\n    audiences: [t]\n    bundle_file: b.json\n",
            "sources[0]: needs 'trust_domain'"
        ),
        (
            "sources:\n  - name: x\n    kind: spiffe\n    trust_domain: Example.org\n    audiences: [t]\n    bundle_file: b\n",
            "tessera.yaml:4: sources[0].trust_domain: expected a trust domain"
        ),
        (
            "sources:\n  - name: x\n    kind: spiffe\n    trust_domain: e.org\n    audiences: [t]\n",
            "sources[0]: needs exactly one of 'bundle_file' and 'discovery_url'"
        ),
        (
            "sources:\n  - name: x\n    kind: oidc\n    issuer: https://i.example\n    audiences: [t]\n    jwks_file: k.json\n",
            "tessera.yaml:6: sources[0].jwks_file: not used by a oidc source"
        ),
        (
            "sources:\n  - name: x\n    kind: github-actions\n    audiences: [t]\n    clock_skew: 1h\n",
            "tessera.yaml:5: sources[0].clock_skew: must be more than 0 and at most 600s"
        ),
        (
            "sources:\n  - {name: a, kind: github-actions, audiences: [t]}\n  - {name: a, kind: oidc, issuer: https://i.example, audiences: [t]}\n",
            "tessera.yaml:3: sources[1].name: the name 'a' is used twice"
        ),
        (
            "sources:\n  - {name: a, kind: github-actions, audiences: [t]}\n  - {name: b, kind: github-actions, audiences: [t]}\n",
            "tessera.yaml:3: sources[1].issuer: another source already trusts the issuer"
        ),
        (
            "targets:\n  - name: s3\n    kind: aws\n",
            "tessera.yaml:3: targets[0].kind: aws targets need the AWS role mapper (not built yet)"
        ),
        ("targets:\n  - name: t\n    kind: jwt\n", "tessera.yaml:2: targets[0]: needs 'audience'"),
        (
            "targets:\n  - name: t\n    kind: jwt\n    audience: a\n    ttl: 5m\n",
            "tessera.yaml:5: targets[0].ttl: unknown key"
        ),
        (
            "targets:\n  - name: t\n    kind: jwt\n    audience: a\n    scopes: [\"a b\"]\n",
            "tessera.yaml:5: targets[0].scopes: 'a b' is not a valid scope"
        ),
        (
            "targets:\n  - {name: t, kind: jwt, audience: a}\n  - {name: a, kind: jwt, audience: b}\n",
            "tessera.yaml:3: targets[1]: the name or audience"
        ),
        ("targets: {name: t}\n", "tessera.yaml:1: targets: expected a list"),
    ])
    func errorsNameFileLineAndKey(text: String, expected: String) {
        #expect {
            _ = try BrokerConfiguration.parse(yaml: text, file: "tessera.yaml", baseDirectory: ".")
        } throws: { error in
            let description = (error as? BrokerConfigurationError)?.description ?? "\(error)"
            let matches = description.contains(expected)
            if !matches { Issue.record("\(description) does not contain \(expected)") }
            return matches
        }
    }

    @Test func sourceKeyFilesAreCheckedWhenBuilt() throws {
        let configuration = try BrokerConfiguration.parse(
            yaml:
                "sources:\n  - name: files\n    kind: jwks-file\n    issuer: https://i.example\n    jwks_file: missing.json\n    audiences: [t]\n",
            file: "tessera.yaml",
            baseDirectory: "/nonexistent"
        )
        #expect {
            _ = try TrustedSource(configuration: configuration.sources[0])
        } throws: { error in
            let text = (error as? BrokerConfigurationError)?.description ?? ""
            return text.hasPrefix("tessera.yaml:2: sources.files.jwks_file: ")
        }
    }

    @Test func signingKeyFilesAreCheckedWhenLoaded() throws {
        let settings = BrokerSettings(signingKeys: [.init(path: "/nonexistent/key.pem", location: "tessera.yaml:4")])
        #expect {
            _ = try ExchangeBroker.loadKeys(settings)
        } throws: { error in
            (error as? BrokerConfigurationError)?.description.hasPrefix("tessera.yaml:4: broker.signing_keys[0].file")
                == true
        }
    }

    @Test func withoutKeysTheDevelopmentKeyIsMade() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-dev-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try ExchangeBroker.loadKeys(BrokerSettings(), developmentDirectory: directory)
        #expect(first.development?.created == true)
        let second = try ExchangeBroker.loadKeys(BrokerSettings(), developmentDirectory: directory)
        #expect(second.development?.created == false)
        #expect(second.ring.current.keyID == first.ring.current.keyID)
    }
}
