import CEL
import Synchronization
import TesseraPolicy

enum Fixtures {
    static let trust = """
        name: mcp/trust_boundaries
        input: map(string, dyn)
        variables:
          tool: input.tool
          trusted_tools: '["read_file", "search"]'
          is_trusted: tool in trusted_tools
        rules:
          allow_tool: is_trusted && input.user != ""
        messages:
          allow_tool: the tool is outside the trust boundary
        decision: |
          {
            "allow": allow_tool,
            "reasons": allow_tool ? [] : [messages.allow_tool],
            "limits": {"calls": 10 / input.divisor}
          }
        default:
          allow: false
          reasons: [evaluation failed]
        """

    static let access = """
        name: mcp/tool_access
        rules:
          allow: input.role == "admin"
        decision: '{"allow": allow, "ratio": 1 / input.n}'
        """

    static func input(_ json: String) throws -> Value {
        try JSON.parse(json, options: JSONReadOptions(integersAsInt: true))
    }

    /// Ids `d1`, `d2`, ...
    static func sequentialIDs() -> DecisionIDGenerator {
        let counter = Mutex(0)
        return DecisionIDGenerator {
            let next = counter.withLock { count in
                count += 1
                return count
            }
            return "d\(next)"
        }
    }
}

func json(_ value: Value?) -> String? {
    value.flatMap { try? JSON.text(of: $0) }
}
