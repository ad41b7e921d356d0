public import CEL

public import struct Foundation.Date

extension DecisionOutcome {
    /// The outcome of a decision: ``error`` when evaluation failed (even if a `default` document answered),
    /// ``undefined`` when the path addressed nothing, ``allow`` when the result is `true` or a document whose
    /// `allow` is `true`, and ``deny`` for every other result.
    public init(decision: Decision) {
        self.init(result: decision.result, failure: decision.failure)
    }

    /// The outcome of a result and a failure reason (see ``init(decision:)``).
    public init(result: Value?, failure: String?) {
        guard failure == nil else {
            self = .error
            return
        }
        switch result {
        case nil:
            self = .undefined
        case .error?, .unknown?:
            self = .error
        case .bool(true)?:
            self = .allow
        case .map(let map)?:
            if case .bool(true)? = map[.string("allow")] {
                self = .allow
            } else {
                self = .deny
            }
        default:
            self = .deny
        }
    }
}

extension DecisionRecord {
    /// The longest path, caller or source kept, in UTF-8 bytes; longer ones are cut and marked.
    public static let maximumFieldBytes = 4096
    /// The longest failure message kept, in UTF-8 bytes.
    public static let maximumFailureBytes = 16 << 10

    /// The record of a decision, ready for the decision log: the input redacted and encoded as JSON by
    /// `redactor` (configured paths, tokens, size bound), the result encoded the same way (tokens only),
    /// the outcome derived (``DecisionOutcome/init(decision:)``).
    ///
    /// Values JSON cannot hold keep a visible form (see ``DecisionRedactor``): bytes are base64,
    /// timestamps RFC 3339 text, durations `"1.5s"`, and an error result (evaluation failed without a
    /// `default` document) is `{"$error": "code: message"}`.
    /// - Parameters:
    ///   - decision: The decision.
    ///   - path: The decision path that was asked.
    ///   - input: The input, or `nil` when there was none.
    ///   - caller: Who asked (client address or certificate identity), when known.
    ///   - source: Which front end asked (`v1/data`, `ext_authz`, ...).
    ///   - time: When the decision was made.
    ///   - redactor: What to remove from the input.
    public init(
        decision: Decision,
        path: String,
        input: Value?,
        caller: String?,
        source: String,
        time: Date,
        redactor: DecisionRedactor
    ) {
        let (seconds, attoseconds) = decision.duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let nanoseconds =
            overflow ? Int64.max : scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
        self.init(
            id: Self.bounded(decision.id, Self.maximumFieldBytes),
            time: time,
            path: Self.bounded(path, Self.maximumFieldBytes),
            input: input.map { redactor.encode(input: $0) },
            result: decision.result.map { redactor.encode(result: $0) },
            outcome: DecisionOutcome(decision: decision),
            revision: Self.bounded(decision.revision, Self.maximumFieldBytes),
            durationNanoseconds: max(0, nanoseconds),
            caller: caller.map { Self.bounded(redactor.redact(text: $0), Self.maximumFieldBytes) },
            source: Self.bounded(source, Self.maximumFieldBytes),
            failure: decision.failure.map { Self.bounded(redactor.redact(text: $0), Self.maximumFailureBytes) }
        )
    }

    /// `text` when it fits in `limit` UTF-8 bytes, else as much of its beginning as fits with
    /// `…[truncated, N bytes]` after it.
    static func bounded(_ text: String, _ limit: Int) -> String {
        let count = text.utf8.count
        guard count > limit else { return text }
        let marker = "…[truncated, \(count) bytes]"
        let budget = max(0, limit - marker.utf8.count)
        var prefix = ""
        var used = 0
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            guard used + width <= budget else { break }
            used += width
            prefix.unicodeScalars.append(scalar)
        }
        return prefix + marker
    }
}
