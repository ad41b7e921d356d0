import CEL
import Foundation
import TesseraPolicy
import Testing

@Suite("Decision records")
struct DecisionRecordTests {
    private let policies: PolicySet
    private let time = Date(timeIntervalSince1970: 1_700_000_000.25)

    init() throws {
        policies = try PolicySet.compile(
            files: [(path: "access.yaml", text: Fixtures.access), (path: "trust.yaml", text: Fixtures.trust)],
            idGenerator: Fixtures.sequentialIDs()
        )
    }

    private func record(_ path: String, _ json: String, redactor: DecisionRedactor = DecisionRedactor()) throws
        -> DecisionRecord
    {
        let input = try Fixtures.input(json)
        let decision = policies.decide(path: path, input: input)
        return DecisionRecord(
            decision: decision,
            path: path,
            input: input,
            caller: "127.0.0.1:50000",
            source: "v1/data",
            time: time,
            redactor: redactor
        )
    }

    @Test("a document with allow: true is allow, otherwise deny; fields are carried over")
    func documents() throws {
        let allowed = try record("mcp/tool_access", #"{"role": "admin", "n": 2}"#)
        #expect(allowed.outcome == .allow)
        #expect(allowed.id == "d1")
        #expect(allowed.revision == policies.revision)
        #expect(allowed.path == "mcp/tool_access")
        #expect(allowed.input == #"{"role":"admin","n":2}"#)
        #expect(allowed.result == #"{"allow":true,"ratio":0}"#)
        #expect(allowed.caller == "127.0.0.1:50000")
        #expect(allowed.source == "v1/data")
        #expect(allowed.time == time)
        #expect(allowed.failure == nil)
        #expect(allowed.durationNanoseconds >= 0)
        let denied = try record("mcp/tool_access", #"{"role": "guest", "n": 2}"#)
        #expect(denied.outcome == .deny)
        #expect(denied.result == #"{"allow":false,"ratio":0}"#)
    }

    @Test("true is allow, any other value deny, nothing undefined")
    func values() throws {
        #expect(try record("mcp/tool_access/allow", #"{"role": "admin", "n": 1}"#).outcome == .allow)
        #expect(try record("mcp/tool_access/allow", #"{"role": "x", "n": 1}"#).outcome == .deny)
        #expect(try record("mcp/tool_access/ratio", #"{"role": "admin", "n": 1}"#).outcome == .deny)
        let undefined = try record("nothing/here", #"{}"#)
        #expect(undefined.outcome == .undefined)
        #expect(undefined.result == nil)
    }

    @Test("a failed evaluation is error, with the reason, also when a default document answered")
    func failures() throws {
        let failed = try record("mcp/tool_access", #"{"role": "admin", "n": 0}"#)
        #expect(failed.outcome == .error)
        #expect(failed.failure?.contains("division_by_zero") == true)
        #expect(failed.result?.hasPrefix(#"{"$error":"division_by_zero: "#) == true)
        let defaulted = try record("mcp/trust_boundaries", #"{"tool": "search", "user": "u", "divisor": 0}"#)
        #expect(defaulted.outcome == .error)
        #expect(defaulted.result == #"{"allow":false,"reasons":["evaluation failed"]}"#)
        #expect(defaulted.failure != nil)
    }

    @Test("the input is redacted and bounded; the result loses tokens too")
    func redaction() throws {
        let jwt = makeJWT()
        let redactor = try DecisionRedactor(paths: ["n"], maximumBytes: 4096)
        let redacted = try record(
            "mcp/tool_access",
            #"{"role": "admin", "n": 1, "auth": "Bearer \#(jwt)"}"#,
            redactor: redactor
        )
        #expect(redacted.input?.hasPrefix(#"{"role":"admin","n":"[redacted]","auth":"[redacted bearer fnv:"#) == true)
        #expect(redacted.input?.contains(jwt) == false)
        let big = try record(
            "mcp/tool_access",
            #"{"role": "admin", "n": 1, "pad": "\#(String(repeating: "x", count: 10_000))"}"#,
            redactor: redactor
        )
        #expect((big.input?.utf8.count ?? 0) <= 4096)
        #expect(big.input?.hasPrefix(#"{"$truncated":"#) == true)
        #expect(DecisionOutcome(result: .string(jwt), failure: nil) == .deny)
        #expect(DecisionRedactor().encode(result: .string(jwt)).hasPrefix(#""[redacted jwt fnv:"#))
    }

    @Test("long paths and callers are cut with a marker")
    func fieldBounds() throws {
        let input = try Fixtures.input(#"{"role": "admin", "n": 1}"#)
        let path = "x/" + String(repeating: "p", count: 9998)
        let record = DecisionRecord(
            decision: policies.decide(path: path, input: input),
            path: path,
            input: nil,
            caller: String(repeating: "c", count: 10_000),
            source: "v1/data",
            time: time,
            redactor: DecisionRedactor()
        )
        #expect(record.path.utf8.count <= DecisionRecord.maximumFieldBytes)
        #expect(record.path.hasSuffix("…[truncated, 10000 bytes]"))
        #expect(record.caller?.utf8.count ?? 0 <= DecisionRecord.maximumFieldBytes)
        #expect(record.input == nil)
        #expect(record.outcome == .undefined)
    }
}
