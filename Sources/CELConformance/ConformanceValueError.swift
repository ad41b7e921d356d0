/// Why a value written in a test (a binding or an expected result) cannot be turned into a runtime value.
enum ConformanceValueError: Error, Sendable, Hashable {
    /// The value is a protocol buffer message this implementation has no type for, such as
    /// `cel.expr.conformance.proto3.TestAllTypes`: the test needs protobuf and is skipped.
    case needsProtobuf(String)
    /// The value does not fit the `cel.expr.Value` schema: the test fails with this reason.
    case malformed(String)
}

extension ConformanceValueError {
    /// The error with a `needsProtobuf` reason prefixed by what held the value, such as
    /// `binding 'x' holds`.
    func explained(_ prefix: String) -> ConformanceValueError {
        guard case .needsProtobuf(let reason) = self else { return self }
        return .needsProtobuf("\(prefix) \(reason)")
    }
}
