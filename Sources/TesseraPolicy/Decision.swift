public import CEL
internal import Synchronization

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

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

    /// Random UUIDs (version 4) from the system's random source, drawn in blocks (one system call per
    /// 256 ids rather than two per id).
    public static let random: DecisionIDGenerator = {
        let pool = RandomBytePool()
        return DecisionIDGenerator { pool.uuid() }
    }()
}

/// Random bytes from `SystemRandomNumberGenerator`, refilled a block at a time, shared by every task.
final class RandomBytePool: Sendable {
    private let state = Mutex<(bytes: [UInt8], next: Int)>((bytes: [], next: 0))
    private static let blockSize = 4096

    /// `count` bytes from the system's random source: `arc4random_buf` (glibc 2.36 and later, Darwin:
    /// one `getrandom` call for the whole block), else `SystemRandomNumberGenerator`.
    private static func systemRandomBytes(count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        #if canImport(Glibc) || canImport(Darwin)
            bytes.withUnsafeMutableBytes { buffer in
                if let base = buffer.baseAddress { arc4random_buf(base, count) }
            }
        #else
            var generator = SystemRandomNumberGenerator()
            for index in 0..<count { bytes[index] = generator.next() }
        #endif
        return bytes
    }

    /// 16 random bytes formatted as a version-4 UUID (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`).
    func uuid() -> String {
        var raw = (UInt64(0), UInt64(0))
        state.withLock { state in
            if state.next + 16 > state.bytes.count {
                state.bytes = Self.systemRandomBytes(count: Self.blockSize)
                state.next = 0
            }
            withUnsafeMutableBytes(of: &raw) { target in
                for offset in 0..<16 { target[offset] = state.bytes[state.next + offset] }
            }
            // Each byte is handed out once.
            state.next += 16
        }
        var bytes = withUnsafeBytes(of: raw) { Array($0) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
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
