internal import CEL
internal import Foundation
import HTTPTypes
import Hummingbird
internal import NIOCore
internal import TesseraPolicy

/// Envoy's `ext_authz` filter in HTTP service mode.
///
/// Envoy sends the original method, `path_prefix` + the original path and query, and the headers
/// its `allowed_headers` lists. The policy at ``decisionPath`` sees
/// `{"request": {"method", "path", "query": {name: value}, "headers": {name: value}}}` (header
/// names in lower case, repeated headers joined with `, `; the path without the route prefix) and
/// `caller` (the connection's address or client certificate).
///
/// The result is either a bool or a document: `allow` (or `allowed`) decides; on allow, `headers`
/// (name → string) are added to the 200 answer (Envoy copies those its
/// `allowed_upstream_headers` lists onto the upstream request); on deny, `http_status` (default
/// 403), `response_headers` and `body` (text, or a document sent as JSON; by default
/// `{"allowed": false, "reasons": [...]}` from the result's `reasons`) make the answer Envoy
/// relays to the client. Undefined, failed or unlogged decisions deny with 403 (fail closed).
struct ExtAuthzRoute: Sendable {
    let service: DecisionService
    /// The route prefix Envoy's `path_prefix` names.
    let prefix: String
    /// The policy path that decides.
    let decisionPath: String
    let readsClientCertificates: Bool

    func register(on router: Router<TesseraRequestContext>) {
        for method: HTTPRequest.Method in [.get, .post, .put, .delete, .patch, .head, .options] {
            router.on(RouterPath(prefix), method: method) { request, context in await check(request, context) }
            router.on(RouterPath(prefix + "/**"), method: method) { request, context in await check(request, context) }
        }
    }

    private func check(_ request: Request, _ context: TesseraRequestContext) async -> Response {
        let input = Self.input(for: request, prefix: prefix)
        let caller =
            await CallerIdentity.of(context.channel, readsCertificate: readsClientCertificates)
        let decision: Decision
        do {
            decision = try await service.decide(path: decisionPath, input: input, caller: caller, source: "ext_authz")
        } catch {
            return Self.deny(
                status: .forbidden,
                headers: [:],
                body: "{\"allowed\":false,\"reasons\":[\"the decision could not be recorded\"]}"
            )
        }
        return Self.answer(for: decision.result)
    }

    /// The policy input for a check request.
    static func input(for request: Request, prefix: String) -> Value {
        var path = String(request.uri.path.dropFirst(prefix.count))
        if path.isEmpty { path = "/" }
        var query: [(key: Value, value: Value)] = []
        var seen: Set<String> = []
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            let key = decode(parts[0])
            // Repeated parameters keep the first value, as most frameworks do.
            guard seen.insert(key).inserted else { continue }
            query.append((.string(CELString(key)), .string(CELString(parts.count > 1 ? decode(parts[1]) : ""))))
        }
        var headers: [String: String] = [:]
        var order: [String] = []
        for field in request.headers {
            let name = field.name.canonicalName
            if let existing = headers[name] {
                headers[name] = existing + ", " + field.value
            } else {
                headers[name] = field.value
                order.append(name)
            }
        }
        let headerEntries = order.map {
            (key: Value.string(CELString($0)), value: Value.string(CELString(headers[$0] ?? "")))
        }
        let requestEntries: [(key: Value, value: Value)] = [
            (.string("method"), .string(CELString(request.method.rawValue))),
            (.string("path"), .string(CELString(path))),
            (.string("query"), map(query)),
            (.string("headers"), map(headerEntries)),
        ]
        return map([(.string("request"), map(requestEntries))])
    }

    private static func map(_ entries: [(key: Value, value: Value)]) -> Value {
        switch CELMap.make(entries) {
        case .success(let map): return .map(map)
        case .failure: return .map(.empty)
        }
    }

    /// The answer Envoy gets for a result.
    static func answer(for result: Value?) -> Response {
        switch result {
        case .bool(true):
            return Response(status: .ok)
        case .map(let document):
            let allow = document[.string("allow")] ?? document[.string("allowed")]
            if case .bool(true) = allow {
                return Response(status: .ok, headers: headerFields(document[.string("headers")]))
            }
            var status = HTTPResponse.Status.forbidden
            if case .int(let code) = document[.string("http_status")] ?? .null, (400...599).contains(code) {
                status = HTTPResponse.Status(code: Int(code))
            } else if case .double(let code) = document[.string("http_status")] ?? .null,
                code.rounded() == code, (400...599).contains(code)
            {
                status = HTTPResponse.Status(code: Int(code))
            }
            let body: String
            switch document[.string("body")] {
            case .string(let text)?:
                body = text.description
            case let value?:
                body = (try? JSON.text(of: value)) ?? ""
            case nil:
                let reasons = document[.string("reasons")] ?? .list([])
                body = "{\"allowed\":false,\"reasons\":\((try? JSON.text(of: reasons)) ?? "[]")}"
            }
            return deny(status: status, headers: headerFields(document[.string("response_headers")]), body: body)
        default:
            return deny(
                status: .forbidden,
                headers: [:],
                body: "{\"allowed\":false,\"reasons\":[\"denied by policy\"]}"
            )
        }
    }

    private static func deny(status: HTTPResponse.Status, headers: HTTPFields, body: String) -> Response {
        var fields = headers
        if fields[.contentType] == nil { fields[.contentType] = "application/json" }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// Header fields from a policy's `name: value` document; invalid names or values are skipped.
    private static func headerFields(_ value: Value?) -> HTTPFields {
        var fields = HTTPFields()
        guard case .map(let map)? = value else { return fields }
        for (key, value) in map.entries {
            guard case .string(let name) = key, case .string(let text) = value,
                let fieldName = HTTPField.Name(name.description), HTTPField.isValidValue(text.description)
            else { continue }
            fields.append(HTTPField(name: fieldName, value: text.description))
        }
        return fields
    }
}
