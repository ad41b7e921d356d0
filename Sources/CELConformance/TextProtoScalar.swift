/// A scalar value of protobuf text format.
///
/// Strings are decoded (escapes resolved, adjacent literals joined); numbers and identifiers keep the
/// text they were written with, including a leading `-`, because only the schema knows whether `1` is an
/// `int64`, a `uint64` or a `double`. The conversions in `TextProtoScalar+Conversions.swift` interpret
/// the text the way protobuf does.
public enum TextProtoScalar: Sendable, Hashable {
    /// A string literal as bytes: escapes decoded and adjacent literals concatenated. The bytes need not be
    /// valid UTF-8 (`bytes_value: "\377"`).
    case string([UInt8])
    /// A numeric literal as written, with its sign: `42`, `-7`, `0x1F`, `017`, `1.5e-3`, `2f`, `3u`.
    case number(String)
    /// A bare identifier as written, with its sign: `true`, `NULL_VALUE`, `inf`, `-nan`.
    case identifier(String)
}
