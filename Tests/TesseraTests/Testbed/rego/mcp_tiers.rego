# What the two MCP trust-tier policies share (policies/mcp/*.yaml repeat it in each file): the tier
# tables, the messages, and how the tier is read from the input. The Rego versions of the policies
# (trust_boundaries.rego, tool_access.rego) are for the differential test against the real OPA engine.
#
# How the CEL policies read their input, mirrored here:
# - `input.?agent.?x` fails when `input` is not an object, or when `agent` is present but not an object
#   (null included); a missing `agent` reads as absent fields. The same holds for `request`. A failure
#   that the decision depends on makes the CEL policy answer its `default` document (`fallback` here).
# - The tier is `agent.trust_level` when that key is present (any value, null included), else the tier
#   named by the SPIFFE ID path `spiffe://<domain>/agents/<tier>/...`, else "".
package lib.mcp_tiers

operations := {
	"trusted": {"read", "write", "execute", "admin"},
	"semi-trusted": {"read", "list"},
	"untrusted": {"read"},
}

tools := {
	"trusted": {"filesystem", "database", "api", "shell", "network"},
	"semi-trusted": {"filesystem", "database", "api"},
	"untrusted": {"filesystem"},
}

msg_known_tier := "the agent has no known trust tier (trust_level, or a SPIFFE ID under /agents/<tier>/)"

msg_operation := "the operation is not allowed for the agent's trust tier"

msg_tool := "the tool is not allowed for the agent's trust tier"

# The CEL policies' `default` document, answered when their evaluation fails.
fallback := {"allow": false, "tier": "unknown", "reasons": ["the policy could not evaluate the input"]}

has_key(obj, key) if {
	_ = obj[key]
}

# `inp.key` can be read field by field: `inp` is an object and `key` is absent or an object.
readable(inp, key) if {
	is_object(inp)
	not has_key(inp, key)
}

readable(inp, key) if {
	is_object(inp)
	is_object(inp[key])
}

# `inp.key.name`, or "" when absent (call it only when `readable(inp, key)`).
field(inp, key, name) := object.get(object.get(inp, key, {}), name, "")

# The tier as the CEL policies compute it (any value: only a string naming a table row is a tier).
tier_of(inp) := field(inp, "agent", "trust_level") if {
	readable(inp, "agent")
	has_key(object.get(inp, "agent", {}), "trust_level")
}

tier_of(inp) := spiffe_tier(field(inp, "agent", "spiffe_id")) if {
	readable(inp, "agent")
	not has_key(object.get(inp, "agent", {}), "trust_level")
}

spiffe_tier(id) := "" if not is_string(id)

spiffe_tier(id) := spiffe_match(id) if is_string(id)

spiffe_match(id) := "trusted" if regex.match(`^spiffe://[^/]+/agents/trusted/`, id)

else := "semi-trusted" if regex.match(`^spiffe://[^/]+/agents/semi-trusted/`, id)

else := "untrusted" if regex.match(`^spiffe://[^/]+/agents/untrusted/`, id)

else := ""

known_tier(inp) if {
	t := tier_of(inp)
	is_string(t)
	operations[t]
}

# The request's field is a string in the tier's row of `table` (call it only when `known_tier(inp)`).
request_allowed(inp, name, table) := true if {
	value := field(inp, "request", name)
	is_string(value)
	value in table[tier_of(inp)]
}

else := false
