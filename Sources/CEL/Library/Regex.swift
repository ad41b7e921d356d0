import CPCRE2

/// A regular expression with RE2's syntax and semantics, compiled by libpcre2.
///
/// CEL's `matches` takes RE2 patterns. PCRE2 accepts more, so constructs RE2 rejects (backreferences,
/// lookaround, atomic groups, possessive quantifiers, conditionals, recursion) are rejected before
/// compiling, and `$` matches only at the very end as in RE2. Matching is bounded by PCRE2's match
/// and depth limits, so a pathological pattern ends with an error instead of running away.
///
/// Immutable after creation; PCRE2 allows concurrent matching with one compiled pattern when each
/// match has its own match data, which ``matches(_:)`` allocates (audited `@unchecked Sendable`).
public final class Regex: @unchecked Sendable {
    private let code: OpaquePointer
    private let context: OpaquePointer?
    /// The pattern text.
    public let pattern: String

    /// The most backtracking steps one match may take.
    public static let matchLimit: UInt32 = 1_000_000
    /// The deepest backtracking nesting one match may reach.
    public static let depthLimit: UInt32 = 10_000

    /// Compiles a pattern.
    /// - Throws: ``EvalError`` naming the construct RE2 lacks or PCRE2's complaint with its offset.
    public init(_ pattern: String) throws(EvalError) {
        if let unsupported = Self.unsupportedConstruct(in: pattern) {
            throw EvalError(
                .invalidArgument,
                "invalid regular expression '\(pattern)': \(unsupported) is not supported (RE2 syntax)"
            )
        }
        var errorCode: Int32 = 0
        var errorOffset = 0
        let bytes = Array(pattern.utf8)
        let options = UInt32(PCRE2_UTF) | UInt32(PCRE2_DOLLAR_ENDONLY)
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            var message = [UInt8](repeating: 0, count: 256)
            let length = pcre2_get_error_message_8(errorCode, &message, message.count)
            let text = length > 0 ? String(decoding: message.prefix(Int(length)), as: UTF8.self) : "error \(errorCode)"
            throw EvalError(
                .invalidArgument,
                "invalid regular expression '\(pattern)': \(text) at offset \(errorOffset)"
            )
        }
        // No JIT: for the short subjects of policies (claims, ARNs, e-mail addresses) the interpreter
        // matched as fast in bench/ (04_email_regex: 207 ns either way) while JIT compilation added
        // about 4 µs to every compile.
        let context = pcre2_match_context_create_8(nil)
        if let context {
            pcre2_set_match_limit_8(context, Self.matchLimit)
            pcre2_set_depth_limit_8(context, Self.depthLimit)
        }
        self.code = compiled
        self.context = context
        self.pattern = pattern
    }

    deinit {
        pcre2_code_free_8(code)
        if let context { pcre2_match_context_free_8(context) }
    }

    /// Whether the pattern matches anywhere in `subject`; an error when a match limit is hit.
    public func matches(_ subject: String) -> Result<Bool, EvalError> {
        guard let matchData = pcre2_match_data_create_from_pattern_8(code, nil) else {
            return .failure(EvalError(.other, "out of memory matching '\(pattern)'"))
        }
        defer { pcre2_match_data_free_8(matchData) }
        var copy = subject
        let result = copy.withUTF8 { buffer in
            pcre2_match_8(code, buffer.baseAddress, buffer.count, 0, 0, matchData, context)
        }
        if result >= 0 { return .success(true) }
        if result == PCRE2_ERROR_NOMATCH { return .success(false) }
        return .failure(
            EvalError(.limitExceeded, "regular expression '\(pattern)' exceeded its match limits (code \(result))")
        )
    }

    /// The first construct of `pattern` that RE2 does not support, described, or `nil`.
    static func unsupportedConstruct(in pattern: String) -> String? {
        let p = Array(pattern.utf8)
        var i = 0
        var inClass = false
        func at(_ k: Int) -> UInt8 { k < p.count ? p[k] : 0 }
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "\\") {
                let next = at(i + 1)
                if !inClass {
                    if next >= UInt8(ascii: "1") && next <= UInt8(ascii: "9") {
                        return "the backreference '\\\(Character(Unicode.Scalar(next)))'"
                    }
                    if next == UInt8(ascii: "k") || next == UInt8(ascii: "g") {
                        return "the backreference '\\\(Character(Unicode.Scalar(next)))'"
                    }
                }
                i += 2
                continue
            }
            if inClass {
                if c == UInt8(ascii: "]") { inClass = false }
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: "["):
                inClass = true
                // A ']' right after '[' or '[^' is a literal.
                if at(i + 1) == UInt8(ascii: "^") { i += 1 }
                if at(i + 1) == UInt8(ascii: "]") { i += 1 }
            case UInt8(ascii: "("):
                if at(i + 1) == UInt8(ascii: "?") {
                    let a = at(i + 2)
                    let b = at(i + 3)
                    if a == UInt8(ascii: "=") || a == UInt8(ascii: "!") {
                        return "lookahead '(?\(Character(Unicode.Scalar(a))))'"
                    }
                    if a == UInt8(ascii: "<") && (b == UInt8(ascii: "=") || b == UInt8(ascii: "!")) {
                        return "lookbehind"
                    }
                    if a == UInt8(ascii: ">") { return "the atomic group '(?>'" }
                    if a == UInt8(ascii: "(") { return "the conditional '(?('" }
                    if a == UInt8(ascii: "|") { return "the branch reset '(?|'" }
                    if a == UInt8(ascii: "#") { return "the comment '(?#'" }
                    if a == UInt8(ascii: "R") || a == UInt8(ascii: "&")
                        || (a >= UInt8(ascii: "0") && a <= UInt8(ascii: "9"))
                        || a == UInt8(ascii: "+")
                        || a == UInt8(ascii: "-") && at(i + 3) >= UInt8(ascii: "0") && at(i + 3) <= UInt8(ascii: "9")
                    {
                        return "recursion"
                    }
                    if a == UInt8(ascii: "P") && (b == UInt8(ascii: ">") || b == UInt8(ascii: "=")) {
                        return "recursion"
                    }
                }
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "}"):
                if at(i + 1) == UInt8(ascii: "+") && i > 0 {
                    return "the possessive quantifier '\(Character(Unicode.Scalar(c)))+'"
                }
            default:
                break
            }
            i += 1
        }
        return nil
    }
}
