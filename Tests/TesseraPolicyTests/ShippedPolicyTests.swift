import CEL
import Foundation
import TesseraPolicy
import Testing

/// The shipped `policies/` directory: it compiles, and the MCP trust-tier decisions hold for every
/// cell of both tables, for unknown tiers and for malformed input (a denial, never an error).
@Suite("Shipped policies")
struct ShippedPolicyTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("policies").path

    static let operations: [String: Set<String>] = [
        "trusted": ["read", "write", "execute", "admin"],
        "semi-trusted": ["read", "list"],
        "untrusted": ["read"],
    ]
    static let tools: [String: Set<String>] = [
        "trusted": ["filesystem", "database", "api", "shell", "network"],
        "semi-trusted": ["filesystem", "database", "api"],
        "untrusted": ["filesystem"],
    ]
    static let allOperations = ["read", "write", "execute", "admin", "list", "delete"]
    static let allTools = ["filesystem", "database", "api", "shell", "network", "email"]

    static func policies() throws -> PolicySet {
        try PolicySet.compile(directory: directory)
    }

    static func input(_ json: String) throws -> Value {
        try JSON.parse(json, options: JSONReadOptions(integersAsInt: true))
    }

    /// The `allow` of a decision, or `nil` when the decision is not a map with a bool `allow` (which
    /// the tests treat as a failure: the policies must always answer).
    static func allow(_ decision: Decision) -> Bool? {
        guard case .map(let map)? = decision.result, case .bool(let allow)? = map[.string("allow")] else { return nil }
        return allow
    }

    @Test func compiles() throws {
        let set = try Self.policies()
        #expect(set.decide(path: "mcp/trust_boundaries", input: .map(.empty)).result != nil)
        #expect(set.decide(path: "mcp/tool_access", input: .map(.empty)).result != nil)
    }

    @Test("every cell of the operation and tool tables, by trust_level")
    func trustBoundariesByTrustLevel() throws {
        let set = try Self.policies()
        for tier in ["trusted", "semi-trusted", "untrusted"] {
            for operation in Self.allOperations {
                for tool in Self.allTools {
                    let json = """
                        {"agent": {"trust_level": "\(tier)"}, "request": {"operation": "\(operation)", "tool": "\(tool)"}}
                        """
                    let decision = set.decide(path: "mcp/trust_boundaries", input: try Self.input(json))
                    let expected =
                        Self.operations[tier, default: []].contains(operation)
                        && Self.tools[tier, default: []].contains(tool)
                    #expect(Self.allow(decision) == expected, "\(tier) \(operation) \(tool)")
                    let subpath = set.decide(path: "mcp/trust_boundaries/allow", input: try Self.input(json))
                    #expect(subpath.result.map { Value.celEquals($0, .bool(expected)) } == true)
                }
            }
        }
    }

    @Test("every cell of the tool table, with the tier from the SPIFFE ID")
    func toolAccessBySpiffeID() throws {
        let set = try Self.policies()
        for tier in ["trusted", "semi-trusted", "untrusted"] {
            for tool in Self.allTools {
                let json = """
                    {"agent": {"spiffe_id": "spiffe://example.org/agents/\(tier)/bot-1"}, "request": {"tool": "\(tool)"}}
                    """
                let decision = set.decide(path: "mcp/tool_access", input: try Self.input(json))
                #expect(Self.allow(decision) == Self.tools[tier, default: []].contains(tool), "\(tier) \(tool)")
            }
        }
    }

    @Test("unknown tiers and malformed input are denied with a reason, never an error")
    func denials() throws {
        let set = try Self.policies()
        let inputs = [
            #"{"agent": {"trust_level": "root"}, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": {"spiffe_id": "spiffe://example.org/workloads/api"}, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": {"trust_level": 3}, "request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{"agent": {"trust_level": "trusted"}, "request": {"operation": 1, "tool": ["shell"]}}"#,
            #"{"agent": "trusted", "request": "read"}"#,
            #"{"request": {"operation": "read", "tool": "filesystem"}}"#,
            #"{}"#,
        ]
        for text in inputs {
            for path in ["mcp/trust_boundaries", "mcp/tool_access"] {
                let decision = set.decide(path: path, input: try Self.input(text))
                #expect(Self.allow(decision) == false, "\(path) \(text): \(String(describing: decision.result))")
                guard case .map(let map)? = decision.result, case .list(let reasons)? = map[.string("reasons")] else {
                    Issue.record("\(path) \(text): no reasons")
                    continue
                }
                #expect(!reasons.isEmpty, "\(path) \(text)")
            }
        }
    }
}
