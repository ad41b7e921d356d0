/// Why a text is not a type, and where: the error of ``CELType/init(parsing:options:)``.
public struct CELTypeParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The UTF-8 offset in the parsed text where the problem is.
    public var offset: Int
    /// What is wrong, for people.
    public var message: String

    /// Creates a parse error.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// `message at offset N`.
    public var description: String { "\(message) at offset \(offset)" }

    /// The error as a diagnostic with code `invalid_type`, covering one byte at ``offset``.
    public var diagnostic: CELDiagnostic {
        CELDiagnostic(code: .invalidType, message: message, range: offset..<(offset + 1))
    }
}

extension CELDiagnostic.Code {
    /// A type written in a declaration that cannot be read (see ``CELTypeParseError``).
    public static let invalidType = Self(rawValue: "invalid_type")
}

extension CELType {
    /// What ``CELType/init(parsing:options:)`` accepts besides the built-in type names.
    public struct ParsingOptions: Sendable, Hashable {
        /// Names that stand for type parameters, such as `A` in `list(A)`.
        public var typeParameters: Set<String>
        /// Fully qualified names of protobuf message types. Other unknown names are abstract types.
        public var messageTypes: Set<String>
        /// The deepest nesting of type constructors accepted; `list(int)` is 2 deep.
        public var maximumDepth: Int

        /// Creates options.
        /// - Parameters:
        ///   - typeParameters: Names that stand for type parameters.
        ///   - messageTypes: Fully qualified names of message types.
        ///   - maximumDepth: The deepest nesting accepted, 32 unless told.
        public init(typeParameters: Set<String> = [], messageTypes: Set<String> = [], maximumDepth: Int = 32) {
            self.typeParameters = typeParameters
            self.messageTypes = messageTypes
            self.maximumDepth = maximumDepth
        }
    }

    /// Reads a type written as cel-go prints types, for declarations such as
    /// `--decl 'request:map(string, dyn)'`.
    ///
    /// The grammar is `type := name [ "(" type { "," type } ")" ]`, where a name is a dotted
    /// identifier (a leading `.` is allowed and dropped) and spaces may separate tokens. The names:
    ///
    /// - `bool int uint double string bytes null_type dyn`;
    /// - `list(T)`, `map(K, V)`, `type` and `type(T)`, `optional_type(T)`, `wrapper(P)` for a
    ///   primitive `P`;
    /// - `timestamp` and `google.protobuf.Timestamp`, `duration` and `google.protobuf.Duration`,
    ///   `google.protobuf.Any`;
    /// - the wrapper messages `google.protobuf.Int64Value`, `Int32Value`, `UInt64Value`,
    ///   `UInt32Value`, `DoubleValue`, `FloatValue`, `BoolValue`, `StringValue`, `BytesValue`;
    /// - the JSON messages as CEL sees them: `google.protobuf.Value` is `dyn`,
    ///   `google.protobuf.Struct` is `map(string, dyn)`, `google.protobuf.ListValue` is
    ///   `list(dyn)` and `google.protobuf.NullValue` is `null_type`;
    /// - names in `options.typeParameters` (type parameters) and `options.messageTypes` (messages);
    /// - any other name is an abstract type and may take parameters, such as `net.IP` or
    ///   `tuple(int, string)`.
    ///
    /// - Parameters:
    ///   - text: The type.
    ///   - options: Type parameter and message names, and the nesting limit.
    /// - Throws: ``CELTypeParseError`` with the UTF-8 offset of the first problem.
    public init(parsing text: String, options: ParsingOptions = ParsingOptions()) throws(CELTypeParseError) {
        var reader = TypeTextReader(bytes: Array(text.utf8), options: options)
        self = try reader.readAll()
    }
}

/// A recursive-descent reader over the UTF-8 bytes of a type.
private struct TypeTextReader {
    let bytes: [UInt8]
    let options: CELType.ParsingOptions
    var position = 0

    init(bytes: [UInt8], options: CELType.ParsingOptions) {
        self.bytes = bytes
        self.options = options
    }

    mutating func readAll() throws(CELTypeParseError) -> CELType {
        let type = try readType(depth: 1)
        skipSpaces()
        if position < bytes.count {
            throw failure("unexpected \(describeCurrent()) after the type")
        }
        return type
    }

    private mutating func readType(depth: Int) throws(CELTypeParseError) -> CELType {
        skipSpaces()
        let start = position
        if depth > options.maximumDepth {
            throw CELTypeParseError(
                offset: start,
                message: "type is nested more than \(options.maximumDepth) levels deep"
            )
        }
        let name = try readName()
        skipSpaces()
        var parameters: [CELType] = []
        var hasParameterList = false
        if current == UInt8(ascii: "(") {
            hasParameterList = true
            position += 1
            while true {
                parameters.append(try readType(depth: depth + 1))
                skipSpaces()
                if current == UInt8(ascii: ",") {
                    position += 1
                } else if current == UInt8(ascii: ")") {
                    position += 1
                    break
                } else {
                    throw failure("expected ',' or ')' but found \(describeCurrent())")
                }
            }
        }
        return try makeType(name: name, parameters: parameters, hasParameterList: hasParameterList, at: start)
    }

    private func makeType(
        name: String,
        parameters: [CELType],
        hasParameterList: Bool,
        at offset: Int
    ) throws(CELTypeParseError) -> CELType {
        func arity(_ expected: Int) throws(CELTypeParseError) {
            guard parameters.count != expected else { return }
            let what =
                switch expected {
                case 0: "no type parameters"
                case 1: "1 type parameter"
                default: "\(expected) type parameters"
                }
            throw CELTypeParseError(offset: offset, message: "'\(name)' takes \(what), found \(parameters.count)")
        }
        if let simple = Self.simpleTypes[name] {
            try arity(0)
            return simple
        }
        switch name {
        case "list":
            try arity(1)
            return .list(parameters[0])
        case "map":
            try arity(2)
            return .map(parameters[0], parameters[1])
        case "type":
            if !hasParameterList { return .type(nil) }
            try arity(1)
            return .type(parameters[0])
        case CELType.optionalTypeName:
            try arity(1)
            return .optional(parameters[0])
        case "wrapper":
            try arity(1)
            guard let primitive = CELType.Primitive.allCases.first(where: { $0.type == parameters[0] }) else {
                throw CELTypeParseError(
                    offset: offset,
                    message: "'wrapper' takes one of bool, int, uint, double, string or bytes, found '\(parameters[0])'"
                )
            }
            return .wrapper(primitive)
        default:
            break
        }
        if options.typeParameters.contains(name) {
            try arity(0)
            return .typeParameter(name)
        }
        if options.messageTypes.contains(name) {
            try arity(0)
            return .message(name)
        }
        return .abstract(name: name, parameters: parameters)
    }

    /// Names without parameters that denote a fixed type.
    private static let simpleTypes: [String: CELType] = {
        var types: [String: CELType] = [
            "bool": .bool, "int": .int, "uint": .uint, "double": .double, "string": .string, "bytes": .bytes,
            "null_type": .null, "dyn": .dyn, "timestamp": .timestamp, "duration": .duration,
            "google.protobuf.Timestamp": .timestamp, "google.protobuf.Duration": .duration,
            "google.protobuf.Any": .any, "google.protobuf.Value": .dyn,
            "google.protobuf.Struct": .map(.string, .dyn), "google.protobuf.ListValue": .list(.dyn),
            "google.protobuf.NullValue": .null, "google.protobuf.Int32Value": .wrapper(.int),
            "google.protobuf.UInt32Value": .wrapper(.uint), "google.protobuf.FloatValue": .wrapper(.double),
        ]
        for primitive in CELType.Primitive.allCases {
            types[primitive.wrapperMessageName] = .wrapper(primitive)
        }
        return types
    }()

    /// Reads `ident { "." ident }`, with an optional leading dot that is dropped.
    private mutating func readName() throws(CELTypeParseError) -> String {
        if current == UInt8(ascii: ".") { position += 1 }
        var name = try readIdentifier(after: nil)
        while current == UInt8(ascii: ".") {
            position += 1
            name += "." + (try readIdentifier(after: "."))
        }
        return name
    }

    private mutating func readIdentifier(after previous: String?) throws(CELTypeParseError) -> String {
        let start = position
        guard let first = current, Self.isIdentifierStart(first) else {
            let expected = previous.map { "an identifier after '\($0)'" } ?? "a type name"
            throw failure("expected \(expected) but found \(describeCurrent())")
        }
        position += 1
        while let byte = current, Self.isIdentifierStart(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        {
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || byte == UInt8(ascii: "_")
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpaces() {
        while let byte = current,
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
        {
            position += 1
        }
    }

    /// The byte at the reading position, for messages: `'x'`, `end of input` or a non-ASCII
    /// character.
    private func describeCurrent() -> String {
        guard let byte = current else { return "end of input" }
        guard byte < 0x80 else {
            // Show the whole character: decode from here to the next character boundary.
            var end = position + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            return "'\(String(decoding: bytes[position..<end], as: UTF8.self))'"
        }
        if byte < 0x20 || byte == 0x7F { return "control character U+\(String(byte, radix: 16, uppercase: true))" }
        return "'\(Character(Unicode.Scalar(byte)))'"
    }

    private func failure(_ message: String) -> CELTypeParseError {
        CELTypeParseError(offset: position, message: message)
    }
}
