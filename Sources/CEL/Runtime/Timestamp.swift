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

/// A CEL duration: a signed span with nanosecond precision, within ±315,576,000,000 seconds (about
/// 10,000 years), as `google.protobuf.Duration` defines it.
public struct Duration: Sendable, Hashable, Comparable {
    /// Whole seconds.
    public var seconds: Int64
    /// Nanoseconds, with the same sign as `seconds` (or zero), `-999_999_999...999_999_999`.
    public var nanos: Int32

    /// The largest magnitude in seconds.
    public static let maxSeconds: Int64 = 315_576_000_000

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
        guard s >= -Self.maxSeconds, s <= Self.maxSeconds else { return nil }
        self.seconds = s
        self.nanos = Int32(n)
    }

    /// The duration in nanoseconds, when that fits in 64 bits.
    public var totalNanoseconds: Int64? {
        let (product, overflow1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, overflow2) = product.addingReportingOverflow(Int64(nanos))
        return overflow1 || overflow2 ? nil : sum
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

    /// The duration with its sign flipped (always in range, as the range is symmetric).
    public var negated: Duration? {
        Duration(seconds: -seconds, nanos: -Int64(nanos))
    }
}
