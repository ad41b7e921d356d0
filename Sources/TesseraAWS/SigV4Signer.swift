// AWS Signature Version 4, written from the AWS documentation ("Create a signed AWS API request" in the IAM
// User Guide; "Authenticating Requests (AWS Signature Version 4)" and "Using Query Parameters" in the S3 API
// Reference).
import Crypto
public import Foundation

/// The keys that sign a request: long-term keys, or temporary ones with their session token.
public struct AWSCredentials: Sendable, Equatable {
    /// The access key ID (`AKIA...` or `ASIA...`); it appears in the request.
    public var accessKeyID: String
    /// The secret access key; it never appears in the request.
    public var secretAccessKey: String
    /// The session token of temporary credentials, sent as `X-Amz-Security-Token`.
    public var sessionToken: String?

    /// Credentials from their parts.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

/// How the request's payload enters the signature.
public enum SigV4Payload: Sendable, Equatable {
    /// The body itself; its SHA-256 is computed.
    case bytes([UInt8])
    /// The SHA-256 of the body, as 64 lowercase hexadecimal digits, computed by the caller (for streamed bodies).
    case precomputedHash(String)
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature (S3 only).
    case unsigned
}

/// The parts of an HTTP request that SigV4 signs.
public struct SigV4Request: Sendable {
    /// The HTTP method, e.g. `GET`.
    public var method: String
    /// The full URL: scheme, host, optional port, path and query, percent-encoded as sent on the wire.
    public var url: URL
    /// The headers that will be sent (names in any case; a header may repeat). `Host` is taken from the URL
    /// when absent.
    public var headers: [(String, String)]
    /// The payload, or its hash.
    public var body: SigV4Payload

    /// A request from its parts; the body defaults to empty.
    public init(method: String, url: URL, headers: [(String, String)] = [], body: SigV4Payload = .bytes([])) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// Why a request could not be signed: what was wrong and where.
public struct SigV4Error: Error, Equatable, CustomStringConvertible {
    /// The part of the request or signer at fault, e.g. `url`, `header "range"`, `expires`.
    public var location: String
    /// What is wrong with it.
    public var message: String

    /// An error from its parts.
    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    /// `location: message`.
    public var description: String { "\(location): \(message)" }
}

/// The intermediate and final values of one signature (the canonical request and string to sign help to
/// diagnose `SignatureDoesNotMatch`; they hold no secret).
public struct SigV4Signature: Sendable, Equatable {
    /// The canonical request, lines joined by `\n`.
    public var canonicalRequest: String
    /// The string to sign, lines joined by `\n`.
    public var stringToSign: String
    /// The signed header names, lowercase, joined by `;`.
    public var signedHeaders: String
    /// The signature, 64 lowercase hexadecimal digits.
    public var signature: String
    /// The headers to add to the request: `Authorization`, `X-Amz-Date`, `X-Amz-Content-Sha256` (S3) and
    /// `X-Amz-Security-Token` (temporary credentials), in that order.
    public var headers: [Header]

    /// A header to add.
    public struct Header: Sendable, Equatable {
        /// The header name, e.g. `X-Amz-Date`.
        public var name: String
        /// The header value.
        public var value: String

        /// A header from its name and value.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
}

/// Signs AWS requests with Signature Version 4 (`AWS4-HMAC-SHA256`), in headers or in a presigned URL.
public struct SigV4Signer: Sendable {
    /// The signing algorithm's name.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash that leaves the body unsigned.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The longest presigned URL lifetime AWS accepts (seven days), in seconds.
    public static let maximumExpires = 604_800
    /// The most headers a request to sign may carry.
    public static let maximumHeaders = 256
    /// The most bytes of header names and values together.
    public static let maximumHeaderBytes = 64 * 1024
    /// The longest URL accepted, in bytes.
    public static let maximumURLBytes = 16 * 1024
    /// Headers never signed: proxies and clients may add or change them on the way.
    static let unsignedHeaderNames: Set<String> = [
        "authorization", "expect", "transfer-encoding", "user-agent", "x-amzn-trace-id",
    ]

    /// The keys that sign.
    public var credentials: AWSCredentials
    /// The region, e.g. `us-east-1`.
    public var region: String
    /// The service's signing name, e.g. `s3`, `iam`, `sts`.
    public var service: String

    /// A signer for one region and service.
    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to add to `request` so AWS accepts it at `date`.
    public func sign(request: SigV4Request, date: Date) throws(SigV4Error) -> [SigV4Signature.Header] {
        try signature(for: request, date: date).headers
    }

    /// The whole signature of `request` at `date`, with its canonical request and string to sign.
    public func signature(for request: SigV4Request, date: Date) throws(SigV4Error) -> SigV4Signature {
        try validateScope()
        let method = try Self.validatedMethod(request.method)
        let target = try ParsedURL(request.url)
        let time = AMZDate(date)
        let payloadHash = try Self.payloadHash(request.body)

        var added: [SigV4Signature.Header] = [.init(name: "X-Amz-Date", value: time.dateTime)]
        if service == "s3" {
            added.append(.init(name: "X-Amz-Content-Sha256", value: payloadHash))
        }
        if let token = credentials.sessionToken {
            added.append(.init(name: "X-Amz-Security-Token", value: token))
        }
        let replaced = Set(added.map { $0.name.lowercased() })
        let given = request.headers.filter { !replaced.contains($0.0.lowercased()) }
        let headers = try Self.canonicalHeaders(
            given + added.map { ($0.name, $0.value) },
            host: target.hostHeader
        )
        let canonicalRequest = [
            method,
            try target.canonicalURI(service: service),
            Self.canonicalQuery(target.queryItems),
            headers.block,
            headers.signed,
            payloadHash,
        ].joined(separator: "\n")
        let scope = "\(time.date)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            Self.algorithm, time.dateTime, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ]
        .joined(separator: "\n")
        let signature = signatureHex(stringToSign, date: time.date)
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(headers.signed), Signature=\(signature)"
        return SigV4Signature(
            canonicalRequest: canonicalRequest,
            stringToSign: stringToSign,
            signedHeaders: headers.signed,
            signature: signature,
            headers: [.init(name: "Authorization", value: authorization)] + added
        )
    }

    /// A presigned URL for `method` on `url`, valid for `expires` seconds from `date` (1 to 604800). Only the
    /// `host` header is signed and the payload is `UNSIGNED-PAYLOAD`; the URL's own query parameters are kept.
    public func presign(url: URL, method: String = "GET", expires: Int, date: Date) throws(SigV4Error) -> URL {
        try validateScope()
        let method = try Self.validatedMethod(method)
        guard (1...Self.maximumExpires).contains(expires) else {
            throw SigV4Error(
                location: "expires",
                message: "\(expires) is not within 1...\(Self.maximumExpires) seconds"
            )
        }
        let target = try ParsedURL(url)
        let time = AMZDate(date)
        let scope = "\(time.date)/\(region)/\(service)/aws4_request"
        var items = target.queryItems.filter { !Self.presignNames.contains($0.name) }
        items.append(("X-Amz-Algorithm", Self.algorithm))
        items.append(("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"))
        items.append(("X-Amz-Date", time.dateTime))
        items.append(("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken {
            items.append(("X-Amz-Security-Token", token))
        }
        items.append(("X-Amz-SignedHeaders", "host"))
        let query = Self.canonicalQuery(items)
        let canonicalRequest = [
            method,
            try target.canonicalURI(service: service),
            query,
            "host:\(target.hostHeader)\n",
            "host",
            Self.unsignedPayload,
        ].joined(separator: "\n")
        let stringToSign = [
            Self.algorithm, time.dateTime, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ]
        .joined(separator: "\n")
        let signature = signatureHex(stringToSign, date: time.date)
        let text = "\(target.origin)\(target.wirePath)?\(query)&X-Amz-Signature=\(signature)"
        guard let signed = URL(string: text) else {
            throw SigV4Error(location: "url", message: "the presigned URL could not be formed")
        }
        return signed
    }

    /// Query parameters that `presign` sets itself (replaced when the URL already has them).
    static let presignNames: Set<String> = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Security-Token",
        "X-Amz-SignedHeaders", "X-Amz-Signature",
    ]

    // MARK: - Steps

    private func validateScope() throws(SigV4Error) {
        for (name, value) in [("region", region), ("service", service), ("access key ID", credentials.accessKeyID)] {
            guard !value.isEmpty, value.utf8.count <= 256,
                value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0 != "/" && $0.value < 0x7F })
            else {
                throw SigV4Error(location: name, message: "must be 1 to 256 printable ASCII characters without '/'")
            }
        }
        guard !credentials.secretAccessKey.isEmpty else {
            throw SigV4Error(location: "secret access key", message: "is empty")
        }
    }

    private static func validatedMethod(_ method: String) throws(SigV4Error) -> String {
        let token = Set("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        guard !method.isEmpty, method.count <= 32, method.allSatisfy({ token.contains($0) }) else {
            throw SigV4Error(location: "method", message: "'\(method.prefix(32))' is not an HTTP method token")
        }
        return method.uppercased()
    }

    private static func payloadHash(_ payload: SigV4Payload) throws(SigV4Error) -> String {
        switch payload {
        case .bytes(let bytes):
            return hex(SHA256.hash(data: bytes))
        case .precomputedHash(let text):
            guard text.utf8.count == 64,
                text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            else {
                throw SigV4Error(location: "payload hash", message: "must be 64 lowercase hexadecimal digits")
            }
            return text
        case .unsigned:
            return unsignedPayload
        }
    }

    /// Lowercase names, values trimmed with inner runs of spaces collapsed, repeated headers joined by commas
    /// in their order, sorted by name; `host` from the URL unless given.
    private static func canonicalHeaders(
        _ headers: [(String, String)],
        host: String
    ) throws(SigV4Error) -> (block: String, signed: String) {
        guard headers.count <= maximumHeaders else {
            throw SigV4Error(location: "headers", message: "more than \(maximumHeaders) headers")
        }
        var total = 0
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            total += name.utf8.count + value.utf8.count
            guard total <= maximumHeaderBytes else {
                throw SigV4Error(location: "headers", message: "more than \(maximumHeaderBytes) bytes")
            }
            let lower = name.lowercased()
            guard !lower.isEmpty, lower.utf8.allSatisfy(isTokenByte) else {
                throw SigV4Error(location: "header \"\(name.prefix(64))\"", message: "the name is not an HTTP token")
            }
            guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                throw SigV4Error(location: "header \"\(lower)\"", message: "the value contains CR, LF or NUL")
            }
            if unsignedHeaderNames.contains(lower) { continue }
            values[lower, default: []].append(normalizedValue(value))
        }
        if values["host"] == nil {
            values["host"] = [host]
        }
        let names = values.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var block = ""
        for name in names {
            block += "\(name):\((values[name] ?? []).joined(separator: ","))\n"
        }
        return (block, names.joined(separator: ";"))
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x61...0x7A, 0x41...0x5A: return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Trims spaces and tabs and collapses inner runs of them to one space.
    static func normalizedValue(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in value.unicodeScalars {
            if scalar == " " || scalar == "\t" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Names and values URI-encoded, sorted by encoded name then encoded value, joined as `n=v&...`.
    static func canonicalQuery(_ items: [(name: String, value: String)]) -> String {
        let encoded = items.map { (uriEncode($0.name), uriEncode($0.value)) }
        let sorted = encoded.sorted { left, right in
            if left.0 != right.0 { return Array(left.0.utf8).lexicographicallyPrecedes(Array(right.0.utf8)) }
            return Array(left.1.utf8).lexicographicallyPrecedes(Array(right.1.utf8))
        }
        return sorted.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters (`A-Z a-z 0-9 - . _ ~`), with
    /// uppercase hexadecimal digits; `/` is encoded too.
    public static func uriEncode(_ text: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
                out.append(byte)
            default:
                out.append(0x25)
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func signatureHex(_ stringToSign: String, date: String) -> String {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key))
        }
        let dateKey = hmac(SymmetricKey(data: Data(("AWS4" + credentials.secretAccessKey).utf8)), date)
        let signingKey = hmac(hmac(hmac(dateKey, region), service), "aws4_request")
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey))
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The pieces of a request URL that enter the signature.
private struct ParsedURL {
    /// `scheme://host[:port]` as in the URL.
    var origin: String
    /// The `Host` header value: the host, and the port when it is not the scheme's default.
    var hostHeader: String
    /// The path as sent (percent-encoded), `/` when empty.
    var wirePath: String
    /// The decoded path segments (split on `/`).
    var segments: [String]
    /// The decoded query parameters in their order.
    var queryItems: [(name: String, value: String)]

    init(_ url: URL) throws(SigV4Error) {
        let text = url.absoluteString
        guard text.utf8.count <= SigV4Signer.maximumURLBytes else {
            throw SigV4Error(location: "url", message: "longer than \(SigV4Signer.maximumURLBytes) bytes")
        }
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: true),
            let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http"
        else {
            throw SigV4Error(location: "url", message: "'\(text.prefix(200))' is not an absolute http(s) URL")
        }
        guard var host = components.percentEncodedHost, !host.isEmpty else {
            throw SigV4Error(location: "url", message: "'\(text.prefix(200))' has no host")
        }
        host = host.lowercased()
        if host.contains(":") && !host.hasPrefix("[") { host = "[\(host)]" }
        if let port = components.port, port != (scheme == "https" ? 443 : 80) {
            hostHeader = "\(host):\(port)"
        } else {
            hostHeader = host
        }
        origin = "\(scheme)://\(hostHeader)"
        let path = components.percentEncodedPath
        wirePath = path.isEmpty ? "/" : path
        var decoded: [String] = []
        for segment in wirePath.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard let plain = String(segment).removingPercentEncoding else {
                throw SigV4Error(location: "url path", message: "'\(segment.prefix(100))' has a bad percent-encoding")
            }
            decoded.append(plain)
        }
        segments = decoded
        var items: [(name: String, value: String)] = []
        if let query = components.percentEncodedQuery, !query.isEmpty {
            for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let rawName = String(parts[0])
                let rawValue = parts.count > 1 ? String(parts[1]) : ""
                guard let name = rawName.removingPercentEncoding, let value = rawValue.removingPercentEncoding else {
                    throw SigV4Error(location: "url query", message: "'\(pair.prefix(100))' has a bad percent-encoding")
                }
                items.append((name, value))
            }
        }
        guard items.count <= 1000 else {
            throw SigV4Error(location: "url query", message: "more than 1000 parameters")
        }
        queryItems = items
    }

    /// S3: each segment encoded once, the path as given. Other services: `.` and `..` segments and empty
    /// segments removed (a trailing `/` kept), then each segment encoded twice.
    func canonicalURI(service: String) throws(SigV4Error) -> String {
        if service == "s3" {
            return "/" + segments.map(SigV4Signer.uriEncode).joined(separator: "/")
        }
        var kept: [String] = []
        for segment in segments {
            switch segment {
            case "", ".": continue
            case "..": _ = kept.popLast()
            default: kept.append(segment)
            }
        }
        var uri = "/" + kept.map { SigV4Signer.uriEncode(SigV4Signer.uriEncode($0)) }.joined(separator: "/")
        if !kept.isEmpty, segments.last == "" || segments.last == "." || segments.last == ".." {
            uri += "/"
        }
        return uri
    }
}

/// A time in SigV4's two forms.
struct AMZDate {
    /// `YYYYMMDDTHHMMSSZ`.
    var dateTime: String
    /// `YYYYMMDD`.
    var date: String

    init(_ instant: Date) {
        let seconds = Int64(instant.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText =
            String(year).count < 4 ? String(repeating: "0", count: 4 - String(year).count) + "\(year)" : "\(year)"
        date = "\(yearText)\(two(month))\(two(day))"
        dateTime = "\(date)T\(two(secondOfDay / 3600))\(two(secondOfDay / 60 % 60))\(two(secondOfDay % 60))Z"
    }

    /// Year, month and day of a count of days since 1970-01-01 (proleptic Gregorian calendar).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension SigV4Signer {
    /// Parses SigV4's `YYYYMMDDTHHMMSSZ` (e.g. `20150830T123600Z`) as a UTC time; nil when malformed.
    public static func parseAMZDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        let days = AMZDate.days(year: year, month: month, day: day)
        guard AMZDate.civil(fromDays: days) == (year, month, day) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
    }
}
