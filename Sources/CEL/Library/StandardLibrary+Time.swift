/// Timestamps and durations: the `timestamp` and `duration` conversions (langdef "Types and
/// Conversions") and the accessors of langdef "Date/Time Functions".
extension Library {
    /// `timestamp(string)`, `timestamp(int)`, `timestamp(timestamp)`, `duration(string)`,
    /// `duration(duration)`, and the receiver-style accessors `getFullYear`, `getMonth`,
    /// `getDayOfYear`, `getDate`, `getDayOfMonth`, `getDayOfWeek`, `getHours`, `getMinutes`,
    /// `getSeconds` and `getMilliseconds` of timestamps (in UTC, or in the time zone given as an
    /// argument) and of durations (`getHours`, `getMinutes`, `getSeconds`, `getMilliseconds`).
    ///
    /// Time zones are `UTC`, fixed offsets (`+05:30`, `-08:00`, `05:30`) and IANA names read from the
    /// system's zoneinfo files; an unknown zone is an `invalid_argument` error. A constant zone is
    /// looked up once, when the program is planned.
    public static let time: Library = {
        var library = Library()
        library.defineTime(zones: TimeZoneDatabase())
        return library
    }()

    private mutating func defineTime(zones: TimeZoneDatabase) {
        define("timestamp", .unary(TimeFunctions.timestamp))
        define("duration", .unary(TimeFunctions.duration))
        for accessor in TimeAccessor.all {
            define(accessor.name, .receiver, .unary { accessor.apply(to: $0) })
            define(
                accessor.name,
                .receiver,
                .binary { value, zone in
                    guard case .timestamp(let timestamp) = value, case .string(let name) = zone else {
                        return .noSuchOverload(accessor.name, value, zone)
                    }
                    guard let rules = zones.rules(named: name.value) else { return TimeFunctions.unknownZone(name) }
                    return accessor.apply(to: timestamp, in: rules)
                }
            )
            specialize(accessor.name, .receiver, arity: 2) { constants in
                // An unknown constant zone stays a runtime error, so `false && t.getHours('X')` is false.
                guard constants.count == 2, case .string(let name)? = constants[1],
                    let rules = zones.rules(named: name.value)
                else { return nil }
                return .success(
                    .binary { value, zone in
                        guard case .timestamp(let timestamp) = value else {
                            return .noSuchOverload(accessor.name, value, zone)
                        }
                        return accessor.apply(to: timestamp, in: rules)
                    }
                )
            }
        }
    }
}

/// The `timestamp` and `duration` conversions.
enum TimeFunctions {
    /// `timestamp(x)` for a string (RFC 3339), an int (seconds since the epoch) or a timestamp.
    @Sendable static func timestamp(_ value: Value) -> Value {
        switch value {
        case .timestamp: return value
        case .string(let text):
            switch Timestamp.parse(text.value) {
            case .success(let timestamp): return .timestamp(timestamp)
            case .failure(let error): return .error(error)
            }
        case .int(let seconds):
            guard let timestamp = Timestamp(seconds: seconds) else {
                return .error(.outOfRange, "timestamp(\(seconds)): timestamp out of range")
            }
            return .timestamp(timestamp)
        default: return .noSuchOverload("timestamp", value)
        }
    }

    /// `duration(x)` for a string (Go duration syntax) or a duration.
    @Sendable static func duration(_ value: Value) -> Value {
        switch value {
        case .duration: return value
        case .string(let text):
            switch Duration.parse(text.value) {
            case .success(let duration): return .duration(duration)
            case .failure(let error): return .error(error)
            }
        default: return .noSuchOverload("duration", value)
        }
    }

    @inline(never)
    static func unknownZone(_ name: CELString) -> Value {
        .error(.invalidArgument, "unknown time zone: '\(name.value)'")
    }
}

/// One `get...` accessor: the field it reads from a timestamp's calendar time and, for the four that
/// durations have, the amount it reads from a duration.
private struct TimeAccessor: Sendable {
    var name: String
    var timestampField: @Sendable (CivilTime, Timestamp) -> Int64
    var durationField: (@Sendable (Duration) -> Int64)?

    static let all: [TimeAccessor] = [
        TimeAccessor(name: "getFullYear", timestampField: { time, _ in time.year }),
        TimeAccessor(name: "getMonth", timestampField: { time, _ in time.month - 1 }),
        TimeAccessor(name: "getDayOfYear", timestampField: { time, _ in time.dayOfYear }),
        TimeAccessor(name: "getDate", timestampField: { time, _ in time.day }),
        TimeAccessor(name: "getDayOfMonth", timestampField: { time, _ in time.day - 1 }),
        TimeAccessor(name: "getDayOfWeek", timestampField: { time, _ in time.dayOfWeek }),
        // Durations convert to whole hours, minutes and seconds, truncated toward zero.
        TimeAccessor(
            name: "getHours",
            timestampField: { time, _ in time.hour },
            durationField: { $0.seconds / 3_600 }
        ),
        TimeAccessor(
            name: "getMinutes",
            timestampField: { time, _ in time.minute },
            durationField: { $0.seconds / 60 }
        ),
        TimeAccessor(
            name: "getSeconds",
            timestampField: { time, _ in time.second },
            durationField: { $0.seconds }
        ),
        // For durations, only the milliseconds within the second (langdef: "this method does not"
        // convert).
        TimeAccessor(
            name: "getMilliseconds",
            timestampField: { _, timestamp in Int64(timestamp.nanos / 1_000_000) },
            durationField: { Int64($0.nanos / 1_000_000) }
        ),
    ]

    init(
        name: String,
        timestampField: @escaping @Sendable (CivilTime, Timestamp) -> Int64,
        durationField: (@Sendable (Duration) -> Int64)? = nil
    ) {
        self.name = name
        self.timestampField = timestampField
        self.durationField = durationField
    }

    /// The accessor without a time zone: a timestamp in UTC, or a duration.
    func apply(to value: Value) -> Value {
        switch value {
        case .timestamp(let timestamp): return .int(timestampField(timestamp.civilTime(utcOffset: 0), timestamp))
        case .duration(let duration):
            guard let durationField else { return .noSuchOverload(name, value) }
            return .int(durationField(duration))
        default: return .noSuchOverload(name, value)
        }
    }

    /// The accessor of a timestamp in a time zone.
    func apply(to timestamp: Timestamp, in zone: TimeZoneRules) -> Value {
        let time = timestamp.civilTime(utcOffset: zone.utcOffset(at: timestamp.seconds))
        return .int(timestampField(time, timestamp))
    }
}
