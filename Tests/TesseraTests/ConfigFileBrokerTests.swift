import TesseraExchange
import Testing

@testable import tessera

@Suite("tessera.yaml broker sections")
struct ConfigFileBrokerTests {
    @Test func readsBrokerSourcesAndTargets() throws {
        let text = """
            server:
              addr: 127.0.0.1:8181
            broker:
              issuer: https://broker.example
              dpop_required: true
            sources:
              - name: github
                kind: github-actions
                audiences: [tessera]
            targets:
              - name: orders-api
                kind: jwt
                audience: https://orders.example.com
            """
        let config = try ConfigFile.parse(text, file: "tessera.yaml", baseDirectory: "/srv")
        #expect(config.exchange?.broker.issuer == "https://broker.example")
        #expect(config.exchange?.broker.dpopRequired == true)
        #expect(config.exchange?.sources.map(\.name) == ["github"])
        #expect(config.exchange?.targets.map(\.audience) == ["https://orders.example.com"])
        #expect(try ConfigFile.parse("server: {}\n", file: "tessera.yaml", baseDirectory: ".").exchange == nil)
    }

    @Test(arguments: [
        ("broker:\n  issuer: http://broker.example\n", "tessera.yaml:2: broker.issuer: must use https"),
        (
            "sources:\n  - name: x\n    kind: saml\n    audiences: [t]\n",
            "tessera.yaml:3: sources[0].kind: unknown kind"
        ),
        (
            "targets:\n  - name: s3\n    kind: aws\n",
            "tessera.yaml:3: targets[0].kind: aws targets need the AWS role mapper"
        ),
        ("brokers: {}\n", "tessera.yaml:1: brokers: unknown key"),
    ])
    func brokerErrorsNameFileLineAndKey(text: String, expected: String) {
        #expect {
            _ = try ConfigFile.parse(text, file: "tessera.yaml", baseDirectory: ".")
        } throws: { error in
            let description = "\(error)"
            if !description.contains(expected) { Issue.record("\(description) does not contain \(expected)") }
            return description.contains(expected)
        }
    }
}
