import CPCRE2
import Testing

/// The system library target builds and links against libpcre2-8 with 8-bit code units, which CEL's
/// `matches` will use; a missing `libpcre2-dev` fails here first.
@Suite("libpcre2-8 system library")
struct PCRE2LinkTests {
    @Test func compilesAndMatchesAPattern() throws {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let pattern = Array("^[a-z.]+@example\\.com$".utf8)
        let code = pattern.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, PCRE2_UTF, &errorCode, &errorOffset, nil)
        }
        let compiled = try #require(code, "pcre2_compile failed with code \(errorCode) at \(errorOffset)")
        defer { pcre2_code_free_8(compiled) }
        let matchData = try #require(pcre2_match_data_create_from_pattern_8(compiled, nil))
        defer { pcre2_match_data_free_8(matchData) }
        func matches(_ subject: String) -> Bool {
            let bytes = Array(subject.utf8)
            return bytes.withUnsafeBufferPointer { buffer in
                pcre2_match_8(compiled, buffer.baseAddress, buffer.count, 0, 0, matchData, nil) >= 0
            }
        }
        #expect(matches("jane.doe@example.com"))
        #expect(!matches("jane@example.org"))
    }
}
