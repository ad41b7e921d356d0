public import CEL

/// A policy document as written in YAML, before compilation.
///
/// ```yaml
/// name: mcp/trust_boundaries        # also the decision path
/// input: map(string, dyn)           # optional CEL type of `input`; dyn when absent
/// variables:                        # optional, ordered; each may use the ones above it
///   tool: input.tool
/// rules:                            # optional, ordered; each may use variables and rules above it
///   is_admin: input.user.role == "admin"
/// messages:                         # optional denial messages, the map `messages` in expressions
///   is_admin: only admins may call this tool
/// decision: |                       # the result document
///   {"allow": is_admin, "reasons": is_admin ? [] : [messages.is_admin]}
/// default: {allow: false}           # optional result when evaluation fails (fail closed)
/// ```
public struct PolicyDocument: Sendable {
    /// A named CEL expression of the document.
    public struct Entry: Sendable, Hashable {
        /// The name, an identifier the expressions after it may use.
        public var name: String
        /// The CEL text.
        public var expression: String
    }

    /// The file the document was read from, for messages.
    public var file: String
    /// The policy's name, which is also its decision path (`mcp/trust_boundaries`).
    public var name: String
    /// The CEL type text of the variable `input` (`dyn` when absent).
    public var inputType: String?
    /// The variables, in order.
    public var variables: [Entry]
    /// The rules, in order.
    public var rules: [Entry]
    /// The expression building the result document.
    public var decision: String
    /// The result document when evaluation fails, if any.
    public var defaultResult: Value?
    /// Denial messages by rule name.
    public var messages: [(rule: String, text: String)]

    /// The top-level keys a document may have.
    public static let allowedKeys = ["name", "input", "variables", "rules", "messages", "decision", "default"]
}
