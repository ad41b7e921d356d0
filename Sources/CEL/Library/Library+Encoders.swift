/// The encoders extension (cel-go `ext.Encoders`): `base64.encode(bytes)` and
/// `base64.decode(string)`, with the standard alphabet of RFC 4648.
extension Library {
    /// The encoders extension library. `base64.encode` writes padded base64; `base64.decode` accepts
    /// padded and unpadded input, ignores line breaks, and returns an error value for anything else.
    public static let encoders: Library = {
        var library = Library()
        library.define(
            "base64.encode",
            .unary { value in
                guard case .bytes(let bytes) = value else { return .noSuchOverload("base64.encode", value) }
                return .string(Base64.encode(bytes))
            }
        )
        library.define(
            "base64.decode",
            .unary { value in
                guard case .string(let text) = value else { return .noSuchOverload("base64.decode", value) }
                switch Base64.decode(text.value) {
                case .success(let bytes): return .bytes(bytes)
                case .failure(let error): return .error(error)
                }
            }
        )
        return library
    }()
}

/// Base64 with the standard alphabet (RFC 4648 section 4).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The 6-bit value of each alphabet byte, 0xFF for the others.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// The padded encoding of `bytes`.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            for shift in [18, 12, 6, 0] { output.append(alphabet[Int(group >> UInt32(shift) & 0x3F)]) }
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            var group = UInt32(bytes[index]) << 16
            if rest == 2 { group |= UInt32(bytes[index + 1]) << 8 }
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(rest == 2 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        }
        return String(decoding: output, as: UTF8.self)
    }

    @inline(never)
    private static func invalid(at offset: Int) -> EvalError {
        EvalError(.invalidArgument, "illegal base64 data at input byte \(offset)")
    }

    /// Decodes padded or unpadded base64. Carriage returns and line feeds are skipped; any other byte
    /// outside the alphabet, misplaced padding, or a dangling final character is an error.
    static func decode(_ text: String) -> Result<[UInt8], EvalError> {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count / 4 * 3 + 2)
        var group: UInt32 = 0
        var count = 0
        var padding = 0
        var lastDataOffset = 0
        for (offset, byte) in text.utf8.enumerated() {
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") { continue }
            if byte == UInt8(ascii: "=") {
                // Padding completes a group of two or three characters, up to four.
                guard count >= 2, count + padding < 4 else { return .failure(invalid(at: offset)) }
                padding += 1
                continue
            }
            let value = values[Int(byte)]
            guard value != 0xFF, padding == 0 else { return .failure(invalid(at: offset)) }
            group = group << 6 | UInt32(value)
            count += 1
            lastDataOffset = offset
            if count == 4 {
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
                group = 0
                count = 0
            }
        }
        switch count {
        case 0:
            guard padding == 0 else { return .failure(invalid(at: lastDataOffset)) }
        case 2:
            guard padding == 0 || padding == 2 else { return .failure(invalid(at: lastDataOffset)) }
            output.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:
            guard padding <= 1 else { return .failure(invalid(at: lastDataOffset)) }
            output.append(UInt8(truncatingIfNeeded: group >> 10))
            output.append(UInt8(truncatingIfNeeded: group >> 2))
        default:
            return .failure(invalid(at: lastDataOffset))
        }
        return .success(output)
    }
}
