# Rego (OPA v1) version of policies/mcp/trust_boundaries.yaml: the same document, {"allow", "tier",
# "reasons"}, for every input, including where the CEL policy fails and answers its `default` document
# (see mcp_tiers.rego for how the input is read).
#
# CEL's `&&` is commutative over errors (`false && error` is false): an unreadable `request` does not
# matter when the tier is unknown (a plain "unknown tier" denial), but makes the decision fail (the
# default document) when the tier is known.
#
# Only `allow`, `tier` and `reasons` are rules here (the rest are functions, which are not part of a
# package's document), so `data.mcp.trust_boundaries` is exactly the decision.
package mcp.trust_boundaries

import data.lib.mcp_tiers

allow := decision(input).allow

tier := decision(input).tier

reasons := decision(input).reasons

decision(inp) := mcp_tiers.fallback if not mcp_tiers.readable(inp, "agent")

decision(inp) := mcp_tiers.fallback if {
	mcp_tiers.known_tier(inp)
	not mcp_tiers.readable(inp, "request")
}

decision(inp) := {"allow": false, "tier": "unknown", "reasons": [mcp_tiers.msg_known_tier]} if {
	mcp_tiers.readable(inp, "agent")
	not mcp_tiers.known_tier(inp)
}

decision(inp) := {
	"allow": [operation_ok, tool_ok] == [true, true],
	"tier": mcp_tiers.tier_of(inp),
	"reasons": array.concat(operation_reasons, tool_reasons),
} if {
	mcp_tiers.known_tier(inp)
	mcp_tiers.readable(inp, "request")
	operation_ok := mcp_tiers.request_allowed(inp, "operation", mcp_tiers.operations)
	tool_ok := mcp_tiers.request_allowed(inp, "tool", mcp_tiers.tools)
	operation_reasons := [mcp_tiers.msg_operation | not operation_ok]
	tool_reasons := [mcp_tiers.msg_tool | not tool_ok]
}
