import CEL

/// An error answer of the token endpoint (RFC 6749 §5.2, RFC 8693 §2.2.2, RFC 9449 §5).
///
/// ``description`` is what the client sees: it says what was wrong without internal details (no key
/// source URL, file, stack or policy text). ``detail`` is for the decision log and the server's log
/// only, and never holds a token.
public struct OAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `error` code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's text, such as `invalid_grant`.
        public var rawValue: String

        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The code's text.
        public var description: String { rawValue }

        /// A parameter is missing, repeated or unsupported, or the form is malformed.
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// Client authentication (a client assertion) failed.
        public static let invalidClient = Code(rawValue: "invalid_client")
        /// The subject, actor or assertion token failed verification.
        public static let invalidGrant = Code(rawValue: "invalid_grant")
        /// The authenticated client may not use this grant.
        public static let unauthorizedClient = Code(rawValue: "unauthorized_client")
        /// The `grant_type` is not supported.
        public static let unsupportedGrantType = Code(rawValue: "unsupported_grant_type")
        /// A requested scope is not granted.
        public static let invalidScope = Code(rawValue: "invalid_scope")
        /// No such target, or the grant policy denies issuing for it (RFC 8693).
        public static let invalidTarget = Code(rawValue: "invalid_target")
        /// The DPoP proof is missing, malformed, replayed or does not match the request (RFC 9449).
        public static let invalidDPoPProof = Code(rawValue: "invalid_dpop_proof")
        /// The broker failed (the decision log could not take the record, signing failed).
        public static let serverError = Code(rawValue: "server_error")
    }

    /// The error code.
    public var code: Code
    /// The `error_description`: safe to show to the client.
    public var description: String
    /// Internal detail for the logs (never sent to the client, never a token).
    public var detail: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The error code.
    ///   - description: The client-facing description.
    ///   - detail: Internal detail for the logs.
    public init(_ code: Code, _ description: String, detail: String? = nil) {
        self.code = code
        self.description = description
        self.detail = detail
    }

    /// The HTTP status: 401 for `invalid_client`, 500 for `server_error`, else 400.
    public var httpStatus: Int {
        switch code {
        case .invalidClient: 401
        case .serverError: 500
        default: 400
        }
    }

    /// The JSON body `{"error": ..., "error_description": ...}`.
    public var jsonText: String {
        "{\"error\":\(JSON.quote(code.rawValue)),\"error_description\":\(JSON.quote(description))}"
    }
}
