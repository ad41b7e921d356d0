internal import CEL
internal import Foundation
import Hummingbird
internal import NIOCore
internal import TesseraPolicy

/// OPA's data API over Tessera's policies:
///
/// - `POST /v1/data/{path}` with `{"input": ...}` answers `{"decision_id": ..., "result": ...}`, or
///   `{"decision_id": ...}` (no `result`) when the path is undefined; the `decision_id` is present
///   when the decision log is on, as in OPA.
/// - `GET /v1/data/{path}?input=<JSON>`: the same, with the input in the query.
/// - `POST /v0/data/{path}` with the input document as the body answers the bare result, or 404
///   `undefined_document`.
///
/// Malformed input answers 400 `{"code": "invalid_parameter", "message": ...}`; a body over the
/// limit 413; a policy that fails without a `default` 500 `internal_error` with the reason; a
/// decision the log cannot take 500, never an unlogged answer.
struct DataRoutes: Sendable {
    let service: DecisionService
    let maxBodyBytes: Int
    let readsClientCertificates: Bool

    func register(on router: Router<TesseraRequestContext>) {
        router.post("/v1/data") { request, context in await v1(request, context) }
        router.post("/v1/data/**") { request, context in await v1(request, context) }
        router.get("/v1/data") { request, context in await v1(request, context) }
        router.get("/v1/data/**") { request, context in await v1(request, context) }
        router.post("/v0/data/**") { request, context in await v0(request, context) }
    }

    private enum InputProblem: Error {
        case malformed(String)
        case tooLarge
    }

    private func v1(_ request: Request, _ context: TesseraRequestContext) async -> Response {
        let pretty = request.uri.queryParameters.get("pretty").map { $0 == "true" || $0.isEmpty } ?? false
        guard let path = Self.decisionPath(request.uri.path, prefix: "/v1/data") else {
            return HTTPAnswer.error(
                .badRequest,
                code: "invalid_parameter",
                message: "invalid path: \(request.uri.path)"
            )
        }
        let input: Value?
        do throws(InputProblem) {
            if request.method == .get {
                if let text = Self.formValue(named: "input", in: request.uri.query) {
                    input = try Self.parse(Array(text.utf8))
                } else {
                    input = nil
                }
            } else {
                let body = try await Self.body(of: request, limit: maxBodyBytes)
                input = try Self.v1Input(body)
            }
        } catch {
            return answer(for: error)
        }
        let decision: Decision
        do {
            decision = try await decide(path: path, input: input, context: context, source: "v1/data")
        } catch {
            return HTTPAnswer.error(.internalServerError, code: "internal_error", message: error.description)
        }
        var fields: [String] = []
        if service.log != nil { fields.append("\"decision_id\":\(JSON.quote(decision.id))") }
        if let result = decision.result {
            if case .error = result {
                return HTTPAnswer.error(
                    .internalServerError,
                    code: "internal_error",
                    message: decision.failure ?? "the policy failed to evaluate"
                )
            }
            do {
                fields.append(
                    "\"result\":" + (try JSON.text(of: result, options: JSONWriteOptions(prettyPrinted: pretty)))
                )
            } catch {
                return HTTPAnswer.error(
                    .internalServerError,
                    code: "internal_error",
                    message: "the result cannot be written as JSON: \(error.message)"
                )
            }
        }
        let separator = pretty ? ",\n  " : ","
        let text =
            pretty
            ? "{\n  " + fields.joined(separator: separator) + "\n}\n" : "{" + fields.joined(separator: separator) + "}"
        return HTTPAnswer.json(.ok, text)
    }

    private func v0(_ request: Request, _ context: TesseraRequestContext) async -> Response {
        guard let path = Self.decisionPath(request.uri.path, prefix: "/v0/data") else {
            return HTTPAnswer.error(
                .badRequest,
                code: "invalid_parameter",
                message: "invalid path: \(request.uri.path)"
            )
        }
        let input: Value?
        do throws(InputProblem) {
            let body = try await Self.body(of: request, limit: maxBodyBytes)
            input = body.isEmpty ? nil : try Self.parse(body)
        } catch {
            return answer(for: error)
        }
        let decision: Decision
        do {
            decision = try await decide(path: path, input: input, context: context, source: "v0/data")
        } catch {
            return HTTPAnswer.error(.internalServerError, code: "internal_error", message: error.description)
        }
        guard let result = decision.result else {
            return HTTPAnswer.error(
                .notFound,
                code: "undefined_document",
                message: "document missing: data/\(path)"
            )
        }
        if case .error = result {
            return HTTPAnswer.error(
                .internalServerError,
                code: "internal_error",
                message: decision.failure ?? "the policy failed to evaluate"
            )
        }
        do {
            return HTTPAnswer.json(.ok, try JSON.text(of: result))
        } catch {
            return HTTPAnswer.error(
                .internalServerError,
                code: "internal_error",
                message: "the result cannot be written as JSON: \(error.message)"
            )
        }
    }

    private func answer(for problem: InputProblem) -> Response {
        switch problem {
        case .tooLarge:
            return HTTPAnswer.error(
                .contentTooLarge,
                code: "invalid_parameter",
                message: "request body is larger than \(maxBodyBytes) bytes"
            )
        case .malformed(let reason):
            return HTTPAnswer.error(.badRequest, code: "invalid_parameter", message: reason)
        }
    }

    private func decide(
        path: String,
        input: Value?,
        context: TesseraRequestContext,
        source: String
    ) async throws(DecisionLogUnavailable) -> Decision {
        let caller =
            await CallerIdentity.of(context.channel, readsCertificate: readsClientCertificates)
        do {
            return try await service.decide(path: path, input: input, caller: caller, source: source)
        } catch let error as DecisionLogUnavailable {
            throw error
        } catch {
            throw DecisionLogUnavailable(reason: "\(error)")
        }
    }

    /// The first value of a query parameter, decoded as HTML forms encode it (`+` is a space, `%2B`
    /// a plus), as OPA (Go's `url.Query`) and curl's `--data-urlencode` expect; `nil` when absent or
    /// not valid percent-encoding.
    static func formValue(named name: String, in query: String?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            guard key == name else { continue }
            let raw = parts.count > 1 ? String(parts[1]) : ""
            return raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    /// The decision path below a route prefix, percent-decoded, without empty segments;
    /// `nil` when a segment does not decode.
    static func decisionPath(_ uriPath: String, prefix: String) -> String? {
        guard uriPath.hasPrefix(prefix) else { return nil }
        let rest = uriPath.utf8.dropFirst(prefix.utf8.count)
        if !rest.contains(UInt8(ascii: "%")) {
            // Nothing to decode (the common case): only empty segments to drop.
            let parts = rest.split(separator: UInt8(ascii: "/"))
            return parts.map { String(Substring($0)) }.joined(separator: "/")
        }
        var segments: [String] = []
        for raw in uriPath.dropFirst(prefix.count).split(separator: "/") {
            guard let segment = String(raw).removingPercentEncoding else { return nil }
            segments.append(segment)
        }
        return segments.joined(separator: "/")
    }

    /// The body of a request, up to a limit.
    private static func body(of request: Request, limit: Int) async throws(InputProblem) -> [UInt8] {
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch {
            throw .tooLarge
        }
    }

    /// The `input` of a `/v1/data` body: an empty body or an object without `input` has none.
    private static func v1Input(_ body: [UInt8]) throws(InputProblem) -> Value? {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        let document = try parse(body)
        guard case .map(let map) = document else {
            throw .malformed("body contains malformed input document: expected a JSON object with an \"input\" key")
        }
        return map[.string("input")]
    }

    private static func parse(_ bytes: [UInt8]) throws(InputProblem) -> Value {
        do {
            return try JSON.parse(bytes: bytes, options: JSONReadOptions(maxDepth: 64, maxBytes: bytes.count + 1))
        } catch {
            throw .malformed("body contains malformed input document: \(error.description)")
        }
    }
}
