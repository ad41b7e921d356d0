public import CEL

/// A JSON object read from a JOSE header, a JWT claims set or a JWK, held as a CEL map so that verified
/// claims go straight into policies (`subject.sub`, `subject.aud`, ...).
///
/// Integral numbers are CEL `int`s (so `exp`, `iat` and `nbf` compare as integers in policies); numbers
/// with a fraction or an exponent are `double`s. Keys are strings, unique (a repeated key is refused
/// when reading), in document order.
public struct JSONObject: Sendable {
    /// The object as a CEL map.
    public let map: CELMap

    /// The object as a CEL value (always `.map`).
    public var value: Value { .map(map) }

    /// Wraps a CEL value; `nil` unless it is a map whose keys are all strings.
    public init?(_ value: Value) {
        guard case .map(let map) = value else { return nil }
        for key in map.keys {
            guard case .string = key else { return nil }
        }
        self.map = map
    }

    /// The member called `name`, or `nil` when absent.
    public subscript(name: String) -> Value? {
        map[MapKey.string(CELString(name))]
    }

    /// The member names, in document order.
    public var names: [String] {
        map.keys.compactMap { key in
            if case .string(let name) = key { return name.value }
            return nil
        }
    }

    /// The member called `name` when it is a string; `nil` when absent or of another type.
    public func string(_ name: String) -> String? {
        if case .string(let text) = self[name] { return text.value }
        return nil
    }

    /// The JSON text of the object (compact).
    public var jsonText: String {
        (try? JSON.text(of: value)) ?? "{}"
    }
}

extension JSONObject {
    /// Reads a JSON object from UTF-8 bytes.
    /// - Parameters:
    ///   - bytes: The JSON text.
    ///   - what: What the text is, for errors ("the token header").
    ///   - maxDepth: The deepest nesting allowed.
    ///   - maxBytes: The longest text allowed.
    ///   - code: The error code for malformed input.
    static func parse(
        bytes: [UInt8],
        what: String,
        maxDepth: Int,
        maxBytes: Int,
        code: IdentityError.Code = .malformedToken
    ) throws(IdentityError) -> JSONObject {
        let value: Value
        do {
            value = try JSON.parse(
                bytes: bytes,
                options: JSONReadOptions(integersAsInt: true, maxDepth: maxDepth, maxBytes: maxBytes)
            )
        } catch {
            throw IdentityError(code, "\(what) is not valid JSON: \(error.description)")
        }
        guard let object = JSONObject(value) else {
            throw IdentityError(code, "\(what) is not a JSON object")
        }
        return object
    }

    /// The string member `name`; `nil` when absent; an error when present with another type.
    func optionalString(_ name: String, in what: String, code: IdentityError.Code) throws(IdentityError) -> String? {
        guard let member = self[name] else { return nil }
        guard case .string(let text) = member else {
            throw IdentityError(code, "\(what): \"\(name)\" must be a string, not \(member.celType.name)")
        }
        return text.value
    }

    /// The string member `name`; an error when absent or of another type.
    func requiredString(
        _ name: String,
        in what: String,
        code: IdentityError.Code,
        missing: IdentityError.Code
    ) throws(IdentityError) -> String {
        guard let text = try optionalString(name, in: what, code: code) else {
            throw IdentityError(missing, "\(what) has no \"\(name)\"")
        }
        return text
    }

    /// The numeric member `name` as seconds since the epoch (an RFC 7519 NumericDate); `nil` when
    /// absent; an error when present and not a finite number.
    func numericDate(_ name: String, in what: String) throws(IdentityError) -> Double? {
        guard let member = self[name] else { return nil }
        switch member {
        case .int(let seconds): return Double(seconds)
        case .uint(let seconds): return Double(seconds)
        case .double(let seconds) where seconds.isFinite: return seconds
        default:
            throw IdentityError(.invalidClaim, "\(what): \"\(name)\" must be a number of seconds (NumericDate)")
        }
    }
}
