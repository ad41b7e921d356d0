public import CEL
import Foundation

/// Removes secrets from decision inputs before they reach the decision log.
///
/// Two mechanisms, applied in this order:
///
/// 1. **Configured paths** (``paths``): dot-separated keys from the top of the input, such as
///    `request.headers.authorization` or `subject_token`. A `*` segment matches any key. Keys are compared
///    without regard to ASCII case (HTTP header names), lists on the way are looked through (the path applies
///    to each element), and the whole value found there, whatever its type, becomes ``placeholder``
///    (`"[redacted]"`).
/// 2. **Tokens, always** (even when nothing is configured), anywhere in the input:
///    - a string that is a JWT/JWS/JWE in compact form (three or five base64url segments whose first one
///      decodes to a JSON object with `alg`), also when it is embedded in a longer string such as a URL
///      query;
///    - an HTTP credential: `Bearer ...`, `DPoP ...`, `Token ...`, or `Basic ...` whose value decodes to
///      `user:password`;
///    - the value of a secret-looking `name=value` parameter inside a string (`?access_token=...` in a
///      URL, a form body, a cookie string), with names judged as keys are below;
///    - every string (and bytes) value under a key whose name looks secret: it contains `authorization`,
///      `cookie`, `token`, `secret`, `password`, `passwd`, `apikey`, `privatekey` or `credential` once
///      case, `-`, `_` and `.` are ignored (`Proxy-Authorization`, `set-cookie`, `subject_token`,
///      `client_secret`, `x-api-key`), unless the name ends in `type`, `types`, `endpoint`, `url` or `uri`
///      (`subject_token_type`, `token_endpoint`). Inside such a key, maps and lists are redacted throughout;
///      numbers, booleans and null are kept (`max_tokens: 100` stays).
///
///    Such a value becomes a fingerprint: `"[redacted jwt fnv:1a2b3c4d5e6f7a8b len:812]"` (the kind, the
///    64-bit FNV-1a hash of the credential in hex, its length in UTF-8 bytes), so that the same token can be
///    recognised across decisions without being stored. FNV-1a is fast and unsalted, so a fingerprint of a
///    short secret (a password) would let anyone holding the log test guesses offline: credentials shorter
///    than ``minimumFingerprintBytes`` are written as `"[redacted secret]"`, without hash or length.
///
/// Values that JSON cannot hold are kept visible but safe: an error becomes `{"$error": "message"}`, an
/// unknown `{"$unknown": [expression ids]}`. Nesting deeper than ``maximumDepth`` is replaced by a marker
/// (what cannot be scanned is not stored). ``encode(input:)`` bounds the JSON text to ``maximumBytes``.
public struct DecisionRedactor: Sendable {
    /// What a value at a configured path is replaced with.
    public static let placeholder = "[redacted]"
    /// The default bound of an encoded input or result: 64 KiB.
    public static let defaultMaximumBytes = 64 << 10
    /// Credentials shorter than this many UTF-8 bytes are redacted without a fingerprint.
    public static let minimumFingerprintBytes = 32
    /// How deeply nested values are scanned; deeper values are replaced by a marker.
    public static let maximumDepth = 128
    /// The most configured paths accepted.
    public static let maximumPathCount = 256
    /// The most segments in one configured path.
    public static let maximumPathSegments = 32

    /// The configured paths, as given.
    public let paths: [String]
    /// The largest encoded input or result kept whole, in UTF-8 bytes; larger ones are truncated with a marker.
    public let maximumBytes: Int
    private let patterns: [[Segment]]

    private enum Segment: Sendable, Hashable {
        case key(String)
        case any
    }

    /// A redactor with no configured paths: tokens are still redacted.
    public init() {
        paths = []
        patterns = []
        maximumBytes = Self.defaultMaximumBytes
    }

    /// A redactor for configured paths.
    /// - Parameters:
    ///   - paths: Dot-separated paths from the top of the input (`request.headers.authorization`); `*` matches
    ///     any key. Segments may not be empty.
    ///   - maximumBytes: The bound of an encoded input or result (default 64 KiB, at least 1 KiB).
    /// - Throws: ``DecisionRedactorError`` naming the first bad path, too many paths, or a bound below 1 KiB.
    public init(paths: [String], maximumBytes: Int = DecisionRedactor.defaultMaximumBytes)
        throws(DecisionRedactorError)
    {
        guard paths.count <= Self.maximumPathCount else {
            throw DecisionRedactorError(
                path: nil,
                message: "\(paths.count) redaction paths; at most \(Self.maximumPathCount) are allowed"
            )
        }
        guard maximumBytes >= 1024 else {
            throw DecisionRedactorError(
                path: nil,
                message: "the decision log size bound must be at least 1024 bytes, not \(maximumBytes)"
            )
        }
        var patterns: [[Segment]] = []
        for path in paths {
            let segments = path.split(separator: ".", omittingEmptySubsequences: false)
            guard !path.isEmpty, segments.allSatisfy({ !$0.isEmpty }) else {
                throw DecisionRedactorError(
                    path: path,
                    message: "redaction path '\(path)' has an empty segment (write keys separated by '.')"
                )
            }
            guard segments.count <= Self.maximumPathSegments else {
                throw DecisionRedactorError(
                    path: path,
                    message: "redaction path '\(path)' has \(segments.count) segments; at most "
                        + "\(Self.maximumPathSegments) are allowed"
                )
            }
            patterns.append(segments.map { $0 == "*" ? .any : .key(Self.lowercasedASCII(String($0))) })
        }
        self.paths = paths
        self.patterns = patterns
        self.maximumBytes = maximumBytes
    }

    // MARK: - Redaction of values

    /// The input with configured paths replaced and tokens fingerprinted.
    public func redact(input: Value) -> Value {
        let states = patterns.indices.map { PathState(pattern: $0, position: 0) }
        return walk(input, states: states, sensitive: false, depth: 0) ?? input
    }

    /// A result with tokens fingerprinted (configured paths address the input, not results).
    public func redact(result: Value) -> Value {
        walk(result, states: [], sensitive: false, depth: 0) ?? result
    }

    /// Free text (such as a failure message) with embedded JWTs and HTTP credentials fingerprinted.
    public func redact(text: String) -> String {
        scan(text) ?? text
    }

    /// The redacted input as JSON text, bounded by ``maximumBytes``.
    public func encode(input: Value) -> String {
        bounded(Self.json(redact(input: input)))
    }

    /// The redacted result as JSON text, bounded by ``maximumBytes``.
    public func encode(result: Value) -> String {
        bounded(Self.json(redact(result: result)))
    }

    /// How far one configured path has matched: the next segment to compare is `position`.
    private struct PathState: Sendable {
        var pattern: Int
        var position: Int
    }

    /// The redacted value, or `nil` when nothing in it changed (so unchanged subtrees are shared, not copied).
    private func walk(_ value: Value, states: [PathState], sensitive: Bool, depth: Int) -> Value? {
        switch value {
        case .string(let string):
            if sensitive { return Self.sensitiveString(string.value) }
            return scan(string.value).map { .string($0) }
        case .bytes(let bytes):
            guard sensitive, !bytes.isEmpty else { return nil }
            return .string(Self.fingerprint(kind: "secret", bytes: bytes))
        case .list(let elements):
            guard depth < Self.maximumDepth else { return .string(Self.tooDeep) }
            var changed: [Value]?
            for (index, element) in elements.enumerated() {
                guard let replacement = walk(element, states: states, sensitive: sensitive, depth: depth + 1) else {
                    continue
                }
                if changed == nil { changed = elements }
                changed?[index] = replacement
            }
            return changed.map { .list($0) }
        case .map(let map):
            guard depth < Self.maximumDepth else { return .string(Self.tooDeep) }
            return walk(map, states: states, sensitive: sensitive, depth: depth)
        case .optional(let inner):
            guard let inner, let replacement = walk(inner, states: states, sensitive: sensitive, depth: depth + 1)
            else { return nil }
            return .optional(replacement)
        case .error(let error):
            return Self.makeMap([("$error", .string(redact(text: error.description)))])
        case .unknown(let unknown):
            return Self.makeMap([("$unknown", .list(unknown.exprIDs.sorted().map { .int(Int64($0)) }))])
        case .null, .bool, .int, .uint, .double, .timestamp, .duration, .type, .object:
            return nil
        }
    }

    private func walk(_ map: CELMap, states: [PathState], sensitive: Bool, depth: Int) -> Value? {
        var values: [Value]?
        for (index, key) in map.keys.enumerated() {
            let name = Self.keyText(key)
            let lowered = Self.lowercasedASCII(name)
            var next: [PathState] = []
            var matched = false
            for state in states {
                let segment = patterns[state.pattern][state.position]
                switch segment {
                case .any: break
                case .key(let wanted): guard wanted == lowered else { continue }
                }
                if state.position + 1 == patterns[state.pattern].count {
                    matched = true
                } else {
                    next.append(PathState(pattern: state.pattern, position: state.position + 1))
                }
            }
            let replacement: Value?
            if matched {
                replacement = .string(Self.placeholder)
            } else {
                replacement = walk(
                    map.values[index],
                    states: next,
                    sensitive: sensitive || Self.isSensitiveKey(lowered),
                    depth: depth + 1
                )
            }
            guard let replacement else { continue }
            if values == nil { values = map.values }
            values?[index] = replacement
        }
        guard let values else { return nil }
        switch CELMap.make(Array(zip(map.keys, values).map { (key: $0.0, value: $0.1) })) {
        case .success(let redacted): return .map(redacted)
        case .failure: return .string(Self.placeholder)  // cannot happen: the keys are the original ones
        }
    }

    // MARK: - Keys

    private static let sensitiveWords = [
        "authorization", "cookie", "token", "secret", "password", "passwd", "apikey", "privatekey", "credential",
    ]
    private static let harmlessSuffixes = ["type", "types", "endpoint", "url", "uri"]

    /// Whether a (lowercased) key names a secret.
    static func isSensitiveKey(_ lowered: String) -> Bool {
        var letters = ""
        letters.unicodeScalars.append(
            contentsOf: lowered.unicodeScalars.filter { $0 != "-" && $0 != "_" && $0 != "." && $0 != " " }
        )
        guard sensitiveWords.contains(where: { letters.contains($0) }) else { return false }
        return !harmlessSuffixes.contains(where: { letters.hasSuffix($0) })
    }

    private static func keyText(_ key: Value) -> String {
        switch key {
        case .string(let string): string.value
        case .int(let value): String(value)
        case .uint(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        default: key.description
        }
    }

    private static func lowercasedASCII(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.append(
            contentsOf: text.unicodeScalars.map { ("A"..."Z").contains($0) ? Unicode.Scalar($0.value + 32) ?? $0 : $0 }
        )
        return result
    }

    // MARK: - Strings

    /// A string under a secret-looking key: always redacted (empty strings stay empty).
    private static func sensitiveString(_ text: String) -> Value? {
        guard !text.isEmpty else { return nil }
        if let (kind, credential) = httpCredential(text) {
            return .string(fingerprint(kind: kind, bytes: Array(credential.utf8)))
        }
        let kind = isJWT(Array(text.utf8)[...]) ? "jwt" : "secret"
        return .string(fingerprint(kind: kind, bytes: Array(text.utf8)))
    }

    /// The string with HTTP credentials and JWTs replaced, or `nil` when it holds none.
    private func scan(_ text: String) -> String? {
        if let (kind, credential) = Self.httpCredential(text) {
            return Self.fingerprint(kind: kind, bytes: Array(credential.utf8))
        }
        let parameters = Self.replacingSecretParameters(in: text)
        return Self.replacingJWTs(in: parameters ?? text) ?? parameters
    }

    private static func isParameterNameByte(_ byte: UInt8) -> Bool {
        isBase64URL(byte) || byte == UInt8(ascii: ".")
    }

    private static func endsParameterValue(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: ";"), UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: " "),
            UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\""), UInt8(ascii: "'"):
            true
        default:
            false
        }
    }

    /// The text with the values of secret-looking `name=value` parameters (a URL query such as
    /// `?access_token=...`, a form body, a cookie string) fingerprinted, or `nil` when there is none.
    static func replacingSecretParameters(in text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "=")) else { return nil }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var copied = 0
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "=") else {
                index += 1
                continue
            }
            var start = index
            while start > copied && isParameterNameByte(bytes[start - 1]) { start -= 1 }
            var end = index + 1
            while end < bytes.count && !endsParameterValue(bytes[end]) { end += 1 }
            let name = lowercasedASCII(String(decoding: bytes[start..<index], as: UTF8.self))
            guard start < index, end > index + 1, isSensitiveKey(name) else {
                index += 1
                continue
            }
            let value = Array(bytes[(index + 1)..<end])
            output.append(contentsOf: bytes[copied...index])
            output.append(contentsOf: fingerprint(kind: isJWT(value[...]) ? "jwt" : "secret", bytes: value).utf8)
            copied = end
            index = end
        }
        guard copied > 0 else { return nil }
        output.append(contentsOf: bytes[copied...])
        return String(decoding: output, as: UTF8.self)
    }

    /// The authorization scheme (lowercased) and the credential, when `text` is `Bearer X`, `DPoP X`,
    /// `Token X`, or `Basic X` where X decodes to `user:password`.
    private static func httpCredential(_ text: String) -> (kind: String, credential: Substring)? {
        let trimmed = text.drop(while: { $0 == " " || $0 == "\t" })
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return nil }
        let scheme = lowercasedASCII(String(trimmed[..<space]))
        guard ["bearer", "dpop", "token", "basic"].contains(scheme) else { return nil }
        let credential = trimmed[space...].drop(while: { $0 == " " || $0 == "\t" })
        guard !credential.isEmpty, !credential.contains(" ") else { return nil }
        if scheme == "basic" {
            guard let decoded = Data(base64Encoded: String(credential)), decoded.contains(UInt8(ascii: ":")) else {
                return nil
            }
        }
        return (scheme, credential)
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// The text with every compact JWT/JWS/JWE in it fingerprinted, or `nil` when there is none.
    ///
    /// Candidates are maximal runs of base64url characters and dots; a run is a token when it has three or
    /// five segments and its first segment decodes to a JSON object with an `alg` member.
    static func replacingJWTs(in text: String) -> String? {
        var dots = 0
        for byte in text.utf8 where byte == UInt8(ascii: ".") { dots += 1 }
        guard dots >= 2 else { return nil }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var copied = 0
        var index = 0
        while index < bytes.count {
            guard isBase64URL(bytes[index]) || bytes[index] == UInt8(ascii: ".") else {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count && (isBase64URL(bytes[end]) || bytes[end] == UInt8(ascii: ".")) { end += 1 }
            let run = bytes[index..<end]
            if isJWT(run) {
                output.append(contentsOf: bytes[copied..<index])
                output.append(contentsOf: fingerprint(kind: "jwt", bytes: Array(run)).utf8)
                copied = end
            }
            index = end
        }
        guard copied > 0 else { return nil }
        output.append(contentsOf: bytes[copied...])
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether the bytes are a compact JWS or JWE: three or five base64url segments, the first a JSON
    /// object header with `alg`.
    static func isJWT(_ run: ArraySlice<UInt8>) -> Bool {
        let segments = run.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 || segments.count == 5 else { return false }
        let header = segments[0]
        guard header.count >= 8, header.count <= 4096, header.allSatisfy(isBase64URL) else { return false }
        guard segments.dropFirst().allSatisfy({ $0.allSatisfy(isBase64URL) }) else { return false }
        var base64 = String(decoding: header, as: UTF8.self)
            .replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let decoded = Data(base64Encoded: base64),
            let parsed = try? JSON.parse(
                bytes: [UInt8](decoded),
                options: JSONReadOptions(maxDepth: 8, maxBytes: 4096)
            ),
            case .map(let map) = parsed
        else { return false }
        return map[.string("alg")] != nil
    }

    /// `[redacted KIND fnv:HASH len:N]`, or `[redacted KIND]` for credentials too short to fingerprint.
    static func fingerprint(kind: String, bytes: [UInt8]) -> String {
        guard bytes.count >= minimumFingerprintBytes else { return "[redacted \(kind)]" }
        var hash = FNV1a()
        hash.add(bytes)
        return "[redacted \(kind) fnv:\(hexDigits(hash.value, width: 16)) len:\(bytes.count)]"
    }

    private static let tooDeep = "[redacted: nested deeper than \(maximumDepth) levels]"

    // MARK: - JSON

    private static func makeMap(_ entries: [(String, Value)]) -> Value {
        switch CELMap.make(entries.map { (key: Value.string($0.0), value: $0.1) }) {
        case .success(let map): .map(map)
        case .failure: .string(placeholder)
        }
    }

    /// The value as JSON (protobuf's JSON mapping: bytes as base64, timestamps as RFC 3339, durations as
    /// `"1.5s"`); a value JSON cannot hold even after redaction becomes `{"$unencodable": "why"}`.
    private static func json(_ value: Value) -> String {
        do {
            return try JSON.text(of: value)
        } catch {
            return #"{"$unencodable":"# + JSON.quote(error.message) + "}"
        }
    }

    /// The text itself when it fits in ``maximumBytes``, else
    /// `{"$truncated":{"bytes":N,"fnv":"HASH","prefix":"..."}}`: valid JSON, marked, with as much of the
    /// beginning as fits (the prefix, written as a JSON string, may need two bytes for one).
    private func bounded(_ text: String) -> String {
        let count = text.utf8.count
        guard count > maximumBytes else { return text }
        var hash = FNV1a()
        hash.add(text.utf8)
        let head = #"{"$truncated":{"bytes":\#(count),"fnv":"\#(hexDigits(hash.value, width: 16))","prefix":"#
        let budget = max(0, (maximumBytes - head.utf8.count - 4) / 2)
        var prefix = ""
        var used = 0
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            guard used + width <= budget else { break }
            used += width
            prefix.unicodeScalars.append(scalar)
        }
        return head + JSON.quote(prefix) + "}}"
    }
}

/// A redaction setting that cannot be used: an empty path segment, too many paths or segments, a size bound
/// that is too small.
public struct DecisionRedactorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configured path at fault, when one is.
    public var path: String?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(path: String?, message: String) {
        self.path = path
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
