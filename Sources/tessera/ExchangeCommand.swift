import ArgumentParser
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// `tessera exchange`: trades a workload token (read from a file or an environment variable) for a
/// broker token at a Tessera broker's token endpoint (RFC 8693 token exchange), optionally bound to a
/// DPoP key (RFC 9449), and prints the access token.
struct ExchangeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exchange",
        abstract: "Exchange a workload token for a broker token (RFC 8693).",
        discussion: """
            Posts the token exchange to <broker>/oauth2/token (or to the URL itself when it already ends in \
            /oauth2/token); the broker URL must be https unless its host is loopback. Tokens are read from \
            files (trailing white space trimmed) or an environment variable, never from the command line, \
            and are never printed; only the issued access token goes to standard output (--output token), \
            or the broker's whole JSON answer (--output json). With --dpop-key, a DPoP proof signed with \
            that P-256 private key (PEM) is sent and the token is bound to the key. Exit status: 0 with a \
            token, 1 when the broker refuses (`error: <error>: <error_description>` on standard error) or \
            cannot be reached, 2 for usage errors (bad options, unreadable token or key files).
            """
    )

    @Option(help: ArgumentHelp("The broker's base URL (https, or http on loopback).", valueName: "url"))
    var broker: String

    @Option(help: ArgumentHelp("A file holding the subject token.", valueName: "file"))
    var subjectTokenFile: String?

    @Option(help: ArgumentHelp("An environment variable holding the subject token.", valueName: "var"))
    var subjectTokenEnv: String?

    @Option(help: ArgumentHelp("The subject token's type: jwt, id_token or access_token.", valueName: "type"))
    var subjectTokenType: SubjectTokenType = .jwt

    @Option(help: ArgumentHelp("A file holding the actor token (delegation; sent as a JWT).", valueName: "file"))
    var actorTokenFile: String?

    @Option(help: ArgumentHelp("An audience to ask for (repeatable).", valueName: "audience"))
    var audience: [String] = []

    @Option(help: ArgumentHelp("A resource URI to ask for (repeatable).", valueName: "uri"))
    var resource: [String] = []

    @Option(help: ArgumentHelp("The scopes to ask for, space separated (\"a b\").", valueName: "scopes"))
    var scope: String?

    @Option(
        help: ArgumentHelp(
            "The token type to ask for: access_token, jwt, or a token-type URN.",
            valueName: "type"
        )
    )
    var requestedTokenType: String?

    @Option(help: ArgumentHelp("A P-256 private key (PEM) to sign a DPoP proof with.", valueName: "file"))
    var dpopKey: String?

    @Option(help: ArgumentHelp("What to print: token (the access token) or json (the whole answer).", valueName: "f"))
    var output: OutputFormat = .token

    /// The subject token types of RFC 8693 §3 the broker accepts.
    enum SubjectTokenType: String, ExpressibleByArgument, CaseIterable, Sendable {
        case jwt
        case idToken = "id_token"
        case accessToken = "access_token"

        /// The token type URN.
        var urn: String { ExchangeCommand.tokenTypePrefix + rawValue }
    }

    /// What is printed on success.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        case token
        case json
    }

    static let tokenTypePrefix = "urn:ietf:params:oauth:token-type:"
    static let tokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange"
    /// The largest token file or variable read, and the largest broker answer read.
    static let maxTokenBytes = 1 << 20
    static let maxAnswerBytes = 1 << 20
    /// The longest a whole exchange may take.
    static let requestTimeout: Int64 = 30

    func validate() throws {
        switch (subjectTokenFile, subjectTokenEnv) {
        case (nil, nil):
            throw ValidationError("Give the subject token with --subject-token-file or --subject-token-env.")
        case (.some, .some):
            throw ValidationError("Give only one of --subject-token-file and --subject-token-env.")
        default:
            break
        }
        _ = try Self.tokenEndpoint(broker)
        if let requestedTokenType { _ = try Self.requestedTokenTypeURN(requestedTokenType) }
        if let scope, scope.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw ValidationError("--scope must not contain control characters.")
        }
    }

    func run() async throws {
        let endpoint = try Self.tokenEndpoint(broker)
        let subjectToken: String
        let actorToken: String?
        let proof: String?
        do {
            if let subjectTokenFile {
                subjectToken = try Self.readToken(file: subjectTokenFile, option: "--subject-token-file")
            } else {
                subjectToken = try Self.readToken(environment: subjectTokenEnv ?? "")
            }
            actorToken = try actorTokenFile.map { try Self.readToken(file: $0, option: "--actor-token-file") }
            proof = try dpopKey.map { try Self.dpopProof(keyFile: $0, method: "POST", url: endpoint) }
        } catch let error as ExchangeUsageError {
            Self.printError("tessera exchange: \(error.message)")
            throw ExitCode(2)
        }

        var form: [(String, String)] = [
            ("grant_type", Self.tokenExchangeGrant),
            ("subject_token", subjectToken),
            ("subject_token_type", subjectTokenType.urn),
        ]
        if let actorToken {
            form += [("actor_token", actorToken), ("actor_token_type", Self.tokenTypePrefix + "jwt")]
        }
        form += resource.map { ("resource", $0) }
        form += audience.map { ("audience", $0) }
        if let scope { form.append(("scope", scope)) }
        if let requestedTokenType {
            form.append(("requested_token_type", try Self.requestedTokenTypeURN(requestedTokenType)))
        }

        let secrets = [subjectToken, actorToken].compactMap { $0 }
        let (status, body) = try await post(form: form, to: endpoint, proof: proof, secrets: secrets)
        guard status == 200 else {
            Self.printError(Self.refusal(status: status, body: body, secrets: secrets))
            throw ExitCode(1)
        }
        guard let answer = Self.jsonObject(body), let accessToken = answer["access_token"] as? String,
            !accessToken.isEmpty
        else {
            Self.printError("tessera exchange: the broker answered 200 without an access_token in a JSON object")
            throw ExitCode(1)
        }
        switch output {
        case .token: print(accessToken)
        case .json: print(body)
        }
    }

    // MARK: - HTTP

    /// Posts the form; returns the status and the body (at most ``maxAnswerBytes``).
    private func post(
        form: [(String, String)],
        to endpoint: String,
        proof: String?,
        secrets: [String]
    ) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        if let proof { request.headers.add(name: "DPoP", value: proof) }
        request.body = .bytes(ByteBuffer(string: Self.formBody(form)))
        let configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(10), read: .seconds(Self.requestTimeout))
        )
        do {
            return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                let response = try await client.execute(request, timeout: .seconds(Self.requestTimeout))
                let buffer = try await response.body.collect(upTo: Self.maxAnswerBytes)
                return (Int(response.status.code), String(buffer: buffer))
            }
        } catch {
            let reason = Self.scrubbed(String(describing: error), secrets: secrets)
            Self.printError("tessera exchange: no answer from the broker at \(endpoint): \(reason)")
            throw ExitCode(1)
        }
    }

    /// `application/x-www-form-urlencoded` text: every byte but the unreserved characters percent-encoded.
    static func formBody(_ fields: [(String, String)]) -> String {
        func encoded(_ text: String) -> String {
            var result = ""
            result.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                    UInt8(ascii: "~"):
                    result.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    result += String(format: "%%%02X", byte)
                }
            }
            return result
        }
        return fields.map { encoded($0.0) + "=" + encoded($0.1) }.joined(separator: "&")
    }

    /// The message for a refusal: `error: <error>: <error_description>` from an RFC 6749 §5.2 answer, or
    /// the status and the start of the body otherwise; the tokens sent never appear in it.
    static func refusal(status: Int, body: String, secrets: [String]) -> String {
        if let answer = jsonObject(body), let error = answer["error"] as? String {
            let description = (answer["error_description"] as? String).map { ": " + $0 } ?? ""
            return scrubbed(printable("error: \(error)\(description)", limit: 2_000), secrets: secrets)
        }
        let start = body.isEmpty ? "empty body" : printable(String(body.prefix(300)), limit: 300)
        return scrubbed("error: HTTP \(status) without an OAuth error: \(start)", secrets: secrets)
    }

    /// `text` with control characters shown as `?` and cut to `limit` characters.
    private static func printable(_ text: String, limit: Int) -> String {
        let scalars = text.unicodeScalars.prefix(limit).map { scalar -> Character in
            scalar.value < 0x20 || scalar.value == 0x7F ? "?" : Character(scalar)
        }
        return String(scalars)
    }

    /// `text` with every occurrence of a token replaced by `[token]`.
    static func scrubbed(_ text: String, secrets: [String]) -> String {
        secrets.filter { $0.count >= 8 }.reduce(text) { $0.replacingOccurrences(of: $1, with: "[token]") }
    }

    private static func jsonObject(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    // MARK: - Arguments

    /// The token endpoint for `broker`: the URL itself when its path ends in `/oauth2/token`, else
    /// `<broker>/oauth2/token`. Requires https, or http to a loopback host.
    static func tokenEndpoint(_ broker: String) throws -> String {
        guard let components = URLComponents(string: broker), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw ValidationError("--broker '\(broker)' is not an absolute URL such as https://broker.example.")
        }
        guard components.query == nil, components.fragment == nil, components.user == nil,
            components.password == nil
        else {
            throw ValidationError("--broker '\(broker)' must not have user information, a query or a fragment.")
        }
        switch scheme {
        case "https":
            break
        case "http":
            guard isLoopback(host) else {
                throw ValidationError(
                    "--broker '\(broker)' is plain http to a host that is not loopback: tokens would cross the "
                        + "network in clear; use https."
                )
            }
        default:
            throw ValidationError("--broker '\(broker)' must be an https URL (or http on loopback).")
        }
        var base = broker
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix("/oauth2/token") ? base : base + "/oauth2/token"
    }

    /// Whether `host` is `localhost`, in 127.0.0.0/8, or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part).map { String($0) == part } ?? false }
    }

    /// `access_token`, `jwt`, `id_token` or a token-type URN, as the URN.
    static func requestedTokenTypeURN(_ text: String) throws -> String {
        if text.hasPrefix("urn:") { return text }
        guard ["access_token", "jwt", "id_token", "refresh_token"].contains(text) else {
            throw ValidationError(
                "--requested-token-type must be access_token, jwt or a token-type URN, not '\(text)'."
            )
        }
        return tokenTypePrefix + text
    }

    // MARK: - Reading tokens

    /// The token in `file`, trailing white space trimmed.
    static func readToken(file: String, option: String) throws(ExchangeUsageError) -> String {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxTokenBytes + 1) ?? Data()
        } catch {
            throw ExchangeUsageError("\(option) \(file) cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= maxTokenBytes else {
            throw ExchangeUsageError("\(option) \(file) is larger than \(maxTokenBytes) bytes")
        }
        return try checkedToken(String(decoding: data, as: UTF8.self), what: "\(option) \(file)")
    }

    /// The token in environment variable `name`, trailing white space trimmed.
    static func readToken(environment name: String) throws(ExchangeUsageError) -> String {
        guard let value = ProcessInfo.processInfo.environment[name] else {
            throw ExchangeUsageError("--subject-token-env \(name): the environment variable is not set")
        }
        guard value.utf8.count <= maxTokenBytes else {
            throw ExchangeUsageError("--subject-token-env \(name) is larger than \(maxTokenBytes) bytes")
        }
        return try checkedToken(value, what: "--subject-token-env \(name)")
    }

    private static func checkedToken(_ text: String, what: String) throws(ExchangeUsageError) -> String {
        var token = Substring(text)
        while let last = token.last, last.isWhitespace { token.removeLast() }
        guard !token.isEmpty else { throw ExchangeUsageError("\(what) holds no token (it is empty)") }
        guard !token.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw ExchangeUsageError("\(what) holds more than one line or word; a token has no white space")
        }
        return String(token)
    }

    // MARK: - DPoP

    /// A DPoP proof (RFC 9449 §4.2) for `method` at `url`: ES256, `typ` `dpop+jwt`, the public `jwk`, and
    /// claims `jti` (random), `htm`, `htu`, `iat`.
    static func dpopProof(
        keyFile: String,
        method: String,
        url: String,
        now: Date = Date()
    ) throws(ExchangeUsageError) -> String {
        let text: String
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: keyFile))
            guard data.count <= 64 << 10 else {
                throw ExchangeUsageError("--dpop-key \(keyFile) is larger than 64 KiB")
            }
            text = String(decoding: data, as: UTF8.self)
        } catch let error as ExchangeUsageError {
            throw error
        } catch {
            throw ExchangeUsageError("--dpop-key \(keyFile) cannot be read: \(error.localizedDescription)")
        }
        guard let key = try? P256.Signing.PrivateKey(pemRepresentation: text) else {
            throw ExchangeUsageError("--dpop-key \(keyFile) is not a P-256 private key in PEM (PKCS #8 or SEC 1)")
        }
        let point = Array(key.publicKey.x963Representation)  // 0x04 || x || y
        let jwk: [String: Any] = [
            "kty": "EC", "crv": "P-256",
            "x": base64URL(point[1...32]), "y": base64URL(point[33...64]),
        ]
        let header: [String: Any] = ["typ": "dpop+jwt", "alg": "ES256", "jwk": jwk]
        let claims: [String: Any] = [
            "jti": base64URL(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }),
            "htm": method,
            "htu": url,
            "iat": Int(now.timeIntervalSince1970),
        ]
        do {
            let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
            let signingInput =
                base64URL(try JSONSerialization.data(withJSONObject: header, options: options)) + "."
                + base64URL(try JSONSerialization.data(withJSONObject: claims, options: options))
            let signature = try key.signature(for: Data(signingInput.utf8))
            return signingInput + "." + base64URL(signature.rawRepresentation)
        } catch {
            throw ExchangeUsageError("the DPoP proof cannot be signed with --dpop-key \(keyFile): \(error)")
        }
    }

    /// Base64url without padding (RFC 7515 §2).
    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// A mistake in how `tessera exchange` was called that shows only when running it (an unreadable token
/// or key file, an unset variable): reported with exit status 2.
struct ExchangeUsageError: Error {
    /// What is wrong, naming the option and the file or variable.
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
