/// A POSIX `TZ` rule, as the footer of a TZif file states it (RFC 8536 section 3.3), such as
/// `PST8PDT,M3.2.0,M11.1.0` or `<+0545>-5:45`: a standard offset and, optionally, a daylight offset
/// with the yearly dates and local times at which it starts and ends.
struct POSIXTimeZoneRule: Sendable, Hashable {
    /// The standard offset from UTC in seconds, east positive (the opposite of the POSIX sign).
    var standardOffset: Int64
    /// Daylight saving time, when the zone observes it.
    var daylight: Daylight?

    /// The daylight part of a rule.
    struct Daylight: Sendable, Hashable {
        /// The daylight offset from UTC in seconds, east positive.
        var offset: Int64
        /// When daylight time starts, in local standard time.
        var start: Change
        /// When daylight time ends, in local daylight time.
        var end: Change
    }

    /// A yearly change: a day of the year and a local time of day in seconds (which may be
    /// negative or exceed a day, RFC 8536 section 3.3.1).
    struct Change: Sendable, Hashable {
        var day: Day
        var time: Int64
    }

    /// How a rule names a day of the year.
    enum Day: Sendable, Hashable {
        /// `Jn`: day 1...365, never counting February 29.
        case julian(Int64)
        /// `n`: day 0...365, counting February 29 in leap years.
        case zeroBased(Int64)
        /// `Mm.w.d`: weekday `d` (0 is Sunday) of week `w` (1...5, 5 being the last) of month `m`.
        case monthWeekDay(month: Int64, week: Int64, weekday: Int64)
    }

    /// Parses a rule; `nil` when it is malformed.
    init?(_ text: String) {
        var parser = RuleParser(bytes: Array(text.utf8))
        guard parser.skipName(), let posixStandard = parser.offset() else { return nil }
        let standard = -posixStandard
        standardOffset = standard
        if parser.isAtEnd {
            daylight = nil
            return
        }
        guard parser.skipName() else { return nil }
        var daylightOffset = standard + 3_600
        if !parser.isAtEnd, !parser.next(is: ",") {
            guard let offset = parser.offset() else { return nil }
            daylightOffset = -offset
        }
        // Without dates, POSIX leaves the rule to the implementation: take the United States' rule.
        var start = Change(day: .monthWeekDay(month: 3, week: 2, weekday: 0), time: 7_200)
        var end = Change(day: .monthWeekDay(month: 11, week: 1, weekday: 0), time: 7_200)
        if parser.skip(",") {
            guard let parsedStart = parser.change(), parser.skip(","), let parsedEnd = parser.change() else {
                return nil
            }
            start = parsedStart
            end = parsedEnd
        }
        guard parser.isAtEnd else { return nil }
        daylight = Daylight(offset: daylightOffset, start: start, end: end)
    }

    /// The offset from UTC in seconds (east positive) at an instant.
    func utcOffset(at seconds: Int64) -> Int64 {
        guard let daylight else { return standardOffset }
        let local = seconds + standardOffset
        let year = Timestamp.civilDate(daysSinceEpoch: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400).year
        let start = Self.days(daylight.start.day, year: year) * 86_400 + daylight.start.time - standardOffset
        let end = Self.days(daylight.end.day, year: year) * 86_400 + daylight.end.time - daylight.offset
        let isDaylight =
            start < end
            ? seconds >= start && seconds < end
            // Southern hemisphere: daylight time spans the new year.
            : !(seconds >= end && seconds < start)
        return isDaylight ? daylight.offset : standardOffset
    }

    /// The day count since 1970-01-01 of a rule's day in a year.
    static func days(_ day: Day, year: Int64) -> Int64 {
        let newYear = Timestamp.daysSinceEpoch(year: year, month: 1, day: 1)
        switch day {
        case .julian(let n):
            return newYear + n - 1 + (Timestamp.isLeapYear(year) && n >= 60 ? 1 : 0)
        case .zeroBased(let n):
            return newYear + n
        case .monthWeekDay(let month, let week, let weekday):
            let first = Timestamp.daysSinceEpoch(year: year, month: month, day: 1)
            // 1970-01-01 was a Thursday (4).
            let firstWeekday = (first % 7 + 7 + 4) % 7
            var day = first + (weekday - firstWeekday + 7) % 7 + (week - 1) * 7
            let length = Timestamp.daysInMonth(year: year, month: month)
            while day >= first + length { day -= 7 }
            return day
        }
    }
}

/// A cursor over the text of a POSIX `TZ` rule.
private struct RuleParser {
    let bytes: [UInt8]
    var position = 0

    var isAtEnd: Bool { position == bytes.count }

    func next(is character: Unicode.Scalar) -> Bool {
        position < bytes.count && bytes[position] == UInt8(ascii: character)
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard next(is: character) else { return false }
        position += 1
        return true
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    /// Skips a zone abbreviation: letters, or anything but `>` between `<` and `>`.
    mutating func skipName() -> Bool {
        if skip("<") {
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: ">") { position += 1 }
            guard position > start, skip(">") else { return false }
            return true
        }
        let start = position
        while position < bytes.count, isLetter(bytes[position]) { position += 1 }
        return position > start
    }

    /// An unsigned number of at most `maximumDigits` digits.
    mutating func number(maximumDigits: Int) -> Int64? {
        let start = position
        var value: Int64 = 0
        while position < bytes.count, position - start < maximumDigits, isDigit(bytes[position]) {
            value = value * 10 + Int64(bytes[position] - UInt8(ascii: "0"))
            position += 1
        }
        return position > start ? value : nil
    }

    /// `[+-]hh[:mm[:ss]]` in seconds, hours up to 167 (the RFC 8536 extension).
    mutating func offset() -> Int64? {
        var sign: Int64 = 1
        if skip("-") {
            sign = -1
        } else {
            _ = skip("+")
        }
        guard let hours = number(maximumDigits: 3), hours <= 167 else { return nil }
        var seconds = hours * 3_600
        if skip(":") {
            guard let minutes = number(maximumDigits: 2), minutes < 60 else { return nil }
            seconds += minutes * 60
            if skip(":") {
                guard let extra = number(maximumDigits: 2), extra < 60 else { return nil }
                seconds += extra
            }
        }
        return sign * seconds
    }

    /// `date[/time]`, the time defaulting to 02:00.
    mutating func change() -> POSIXTimeZoneRule.Change? {
        let day: POSIXTimeZoneRule.Day
        if skip("J") {
            guard let n = number(maximumDigits: 3), (1...365).contains(n) else { return nil }
            day = .julian(n)
        } else if skip("M") {
            guard let month = number(maximumDigits: 2), (1...12).contains(month), skip("."),
                let week = number(maximumDigits: 1), (1...5).contains(week), skip("."),
                let weekday = number(maximumDigits: 1), weekday <= 6
            else { return nil }
            day = .monthWeekDay(month: month, week: week, weekday: weekday)
        } else {
            guard let n = number(maximumDigits: 3), n <= 365 else { return nil }
            day = .zeroBased(n)
        }
        var time: Int64 = 7_200
        if skip("/") {
            guard let parsed = offset() else { return nil }
            time = parsed
        }
        return POSIXTimeZoneRule.Change(day: day, time: time)
    }
}
