/// A CEL timestamp: an instant with nanosecond precision, from 0001-01-01T00:00:00Z to
/// 9999-12-31T23:59:59.999999999Z, as `google.protobuf.Timestamp` defines it.
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    /// Nanoseconds within the second, `0..<1_000_000_000`.
    public var nanos: Int32

    /// The earliest representable second: 0001-01-01T00:00:00Z.
    public static let minSeconds: Int64 = -62_135_596_800
    /// The latest representable second: 9999-12-31T23:59:59Z.
    public static let maxSeconds: Int64 = 253_402_300_799

    /// Creates a timestamp when the instant is in range; `nanos` may be any value and is normalized.
    public init?(seconds: Int64, nanos: Int64 = 0) {
        let (carry, remainder) = nanos.quotientAndRemainder(dividingBy: 1_000_000_000)
        var s = seconds.addingReportingOverflow(carry)
        var n = remainder
        if n < 0 {
            n += 1_000_000_000
            s = s.partialValue.subtractingReportingOverflow(1)
        }
        guard !s.overflow, s.partialValue >= Self.minSeconds, s.partialValue <= Self.maxSeconds else { return nil }
        self.seconds = s.partialValue
        self.nanos = Int32(n)
    }

    /// Ordering in time.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanos) < (rhs.seconds, rhs.nanos)
    }
}

/// A CEL duration: a signed span with nanosecond precision whose total count of nanoseconds fits in
/// 64 bits, about ±292 years (langdef "Overflow": "Duration values are limited to a single int64 value").
///
/// The range is that of cel-go's durations and is narrower than `google.protobuf.Duration`'s
/// ±315,576,000,000 seconds; the corpus requires it (the difference of the first and last
/// timestamps is out of range). Like the int64 range it is not symmetric: the most negative
/// duration, `-9223372036.854775808s`, has no negation.
public struct Duration: Sendable, Hashable, Comparable {
    /// Whole seconds.
    public var seconds: Int64
    /// Nanoseconds, with the same sign as `seconds` (or zero), `-999_999_999...999_999_999`.
    public var nanos: Int32

    /// Creates a duration when it is in range; `nanos` may be any value and is normalized.
    public init?(seconds: Int64, nanos: Int64 = 0) {
        let (carry, remainder) = nanos.quotientAndRemainder(dividingBy: 1_000_000_000)
        let (sum, overflow) = seconds.addingReportingOverflow(carry)
        guard !overflow else { return nil }
        var s = sum
        var n = remainder
        if s > 0 && n < 0 {
            s -= 1
            n += 1_000_000_000
        } else if s < 0 && n > 0 {
            s += 1
            n -= 1_000_000_000
        }
        let (product, overflow1) = s.multipliedReportingOverflow(by: 1_000_000_000)
        let (_, overflow2) = product.addingReportingOverflow(n)
        guard !overflow1, !overflow2 else { return nil }
        self.seconds = s
        self.nanos = Int32(n)
    }

    /// Creates a duration of a number of nanoseconds (every `Int64` is in range).
    public init(nanoseconds: Int64) {
        let (s, n) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        self.seconds = s
        self.nanos = Int32(n)
    }

    /// The duration in nanoseconds (it always fits in 64 bits).
    public var totalNanoseconds: Int64 {
        // In range by construction, so the wrapping operators never wrap.
        seconds &* 1_000_000_000 &+ Int64(nanos)
    }

    /// Ordering by length, negative before positive.
    public static func < (lhs: Duration, rhs: Duration) -> Bool {
        (lhs.seconds, lhs.nanos) < (rhs.seconds, rhs.nanos)
    }
}

extension Timestamp {
    /// The timestamp moved by a duration, or `nil` when the result leaves the range.
    public func adding(_ duration: Duration) -> Timestamp? {
        let (s, o) = seconds.addingReportingOverflow(duration.seconds)
        guard !o else { return nil }
        return Timestamp(seconds: s, nanos: Int64(nanos) + Int64(duration.nanos))
    }

    /// The timestamp moved back by a duration, or `nil` when the result leaves the range.
    public func subtracting(_ duration: Duration) -> Timestamp? {
        let (s, o) = seconds.subtractingReportingOverflow(duration.seconds)
        guard !o else { return nil }
        return Timestamp(seconds: s, nanos: Int64(nanos) - Int64(duration.nanos))
    }

    /// The duration from `other` to this timestamp, or `nil` when out of the duration range.
    public func subtracting(_ other: Timestamp) -> Duration? {
        let (s, o) = seconds.subtractingReportingOverflow(other.seconds)
        guard !o else { return nil }
        return Duration(seconds: s, nanos: Int64(nanos) - Int64(other.nanos))
    }
}

extension Duration {
    /// The sum, or `nil` when out of range.
    public func adding(_ other: Duration) -> Duration? {
        let (s, o) = seconds.addingReportingOverflow(other.seconds)
        guard !o else { return nil }
        return Duration(seconds: s, nanos: Int64(nanos) + Int64(other.nanos))
    }

    /// The difference, or `nil` when out of range.
    public func subtracting(_ other: Duration) -> Duration? {
        let (s, o) = seconds.subtractingReportingOverflow(other.seconds)
        guard !o else { return nil }
        return Duration(seconds: s, nanos: Int64(nanos) - Int64(other.nanos))
    }

    /// The duration with its sign flipped, or `nil` for the most negative duration.
    public var negated: Duration? {
        Duration(seconds: -seconds, nanos: -Int64(nanos))
    }
}
