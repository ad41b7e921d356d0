/// Calendar arithmetic and text forms of timestamps and durations.
extension Timestamp: CustomStringConvertible {
    /// The proleptic Gregorian date of a day count since 1970-01-01.
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        // Shift to an era-based calendar starting on 0000-03-01, so leap days fall at the end of a year.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The day count since 1970-01-01 of a proleptic Gregorian date.
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// RFC 3339 in UTC, with as many fractional digits as needed (none, 3, 6 or 9), such as
    /// `2009-02-13T23:31:30Z` or `2009-02-13T23:31:30.123Z`.
    public var description: String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
        text += "\(pad(secondOfDay / 3_600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        text += Duration.fraction(nanos: Int64(nanos))
        return text + "Z"
    }
}

extension Duration: CustomStringConvertible {
    /// `.123`, `.123456` or `.123456789` for a nanosecond count, or nothing for zero.
    static func fraction(nanos: Int64) -> String {
        guard nanos != 0 else { return "" }
        var digits = String(nanos)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("000") { digits.removeLast(3) }
        return "." + digits
    }

    /// Seconds with the fraction that is needed and an `s` suffix, as `google.protobuf.Duration`'s JSON
    /// form: `1000000s`, `1.5s`, `-0.000000001s`.
    public var description: String {
        let negative = seconds < 0 || nanos < 0
        let magnitudeSeconds = seconds.magnitude
        let magnitudeNanos = Int64(nanos.magnitude)
        var text = negative ? "-" : ""
        text += String(magnitudeSeconds)
        if magnitudeNanos != 0 {
            var digits = String(magnitudeNanos)
            digits = String(repeating: "0", count: 9 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "s"
    }
}
