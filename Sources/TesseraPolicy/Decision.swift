public import CEL

/// The answer to one ``PolicySet/decide(path:input:)`` call.
public struct Decision: Sendable {
    /// The result document, or the field of it the path addressed. `nil` when the path addresses
    /// nothing (OPA answers `{}` without `result`). When evaluation failed: the policy's `default`
    /// document if it declares one (fail closed), else an error value whose message is the reason.
    public let result: Value?
    /// A unique id for the decision log.
    public let id: String
    /// The revision of the policies that decided.
    public let revision: String
    /// How long the evaluation took.
    public let duration: Swift.Duration
    /// Why evaluation failed, when it did (also when the `default` document was used instead).
    public let failure: String?
    /// The name of the policy that decided; `nil` when the path lies under no policy.
    public let policy: String?
}

/// Makes decision ids. The default is a random version-4 UUID; tests inject their own.
public struct DecisionIDGenerator: Sendable {
    private let make: @Sendable () -> String

    /// Creates a generator from a function returning a fresh id on each call.
    public init(_ make: @escaping @Sendable () -> String) {
        self.make = make
    }

    /// The next id.
    public func next() -> String { make() }

    /// Random UUIDs (version 4) from `SystemRandomNumberGenerator`.
    public static let random = DecisionIDGenerator {
        var generator = SystemRandomNumberGenerator()
        let high = (generator.next() as UInt64) & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000
        let low = (generator.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        let hex = hexDigits(high, width: 16) + hexDigits(low, width: 16)
        var text = ""
        for (index, character) in hex.enumerated() {
            if [8, 12, 16, 20].contains(index) { text.append("-") }
            text.append(character)
        }
        return text
    }
}

/// A number in lowercase hexadecimal, padded with zeros to `width` digits.
func hexDigits(_ value: UInt64, width: Int) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// The 64-bit FNV-1a hash, used for revision ids: stable across runs and platforms, and enough to tell
/// revisions apart (not a cryptographic digest; SHA-256 would need a dependency).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
    }
}
