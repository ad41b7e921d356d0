import ArgumentParser
import Foundation
import TesseraAWS

/// `tessera aws`: AWS helpers.
struct AWSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws",
        abstract: "AWS helpers: SigV4 signing.",
        subcommands: [AWSSignCommand.self]
    )
}

/// `tessera aws sign`: prints the headers that sign a request with AWS Signature Version 4.
struct AWSSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Print the SigV4 headers to add to a request, one `name: value` per line.",
        discussion: """
            Signs the request described by the options (method, URL, headers, body) with AWS Signature \
            Version 4 and prints Authorization, X-Amz-Date, X-Amz-Content-Sha256 (service s3) and \
            X-Amz-Security-Token (with --session-token). Host is taken from the URL unless given with \
            --header. Exit status: 0 when signed, 1 when the request cannot be signed, 2 for usage errors.
            """
    )

    /// The largest body file read, in bytes.
    static let maximumBodyBytes = 64 * 1024 * 1024

    @Option(help: ArgumentHelp("The HTTP method.", valueName: "method"))
    var method: String

    @Option(help: ArgumentHelp("The full request URL, percent-encoded as sent.", valueName: "url"))
    var url: String

    @Option(help: ArgumentHelp("The AWS region, e.g. us-east-1.", valueName: "region"))
    var region: String

    @Option(help: ArgumentHelp("The service's signing name, e.g. s3, iam, sts.", valueName: "service"))
    var service: String

    @Option(help: ArgumentHelp("The access key ID.", valueName: "id"))
    var accessKey: String

    @Option(help: ArgumentHelp("The secret access key.", valueName: "key"))
    var secretKey: String

    @Option(help: ArgumentHelp("The session token of temporary credentials.", valueName: "token"))
    var sessionToken: String?

    @Option(help: ArgumentHelp("The signing time, YYYYMMDDTHHMMSSZ (default: now).", valueName: "time"))
    var time: String?

    @Option(help: ArgumentHelp("A request header to sign, 'name: value' (repeatable).", valueName: "header"))
    var header: [String] = []

    @Option(help: ArgumentHelp("A file holding the request body (default: empty).", valueName: "file"))
    var bodyFile: String?

    func run() throws {
        print(try output(now: Date()), terminator: "")
    }

    /// The lines to print, each `name: value\n`. Usage errors are `ValidationError`s; signing errors
    /// are `SigV4Error`s.
    func output(now: Date) throws -> String {
        let date: Date
        if let time {
            guard let parsed = SigV4Signer.parseAMZDate(time) else {
                throw ValidationError("--time: '\(time.prefix(40))' is not YYYYMMDDTHHMMSSZ")
            }
            date = parsed
        } else {
            date = now
        }
        guard let requestURL = URL(string: url) else {
            throw ValidationError("--url: '\(url.prefix(200))' is not a URL")
        }
        var headers: [(String, String)] = []
        for line in header {
            guard let colon = line.firstIndex(of: ":") else {
                throw ValidationError("--header: '\(line.prefix(80))' is not 'name: value'")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
        }
        let body = try bodyFile.map(Self.readBody) ?? []
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: accessKey, secretAccessKey: secretKey, sessionToken: sessionToken),
            region: region,
            service: service
        )
        let request = SigV4Request(method: method, url: requestURL, headers: headers, body: .bytes(body))
        let added = try signer.sign(request: request, date: date)
        return added.map { "\($0.name): \($0.value)\n" }.joined()
    }

    private static func readBody(_ path: String) throws -> [UInt8] {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else {
            throw ValidationError("--body-file: cannot read '\(path)'")
        }
        guard size <= maximumBodyBytes else {
            throw ValidationError("--body-file: '\(path)' is larger than \(maximumBodyBytes) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("--body-file: cannot read '\(path)'")
        }
        return Array(data)
    }
}
