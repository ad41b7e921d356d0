/// A problem that stops a conformance run before it starts: a missing path, an unreadable or malformed
/// skip list, an unknown mode.
public struct ConformanceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, for people.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
