import CEL
import Foundation
import TesseraPolicy
import Testing

/// A compact JWS with the given header and claims and a fake signature.
func makeJWT(header: String = #"{"alg":"RS256","typ":"JWT","kid":"k1"}"#, claims: String = #"{"sub":"alice"}"#)
    -> String
{
    func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
    let signature = base64URL(String(repeating: "signature-bytes-", count: 8))
    return base64URL(header) + "." + base64URL(claims) + "." + signature
}

/// The redacted input as JSON text.
private func redacted(_ json: String, paths: [String] = []) throws -> String {
    let redactor = try DecisionRedactor(paths: paths)
    return redactor.encode(input: try Fixtures.input(json))
}

@Suite("Decision redaction")
struct DecisionRedactorTests {
    @Test("configured paths become [redacted], whatever their type; * matches any key; case is ignored")
    func configuredPaths() throws {
        let input = #"""
            {"request": {"headers": {"Authorization": "x", "x-trace": "t1", "x-user": {"name": "bob"}}},
             "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
             "items": [{"pin": 1234, "ok": true}, {"pin": 5678}],
             "keep": "visible"}
            """#
        let output = try redacted(
            input,
            paths: ["request.headers.authorization", "request.headers.x-user", "items.pin", "*.nothing"]
        )
        #expect(
            output
                == #"{"request":{"headers":{"Authorization":"[redacted]","x-trace":"t1","x-user":"[redacted]"}},"#
                + #""subject_token_type":"urn:ietf:params:oauth:token-type:jwt","#
                + #""items":[{"pin":"[redacted]","ok":true},{"pin":"[redacted]"}],"keep":"visible"}"#
        )
        let wildcard = try redacted(#"{"a": {"x": {"secretish": 1}, "y": {"secretish": 2}}}"#, paths: ["a.*.secretish"])
        #expect(wildcard == #"{"a":{"x":{"secretish":"[redacted]"},"y":{"secretish":"[redacted]"}}}"#)
    }

    @Test("JWTs are fingerprinted anywhere, also inside longer strings, without any configuration")
    func jwts() throws {
        let jwt = makeJWT()
        let output = try redacted(
            #"{"assertion": "\#(jwt)", "url": "https://api.example/cb?code=\#(jwt)&state=s1", "dots": "a.b.c"}"#
        )
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in jwt.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let digits = String(hash, radix: 16)
        let fingerprint =
            "[redacted jwt fnv:\(String(repeating: "0", count: 16 - digits.count) + digits) len:\(jwt.utf8.count)]"
        #expect(
            output
                == #"{"assertion":"\#(fingerprint)","url":"https://api.example/cb?code=\#(fingerprint)&state=s1","#
                + #""dots":"a.b.c"}"#
        )
        #expect(!output.contains(jwt.split(separator: ".")[1]))
        // A JWE (five segments) too; three segments whose header has no "alg" are not a token.
        let jwe = makeJWT(header: #"{"alg":"RSA-OAEP","enc":"A256GCM"}"#) + ".aXY.dGFn"
        #expect(try redacted(#"{"v": "\#(jwe)"}"#).hasPrefix(#"{"v":"[redacted jwt fnv:"#))
        let notJWT = makeJWT(header: #"{"typ":"JWT","kid":"k1"}"#)
        #expect(try redacted(#"{"v": "\#(notJWT)"}"#) == #"{"v":"\#(notJWT)"}"#)
    }

    @Test("HTTP credentials: Bearer, DPoP and Basic values are fingerprinted; prose is not")
    func httpCredentials() throws {
        let token = String(repeating: "opaqueTokenValue", count: 3)
        let output = try redacted(
            #"""
            {"h1": "Bearer \#(token)", "h2": "DPoP \#(token)", "h3": "Basic YWxpY2U6czNjcmV0",
             "h4": "Basic plan", "h5": "bearer short", "h6": "Bearer of bad news today"}
            """#
        )
        #expect(output.contains(#""h1":"[redacted bearer fnv:"#))
        #expect(output.contains(#" len:48]""#))
        #expect(output.contains(#""h2":"[redacted dpop fnv:"#))
        #expect(output.contains(#""h3":"[redacted basic]""#))
        #expect(output.contains(#""h4":"Basic plan""#))
        #expect(output.contains(#""h5":"[redacted bearer]""#))
        #expect(output.contains(#""h6":"Bearer of bad news today""#))
        #expect(!output.contains(token))
    }

    @Test("secret-looking name=value parameters inside strings are fingerprinted")
    func parameters() throws {
        let jwt = makeJWT()
        let output = try redacted(
            #"""
            {"path": "/cb?access_token=abc123&x=1", "query": "page=2&sort=asc",
             "body": "grant_type=urn:ietf:params:oauth:grant-type:token-exchange&subject_token=\#(jwt)&subject_token_type=urn:ietf:params:oauth:token-type:jwt"}
            """#
        )
        #expect(output.contains(#""path":"/cb?access_token=[redacted secret]&x=1""#), "\(output)")
        #expect(output.contains(#""query":"page=2&sort=asc""#))
        #expect(output.contains("&subject_token=[redacted jwt fnv:"))
        #expect(output.contains("&subject_token_type=urn:ietf:params:oauth:token-type:jwt\""))
        #expect(output.contains("grant_type=urn:ietf:params:oauth:grant-type:token-exchange&"))
        #expect(!output.contains(jwt))
    }

    @Test("values under secret-looking keys are redacted; *_type, URLs and numbers stay")
    func sensitiveKeys() throws {
        let output = try redacted(
            #"""
            {"subject_token": "opaque", "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
             "client_secret": "hunter2", "Password": "pw", "x-api-key": "k", "Cookie": "session=abc",
             "token_endpoint": "https://idp/token", "max_tokens": 100, "refresh_token": "",
             "credentials": {"user": "bob", "keys": ["a", "b"], "n": 3},
             "note": "the password is not here", "raw_secret": "AAEC"}
            """#
        )
        #expect(
            output
                == #"{"subject_token":"[redacted secret]","#
                + #""subject_token_type":"urn:ietf:params:oauth:token-type:access_token","#
                + #""client_secret":"[redacted secret]","Password":"[redacted secret]","x-api-key":"[redacted secret]","#
                + #""Cookie":"[redacted secret]","token_endpoint":"https://idp/token","max_tokens":100,"#
                + #""refresh_token":"","#
                + #""credentials":{"user":"[redacted secret]","keys":["[redacted secret]","[redacted secret]"],"n":3},"#
                + #""note":"the password is not here","raw_secret":"[redacted secret]"}"#
        )
        let long = try redacted(#"{"access_token": "\#(String(repeating: "z", count: 40))"}"#)
        #expect(long.hasPrefix(#"{"access_token":"[redacted secret fnv:"#) && long.hasSuffix(#" len:40]"}"#))
    }

    @Test("bytes under a secret key, errors and unknowns get safe JSON forms")
    func nonJSONValues() throws {
        let redactor = DecisionRedactor()
        let map = try CELMap.make([
            (key: .string("password"), value: .bytes([1, 2, 3])),
            (key: .string("data"), value: .bytes([0, 255])),
            (key: .string("failed"), value: .error(EvalError(.divisionByZero, "divide by zero"))),
            (key: .string("at"), value: .timestamp(try #require(Timestamp(seconds: 1_700_000_000)))),
        ]).get()
        #expect(
            redactor.encode(input: .map(map))
                == #"{"password":"[redacted secret]","data":"AP8=","failed":{"$error":"division_by_zero: divide by zero"},"#
                + #""at":"2023-11-14T22:13:20Z"}"#
        )
    }

    @Test("an input larger than the bound is cut to a marked, valid JSON prefix")
    func sizeBound() throws {
        let redactor = try DecisionRedactor(paths: [], maximumBytes: 2048)
        let big = try Fixtures.input(#"{"blob": "\#(String(repeating: #"q\""#, count: 5000))"}"#)
        let text = redactor.encode(input: big)
        #expect(text.utf8.count <= 2048)
        #expect(text.hasPrefix(#"{"$truncated":{"bytes":15011,"fnv":""#))
        let parsed = try JSON.parse(text)
        guard case .map(let outer) = parsed, case .map(let inner)? = outer[.string("$truncated")],
            case .string(let prefix)? = inner[.string("prefix")]
        else {
            Issue.record("not the truncation marker: \(text)")
            return
        }
        #expect(prefix.value.hasPrefix(#"{"blob":"q\"q\""#))
        let small = try Fixtures.input(#"{"a": 1}"#)
        #expect(redactor.encode(input: small) == #"{"a":1}"#)
    }

    @Test("bad configuration is refused with the path at fault")
    func configurationErrors() {
        #expect(throws: DecisionRedactorError.self) { try DecisionRedactor(paths: ["a..b"]) }
        #expect(throws: DecisionRedactorError.self) { try DecisionRedactor(paths: [""]) }
        #expect(throws: DecisionRedactorError.self) { try DecisionRedactor(paths: [], maximumBytes: 10) }
        do {
            _ = try DecisionRedactor(paths: ["ok", "bad."])
        } catch {
            #expect(error.path == "bad.")
        }
    }

    @Test("free text: failure messages lose embedded tokens")
    func text() {
        let jwt = makeJWT()
        let redactor = DecisionRedactor()
        let message = redactor.redact(text: "invalid timestamp in '\(jwt)'")
        #expect(message.hasPrefix("invalid timestamp in '[redacted jwt fnv:"))
        #expect(redactor.redact(text: "no such key: user") == "no such key: user")
    }
}
