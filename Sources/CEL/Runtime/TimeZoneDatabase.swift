import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds time zones by the names CEL accepts (langdef "Timezones"): `UTC`, fixed offsets such as
/// `+05:30`, and IANA names such as `America/Los_Angeles`, read from the system's TZif files
/// (`/usr/share/zoneinfo`, from the `tzdata` package on Debian).
///
/// Zones read from files are kept, so each file is read once per database. This is audited shared
/// storage: a `Mutex` guards the memo, which only grows with names that name a zone file (at most
/// `capacity` of them), and the rules it holds are immutable values.
final class TimeZoneDatabase: Sendable {
    /// The directories searched, in order, as the C library and Go's runtime search them.
    static let systemDirectories = [
        "/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo", "/etc/zoneinfo",
    ]

    private let directories: [String]
    private let loaded = Mutex<[String: TimeZoneRules]>([:])
    private let capacity = 1_024

    /// A database over the given zoneinfo directories.
    init(directories: [String] = TimeZoneDatabase.systemDirectories) {
        self.directories = directories
    }

    /// The rules of a zone, or `nil` when the name is neither `UTC`, a fixed offset, nor the name of a
    /// zone file.
    func rules(named name: String) -> TimeZoneRules? {
        if name == "UTC" { return .fixed(0) }
        if name.utf8.contains(UInt8(ascii: ":")) { return TimeZoneRules.fixedOffset(name) }
        guard Self.isZoneName(name) else { return nil }
        if let rules = loaded.withLock({ $0[name] }) { return rules }
        for directory in directories {
            guard let bytes = Self.contents(ofFile: directory + "/" + name), let rules = TimeZoneRules(tzif: bytes)
            else { continue }
            loaded.withLock { zones in
                if zones.count < capacity { zones[name] = rules }
            }
            return rules
        }
        return nil
    }

    /// Whether a name can be looked up as a path under a zoneinfo directory: slash-separated
    /// components of letters, digits, `_`, `+` and `-`, so no name leaves the directory. `localtime`
    /// (the machine's zone, which would make results depend on where they are computed) and the
    /// `right/` zones (whose times count leap seconds, unlike CEL's) are not zones CEL names.
    static func isZoneName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 128, name != "localtime", !name.hasPrefix("right/") else {
            return false
        }
        var componentLength = 0
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "/"):
                guard componentLength > 0 else { return false }
                componentLength = 0
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "-"):
                componentLength += 1
            default:
                return false
            }
        }
        return componentLength > 0
    }

    /// The bytes of a file of at most 1 MiB, or `nil` when it cannot be read.
    private static func contents(ofFile path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        let limit = 1 << 20
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while bytes.count <= limit {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        guard ferror(file) == 0, bytes.count <= limit else { return nil }
        return bytes
    }
}
