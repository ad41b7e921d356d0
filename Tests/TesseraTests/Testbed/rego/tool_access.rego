# Rego (OPA v1) version of policies/mcp/tool_access.yaml: the same document, {"allow", "tier",
# "reasons"}, for every input, including where the CEL policy fails and answers its `default` document
# (see mcp_tiers.rego for how the input is read). As in trust_boundaries.rego, an unreadable `request`
# makes the decision fail only when the tier is known.
#
# Only `allow`, `tier` and `reasons` are rules here, so `data.mcp.tool_access` is exactly the decision.
package mcp.tool_access

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
	"allow": tool_ok,
	"tier": mcp_tiers.tier_of(inp),
	"reasons": [mcp_tiers.msg_tool | not tool_ok],
} if {
	mcp_tiers.known_tier(inp)
	mcp_tiers.readable(inp, "request")
	tool_ok := mcp_tiers.request_allowed(inp, "tool", mcp_tiers.tools)
}
