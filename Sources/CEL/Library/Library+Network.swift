/// The IP address and CIDR library of Kubernetes CEL (also cel-spec's `network_ext` cases). Addresses
/// and networks are values of the object types `net.IP` and `net.CIDR`.
///
/// - `ip(string)`, `isIP(string)`, `ip.isCanonical(string)` (whether the text is the canonical form;
///   an error for a text that is not an address).
/// - On `net.IP`: `family()` (4 or 6), `isUnspecified()`, `isLoopback()`, `isLinkLocalMulticast()`,
///   `isLinkLocalUnicast()`, `isGlobalUnicast()`.
/// - `cidr(string)`, `isCIDR(string)`.
/// - On `net.CIDR`: `containsIP(ip or string)`, `containsCIDR(cidr or string)`, `ip()` (the address as
///   written), `masked()` (host bits cleared), `prefixLength()`.
/// - `string(x)` gives the canonical text; `==` compares addresses, and an IPv4 address equals its
///   IPv4-mapped IPv6 form (`ip('::ffff:c0a8:1') == ip('192.168.0.1')`).
///
/// Addresses with a zone (`fe80::1%en0`) and IPv4-mapped addresses written with a dotted quad
/// (`::ffff:192.168.0.1`) are refused, as are IPv4 fields with leading zeros.
extension Library {
    /// The `net.IP` and `net.CIDR` functions.
    public static let network: Library = {
        var library = Library()
        library.define(
            "ip",
            .unary { text in
                guard case .string(let s) = text else { return .noSuchOverload("ip", text) }
                return Network.parseAddress(s.value).map(Network.object).celValue
            }
        )
        library.define(
            "isIP",
            .unary { text in
                guard case .string(let s) = text else { return .noSuchOverload("isIP", text) }
                return .bool(IPAddress.parse(s.value).isSuccess)
            }
        )
        library.define(
            "ip.isCanonical",
            .unary { text in
                guard case .string(let s) = text else { return .noSuchOverload("ip.isCanonical", text) }
                return Network.parseAddress(s.value).map { .bool($0.text == s.value) }.celValue
            }
        )
        library.define("family", .receiver, Network.addressProperty("family") { .int($0.family) })
        library.define("isUnspecified", .receiver, Network.addressProperty("isUnspecified") { .bool($0.isUnspecified) })
        library.define("isLoopback", .receiver, Network.addressProperty("isLoopback") { .bool($0.isLoopback) })
        library.define(
            "isLinkLocalMulticast",
            .receiver,
            Network.addressProperty("isLinkLocalMulticast") { .bool($0.isLinkLocalMulticast) }
        )
        library.define(
            "isLinkLocalUnicast",
            .receiver,
            Network.addressProperty("isLinkLocalUnicast") { .bool($0.isLinkLocalUnicast) }
        )
        library.define(
            "isGlobalUnicast",
            .receiver,
            Network.addressProperty("isGlobalUnicast") { .bool($0.isGlobalUnicast) }
        )
        library.define(
            "cidr",
            .unary { text in
                guard case .string(let s) = text else { return .noSuchOverload("cidr", text) }
                return Network.parsePrefix(s.value).map(Network.object).celValue
            }
        )
        library.define(
            "isCIDR",
            .unary { text in
                guard case .string(let s) = text else { return .noSuchOverload("isCIDR", text) }
                return .bool(IPPrefix.parse(s.value).isSuccess)
            }
        )
        library.define("containsIP", .receiver, .binary(Network.containsIP))
        library.define("containsCIDR", .receiver, .binary(Network.containsCIDR))
        library.define("ip", .receiver, Network.prefixProperty("ip") { Network.object($0.address) })
        library.define("masked", .receiver, Network.prefixProperty("masked") { Network.object($0.masked) })
        library.define("prefixLength", .receiver, Network.prefixProperty("prefixLength") { .int(Int64($0.bits)) })
        return library
    }()
}

extension CELTypeValue {
    /// `net.IP`, the type of IP addresses.
    public static let networkAddress = CELTypeValue(name: "net.IP")
    /// `net.CIDR`, the type of IP networks.
    public static let networkPrefix = CELTypeValue(name: "net.CIDR")
}

/// The implementations of the network library.
enum Network {
    // MARK: - Objects

    static func object(_ address: IPAddress) -> Value {
        .object(
            CELObject(
                type: .networkAddress,
                payload: address.payload,
                // Equal when the 128 bits are, whatever the family: an IPv4 address equals its
                // IPv4-mapped IPv6 form.
                equality: { $0.payload.dropFirst() == $1.payload.dropFirst() },
                text: { IPAddress(payload: $0.payload[...])?.text ?? "" }
            )
        )
    }

    static func object(_ prefix: IPPrefix) -> Value {
        .object(
            CELObject(
                type: .networkPrefix,
                payload: prefix.payload,
                text: { IPPrefix(payload: $0.payload)?.text ?? "" }
            )
        )
    }

    static func address(_ value: Value) -> IPAddress? {
        guard case .object(let object) = value, object.type == .networkAddress else { return nil }
        return IPAddress(payload: object.payload[...])
    }

    static func prefix(_ value: Value) -> IPPrefix? {
        guard case .object(let object) = value, object.type == .networkPrefix else { return nil }
        return IPPrefix(payload: object.payload)
    }

    // MARK: - Parsing

    /// The address, or an error value.
    static func parseAddress(_ text: String) -> Result<IPAddress, EvalError> {
        IPAddress.parse(text).mapError { failure in
            switch failure {
            case .invalid:
                EvalError(.invalidArgument, "IP Address '\(text)' parse error during conversion from string")
            case .zone: EvalError(.invalidArgument, "IP Address with zone value is not allowed")
            case .mapped: EvalError(.invalidArgument, "IPv4-mapped IPv6 address is not allowed")
            }
        }
    }

    /// The network, or an error value.
    static func parsePrefix(_ text: String) -> Result<IPPrefix, EvalError> {
        IPPrefix.parse(text).mapError { failure in
            switch failure {
            case .invalid:
                EvalError(.invalidArgument, "CIDR '\(text)': network address parse error during conversion from string")
            case .zone: EvalError(.invalidArgument, "CIDR with zone value is not allowed")
            case .mapped: EvalError(.invalidArgument, "IPv4-mapped IPv6 address is not allowed")
            }
        }
    }

    // MARK: - Functions

    /// A receiver function of `net.IP`.
    static func addressProperty(_ name: String, _ body: @escaping @Sendable (IPAddress) -> Value)
        -> FunctionImplementation
    {
        .unary { value in
            guard let address = address(value) else { return .noSuchOverload(name, value) }
            return body(address)
        }
    }

    /// A receiver function of `net.CIDR`.
    static func prefixProperty(_ name: String, _ body: @escaping @Sendable (IPPrefix) -> Value)
        -> FunctionImplementation
    {
        .unary { value in
            guard let prefix = prefix(value) else { return .noSuchOverload(name, value) }
            return body(prefix)
        }
    }

    @Sendable static func containsIP(_ network: Value, _ candidate: Value) -> Value {
        guard let prefix = prefix(network) else { return .noSuchOverload("containsIP", network, candidate) }
        if let address = address(candidate) { return .bool(prefix.contains(address)) }
        guard case .string(let text) = candidate else { return .noSuchOverload("containsIP", network, candidate) }
        return parseAddress(text.value).map { .bool(prefix.contains($0)) }.celValue
    }

    @Sendable static func containsCIDR(_ network: Value, _ candidate: Value) -> Value {
        guard let prefix = prefix(network) else { return .noSuchOverload("containsCIDR", network, candidate) }
        if let other = Network.prefix(candidate) { return .bool(prefix.contains(other)) }
        guard case .string(let text) = candidate else { return .noSuchOverload("containsCIDR", network, candidate) }
        return parsePrefix(text.value).map { .bool(prefix.contains($0)) }.celValue
    }
}

extension Result {
    /// Whether the result is a success.
    fileprivate var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}

extension Result where Success == Value, Failure == EvalError {
    /// The value, or the error as a value.
    fileprivate var celValue: Value {
        switch self {
        case .success(let value): value
        case .failure(let error): .error(error)
        }
    }
}
