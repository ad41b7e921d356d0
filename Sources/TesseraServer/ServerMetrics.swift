public import Prometheus
internal import Synchronization
public import TesseraPolicy

/// The server's Prometheus metrics: decisions by path and outcome, decision latency, decision-log
/// failures, and the policy reload status.
///
/// Paths become label values only when they address something defined (a policy or a field of its
/// result); undefined paths are counted as `(undefined)`, so a client cannot grow the label set
/// without bound.
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    private let reloadSucceeded: Gauge
    private let reloadSuccesses: Counter
    private let reloadFailures: Counter
    private let logFailures: Counter
    private let series: Mutex<[SeriesKey: Series]>

    private struct SeriesKey: Hashable {
        let path: String
        let outcome: DecisionOutcome
    }

    private struct Series {
        let count: Counter
        let latency: DurationHistogram
    }

    private static let latencyBuckets: [Swift.Duration] = [
        .microseconds(10), .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250),
        .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    private static var decisions: MetricNameDescriptor {
        name("decisions", unit: "total", "Decisions by policy path and outcome")
    }
    private static var latency: MetricNameDescriptor {
        name("decision_duration", unit: "seconds", "Policy evaluation time by path and outcome")
    }

    /// `tessera_<name>_<unit>` with its help text.
    private static func name(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tessera", metricName: name, unitName: unit, helpText: help)
    }

    /// Creates the metrics in a registry of their own.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        reloadSucceeded = registry.makeGauge(
            descriptor: Self.name(
                "policy_reload_ok",
                unit: "",
                "1 when the last policy reload compiled, 0 when it was refused (the last good revision serves)"
            )
        )
        let reloads = Self.name("policy_reloads", unit: "total", "Policy (re)loads by result")
        reloadSuccesses = registry.makeCounter(descriptor: reloads, labels: [("result", "success")])
        reloadFailures = registry.makeCounter(descriptor: reloads, labels: [("result", "failure")])
        logFailures = registry.makeCounter(
            descriptor: Self.name(
                "decision_log_failures",
                unit: "total",
                "Decisions that could not be written to the decision log (answered with an error)"
            )
        )
        series = Mutex([:])
    }

    /// Counts one decision and its evaluation time.
    public func recordDecision(path: String, outcome: DecisionOutcome, duration: Swift.Duration) {
        let key = SeriesKey(path: path, outcome: outcome)
        let entry = series.withLock { series in
            if let existing = series[key] { return existing }
            let labels = [("path", path), ("outcome", outcome.rawValue)]
            let created = Series(
                count: registry.makeCounter(descriptor: Self.decisions, labels: labels),
                latency: registry.makeDurationHistogram(
                    descriptor: Self.latency,
                    labels: labels,
                    buckets: Self.latencyBuckets
                )
            )
            series[key] = created
            return created
        }
        entry.count.increment()
        entry.latency.record(duration)
    }

    /// Counts a decision the log could not take.
    public func recordLogFailure() { logFailures.increment() }

    /// Records the outcome of a reload attempt.
    public func recordReload(succeeded: Bool) {
        reloadSucceeded.set(to: succeeded ? 1.0 : 0.0)
        if succeeded { reloadSuccesses.increment() } else { reloadFailures.increment() }
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> String { registry.emitToString() }
}
