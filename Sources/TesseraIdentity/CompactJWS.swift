import CEL

/// Limits on a token or proof and the JSON inside it.
public struct TokenLimits: Sendable, Hashable {
    /// The longest token accepted, in bytes (default 16 KiB).
    public var maxTokenBytes: Int
    /// The deepest nesting of arrays and objects in the header or the claims (default 20: room for a
    /// long `act` delegation chain, but no hostile nesting).
    public var maxJSONDepth: Int

    /// Creates limits.
    /// - Parameters:
    ///   - maxTokenBytes: The longest token, in bytes.
    ///   - maxJSONDepth: The deepest JSON nesting in the header and the claims.
    public init(maxTokenBytes: Int = 16 << 10, maxJSONDepth: Int = 20) {
        self.maxTokenBytes = maxTokenBytes
        self.maxJSONDepth = maxJSONDepth
    }
}

/// A JWS in compact serialization (RFC 7515 §7.1), split and decoded but NOT verified.
///
/// Parsing checks the size limit, the three segments, strict base64url in each, and that the header is
/// a JSON object with a string `alg` that names an asymmetric algorithm (`none` and HMAC are refused
/// here, before any key is touched), an optional string `kid` and `typ`, and no `crit`. Nothing in a
/// parsed JWS is trustworthy until ``verifySignature(with:)`` (or ``JWTVerifier``) has succeeded; the
/// claims are available unverified only to route a token to its source (``unverifiedClaims()``).
public struct CompactJWS: Sendable {
    /// The protected header.
    public let header: JSONObject
    /// The header's `alg`.
    public let algorithm: JWSAlgorithm
    /// The header's `kid`, when present.
    public let keyID: String?
    /// The header's `typ`, when present.
    public let type: String?
    /// The decoded payload bytes.
    public let payload: [UInt8]
    /// The decoded signature bytes.
    public let signature: [UInt8]
    /// `base64url(header) '.' base64url(payload)`, the bytes the signature covers.
    let signingInput: ArraySlice<UInt8>
    let limits: TokenLimits

    /// Splits and decodes a compact JWS.
    /// - Parameters:
    ///   - token: The token text.
    ///   - limits: Size and nesting limits.
    ///   - what: What the token is, for error messages ("the token", "the DPoP proof").
    /// - Throws: ``IdentityError`` with ``IdentityError/Code/tokenTooLarge``,
    ///   ``IdentityError/Code/malformedToken``, ``IdentityError/Code/algorithmNone``,
    ///   ``IdentityError/Code/symmetricAlgorithm``, ``IdentityError/Code/unsupportedAlgorithm`` or
    ///   ``IdentityError/Code/unsupportedCritical``.
    public init(_ token: String, limits: TokenLimits = TokenLimits(), what: String = "the token") throws(IdentityError)
    {
        let utf8 = token.utf8
        guard utf8.count <= limits.maxTokenBytes else {
            throw IdentityError(
                .tokenTooLarge,
                "\(what) is \(utf8.count) bytes long; the limit is \(limits.maxTokenBytes)"
            )
        }
        let bytes = Array(utf8)
        var dots: [Int] = []
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: ".") {
            dots.append(index)
            if dots.count > 2 { break }
        }
        guard dots.count == 2 else {
            throw IdentityError(
                .malformedToken,
                "\(what) has \(dots.count > 2 ? "more than 3" : String(dots.count + 1)) segments; "
                    + "a compact JWS has 3 (header.payload.signature)"
            )
        }
        let headerText = bytes[..<dots[0]]
        let payloadText = bytes[(dots[0] + 1)..<dots[1]]
        let signatureText = bytes[(dots[1] + 1)...]
        guard let headerBytes = Base64URL.decode(headerText), !headerBytes.isEmpty else {
            throw IdentityError(.malformedToken, "\(what): the header segment is not base64url")
        }
        guard let payload = Base64URL.decode(payloadText) else {
            throw IdentityError(.malformedToken, "\(what): the payload segment is not base64url")
        }
        guard let signature = Base64URL.decode(signatureText) else {
            throw IdentityError(.malformedToken, "\(what): the signature segment is not base64url")
        }
        let header = try JSONObject.parse(
            bytes: headerBytes,
            what: "\(what)'s header",
            maxDepth: limits.maxJSONDepth,
            maxBytes: limits.maxTokenBytes
        )
        let algorithmName = try header.requiredString(
            "alg",
            in: "\(what)'s header",
            code: .malformedToken,
            missing: .malformedToken
        )
        self.algorithm = try JWSAlgorithm(name: algorithmName)
        if let critical = header["crit"] {
            // No JWS extension is understood, so any `crit` fails (RFC 7515 §4.1.11); `b64: false`
            // (RFC 7797) can only appear with `crit` and so is refused too.
            throw IdentityError(
                .unsupportedCritical,
                "\(what)'s header has \"crit\" (\(critical.celType.name)); no critical extension is supported"
            )
        }
        self.keyID = try header.optionalString("kid", in: "\(what)'s header", code: .malformedToken)
        self.type = try header.optionalString("typ", in: "\(what)'s header", code: .malformedToken)
        guard !signature.isEmpty else {
            throw IdentityError(.malformedToken, "\(what) has an empty signature")
        }
        self.header = header
        self.payload = payload
        self.signature = signature
        self.signingInput = bytes[..<dots[1]]
        self.limits = limits
    }

    /// Verifies the signature with `key`; the key must fit ``algorithm`` (type, curve, `alg`, `use`).
    /// - Parameter key: The public key.
    /// - Throws: ``IdentityError`` with ``IdentityError/Code/keyAlgorithmMismatch`` or
    ///   ``IdentityError/Code/invalidSignature``.
    public func verifySignature(with key: JWK) throws(IdentityError) {
        try key.verify(signature: signature, signingInput: signingInput, algorithm: algorithm, what: "the token")
    }

    /// The payload read as a JWT claims set, WITHOUT verifying anything: only for choosing which source
    /// should verify the token (by `iss`), never for a decision.
    /// - Throws: ``IdentityError`` (``IdentityError/Code/malformedToken``) when the payload is not a JSON
    ///   object within the limits.
    public func unverifiedClaims() throws(IdentityError) -> JSONObject {
        try JSONObject.parse(
            bytes: payload,
            what: "the token's claims",
            maxDepth: limits.maxJSONDepth,
            maxBytes: limits.maxTokenBytes
        )
    }
}
