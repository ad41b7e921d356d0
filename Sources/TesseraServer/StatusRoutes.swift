internal import CEL
internal import Foundation
import Hummingbird
internal import TesseraPolicy

/// `GET /health` and `GET /metrics`.
///
/// `/health` answers 200 while a revision serves (always, once the server started), with the
/// revision, the number of policies and the reload state: `"reload": {"ok": false, "error": ...}`
/// when the last reload was refused (the previous revision goes on serving). `/metrics` is the
/// Prometheus text exposition of ``ServerMetrics``.
struct StatusRoutes: Sendable {
    let engine: PolicyEngine
    let metrics: ServerMetrics

    func register(on router: Router<TesseraRequestContext>) {
        router.get("/health") { _, _ in health() }
        router.get("/metrics") { _, _ in
            HTTPAnswer.text(.ok, metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }

    private func health() -> Response {
        let status = engine.status
        let formatter = ISO8601DateFormatter()
        var reload = [
            "\"ok\":\(status.lastReloadSucceeded)",
            "\"successes\":\(status.successes)",
            "\"failures\":\(status.failures)",
            "\"last_attempt\":\(JSON.quote(formatter.string(from: status.lastAttemptAt)))",
        ]
        if let error = status.lastError { reload.append("\"error\":\(JSON.quote(error))") }
        let text =
            "{\"status\":\"ok\",\"revision\":\(JSON.quote(status.revision)),\"policies\":\(status.policyCount),"
            + "\"loaded_at\":\(JSON.quote(formatter.string(from: status.loadedAt))),"
            + "\"reload\":{\(reload.joined(separator: ","))}}"
        return HTTPAnswer.json(.ok, text)
    }
}
