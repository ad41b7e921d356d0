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
        lhs.value.utf8.elementsEqual(rhs.value.utf8)
    }

    /// Hashes the UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        var copy = value
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(0xFF as UInt8)
    }

    /// Ordering of the UTF-8 bytes, which is the ordering of the code points.
    public static func < (lhs: CELString, rhs: CELString) -> Bool {
        lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
    }

    /// The number of code points (CEL's `size` of a string).
    public var count: Int { value.unicodeScalars.count }
}
