/// The UTC offsets of one time zone over time: a list of transitions, as a TZif file gives them,
/// followed by a POSIX rule for the instants after the last one (langdef "Timezones").
///
/// A fixed offset such as `+05:30` is a zone with no transitions.
struct TimeZoneRules: Sendable, Hashable {
    /// The instants (seconds since the epoch, ascending) at which the offset changes.
    var transitions: [Int64]
    /// The UTC offset in seconds in effect from each transition on.
    var offsets: [Int32]
    /// The UTC offset before the first transition (or always, without transitions or rule).
    var initialOffset: Int32
    /// The rule for the instants from the last transition on, when the zone has one.
    var rule: POSIXTimeZoneRule?

    /// A zone at a constant offset from UTC, in seconds (east positive).
    static func fixed(_ offset: Int32) -> TimeZoneRules {
        TimeZoneRules(transitions: [], offsets: [], initialOffset: offset, rule: nil)
    }

    /// The offset from UTC in seconds (east positive) at an instant, in O(log transitions).
    func utcOffset(at seconds: Int64) -> Int64 {
        if let rule, transitions.last.map({ seconds >= $0 }) ?? true {
            return rule.utcOffset(at: seconds)
        }
        guard let first = transitions.first, seconds >= first else { return Int64(initialOffset) }
        // The last transition at or before `seconds`.
        var low = 0
        var high = transitions.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if transitions[middle] <= seconds { low = middle } else { high = middle - 1 }
        }
        return Int64(offsets[low])
    }

    /// A fixed offset as langdef's `FixedTZ` writes it, `+hh:mm` or `-hh:mm`, or without a sign
    /// (`05:30`, east), as cel-go also accepts. Hours are `00...23` and minutes `00...59`.
    static func fixedOffset(_ text: String) -> TimeZoneRules? {
        var bytes = Array(text.utf8)[...]
        var sign: Int32 = 1
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            bytes = bytes.dropFirst()
        }
        guard bytes.count == 5, bytes[bytes.startIndex + 2] == UInt8(ascii: ":") else { return nil }
        func twoDigits(_ start: Int) -> Int32? {
            let high = bytes[bytes.startIndex + start]
            let low = bytes[bytes.startIndex + start + 1]
            let zero = UInt8(ascii: "0")
            guard high >= zero, high <= zero + 9, low >= zero, low <= zero + 9 else { return nil }
            return Int32(high - zero) * 10 + Int32(low - zero)
        }
        guard let hours = twoDigits(0), let minutes = twoDigits(3), hours < 24, minutes < 60 else { return nil }
        return .fixed(sign * (hours * 3_600 + minutes * 60))
    }
}
