/// Where a ``JWTVerifier`` gets the public key for a token.
///
/// A key source answers the key with the token's `kid` that may verify the token's algorithm (its
/// type, curve, `alg`, `use` and `key_ops` fit; see ``JWK/canVerify(_:)``), or throws. Implementations
/// must fail closed: an unknown `kid` is ``IdentityError/Code/unknownKey``, never a fallback to some
/// other key.
public protocol KeySource: Sendable {
    /// The key for a token.
    /// - Parameters:
    ///   - keyID: The token's `kid`, or `nil` when it has none (then the source may answer its only
    ///     fitting key).
    ///   - algorithm: The token's `alg` (already checked against the verifier's allow-list).
    /// - Returns: A key that may verify `algorithm`.
    /// - Throws: ``IdentityError`` with ``IdentityError/Code/unknownKey``,
    ///   ``IdentityError/Code/keyAlgorithmMismatch`` or ``IdentityError/Code/keySourceUnavailable``.
    func key(for keyID: String?, algorithm: JWSAlgorithm) async throws(IdentityError) -> JWK
}
