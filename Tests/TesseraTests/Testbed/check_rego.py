# Checks the Rego versions of the MCP trust-tier policies (rego/) on the real OPA engine against the
# tables in policies/README.md and against a plain Python model of how the CEL policies treat malformed
# input. Runs without Tessera: `$TESSERA_TESTBED_VENV/bin/python Tests/TesseraTests/Testbed/check_rego.py`.
# Prints `N passed, N failed` and exits 1 on any failure.
import itertools
import os
import sys

from opa_bindings import OpaEngine

OPERATIONS = {"trusted": {"read", "write", "execute", "admin"}, "semi-trusted": {"read", "list"}, "untrusted": {"read"}}
TOOLS = {
    "trusted": {"filesystem", "database", "api", "shell", "network"},
    "semi-trusted": {"filesystem", "database", "api"},
    "untrusted": {"filesystem"},
}
ALL_OPERATIONS = ["read", "write", "execute", "admin", "list", "delete"]
ALL_TOOLS = ["filesystem", "database", "api", "shell", "network", "email"]
MSG_TIER = "the agent has no known trust tier (trust_level, or a SPIFFE ID under /agents/<tier>/)"
MSG_OPERATION = "the operation is not allowed for the agent's trust tier"
MSG_TOOL = "the tool is not allowed for the agent's trust tier"
FALLBACK = {"allow": False, "tier": "unknown", "reasons": ["the policy could not evaluate the input"]}
ABSENT = object()


def readable(inp, key):
    return isinstance(inp, dict) and (key not in inp or isinstance(inp[key], dict))


def tier_of(inp):
    agent = inp.get("agent", {})
    if "trust_level" in agent:
        return agent["trust_level"]
    spiffe = agent.get("spiffe_id", "")
    if isinstance(spiffe, str) and spiffe.startswith("spiffe://"):
        domain, _, rest = spiffe[len("spiffe://") :].partition("/")
        for tier in OPERATIONS:
            if domain and rest.startswith(f"agents/{tier}/"):
                return tier
    return ""


def expected(policy, inp):
    """The document the CEL policy answers (see rego/mcp_tiers.rego for the rules modelled)."""
    if not readable(inp, "agent"):
        return FALLBACK
    tier = tier_of(inp)
    known = isinstance(tier, str) and tier in OPERATIONS
    if not known:
        return {"allow": False, "tier": "unknown", "reasons": [MSG_TIER]}
    if not readable(inp, "request"):
        return FALLBACK
    request = inp.get("request", {})
    operation, tool = request.get("operation", ""), request.get("tool", "")
    tool_ok = isinstance(tool, str) and tool in TOOLS[tier]
    if policy == "tool_access":
        return {"allow": tool_ok, "tier": tier, "reasons": [] if tool_ok else [MSG_TOOL]}
    operation_ok = isinstance(operation, str) and operation in OPERATIONS[tier]
    reasons = ([] if operation_ok else [MSG_OPERATION]) + ([] if tool_ok else [MSG_TOOL])
    return {"allow": operation_ok and tool_ok, "tier": tier, "reasons": reasons}


def inputs():
    tiers = list(OPERATIONS) + ["root", "", "Trusted"]
    for tier, operation, tool in itertools.product(tiers, ALL_OPERATIONS, ALL_TOOLS):
        yield {"agent": {"trust_level": tier}, "request": {"operation": operation, "tool": tool}}
    spiffe_ids = [f"spiffe://example.org/agents/{t}/bot-1" for t in OPERATIONS] + [
        "spiffe://example.org/workloads/api",
        "spiffe://example.org/agents/root/bot",
        "spiffe:///agents/trusted/bot",
        "spiffe://example.org/agents/trusted",
        "spiffe://a/b/agents/trusted/x",
        "http://example.org/agents/trusted/x",
        "xspiffe://example.org/agents/trusted/x",
    ]
    for spiffe, operation, tool in itertools.product(spiffe_ids, ["read", "list", "write"], ALL_TOOLS):
        yield {"agent": {"spiffe_id": spiffe}, "request": {"operation": operation, "tool": tool}}
    yield from [
        {"agent": {"spiffe_id": "spiffe://e.org/agents/untrusted/b", "trust_level": "trusted"},
         "request": {"operation": "admin", "tool": "shell"}},
        {"agent": {"spiffe_id": "spiffe://e.org/agents/trusted/b", "trust_level": None},
         "request": {"operation": "read", "tool": "filesystem"}},
        {"agent": {"trust_level": 3}, "request": {"operation": "read", "tool": "filesystem"}},
        {"agent": {"spiffe_id": 7}, "request": {"operation": "read", "tool": "filesystem"}},
        {"agent": {"trust_level": "trusted"}, "request": {"operation": 1, "tool": ["shell"]}},
        {"agent": {"trust_level": "trusted"}, "request": {"tool": "shell"}},
        {"agent": {"trust_level": "trusted"}, "request": {"operation": "read"}},
        {"agent": {"trust_level": "trusted"}},
        {"agent": {"trust_level": "trusted"}, "request": "read"},
        {"agent": {"trust_level": "trusted"}, "request": None},
        {"agent": {"trust_level": "root"}, "request": "read"},
        {"agent": "trusted", "request": "read"},
        {"agent": None, "request": {"operation": "read", "tool": "filesystem"}},
        {"agent": ["trusted"], "request": {"operation": "read", "tool": "filesystem"}},
        {"agent": {}, "request": {"operation": "read", "tool": "filesystem"}},
        {"request": {"operation": "read", "tool": "filesystem"}},
        {},
        [],
        "trusted",
        42,
    ]


def main():
    directory = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rego")
    passed = failed = 0
    with OpaEngine() as engine:
        for name in sorted(os.listdir(directory)):
            if name.endswith(".rego"):
                with open(os.path.join(directory, name), encoding="utf-8") as file:
                    engine.add_policy(name, file.read())
        for inp in inputs():
            for policy in ["trust_boundaries", "tool_access"]:
                want = expected(policy, inp)
                got = engine.eval_document(f"mcp.{policy}", inp)
                got_allow = engine.eval_document(f"mcp.{policy}.allow", inp)
                if got == want and got_allow == want["allow"]:
                    passed += 1
                else:
                    failed += 1
                    print(f"FAIL mcp/{policy} {inp!r}: got {got!r} (allow {got_allow!r}), want {want!r}")
    print(f"rego: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
