internal import Foundation
import HTTPTypes
import Hummingbird
internal import NIOCore
public import Prometheus
internal import Synchronization
import TesseraExchange

/// The token exchange broker over HTTP:
///
/// - `POST /oauth2/token`: RFC 8693 token exchange and the RFC 7523 JWT-bearer grant, form-encoded
///   (at most ``maxBodyBytes``), with an optional `DPoP` header; answers carry
///   `Cache-Control: no-store` and `Pragma: no-cache`; errors are `{"error", "error_description"}`
///   (401 for `invalid_client`, 500 for `server_error`, else 400).
/// - `GET /.well-known/openid-configuration` (also at `/.well-known/oauth-authorization-server`).
/// - `GET /.well-known/jwks.json`: the published signing keys.
struct ExchangeRoutes: Sendable {
    /// The largest token request body accepted (room for a subject, an actor and a client assertion
    /// token at their 16 KiB limit each).
    static let maxBodyBytes = 64 << 10

    let service: TokenExchangeService
    let metrics: ExchangeMetrics

    func register(on router: Router<TesseraRequestContext>) {
        router.post("/oauth2/token") { request, context in await token(request, context) }
        router.get("/.well-known/openid-configuration") { _, _ in discovery() }
        router.get("/.well-known/oauth-authorization-server") { _, _ in discovery() }
        router.get("/.well-known/jwks.json") { _, _ in
            HTTPAnswer.json(
                .ok,
                service.jwksDocument(),
                headers: [.cacheControl: "public, max-age=300"]
            )
        }
    }

    private func discovery() -> Response {
        HTTPAnswer.json(.ok, service.discoveryDocument, headers: [.cacheControl: "public, max-age=300"])
    }

    private func token(_ request: Request, _ context: TesseraRequestContext) async -> Response {
        let form: [(String, String)]
        do throws(OAuthError) {
            form = try await Self.form(of: request)
        } catch {
            metrics.record(target: nil, outcome: error.code.rawValue)
            return Self.answer(error)
        }
        let proofs = request.headers[values: .dpop]
        guard proofs.count <= 1 else {
            let error = OAuthError(.invalidDPoPProof, "more than one DPoP header")
            metrics.record(target: nil, outcome: error.code.rawValue)
            return Self.answer(error)
        }
        let outcome = await service.exchange(
            form: form,
            dpopProof: proofs.first,
            method: request.method.rawValue,
            url: service.tokenEndpoint,
            caller: ClientCertificate.address(of: context.channel)
        )
        switch outcome.result {
        case .success(let response):
            metrics.record(target: outcome.target, outcome: "issued")
            return HTTPAnswer.json(.ok, response.jsonText, headers: Self.noStore)
        case .failure(let error):
            metrics.record(target: outcome.target, outcome: error.code.rawValue)
            return Self.answer(error)
        }
    }

    private static let noStore: HTTPFields = [.cacheControl: "no-store", .pragma: "no-cache"]

    private static func answer(_ error: OAuthError) -> Response {
        HTTPAnswer.json(HTTPResponse.Status(code: error.httpStatus), error.jsonText, headers: noStore)
    }

    /// The decoded `application/x-www-form-urlencoded` body.
    static func form(of request: Request) async throws(OAuthError) -> [(String, String)] {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard
            contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
                == "application/x-www-form-urlencoded"
        else {
            throw OAuthError(.invalidRequest, "the body must be application/x-www-form-urlencoded")
        }
        var request = request
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.collectBody(upTo: maxBodyBytes).readableBytesView)
        } catch {
            throw OAuthError(.invalidRequest, "the request body is larger than \(maxBodyBytes) bytes")
        }
        return try decodeForm(bytes)
    }

    /// Splits and percent-decodes a form body (`+` is a space).
    static func decodeForm(_ bytes: [UInt8]) throws(OAuthError) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = part.firstIndex(of: UInt8(ascii: "=")) ?? part.endIndex
            guard let name = decode(part[part.startIndex..<equals]),
                let value = decode(equals < part.endIndex ? part[(equals + 1)...] : [])
            else {
                throw OAuthError(.invalidRequest, "the form body is malformed (bad percent-encoding or UTF-8)")
            }
            pairs.append((name, value))
            guard pairs.count <= 64 else { throw OAuthError(.invalidRequest, "the request has too many parameters") }
        }
        return pairs
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                output.append(0x20)
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2])
                else { return nil }
                output.append(high << 4 | low)
                index += 2
            } else {
                output.append(byte)
            }
            index += 1
        }
        return String(validating: output, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension HTTPField.Name {
    /// `DPoP` (RFC 9449).
    static var dpop: Self { Self("DPoP") ?? .authorization }
    /// `Pragma`.
    static var pragma: Self { Self("Pragma") ?? .cacheControl }
}

/// `tessera_exchanges_total{target, outcome}`: token exchanges by configured target (`(none)` when
/// the request named none that exists) and outcome (`issued` or the OAuth error code). Both label
/// sets are bounded: targets come from the configuration, outcomes from the error codes.
public final class ExchangeMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let counters = Mutex<[String: Counter]>([:])

    /// Creates the metric in a registry (the server's).
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Counts one exchange.
    func record(target: String?, outcome: String) {
        let target = target ?? "(none)"
        let key = target + "\u{0}" + outcome
        let counter = counters.withLock { counters in
            if let existing = counters[key] { return existing }
            let created = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "tessera",
                    metricName: "exchanges",
                    unitName: "total",
                    helpText: "Token exchanges by target and outcome"
                ),
                labels: [("target", target), ("outcome", outcome)]
            )
            counters[key] = created
            return created
        }
        counter.increment()
    }
}
