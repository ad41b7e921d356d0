/// A value of a type that a library defines, such as `net.IP` or `net.CIDR`.
///
/// The runtime treats it as opaque: it needs only the type (for `type(x)` and overload errors), an
/// equality (for `==`, `in` and the set functions) and a text form (for `string(x)` and debugging).
/// The library that made the object reads its payload back. Objects are immutable and shared, so a
/// ``Value/object(_:)`` stays one pointer wide.
public final class CELObject: Sendable, CustomStringConvertible {
    /// The object's CEL type, such as `net.IP`.
    public let type: CELTypeValue
    /// The library's encoding of the object.
    public let payload: [UInt8]
    private let equality: (@Sendable (CELObject, CELObject) -> Bool)?
    private let text: @Sendable (CELObject) -> String

    /// Creates an object.
    ///
    /// - Parameters:
    ///   - type: The CEL type of the object.
    ///   - payload: The library's encoding of the object.
    ///   - equality: How two objects of the same type compare; by default, by payload.
    ///   - text: The text form, returned by `string(x)`.
    public init(
        type: CELTypeValue,
        payload: [UInt8],
        equality: (@Sendable (CELObject, CELObject) -> Bool)? = nil,
        text: @escaping @Sendable (CELObject) -> String
    ) {
        self.type = type
        self.payload = payload
        self.equality = equality
        self.text = text
    }

    /// CEL equality: objects of different types are unequal.
    public func isEqual(to other: CELObject) -> Bool {
        guard type == other.type else { return false }
        if let equality { return equality(self, other) }
        return payload == other.payload
    }

    /// The text form of the object.
    public var description: String { text(self) }
}
