/// Reading the Time Zone Information Format (TZif, RFC 8536) of the system's zoneinfo files.
extension TimeZoneRules {
    /// Reads a TZif file of any version: for version 2 and later the 64-bit data block and the
    /// footer rule, for version 1 the 32-bit block. Leap-second records are ignored (times are
    /// POSIX times, as CEL's are).
    ///
    /// - Returns: The rules, or `nil` when the data is not well-formed TZif.
    init?(tzif bytes: [UInt8]) {
        var reader = TZifReader(bytes: bytes)
        guard let header = reader.header() else { return nil }
        if header.version >= 2 {
            // Skip the version 1 block, then read the second header and the 64-bit block.
            guard reader.skip(header.dataLength(timeSize: 4)), let header64 = reader.header(),
                let rules = reader.data(header64, timeSize: 8)
            else { return nil }
            self = rules
            // The footer: a newline, a POSIX rule (possibly empty), a newline.
            if reader.skip(1), let end = reader.remainder.firstIndex(of: UInt8(ascii: "\n")) {
                let text = String(decoding: reader.remainder[..<end], as: UTF8.self)
                if !text.isEmpty { rule = POSIXTimeZoneRule(text) }
            }
        } else {
            guard let rules = reader.data(header, timeSize: 4) else { return nil }
            self = rules
        }
    }
}

/// The counts of a TZif header.
private struct TZifHeader {
    var version: Int
    var isUTCCount: Int
    var isStandardCount: Int
    var leapCount: Int
    var timeCount: Int
    var typeCount: Int
    var characterCount: Int

    /// The size of the data block that follows the header.
    func dataLength(timeSize: Int) -> Int {
        timeCount * timeSize + timeCount + typeCount * 6 + characterCount + leapCount * (timeSize + 4)
            + isStandardCount + isUTCCount
    }
}

/// A bounds-checked big-endian reader over TZif bytes.
private struct TZifReader {
    let bytes: [UInt8]
    var position = 0

    var remainder: ArraySlice<UInt8> { bytes[position...] }

    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, count <= bytes.count - position else { return false }
        position += count
        return true
    }

    mutating func integer(size: Int) -> Int64? {
        guard size <= bytes.count - position else { return nil }
        var value: UInt64 = 0
        for byte in bytes[position..<position + size] { value = value << 8 | UInt64(byte) }
        position += size
        // Sign-extend from `size` bytes.
        let shift = UInt64(64 - size * 8)
        return Int64(bitPattern: value << shift) >> shift
    }

    mutating func header() -> TZifHeader? {
        guard bytes.count - position >= 44, bytes[position..<position + 4].elementsEqual("TZif".utf8) else {
            return nil
        }
        let versionByte = bytes[position + 4]
        let version = versionByte == 0 ? 1 : Int(versionByte) - Int(UInt8(ascii: "0"))
        guard version >= 1, skip(20) else { return nil }
        var counts: [Int] = []
        for _ in 0..<6 {
            guard let count = integer(size: 4), count >= 0 else { return nil }
            counts.append(Int(count))
        }
        let header = TZifHeader(
            version: version,
            isUTCCount: counts[0],
            isStandardCount: counts[1],
            leapCount: counts[2],
            timeCount: counts[3],
            typeCount: counts[4],
            characterCount: counts[5]
        )
        guard header.typeCount >= 1, header.dataLength(timeSize: 4) <= bytes.count - position else { return nil }
        return header
    }

    /// Reads a data block into rules, without a footer rule.
    mutating func data(_ header: TZifHeader, timeSize: Int) -> TimeZoneRules? {
        let start = position
        var transitions: [Int64] = []
        transitions.reserveCapacity(header.timeCount)
        for _ in 0..<header.timeCount {
            guard let time = integer(size: timeSize) else { return nil }
            if let last = transitions.last, time <= last { return nil }
            transitions.append(time)
        }
        var typeIndexes: [Int] = []
        for _ in 0..<header.timeCount {
            guard position < bytes.count, Int(bytes[position]) < header.typeCount else { return nil }
            typeIndexes.append(Int(bytes[position]))
            position += 1
        }
        var typeOffsets: [Int32] = []
        for _ in 0..<header.typeCount {
            // utoff (4 bytes, signed), isdst (1), desigidx (1).
            guard let offset = integer(size: 4), skip(2), offset > -90_000, offset < 93_600 else { return nil }
            typeOffsets.append(Int32(offset))
        }
        guard skip(header.dataLength(timeSize: timeSize) - (position - start)) else { return nil }
        return TimeZoneRules(
            transitions: transitions,
            offsets: typeIndexes.map { typeOffsets[$0] },
            initialOffset: typeOffsets[0],
            rule: nil
        )
    }
}
