/// An IPv4 or IPv6 address, as the network library models it.
///
/// Both families are stored in 128 bits: an IPv4 address `a.b.c.d` as the IPv4-mapped IPv6 address
/// `::ffff:a.b.c.d`, with `isIPv4` set. Text forms and predicates follow the Kubernetes CEL IP library
/// and its cel-spec conformance cases: dotted-decimal IPv4 without leading zeros, RFC 4291 IPv6 text,
/// RFC 5952 canonical output; zones and IPv4-mapped addresses written with a dotted quad are refused.
struct IPAddress: Sendable, Hashable {
    /// The upper 64 bits.
    var high: UInt64
    /// The lower 64 bits.
    var low: UInt64
    /// Whether the address is an IPv4 address (rather than an IPv6 one).
    var isIPv4: Bool

    /// The lower 64 bits of `::ffff:0.0.0.0`, the IPv4-mapped prefix.
    static let mappedPrefix: UInt64 = 0xFFFF_0000_0000

    /// Why a text is not an acceptable address.
    enum ParseFailure: Error, Equatable {
        /// Not an address.
        case invalid
        /// An IPv6 address with a zone (`fe80::1%en0`).
        case zone
        /// An IPv4-mapped IPv6 address written with a dotted quad (`::ffff:192.168.0.1`).
        case mapped
    }

    /// An IPv4 address from its 32 bits.
    init(ipv4 bits: UInt32) {
        high = 0
        low = Self.mappedPrefix | UInt64(bits)
        isIPv4 = true
    }

    /// An IPv6 address from its 128 bits.
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
        isIPv4 = false
    }

    /// The 32 bits of an IPv4 address or of an IPv4-mapped IPv6 address.
    var ipv4Bits: UInt32 { UInt32(truncatingIfNeeded: low) }

    /// Whether this is an IPv6 address of the form `::ffff:a.b.c.d`.
    var isIPv4Mapped: Bool { !isIPv4 && high == 0 && low >> 32 == 0xFFFF }

    /// The IPv4 address an IPv4-mapped IPv6 address stands for; the address itself otherwise.
    var unmapped: IPAddress { isIPv4Mapped ? IPAddress(ipv4: ipv4Bits) : self }

    /// The address family: 4 or 6.
    var family: Int64 { isIPv4 ? 4 : 6 }

    /// The number of bits of an address of this family.
    var bitCount: Int { isIPv4 ? 32 : 128 }

    // MARK: - Predicates (on the unmapped address, as Go's net/netip does)

    /// `0.0.0.0` or `::`.
    var isUnspecified: Bool {
        isIPv4 ? ipv4Bits == 0 : (high == 0 && low == 0)
    }

    /// `127.0.0.0/8` or `::1`.
    var isLoopback: Bool {
        let address = unmapped
        return address.isIPv4 ? address.ipv4Bits >> 24 == 127 : (address.high == 0 && address.low == 1)
    }

    /// `224.0.0.0/4` or `ff00::/8`.
    var isMulticast: Bool {
        let address = unmapped
        return address.isIPv4 ? address.ipv4Bits >> 28 == 0xE : address.high >> 56 == 0xFF
    }

    /// `224.0.0.0/24` or `ff02::/16`.
    var isLinkLocalMulticast: Bool {
        let address = unmapped
        return address.isIPv4 ? address.ipv4Bits >> 8 == 0xE0_0000 : address.high >> 48 == 0xFF02
    }

    /// `169.254.0.0/16` or `fe80::/10`.
    var isLinkLocalUnicast: Bool {
        let address = unmapped
        return address.isIPv4 ? address.ipv4Bits >> 16 == 0xA9FE : address.high >> 54 == 0xFE80 >> 6
    }

    /// Any unicast address that is not unspecified, loopback, link-local or the IPv4 broadcast
    /// address. Private ranges count as global unicast.
    var isGlobalUnicast: Bool {
        let address = unmapped
        if address.isIPv4, address.ipv4Bits == 0 || address.ipv4Bits == UInt32.max { return false }
        if !address.isIPv4, address.high == 0, address.low == 0 { return false }
        return !address.isLoopback && !address.isMulticast && !address.isLinkLocalUnicast
    }

    /// The address with all but its first `bits` bits cleared.
    func masked(toPrefixLength bits: Int) -> IPAddress {
        let kept = bits + (isIPv4 ? 96 : 0)
        var result = self
        result.high = kept >= 64 ? high : (kept <= 0 ? 0 : high & ~(UInt64.max >> kept))
        result.low = kept >= 128 ? low : (kept <= 64 ? 0 : low & ~(UInt64.max >> (kept - 64)))
        return result
    }

    // MARK: - Text

    /// The canonical text: dotted decimal, or RFC 5952 IPv6 (lowercase, the longest run of two or more
    /// zero groups shortened to `::`, IPv4-mapped addresses as `::ffff:a.b.c.d`).
    var text: String {
        if isIPv4 { return Self.dotted(ipv4Bits) }
        if isIPv4Mapped { return "::ffff:" + Self.dotted(ipv4Bits) }
        let groups = (0..<8).map { index -> UInt16 in
            let word = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: word >> (48 - 16 * UInt64(index % 4)))
        }
        // The longest run of zero groups, the first on ties; runs of one group are not shortened.
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    private static func dotted(_ bits: UInt32) -> String {
        "\(bits >> 24).\(bits >> 16 & 0xFF).\(bits >> 8 & 0xFF).\(bits & 0xFF)"
    }

    // MARK: - Parsing

    /// Parses an IPv4 address in dotted decimal or an IPv6 address.
    static func parse(_ text: String) -> Result<IPAddress, ParseFailure> {
        let bytes = Array(text.utf8)
        guard let first = bytes.firstIndex(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") }) else {
            return .failure(.invalid)
        }
        if bytes[first] == UInt8(ascii: ".") {
            guard let bits = parseIPv4(bytes[...]) else { return .failure(.invalid) }
            return .success(IPAddress(ipv4: bits))
        }
        var addressPart = bytes[...]
        var hasZone = false
        if let percent = bytes.firstIndex(of: UInt8(ascii: "%")) {
            guard percent + 1 < bytes.count else { return .failure(.invalid) }
            addressPart = bytes[..<percent]
            hasZone = true
        }
        guard let (address, hasDottedQuad) = parseIPv6(addressPart) else { return .failure(.invalid) }
        if hasZone { return .failure(.zone) }
        if hasDottedQuad && address.isIPv4Mapped { return .failure(.mapped) }
        return .success(address)
    }

    /// Four decimal fields of 0 to 255, without leading zeros.
    private static func parseIPv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var result: UInt32 = 0
        var fields = 0
        for field in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !field.isEmpty, field.count <= 3, field.allSatisfy(isDigit) else { return nil }
            if field.count > 1 && field.first == UInt8(ascii: "0") { return nil }
            let value = field.reduce(UInt32(0)) { $0 * 10 + UInt32($1 - UInt8(ascii: "0")) }
            guard value <= 255 else { return nil }
            result = result << 8 | value
            fields += 1
        }
        return fields == 4 ? result : nil
    }

    /// Up to eight groups of one to four hex digits, at most one `::` standing for at least one zero
    /// group, and optionally a dotted quad for the last two groups. Also returns whether there was a
    /// dotted quad.
    private static func parseIPv6(_ bytes: ArraySlice<UInt8>) -> (IPAddress, Bool)? {
        var groups: [UInt16] = []
        var ellipsis: Int?
        var position = bytes.startIndex
        var hasDottedQuad = false
        if bytes.starts(with: [UInt8(ascii: ":"), UInt8(ascii: ":")]) {
            ellipsis = 0
            position += 2
            if position == bytes.endIndex { return (IPAddress(high: 0, low: 0), false) }
        }
        while position < bytes.endIndex {
            var end = position
            while end < bytes.endIndex && isHexDigit(bytes[end]) { end += 1 }
            if end < bytes.endIndex && bytes[end] == UInt8(ascii: ".") {
                // A dotted quad takes the last two groups.
                guard groups.count <= 6, let bits = parseIPv4(bytes[position...]) else { return nil }
                groups.append(UInt16(bits >> 16))
                groups.append(UInt16(bits & 0xFFFF))
                hasDottedQuad = true
                position = bytes.endIndex
                break
            }
            guard end > position, end - position <= 4, groups.count < 8 else { return nil }
            groups.append(bytes[position..<end].reduce(UInt16(0)) { $0 << 4 | UInt16(hexValue($1)) })
            position = end
            guard position < bytes.endIndex else { break }
            guard bytes[position] == UInt8(ascii: ":") else { return nil }
            position += 1
            if position < bytes.endIndex && bytes[position] == UInt8(ascii: ":") {
                guard ellipsis == nil else { return nil }
                ellipsis = groups.count
                position += 1
            } else if position == bytes.endIndex {
                return nil  // A trailing single colon.
            }
        }
        if let ellipsis {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: ellipsis)
        }
        guard groups.count == 8 else { return nil }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (IPAddress(high: high, low: low), hasDottedQuad)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        isDigit(byte) ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10
    }

    // MARK: - Payload

    /// The payload encoding: the family (4 or 6), then the 128 bits big-endian.
    var payload: [UInt8] {
        var bytes: [UInt8] = [isIPv4 ? 4 : 6]
        bytes.reserveCapacity(17)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: high >> shift)) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: low >> shift)) }
        return bytes
    }

    /// Decodes ``payload`` from the start of `bytes`.
    init?(payload bytes: ArraySlice<UInt8>) {
        guard bytes.count >= 17, let family = bytes.first, family == 4 || family == 6 else { return nil }
        let start = bytes.startIndex + 1
        high = bytes[start..<start + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        low = bytes[start + 8..<start + 16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        isIPv4 = family == 4
    }
}

/// An IP network in CIDR notation: an address and a prefix length (`192.168.0.0/24`). The address is
/// kept as written; ``masked`` clears its host bits.
struct IPPrefix: Sendable, Hashable {
    /// The address as written.
    var address: IPAddress
    /// The prefix length, up to 32 for IPv4 and 128 for IPv6.
    var bits: Int

    /// Why a text is not an acceptable CIDR.
    enum ParseFailure: Error, Equatable {
        case invalid
        case zone
        case mapped
    }

    /// The network with the host bits of its address cleared.
    var masked: IPPrefix { IPPrefix(address: address.masked(toPrefixLength: bits), bits: bits) }

    /// Whether the address lies in the network; addresses of the other family never do.
    func contains(_ other: IPAddress) -> Bool {
        other.isIPv4 == address.isIPv4 && other.masked(toPrefixLength: bits) == masked.address
    }

    /// Whether every address of `other` lies in this network.
    func contains(_ other: IPPrefix) -> Bool {
        bits <= other.bits && contains(other.address)
    }

    /// `address/bits`, the address in its canonical text.
    var text: String { address.text + "/" + String(bits) }

    /// Parses `address/bits`.
    static func parse(_ text: String) -> Result<IPPrefix, ParseFailure> {
        guard let slash = text.utf8.lastIndex(of: UInt8(ascii: "/")) else { return .failure(.invalid) }
        let addressText = String(text[..<slash])
        let bitsText = Array(text.utf8[text.utf8.index(after: slash)...])
        let address: IPAddress
        switch IPAddress.parse(addressText) {
        case .success(let parsed): address = parsed
        case .failure(.zone): return .failure(.zone)
        case .failure(.mapped): return .failure(.mapped)
        case .failure(.invalid): return .failure(.invalid)
        }
        guard !bitsText.isEmpty, bitsText.count <= 3,
            bitsText.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            bitsText.count == 1 || bitsText.first != UInt8(ascii: "0"),
            case let bits = bitsText.reduce(0, { $0 * 10 + Int($1 - UInt8(ascii: "0")) }), bits <= address.bitCount
        else { return .failure(.invalid) }
        return .success(IPPrefix(address: address, bits: bits))
    }

    /// The payload encoding: the prefix length, then the address's payload.
    var payload: [UInt8] { [UInt8(bits)] + address.payload }

    /// Decodes ``payload``.
    init?(payload bytes: [UInt8]) {
        guard let first = bytes.first, let address = IPAddress(payload: bytes.dropFirst()) else { return nil }
        self.address = address
        self.bits = Int(first)
    }

    /// Creates a prefix.
    init(address: IPAddress, bits: Int) {
        self.address = address
        self.bits = bits
    }
}
