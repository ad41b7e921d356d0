import ArgumentParser
import Crypto
import Foundation
import Testing

@testable import TesseraAWS
@testable import tessera

/// The documentation's example keys (IAM User Guide, "Signature Version 4" examples).
private let iamCredentials = AWSCredentials(
    accessKeyID: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)
/// The S3 API Reference's example keys ("Authenticating Requests (AWS Signature Version 4)"); note the `/`
/// where the IAM example key has `+`.
private let s3Credentials = AWSCredentials(
    accessKeyID: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

private func date(_ text: String) throws -> Date {
    try #require(SigV4Signer.parseAMZDate(text))
}

private func url(_ text: String) throws -> URL {
    try #require(URL(string: text))
}

private func value(_ name: String, in headers: [SigV4Signature.Header]) -> String? {
    headers.first { $0.name == name }?.value
}

@Suite("SigV4 signer")
struct SigV4SignerTests {
    /// The IAM ListUsers example: GET https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08 with
    /// Content-Type `application/x-www-form-urlencoded; charset=utf-8`, us-east-1, at 20150830T123600Z.
    @Test("IAM ListUsers: the documented canonical request hash and signature")
    func iamListUsers() throws {
        let signer = SigV4Signer(credentials: iamCredentials, region: "us-east-1", service: "iam")
        let request = SigV4Request(
            method: "GET",
            url: try url("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"),
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]
        )
        let signature = try signer.signature(for: request, date: try date("20150830T123600Z"))
        #expect(
            signature.canonicalRequest == """
                GET
                /
                Action=ListUsers&Version=2010-05-08
                content-type:application/x-www-form-urlencoded; charset=utf-8
                host:iam.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """
        )
        #expect(
            signature.stringToSign == """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/iam/aws4_request
                f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59
                """
        )
        #expect(signature.signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
        #expect(
            signature.headers == [
                .init(
                    name: "Authorization",
                    value: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                        + "SignedHeaders=content-type;host;x-amz-date, "
                        + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
                ),
                .init(name: "X-Amz-Date", value: "20150830T123600Z"),
            ]
        )
        // A Host header given by the caller, and an X-Amz-Date given by the caller, change nothing.
        var withHost = request
        withHost.headers += [("Host", "iam.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")]
        #expect(try signer.signature(for: withHost, date: try date("20150830T123600Z")) == signature)
    }

    /// The S3 GetObject example: GET /test.txt on examplebucket.s3.amazonaws.com with `Range: bytes=0-9`,
    /// empty payload, us-east-1, at 20130524T000000Z.
    @Test("S3 GetObject with Range: the documented canonical request hash and signature")
    func s3RangeGet() throws {
        let signer = SigV4Signer(credentials: s3Credentials, region: "us-east-1", service: "s3")
        let request = SigV4Request(
            method: "GET",
            url: try url("https://examplebucket.s3.amazonaws.com/test.txt"),
            headers: [("Range", "bytes=0-9")]
        )
        let signature = try signer.signature(for: request, date: try date("20130524T000000Z"))
        #expect(signature.stringToSign.hasSuffix("\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"))
        #expect(signature.signedHeaders == "host;range;x-amz-content-sha256;x-amz-date")
        #expect(signature.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(
            value("X-Amz-Content-Sha256", in: signature.headers)
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
        // The same payload hash given precomputed signs identically.
        var precomputed = request
        precomputed.body = .precomputedHash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try signer.signature(for: precomputed, date: try date("20130524T000000Z")) == signature)
    }

    /// The S3 presigned URL example: GET /test.txt on examplebucket.s3.amazonaws.com, 86400 seconds, at
    /// 20130524T000000Z.
    @Test("S3 presigned URL: the documented signature")
    func s3Presign() throws {
        let signer = SigV4Signer(credentials: s3Credentials, region: "us-east-1", service: "s3")
        let presigned = try signer.presign(
            url: try url("https://examplebucket.s3.amazonaws.com/test.txt"),
            method: "GET",
            expires: 86_400,
            date: try date("20130524T000000Z")
        )
        #expect(
            presigned.absoluteString
                == "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        )
        #expect(throws: SigV4Error.self) {
            try signer.presign(url: try url("https://b.s3.amazonaws.com/k"), expires: 604_801, date: Date())
        }
        #expect(throws: SigV4Error.self) {
            try signer.presign(url: try url("https://b.s3.amazonaws.com/k"), expires: 0, date: Date())
        }
    }

    @Test("presigning with a session token signs X-Amz-Security-Token and keeps the URL's own query")
    func presignSessionToken() throws {
        let credentials = AWSCredentials(
            accessKeyID: "ASIAEXAMPLE",
            secretAccessKey: "secret",
            sessionToken: "tok/en+="
        )
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1", service: "s3")
        let presigned = try signer.presign(
            url: try url("https://b.s3.amazonaws.com/a%20b?versionId=3"),
            expires: 60,
            date: try date("20240101T000000Z")
        )
        let text = presigned.absoluteString
        #expect(text.hasPrefix("https://b.s3.amazonaws.com/a%20b?X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
        #expect(text.contains("&X-Amz-Security-Token=tok%2Fen%2B%3D&X-Amz-SignedHeaders=host&versionId=3&"))
        #expect(text.contains("&X-Amz-Signature="))
    }

    @Test("header signing adds X-Amz-Security-Token and signs it")
    func sessionTokenHeader() throws {
        let credentials = AWSCredentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "sts")
        let signature = try signer.signature(
            for: SigV4Request(
                method: "POST",
                url: try url("https://sts.amazonaws.com/"),
                body: .bytes(Array("x".utf8))
            ),
            date: try date("20240101T000000Z")
        )
        #expect(signature.signedHeaders == "host;x-amz-date;x-amz-security-token")
        #expect(signature.headers.map(\.name) == ["Authorization", "X-Amz-Date", "X-Amz-Security-Token"])
        #expect(value("X-Amz-Security-Token", in: signature.headers) == "token")
        #expect(signature.canonicalRequest.hasSuffix("\n" + SigV4Signer.hex(SHA256.hash(data: Array("x".utf8)))))
    }

    /// The SigV4 test suite's get-header-value-trim and get-header-value-order canonical requests.
    @Test("header canonicalization: lowercase, trimmed, spaces collapsed, repeats joined in order, sorted")
    func headerCanonicalization() throws {
        let signer = SigV4Signer(credentials: iamCredentials, region: "us-east-1", service: "service")
        let when = try date("20150830T123600Z")
        let trim = try signer.signature(
            for: SigV4Request(
                method: "GET",
                url: try url("https://example.amazonaws.com/"),
                headers: [("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")]
            ),
            date: when
        )
        #expect(
            trim.canonicalRequest == """
                GET
                /

                host:example.amazonaws.com
                my-header1:value1
                my-header2:"a b c"
                x-amz-date:20150830T123600Z

                host;my-header1;my-header2;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """
        )
        let order = try signer.signature(
            for: SigV4Request(
                method: "GET",
                url: try url("https://example.amazonaws.com/"),
                headers: [
                    ("My-Header1", "value4"), ("My-Header1", "value1"), ("My-Header1", "value3"),
                    ("My-Header1", "value2"),
                ]
            ),
            date: when
        )
        #expect(order.canonicalRequest.contains("\nmy-header1:value4,value1,value3,value2\n"))
        // Port only when it is not the scheme's default; user-agent is not signed.
        let ported = try signer.signature(
            for: SigV4Request(
                method: "GET",
                url: try url("http://localhost:5000/"),
                headers: [("User-Agent", "x")]
            ),
            date: when
        )
        #expect(ported.canonicalRequest.contains("\nhost:localhost:5000\n"))
        #expect(ported.signedHeaders == "host;x-amz-date")
        let defaultPort = try signer.signature(
            for: SigV4Request(method: "GET", url: try url("https://example.amazonaws.com:443/")),
            date: when
        )
        #expect(defaultPort.canonicalRequest.contains("\nhost:example.amazonaws.com\n"))
    }

    @Test("URI encoding: space as %20, ~ kept, + and = and / encoded, UTF-8 bytes in uppercase hex")
    func encoding() {
        #expect(SigV4Signer.uriEncode("a b") == "a%20b")
        #expect(SigV4Signer.uriEncode("a~b-c_d.e") == "a~b-c_d.e")
        #expect(SigV4Signer.uriEncode("a+b=c/d") == "a%2Bb%3Dc%2Fd")
        #expect(SigV4Signer.uriEncode("é*") == "%C3%A9%2A")
    }

    @Test("canonical URI: double encoding except for s3, dot segments removed except for s3, empty path is /")
    func canonicalURI() throws {
        let when = try date("20150830T123600Z")
        func uri(_ text: String, service: String) throws -> String {
            let signer = SigV4Signer(credentials: iamCredentials, region: "us-east-1", service: service)
            let signature = try signer.signature(for: SigV4Request(method: "GET", url: try url(text)), date: when)
            return String(signature.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[1])
        }
        #expect(try uri("https://h.example", service: "iam") == "/")
        #expect(try uri("https://h.example", service: "s3") == "/")
        #expect(try uri("https://h.example/a%20b/c~d", service: "execute-api") == "/a%2520b/c~d")
        #expect(try uri("https://h.example/a%20b/c~d", service: "s3") == "/a%20b/c~d")
        #expect(try uri("https://h.example/a+b", service: "s3") == "/a%2Bb")
        #expect(try uri("https://h.example/x/../y/./z//w/", service: "es") == "/y/z/w/")
        #expect(try uri("https://h.example/x/../y/./z//w/", service: "s3") == "/x/../y/./z//w/")
        #expect(try uri("https://h.example/%E2%82%AC", service: "s3") == "/%E2%82%AC")
        #expect(try uri("https://h.example/%E2%82%AC", service: "lambda") == "/%25E2%2582%25AC")
    }

    @Test("canonical query: encoded, sorted by name then value, + is a literal plus, empty values kept")
    func canonicalQuery() throws {
        let signer = SigV4Signer(credentials: iamCredentials, region: "us-east-1", service: "s3")
        let signature = try signer.signature(
            for: SigV4Request(method: "GET", url: try url("https://h.example/?b=2&a=z&a=y&c=a+b&d&e=%20~&f=x%2By")),
            date: try date("20150830T123600Z")
        )
        let query = signature.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2]
        #expect(query == "a=y&a=z&b=2&c=a%2Bb&d=&e=%20~&f=x%2By")
    }

    @Test("errors say what and where; no crash on bad input")
    func errors() throws {
        let signer = SigV4Signer(credentials: iamCredentials, region: "us-east-1", service: "iam")
        let when = Date()
        func failure(_ request: SigV4Request) -> SigV4Error? {
            do {
                _ = try signer.sign(request: request, date: when)
                return nil
            } catch {
                return error
            }
        }
        let good = try url("https://iam.amazonaws.com/")
        #expect(failure(SigV4Request(method: "G T", url: good))?.location == "method")
        #expect(failure(SigV4Request(method: "GET", url: try url("file:///etc/passwd")))?.location == "url")
        #expect(
            failure(SigV4Request(method: "GET", url: good, headers: [("Bad Name", "v")]))?.location
                == "header \"Bad Name\""
        )
        #expect(failure(SigV4Request(method: "GET", url: good, headers: [("x", "a\nb")]))?.location == "header \"x\"")
        #expect(
            failure(SigV4Request(method: "GET", url: good, body: .precomputedHash("XYZ")))?.location == "payload hash"
        )
        let many = Array(repeating: ("x-a", "v"), count: SigV4Signer.maximumHeaders + 1)
        #expect(failure(SigV4Request(method: "GET", url: good, headers: many))?.location == "headers")
        let empty = SigV4Signer(credentials: iamCredentials, region: "", service: "iam")
        #expect(
            throws: SigV4Error(location: "region", message: "must be 1 to 256 printable ASCII characters without '/'")
        ) {
            try empty.sign(request: SigV4Request(method: "GET", url: good), date: when)
        }
    }

    @Test("AMZ dates: parsed as UTC, malformed ones refused, formatted back")
    func dates() throws {
        let parsed = try date("20150830T123600Z")
        #expect(parsed.timeIntervalSince1970 == 1_440_938_160)
        #expect(AMZDate(parsed).dateTime == "20150830T123600Z")
        #expect(AMZDate(Date(timeIntervalSince1970: 951_782_400)).dateTime == "20000229T000000Z")
        for bad in ["2015-08-30T12:36:00Z", "20150230T000000Z", "20150830T243600Z", "20150830T123600", ""] {
            #expect(SigV4Signer.parseAMZDate(bad) == nil)
        }
    }
}

@Suite("tessera aws sign")
struct AWSSignCommandTests {
    @Test("the IAM ListUsers example through the command line")
    func iamExample() throws {
        let command = try AWSSignCommand.parse([
            "--method", "GET", "--url", "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
            "--region", "us-east-1", "--service", "iam", "--access-key", "AKIDEXAMPLE",
            "--secret-key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "--time", "20150830T123600Z",
            "--header", "Content-Type: application/x-www-form-urlencoded; charset=utf-8",
        ])
        #expect(
            try command.output(now: Date()) == """
                Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
                SignedHeaders=content-type;host;x-amz-date, \
                Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7
                X-Amz-Date: 20150830T123600Z

                """
        )
    }

    @Test("body file, session token and s3 content hash; usage errors")
    func bodyAndErrors() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-aws-\(UUID()).bin")
        try Data([0, 1, 2, 255]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let base = [
            "--method", "PUT", "--url", "https://b.s3.amazonaws.com/k", "--region", "us-east-1", "--service", "s3",
            "--access-key", "ASIAEXAMPLE", "--secret-key", "secret", "--time", "20240101T000000Z",
        ]
        let output = try AWSSignCommand.parse(base + ["--body-file", file.path, "--session-token", "tok"])
            .output(now: Date())
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[1] == "X-Amz-Date: 20240101T000000Z")
        #expect(lines[2] == "X-Amz-Content-Sha256: " + SigV4Signer.hex(SHA256.hash(data: [0, 1, 2, 255])))
        #expect(lines[3] == "X-Amz-Security-Token: tok")
        #expect(lines[0].contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"))
        #expect(throws: (any Error).self) {
            try AWSSignCommand.parse(base + ["--time", "yesterday"]).output(now: Date())
        }
        #expect(throws: (any Error).self) {
            try AWSSignCommand.parse(base + ["--header", "nocolon"]).output(now: Date())
        }
        #expect(throws: (any Error).self) {
            try AWSSignCommand.parse(base + ["--body-file", "/nonexistent/file"]).output(now: Date())
        }
    }
}
