#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A CEL string: compared, ordered and hashed by its Unicode scalars (UTF-8 bytes), with no
/// normalization, as langdef requires. Swift's `String ==` uses canonical equivalence and would make
/// `"é" == "e\u{301}"`; under CEL the two differ.
public struct CELString: Sendable, Hashable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The Swift string.
    public var value: String

    /// Wraps a Swift string.
    public init(_ value: String) {
        self.value = value
    }

    /// Creates a string from a literal.
    public init(stringLiteral value: String) {
        self.value = value
    }

    /// The string itself.
    public var description: String { value }

    /// Equality of the UTF-8 bytes, which is equality of the code points.
    public static func == (lhs: CELString, rhs: CELString) -> Bool {
        let a = lhs.value.utf8
        let b = rhs.value.utf8
        guard a.count == b.count else { return false }
        return compareBytes(lhs, rhs) == 0
    }

    /// Hashes the UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        var copy = value
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(0xFF as UInt8)
    }

    /// Ordering of the UTF-8 bytes, which is the ordering of the code points.
    public static func < (lhs: CELString, rhs: CELString) -> Bool {
        compareBytes(lhs, rhs) < 0
    }

    /// Compares the UTF-8 bytes: negative, zero or positive as `lhs` sorts before, equal to or after `rhs`.
    @inline(__always)
    static func compareBytes(_ lhs: CELString, _ rhs: CELString) -> Int {
        let fast = lhs.value.utf8.withContiguousStorageIfAvailable { x in
            rhs.value.utf8.withContiguousStorageIfAvailable { y in compare(x, y) }
        }
        if let fast, let order = fast { return order }
        var a = lhs.value
        var b = rhs.value
        return a.withUTF8 { x in b.withUTF8 { y in compare(x, y) } }
    }

    @inline(__always)
    private static func compare(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(x.count, y.count)
        if common > 0, let px = x.baseAddress, let py = y.baseAddress {
            let order = memcmp(px, py, common)
            if order != 0 { return Int(order) }
        }
        return x.count - y.count
    }

    /// Whether the string's UTF-8 bytes are exactly `bytes` (prepared once, e.g. at plan time).
    @inline(__always)
    @usableFromInline
    func hasBytes(_ bytes: [UInt8]) -> Bool {
        let utf8 = value.utf8
        guard utf8.count == bytes.count else { return false }
        let fast = utf8.withContiguousStorageIfAvailable { stored in
            bytes.withUnsafeBufferPointer { wanted in
                guard let p = stored.baseAddress, let q = wanted.baseAddress else { return true }
                return memcmp(p, q, wanted.count) == 0
            }
        }
        return fast ?? utf8.elementsEqual(bytes)
    }

    /// The number of code points (CEL's `size` of a string).
    public var count: Int { value.unicodeScalars.count }
}
