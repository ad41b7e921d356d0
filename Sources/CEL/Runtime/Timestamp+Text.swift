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

    /// RFC 3339 in UTC, with as many fractional digits as needed and no trailing zeros, as cel-go's
    /// and cel-cpp's `string(timestamp)` print it: `2009-02-13T23:31:30Z`, `2009-02-13T23:31:30.5Z`,
    /// `9999-12-31T23:59:59.999999999Z`.
    public var description: String {
        let time = civilTime(utcOffset: 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(time.year, 4))-\(pad(time.month, 2))-\(pad(time.day, 2))T"
        text += "\(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))"
        text += Duration.fraction(nanos: Int64(nanos))
        return text + "Z"
    }

    /// The calendar fields of this instant on a clock `utcOffset` seconds ahead of UTC.
    func civilTime(utcOffset: Int64) -> CivilTime {
        let local = seconds + utcOffset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        // 1970-01-01 was a Thursday (4).
        let weekday = (days % 7 + 7 + 4) % 7
        return CivilTime(
            year: year,
            month: month,
            day: day,
            dayOfYear: days - Self.daysSinceEpoch(year: year, month: 1, day: 1),
            dayOfWeek: weekday,
            hour: secondOfDay / 3_600,
            minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60
        )
    }

    /// Whether a year of the proleptic Gregorian calendar has a February 29.
    static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in a month (1 to 12) of a year.
    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// The calendar fields of an instant on some clock, as the timestamp accessors report them.
struct CivilTime: Sendable, Hashable {
    /// The proleptic Gregorian year.
    var year: Int64
    /// The month, 1 for January.
    var month: Int64
    /// The day of the month, from 1.
    var day: Int64
    /// The day of the year, 0 for January 1.
    var dayOfYear: Int64
    /// The day of the week, 0 for Sunday.
    var dayOfWeek: Int64
    /// The hour, `0..<24`.
    var hour: Int64
    /// The minute, `0..<60`.
    var minute: Int64
    /// The second, `0..<60`.
    var second: Int64
}

extension Duration: CustomStringConvertible {
    /// The fraction of a second for a nanosecond count, without trailing zeros (`.5`, `.000000001`),
    /// or nothing for zero.
    static func fraction(nanos: Int64) -> String {
        guard nanos != 0 else { return "" }
        var digits = String(nanos.magnitude)
        digits = String(repeating: "0", count: max(0, 9 - digits.count)) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
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
        text += Self.fraction(nanos: magnitudeNanos)
        return text + "s"
    }
}
