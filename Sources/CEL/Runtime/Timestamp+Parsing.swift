/// Reading timestamps from RFC 3339 text and durations from Go-style duration text, as `timestamp(string)`
/// and `duration(string)` do (langdef "Types and Conversions").
extension Timestamp {
    /// Parses an RFC 3339 date-time: `YYYY-MM-DD`, `T` (or `t`), `hh:mm:ss`, an optional fraction of
    /// one to nine digits, and `Z` (or `z`) or a `±hh:mm` offset.
    ///
    /// The instant must lie in 0001-01-01T00:00:00Z ... 9999-12-31T23:59:59.999999999Z after the offset
    /// is applied. Leap seconds (`:60`) and negative years are not accepted; year 0000 and years of
    /// more than four digits are range errors.
    ///
    /// - Returns: The timestamp, or an `invalid_argument` error for malformed text and an
    ///   `out_of_range` error for an instant outside the range.
    public static func parse(_ text: String) -> Result<Timestamp, EvalError> {
        var scanner = DigitScanner(Array(text.utf8))
        func malformed() -> Result<Timestamp, EvalError> {
            .failure(EvalError(.invalidArgument, "timestamp('\(text)'): not an RFC 3339 date-time"))
        }
        func outOfRange() -> Result<Timestamp, EvalError> {
            .failure(EvalError(.outOfRange, "timestamp('\(text)'): timestamp out of range"))
        }
        // A year of more than four digits is well-formed but out of range.
        let yearDigits = scanner.countDigits()
        guard yearDigits >= 4, let year = scanner.number(digits: yearDigits), scanner.skip("-") else {
            return malformed()
        }
        guard let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), scanner.skip("T") || scanner.skip("t"),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2)
        else { return malformed() }
        var nanos: Int64 = 0
        if scanner.skip(".") {
            let count = scanner.countDigits()
            guard count >= 1, count <= 9, let fraction = scanner.number(digits: count) else { return malformed() }
            nanos = fraction
            for _ in count..<9 { nanos *= 10 }
        }
        var offset: Int64 = 0
        if scanner.skip("Z") || scanner.skip("z") {
            offset = 0
        } else if let sign = scanner.sign() {
            guard let offsetHour = scanner.number(digits: 2), scanner.skip(":"),
                let offsetMinute = scanner.number(digits: 2), offsetHour < 24, offsetMinute < 60
            else { return malformed() }
            offset = sign * (offsetHour * 3_600 + offsetMinute * 60)
        } else {
            return malformed()
        }
        guard scanner.isAtEnd, (1...12).contains(month), hour < 24, minute < 60, second < 60 else {
            return malformed()
        }
        guard year <= 9_999 else { return outOfRange() }
        guard day >= 1, day <= daysInMonth(year: year, month: month) else { return malformed() }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let local = days * 86_400 + hour * 3_600 + minute * 60 + second
        guard let timestamp = Timestamp(seconds: local - offset, nanos: nanos) else { return outOfRange() }
        return .success(timestamp)
    }
}

extension Duration {
    /// Parses a duration as Go's `time.ParseDuration` reads it: an optional sign, then `0` or one or
    /// more decimal numbers each with a unit (`h`, `m`, `s`, `ms`, `us`, `µs`, `μs`, `ns`), such as
    /// `1h30m`, `-1.5h`, `.5s`, `100ms` or `+5s`.
    ///
    /// Fractions are exact to the nanosecond (truncated below it).
    ///
    /// - Returns: The duration, or an `invalid_argument` error for malformed text and an
    ///   `out_of_range` error for a duration whose nanoseconds do not fit in 64 bits.
    public static func parse(_ text: String) -> Result<Duration, EvalError> {
        var scanner = DigitScanner(Array(text.utf8))
        func malformed() -> Result<Duration, EvalError> {
            .failure(EvalError(.invalidArgument, "duration('\(text)'): invalid duration"))
        }
        func outOfRange() -> Result<Duration, EvalError> {
            .failure(EvalError(.outOfRange, "duration('\(text)'): duration out of range"))
        }
        let negative = scanner.sign() == -1
        let afterSign = scanner.position
        // A bare zero needs no unit.
        if scanner.skip("0"), scanner.isAtEnd { return .success(Duration(nanoseconds: 0)) }
        scanner.position = afterSign
        guard !scanner.isAtEnd else { return malformed() }
        // The magnitude in nanoseconds; a negative duration may reach 2^63.
        let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        var total: UInt64 = 0
        while !scanner.isAtEnd {
            let integerDigits = scanner.countDigits()
            let integerStart = scanner.position
            scanner.position += integerDigits
            var fractionDigits = 0
            var fractionStart = scanner.position
            if scanner.skip(".") {
                fractionStart = scanner.position
                fractionDigits = scanner.countDigits()
                scanner.position += fractionDigits
            }
            guard integerDigits + fractionDigits > 0, let unit = scanner.unit() else { return malformed() }
            var part: UInt64 = 0
            for byte in scanner.bytes[integerStart..<integerStart + integerDigits] {
                let (product, overflow1) = part.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = product.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return outOfRange() }
                part = sum
            }
            let (scaled, overflow1) = part.multipliedReportingOverflow(by: unit)
            // floor(0.d1d2...dk × unit), exactly: fold the digits in from the last one.
            var fraction: UInt64 = 0
            for byte in scanner.bytes[fractionStart..<fractionStart + fractionDigits].reversed() {
                fraction = (UInt64(byte - UInt8(ascii: "0")) * unit + fraction) / 10
            }
            let (withFraction, overflow2) = scaled.addingReportingOverflow(fraction)
            let (sum, overflow3) = total.addingReportingOverflow(withFraction)
            guard !overflow1, !overflow2, !overflow3, sum <= limit else { return outOfRange() }
            total = sum
        }
        let nanoseconds = negative ? Int64(truncatingIfNeeded: 0 &- total) : Int64(total)
        return .success(Duration(nanoseconds: nanoseconds))
    }
}

/// A cursor over ASCII text for the timestamp and duration parsers.
private struct DigitScanner {
    let bytes: [UInt8]
    var position: Int

    init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool { position == bytes.count }

    /// Consumes `character` when it comes next.
    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    /// Consumes a `+` (1) or `-` (-1) when one comes next.
    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }

    /// The number of decimal digits from the position on, without consuming them.
    func countDigits() -> Int {
        var end = position
        while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") { end += 1 }
        return end - position
    }

    /// Consumes exactly `digits` decimal digits (at most 18) and returns their value.
    mutating func number(digits: Int) -> Int64? {
        guard digits <= 18, countDigits() >= digits else { return nil }
        var value: Int64 = 0
        for byte in bytes[position..<position + digits] { value = value * 10 + Int64(byte - UInt8(ascii: "0")) }
        position += digits
        return value
    }

    /// Consumes a duration unit and returns its length in nanoseconds: the unit runs up to the next
    /// digit, `.` or the end.
    mutating func unit() -> UInt64? {
        var end = position
        while end < bytes.count, bytes[end] != UInt8(ascii: "."),
            !(bytes[end] >= UInt8(ascii: "0") && bytes[end] <= UInt8(ascii: "9"))
        {
            end += 1
        }
        let nanoseconds: UInt64
        switch bytes[position..<end] {
        case [UInt8(ascii: "n"), UInt8(ascii: "s")]: nanoseconds = 1
        case [UInt8(ascii: "u"), UInt8(ascii: "s")]: nanoseconds = 1_000
        case [0xC2, 0xB5, UInt8(ascii: "s")]: nanoseconds = 1_000  // U+00B5 MICRO SIGN
        case [0xCE, 0xBC, UInt8(ascii: "s")]: nanoseconds = 1_000  // U+03BC GREEK SMALL LETTER MU
        case [UInt8(ascii: "m"), UInt8(ascii: "s")]: nanoseconds = 1_000_000
        case [UInt8(ascii: "s")]: nanoseconds = 1_000_000_000
        case [UInt8(ascii: "m")]: nanoseconds = 60_000_000_000
        case [UInt8(ascii: "h")]: nanoseconds = 3_600_000_000_000
        default: return nil
        }
        position = end
        return nanoseconds
    }
}
