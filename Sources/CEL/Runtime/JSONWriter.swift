/// Writes CEL values as JSON text, for ``JSON/text(of:options:)``; the mapping is documented on ``JSON``.
struct JSONWriter {
    private let options: JSONWriteOptions
    /// The text written so far.
    private(set) var output = ""

    init(options: JSONWriteOptions) {
        self.options = options
    }

    /// Appends `value`, nested `depth` lists and maps deep.
    mutating func write(_ value: Value, depth: Int) throws(JSONError) {
        switch value {
        case .null:
            output += "null"
        case .bool(let bool):
            output += bool ? "true" : "false"
        case .int(let int):
            output += String(int)
        case .uint(let uint):
            output += String(uint)
        case .double(let double):
            try write(double)
        case .string(let string):
            output += Self.quoted(string.value)
        case .bytes(let bytes):
            output += "\"" + Base64.encode(bytes) + "\""
        case .timestamp(let timestamp):
            output += Self.quoted(timestamp.description)
        case .duration(let duration):
            output += Self.quoted(duration.description)
        case .type(let type):
            output += Self.quoted(type.name)
        case .object(let object):
            output += Self.quoted(object.description)
        case .optional(let wrapped):
            if let wrapped {
                try write(wrapped, depth: depth)
            } else {
                output += "null"
            }
        case .list(let elements):
            try checkDepth(depth + 1)
            guard !elements.isEmpty else {
                output += "[]"
                return
            }
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                newline(depth + 1)
                try write(element, depth: depth + 1)
            }
            newline(depth)
            output += "]"
        case .map(let map):
            try checkDepth(depth + 1)
            guard map.count > 0 else {
                output += "{}"
                return
            }
            output += "{"
            var written: Set<String> = []
            for (index, key) in map.keys.enumerated() {
                let name = Self.keyText(key)
                guard written.insert(name).inserted else {
                    throw JSONError(
                        code: .duplicateKey,
                        message: "two map keys become the JSON key \(Self.quoted(name))"
                    )
                }
                if index > 0 { output += "," }
                newline(depth + 1)
                output += Self.quoted(name) + (options.prettyPrinted ? ": " : ":")
                try write(map.values[index], depth: depth + 1)
            }
            newline(depth)
            output += "}"
        case .error(let error):
            throw JSONError(code: .unsupportedValue, message: "an error has no JSON form: \(error)")
        case .unknown(let unknown):
            throw JSONError(
                code: .unsupportedValue,
                message: "an unknown value has no JSON form (unknown expressions \(unknown.exprIDs.sorted()))"
            )
        }
    }

    /// A double: always with a fraction or an exponent; NaN and infinities as strings or an error.
    private mutating func write(_ double: Double) throws(JSONError) {
        if double.isFinite {
            output += double.description
            return
        }
        guard options.nonFiniteDoublesAsStrings else {
            throw JSONError(code: .unsupportedValue, message: "the double \(double) has no JSON number form")
        }
        output += double.isNaN ? "\"NaN\"" : (double < 0 ? "\"-Infinity\"" : "\"Infinity\"")
    }

    private func checkDepth(_ depth: Int) throws(JSONError) {
        guard depth <= options.maxDepth else {
            throw JSONError(code: .limitExceeded, message: "lists and maps nest deeper than \(options.maxDepth) levels")
        }
    }

    /// In pretty-printed output, a line break and the indentation of `depth`.
    private mutating func newline(_ depth: Int) {
        guard options.prettyPrinted else { return }
        output += "\n" + String(repeating: "  ", count: depth)
    }

    /// The JSON object key for a map key: strings as they are, ints, uints and bools as text.
    private static func keyText(_ key: Value) -> String {
        switch key {
        case .string(let string): string.value
        case .int(let int): String(int)
        case .uint(let uint): String(uint)
        case .bool(let bool): bool ? "true" : "false"
        default: key.description
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; everything else,
    /// including non-ASCII characters, written as it is.
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let digits = String(scalar.value, radix: 16, uppercase: false)
                out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}
