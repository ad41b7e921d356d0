/// A position in a policy file: 1-based line, and 1-based column counted in Unicode scalars (as
/// libyaml and CEL's `Source` count them).
package struct FilePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 1-based line.
    package var line: Int
    /// The 1-based column, in Unicode scalars.
    package var column: Int

    /// Creates a position.
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The first character of a file.
    package static let start = FilePosition(line: 1, column: 1)

    /// Orders by line, then column.
    package static func < (lhs: FilePosition, rhs: FilePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// `line:column`.
    package var description: String { "\(line):\(column)" }
}

/// One problem `tessera check` reports: a compile error or a lint, with where it is in the YAML file.
package struct PolicyFinding: Sendable, Hashable {
    /// How serious a finding is. Errors fail `tessera check`; warnings do not.
    package enum Severity: String, Sendable, Hashable, Comparable {
        case error
        case warning

        /// Errors sort before warnings.
        package static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// How serious it is.
    package var severity: Severity
    /// The stable id of the check that found it (``PolicyRule``).
    package var rule: String
    /// The file, as it was named on the command line (or found under a named directory).
    package var file: String
    /// Where in the file.
    package var position: FilePosition
    /// What is wrong, for people; one line.
    package var message: String
    /// The text of the line the position is on, for the caret rendering (empty when unknown).
    package var sourceLine: String

    /// Creates a finding.
    package init(
        severity: Severity,
        rule: String,
        file: String,
        position: FilePosition,
        message: String,
        sourceLine: String = ""
    ) {
        self.severity = severity
        self.rule = rule
        self.file = file
        self.position = position
        self.message = message
        self.sourceLine = sourceLine
    }

    /// Sorts findings by file, position, severity and rule (OPA's `Errors.Sort`), so reports are stable.
    package static func sorted(_ findings: [PolicyFinding]) -> [PolicyFinding] {
        findings.sorted {
            ($0.file, $0.position.line, $0.position.column, $0.severity.rawValue, $0.rule, $0.message)
                < ($1.file, $1.position.line, $1.position.column, $1.severity.rawValue, $1.rule, $1.message)
        }
    }
}

/// The checks `tessera check` runs: their ids, default severity and a one-line description (the
/// SARIF `rules` table).
package struct PolicyRule: Sendable, Hashable {
    /// The stable id, such as `identity-prefix`.
    package var id: String
    /// The severity of its findings.
    package var severity: PolicyFinding.Severity
    /// What the rule finds.
    package var summary: String

    /// A YAML or CEL error that stops the policy from compiling.
    package static let compile = PolicyRule(
        id: "compile",
        severity: .error,
        summary: "The policy does not compile: a YAML, document structure, CEL syntax or type error."
    )
    /// A constant `matches` pattern that RE2 (CEL's regex syntax) rejects.
    package static let invalidRegex = PolicyRule(
        id: "invalid-regex",
        severity: .error,
        summary: "A regular expression that CEL's RE2 syntax rejects."
    )
    /// A subject or issuer test that admits any value (`startsWith('')`, `matches('.*')`).
    package static let identityWildcard = PolicyRule(
        id: "identity-wildcard",
        severity: .error,
        summary: "A subject or issuer compared with a pattern that admits any value."
    )
    /// A prefix or suffix test on a subject or issuer that does not end (start) at a delimiter.
    package static let identityPrefix = PolicyRule(
        id: "identity-prefix",
        severity: .error,
        summary:
            "A subject or issuer prefix that does not end at a delimiter (or a suffix that does not start at one), so a look-alike name passes."
    )
    /// A `matches` pattern on a subject or issuer that is not anchored at the start.
    package static let identityUnanchoredRegex = PolicyRule(
        id: "identity-unanchored-regex",
        severity: .error,
        summary: "A regular expression on a subject or issuer that is not anchored with '^', so it matches anywhere."
    )
    /// `contains` on a subject or issuer.
    package static let identityContains = PolicyRule(
        id: "identity-contains",
        severity: .error,
        summary: "A subject or issuer tested with contains(), which any name embedding the text passes."
    )
    /// `==` against a string with `*`, which CEL compares literally.
    package static let identityLiteralWildcard = PolicyRule(
        id: "identity-literal-wildcard",
        severity: .warning,
        summary: "A subject or issuer compared with == to a string containing '*', which CEL compares literally."
    )
    /// A policy that reads token claims but never the issuer.
    package static let uncheckedIssuer = PolicyRule(
        id: "unchecked-issuer",
        severity: .warning,
        summary: "A policy reads token claims (sub, claims.*) but never checks the issuer (iss)."
    )
    /// A policy that reads token claims but never the audience.
    package static let uncheckedAudience = PolicyRule(
        id: "unchecked-audience",
        severity: .warning,
        summary: "A policy reads token claims (sub, claims.*) but never checks the audience (aud)."
    )
    /// A rule, variable or condition that does not depend on the input.
    package static let constantCondition = PolicyRule(
        id: "constant-condition",
        severity: .warning,
        summary: "A rule, variable or condition that is always true or always false."
    )
    /// A variable or rule nothing uses.
    package static let unused = PolicyRule(
        id: "unused",
        severity: .warning,
        summary: "A variable or rule that neither the decision, another rule or variable, nor a message uses."
    )

    /// Every rule, in report order.
    package static let all: [PolicyRule] = [
        compile, invalidRegex, identityWildcard, identityPrefix, identityUnanchoredRegex, identityContains,
        identityLiteralWildcard, uncheckedIssuer, uncheckedAudience, constantCondition, unused,
    ]
}
