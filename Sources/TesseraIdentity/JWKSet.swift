import CEL

/// Limits on a JWK set read from a file or over the network.
public struct KeySetLimits: Sendable, Hashable {
    /// The largest JWK set text accepted, in bytes (default 1 MiB).
    public var maxBytes: Int
    /// The most keys a set may hold (default 100).
    public var maxKeys: Int

    /// Creates limits.
    /// - Parameters:
    ///   - maxBytes: The largest JWK set text, in bytes.
    ///   - maxKeys: The most keys in one set.
    public init(maxBytes: Int = 1 << 20, maxKeys: Int = 100) {
        self.maxBytes = maxBytes
        self.maxKeys = maxKeys
    }
}

/// A JSON Web Key Set (RFC 7517 §5) of public verification keys.
///
/// Reading is strict about the set and lenient about single keys that simply do not apply: a key of a
/// type or curve this library does not verify with, a symmetric (`oct`) key, or a key for another
/// algorithm (such as `RSA-OAEP`) is skipped and listed in ``ignored``, so a provider's set that also
/// publishes encryption keys still works. A key with private members fails the whole set: publishing
/// private keys is a serious misconfiguration that must not go unnoticed.
public struct JWKSet: Sendable {
    /// The usable keys, in the set's order.
    public let keys: [JWK]
    /// Why each skipped entry was skipped ("key 2 (kid \"enc1\"): ...").
    public let ignored: [String]

    /// A set of the given keys.
    /// - Parameter keys: The keys.
    public init(keys: [JWK]) {
        self.keys = keys
        self.ignored = []
    }

    /// Reads a JWK set from its JSON text.
    /// - Parameters:
    ///   - json: The set, `{"keys": [...]}`.
    ///   - limits: Size and key-count limits.
    ///   - source: Where the set came from (a file path or URL), for error messages.
    /// - Throws: ``IdentityError`` with ``IdentityError/Code/invalidKeySet`` (malformed, over a limit) or
    ///   ``IdentityError/Code/privateKeyNotAllowed``.
    public init(json: String, limits: KeySetLimits = KeySetLimits(), source: String = "the JWK set")
        throws(IdentityError)
    {
        try self.init(bytes: Array(json.utf8), limits: limits, source: source)
    }

    /// Reads a JWK set from UTF-8 JSON bytes.
    /// - Parameters:
    ///   - bytes: The set, `{"keys": [...]}`.
    ///   - limits: Size and key-count limits.
    ///   - source: Where the set came from (a file path or URL), for error messages.
    /// - Throws: ``IdentityError`` with ``IdentityError/Code/invalidKeySet`` (malformed, over a limit) or
    ///   ``IdentityError/Code/privateKeyNotAllowed``.
    public init(bytes: [UInt8], limits: KeySetLimits = KeySetLimits(), source: String = "the JWK set")
        throws(IdentityError)
    {
        guard bytes.count <= limits.maxBytes else {
            throw IdentityError(
                .invalidKeySet,
                "\(source) is \(bytes.count) bytes long; the limit is \(limits.maxBytes)"
            )
        }
        let object = try JSONObject.parse(
            bytes: bytes,
            what: source,
            maxDepth: 8,
            maxBytes: limits.maxBytes,
            code: .invalidKeySet
        )
        guard case .list(let entries)? = object["keys"] else {
            throw IdentityError(.invalidKeySet, "\(source) has no \"keys\" array")
        }
        guard entries.count <= limits.maxKeys else {
            throw IdentityError(
                .invalidKeySet,
                "\(source) has \(entries.count) keys; the limit is \(limits.maxKeys)"
            )
        }
        var keys: [JWK] = []
        var ignored: [String] = []
        for (index, entry) in entries.enumerated() {
            guard let member = JSONObject(entry) else {
                throw IdentityError(.invalidKeySet, "\(source): key \(index) is not a JSON object")
            }
            let label =
                "\(source): key \(index)" + (member.string("kid").map { " (kid \(IdentityError.quoted($0)))" } ?? "")
            do throws(IdentityError) {
                let key = try JWK(object: member, publicOnly: true, what: label)
                // `jwt-svid` marks the JWT signing authorities of a SPIFFE trust bundle (SPIFFE Trust
                // Domain and Bundle, section 4.1.2); `x509-svid` keys and encryption keys are left out.
                if let use = key.use, !key.isForSignatures {
                    ignored.append("\(label): use \(IdentityError.quoted(use)) is not sig or jwt-svid")
                    continue
                }
                keys.append(key)
            } catch  where error.code == .privateKeyNotAllowed {
                throw error
            } catch {
                ignored.append(error.message)
            }
        }
        self.keys = keys
        self.ignored = ignored
    }

    /// The outcome of looking a key up in a set.
    enum Lookup {
        /// A key that may verify the algorithm.
        case found(JWK)
        /// Keys with the `kid` exist but none may verify the algorithm.
        case mismatch(IdentityError)
        /// No key with the `kid` (or, without one, no single fitting key).
        case notFound(String)
    }

    /// Looks up the key for a token's `kid` and `alg`.
    ///
    /// With a `kid`, the keys with that `kid` are considered; the first that may verify `algorithm` is
    /// the answer. Without a `kid`, the set must hold exactly one key that may verify `algorithm`.
    func lookup(keyID: String?, algorithm: JWSAlgorithm, source: String) -> Lookup {
        if let keyID {
            let named = keys.filter { $0.keyID == keyID }
            if named.isEmpty {
                return .notFound("no key with kid \(IdentityError.quoted(keyID)) in \(source)")
            }
            if let key = named.first(where: { $0.canVerify(algorithm) }) { return .found(key) }
            do {
                try named[0].checkCanVerify(algorithm, what: "the token")
            } catch {
                return .mismatch(error)
            }
            return .notFound("no key with kid \(IdentityError.quoted(keyID)) in \(source)")
        }
        let fitting = keys.filter { $0.canVerify(algorithm) }
        if fitting.count == 1 { return .found(fitting[0]) }
        if fitting.isEmpty {
            return .notFound("the token has no kid and no key in \(source) verifies \(algorithm.name)")
        }
        return .notFound(
            "the token has no kid and \(fitting.count) keys in \(source) verify \(algorithm.name); a kid is required"
        )
    }
}
