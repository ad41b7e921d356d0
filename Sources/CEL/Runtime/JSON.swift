/// Conversions between JSON text and CEL values, following the rules of `google.protobuf.Value`.
///
/// Reading (``JSON/parse(_:options:)``), JSON becomes:
/// - `null` → `null`, `true`/`false` → `bool`, a string → `string`, an array → `list`, an object → `map`
///   with string keys (in document order; a repeated key is an error);
/// - a number → `double`, as `google.protobuf.Value.number_value` has it. With
///   ``JSONReadOptions/integersAsInt``, a number written without a fraction or an exponent that fits in
///   64 bits (`42`, `-7`) becomes an `int` instead; `42.0`, `4e1` and integers beyond the `int` range stay
///   doubles.
///
/// Writing (``JSON/text(of:options:)``), a value becomes:
/// - `int` and `uint` → a number written exactly (readers that hold numbers as doubles round those beyond
///   2^53);
/// - `double` → a number that always shows a fraction or an exponent (`1.0`, `1e+20`), so reading it back
///   with `integersAsInt` gives a double again; NaN and ±infinity → the strings `"NaN"`, `"Infinity"`,
///   `"-Infinity"` as protobuf's JSON mapping writes them, or an error
///   (``JSONWriteOptions/nonFiniteDoublesAsStrings``);
/// - `bytes` → a base64 string (RFC 4648, padded); `timestamp` → its RFC 3339 string; `duration` → its
///   seconds string (`"1.5s"`); a type → its name; a library object (such as an IP address) → its text;
/// - `list` → an array; `map` → an object whose keys are strings, or ints, uints and bools written as
///   text (two keys that become the same text are an error);
/// - an optional → its value, or `null` when empty;
/// - an error or an unknown → a thrown ``JSONError``.
public enum JSON {
    /// `text` as a JSON string literal, quotes included: quotes, backslashes and control characters
    /// escaped, everything else written as it is.
    public static func quote(_ text: String) -> String {
        JSONWriter.quoted(text)
    }

    /// Reads a JSON text (RFC 8259) into a CEL value.
    /// - Parameters:
    ///   - text: The JSON text. Any JSON value may stand at the top level; white space around it is allowed,
    ///     anything else after it is an error.
    ///   - options: How numbers are read, and the limits.
    /// - Returns: The value.
    /// - Throws: ``JSONError`` with the line and column of the first problem.
    public static func parse(_ text: String, options: JSONReadOptions = JSONReadOptions()) throws(JSONError) -> Value {
        try parse(bytes: Array(text.utf8), options: options)
    }

    /// Reads JSON text given as UTF-8 bytes into a CEL value. A leading byte order mark is ignored;
    /// malformed UTF-8 is an error.
    /// - Parameters:
    ///   - bytes: The UTF-8 encoded JSON text.
    ///   - options: How numbers are read, and the limits.
    /// - Returns: The value.
    /// - Throws: ``JSONError`` with the line and column of the first problem.
    public static func parse(
        bytes: [UInt8],
        options: JSONReadOptions = JSONReadOptions()
    ) throws(JSONError) -> Value {
        var parser = JSONParser(bytes: bytes, options: options)
        return try parser.parseDocument()
    }

    /// Writes a CEL value as JSON text.
    /// - Parameters:
    ///   - value: The value.
    ///   - options: Layout, the treatment of NaN and infinities, and the nesting limit.
    /// - Returns: The JSON text, without a final newline.
    /// - Throws: ``JSONError`` for an error or unknown value (anywhere inside the value), a non-finite
    ///   double when those are not written as strings, two map keys that become the same JSON key, or
    ///   nesting deeper than the limit.
    public static func text(of value: Value, options: JSONWriteOptions = JSONWriteOptions()) throws(JSONError) -> String
    {
        var writer = JSONWriter(options: options)
        try writer.write(value, depth: 0)
        return writer.output
    }
}

/// How ``JSON/parse(_:options:)`` reads JSON, and the limits that keep hostile input cheap.
public struct JSONReadOptions: Sendable, Hashable {
    /// Whether numbers written without a fraction or an exponent are read as `int` when they fit in 64
    /// bits. When false (the `google.protobuf.Value` rule), every number is a `double`.
    public var integersAsInt: Bool
    /// How deeply arrays and objects may nest; the top-level value is depth 1.
    public var maxDepth: Int
    /// The longest input accepted, in bytes.
    public var maxBytes: Int

    /// Creates options.
    /// - Parameters:
    ///   - integersAsInt: Read integral numbers as `int` (default false: every number is a double).
    ///   - maxDepth: The deepest nesting of arrays and objects (default 128).
    ///   - maxBytes: The largest input in bytes (default 8 MiB).
    public init(integersAsInt: Bool = false, maxDepth: Int = 128, maxBytes: Int = 8 << 20) {
        self.integersAsInt = integersAsInt
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }
}

/// How ``JSON/text(of:options:)`` writes JSON.
public struct JSONWriteOptions: Sendable, Hashable {
    /// Whether to break lines and indent nested values by two spaces.
    public var prettyPrinted: Bool
    /// Whether NaN and infinities are written as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`
    /// (protobuf's JSON mapping); when false they are an error.
    public var nonFiniteDoublesAsStrings: Bool
    /// How deeply lists and maps may nest.
    public var maxDepth: Int

    /// Creates options.
    /// - Parameters:
    ///   - prettyPrinted: Indent nested values (default false: compact).
    ///   - nonFiniteDoublesAsStrings: Write NaN and infinities as strings (default true).
    ///   - maxDepth: The deepest nesting of lists and maps (default 512).
    public init(prettyPrinted: Bool = false, nonFiniteDoublesAsStrings: Bool = true, maxDepth: Int = 512) {
        self.prettyPrinted = prettyPrinted
        self.nonFiniteDoublesAsStrings = nonFiniteDoublesAsStrings
        self.maxDepth = maxDepth
    }
}

/// Why JSON could not be read, or a value could not be written as JSON.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable kind of a JSON error.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's text, such as `json_syntax`.
        public var rawValue: String

        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The code's text.
        public var description: String { rawValue }

        /// Malformed JSON text: an unexpected character, an unterminated string, a bad escape or number.
        public static let syntax = Code(rawValue: "json_syntax")
        /// Input larger than ``JSONReadOptions/maxBytes``, or nesting deeper than the limit.
        public static let limitExceeded = Code(rawValue: "json_limit_exceeded")
        /// An object with the same key twice (reading), or two map keys with the same text (writing).
        public static let duplicateKey = Code(rawValue: "json_duplicate_key")
        /// A number too large for a double.
        public static let numberOutOfRange = Code(rawValue: "json_number_out_of_range")
        /// A value with no JSON form: an error, an unknown, or a non-finite double when those are not
        /// written as strings.
        public static let unsupportedValue = Code(rawValue: "json_unsupported_value")
    }

    /// The kind of error.
    public var code: Code
    /// What is wrong, for people.
    public var message: String
    /// Where reading failed: a UTF-8 byte offset into the input; `nil` for writing errors.
    public var offset: Int?
    /// The 1-based line of `offset`.
    public var line: Int?
    /// The 1-based column of `offset`, counted in Unicode scalars.
    public var column: Int?

    /// Creates an error.
    public init(code: Code, message: String, offset: Int? = nil, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// `line:column: message` for reading errors, the message alone for writing errors.
    public var description: String {
        guard let line, let column else { return message }
        return "\(line):\(column): \(message)"
    }
}
