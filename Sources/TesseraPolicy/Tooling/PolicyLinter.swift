internal import CEL

/// The lints of `tessera check` over one compiled policy: constant conditions, unused names, token
/// claims read without the issuer or audience, and the identity tests of ``PolicyLinter+Identity``.
///
/// Positions are in the YAML file, through the policy's ``PolicySourceMap``.
struct PolicyLinter {
    /// One expression of the policy.
    struct Entry {
        /// The variable or rule name (`decision` for the decision).
        var name: String
        /// The field path in the document (`rules.allow`, `decision`).
        var field: String
        /// What kind of entry it is, for messages (`variable`, `rule`, `decision`).
        var kind: String
        /// The parsed expression.
        var parsed: ParsedExpression
    }

    let policy: CompiledPolicy
    let sourceMap: PolicySourceMap
    let entries: [Entry]
    private(set) var findings: [PolicyFinding] = []

    /// Prepares the lints of a policy compiled from the file `sourceMap` maps.
    init(policy: CompiledPolicy, sourceMap: PolicySourceMap) {
        self.policy = policy
        self.sourceMap = sourceMap
        let variableNames = Set(policy.document.variables.map(\.name))
        var entries = policy.steps.map { step in
            let isVariable = variableNames.contains(step.name)
            return Entry(
                name: step.name,
                field: (isVariable ? "variables." : "rules.") + step.name,
                kind: isVariable ? "variable" : "rule",
                parsed: step.program.parsed
            )
        }
        entries.append(
            Entry(name: "decision", field: "decision", kind: "decision", parsed: policy.decision.program.parsed)
        )
        self.entries = entries
    }

    /// Runs every lint and returns the findings.
    static func lint(_ policy: CompiledPolicy, sourceMap: PolicySourceMap) -> [PolicyFinding] {
        var linter = PolicyLinter(policy: policy, sourceMap: sourceMap)
        linter.lintConstants()
        linter.lintUnused()
        linter.lintIdentities()
        linter.lintIssuerAndAudience()
        return linter.findings
    }

    /// Records a finding at the start of a part of an entry's expression (its leftmost character,
    /// not its operator: `input.a == 1` is reported at `input`).
    mutating func report(_ rule: PolicyRule, _ entry: Entry, at expr: Expr?, _ message: String) {
        let position =
            expr.flatMap { sourceMap.position(field: entry.field, offset: Self.startOffset(of: $0)) }
            ?? sourceMap.valuePosition(field: entry.field) ?? .start
        report(rule, at: position, message)
    }

    /// The smallest offset in a subtree: where its text starts.
    static func startOffset(of expr: Expr) -> Int {
        var start = Int(expr.offset)
        walk(expr) { start = min(start, Int($0.offset)) }
        return start
    }

    /// Records a finding at a file position.
    mutating func report(_ rule: PolicyRule, at position: FilePosition, _ message: String) {
        findings.append(
            PolicyFinding(
                severity: rule.severity,
                rule: rule.id,
                file: sourceMap.file,
                position: position,
                message: message,
                sourceLine: sourceMap.line(position.line)
            )
        )
    }

    // MARK: Constant conditions

    /// Rules and variables that are always true or always false, constant conditions inside any
    /// expression, and decision fields that are constant booleans.
    private mutating func lintConstants() {
        var constants: [String: Value] = ["messages": policy.messages]
        for entry in entries {
            let folder = ConstantFolder(entry.parsed, constants: constants)
            let root = entry.parsed.expr
            if entry.kind != "decision" {
                if let value = folder.value(of: root) {
                    constants[entry.name] = value
                    if case .bool(let truth) = value {
                        report(.constantCondition, entry, at: root, "\(entry.kind) '\(entry.name)' is always \(truth)")
                    }
                    continue
                }
                if let truth = folder.truth(of: root) {
                    report(
                        .constantCondition,
                        entry,
                        at: root,
                        "\(entry.kind) '\(entry.name)' is always \(truth), whatever the input"
                    )
                    continue
                }
            } else if case .map(let mapEntries) = root.kind {
                for mapEntry in mapEntries {
                    guard case .literal(.string(let key)) = mapEntry.key.kind,
                        let truth = folder.truth(of: mapEntry.value)
                    else { continue }
                    report(.constantCondition, entry, at: mapEntry.value, "decision field '\(key)' is always \(truth)")
                }
            }
            for (expr, truth) in folder.constantConditions() {
                report(.constantCondition, entry, at: expr, "this condition is always \(truth)")
            }
        }
    }

    // MARK: Unused names

    /// Variables and rules that nothing depends on: the decision, rules that have a message, and what
    /// they use (transitively) are used; the rest is reported at its key.
    private mutating func lintUnused() {
        let names = Set(entries.map(\.name)).subtracting(["decision"])
        var uses: [String: Set<String>] = [:]
        for entry in entries {
            uses[entry.name] = FreeNames(entry.parsed.expr)[entry.parsed.expr].intersection(names)
        }
        let messageRules = Set(policy.document.messages.map(\.rule))
        var used: Set<String> = []
        var pending = ["decision"] + entries.map(\.name).filter { messageRules.contains($0) }
        while let name = pending.popLast() {
            for next in uses[name, default: []] where used.insert(next).inserted { pending.append(next) }
            if name != "decision" { used.insert(name) }
        }
        for entry in entries where entry.kind != "decision" && !used.contains(entry.name) {
            let users = entries.filter { uses[$0.name, default: []].contains(entry.name) }.map(\.name)
            let position = sourceMap.keyPosition(field: entry.field) ?? .start
            let message =
                users.isEmpty
                ? "\(entry.kind) '\(entry.name)' is never used (not by the decision, a rule, a variable or a message)"
                : "\(entry.kind) '\(entry.name)' is used only by unused names: \(users.joined(separator: ", "))"
            report(.unused, at: position, message)
        }
    }

    // MARK: Issuer and audience

    /// A policy that reads token claims (`sub`, or anything under `claims`, `token`, `jwt`) must also
    /// read `iss` and `aud` somewhere, or it grants to any issuer's tokens for any audience.
    private mutating func lintIssuerAndAudience() {
        var firstClaim: (entry: Entry, expr: Expr)?
        var readsIssuer = false
        var readsAudience = false
        for entry in entries {
            Self.walk(entry.parsed.expr) { expr in
                guard let (field, operand) = Self.fieldRead(expr) else { return }
                if IdentityVocabulary.issuerFields.contains(field) { readsIssuer = true }
                if IdentityVocabulary.audienceFields.contains(field) { readsAudience = true }
                if firstClaim == nil, field == "sub" || Self.isUnderClaims(operand) {
                    firstClaim = (entry, expr)
                }
            }
        }
        guard let (entry, expr) = firstClaim else { return }
        if !readsIssuer {
            report(
                .uncheckedIssuer,
                entry,
                at: expr,
                "the policy reads token claims but never checks the issuer ('iss'): tokens of any issuer pass"
            )
        }
        if !readsAudience {
            report(
                .uncheckedAudience,
                entry,
                at: expr,
                "the policy reads token claims but never checks the audience ('aud'): tokens minted for another service pass"
            )
        }
    }

    /// Whether an operand is, or lies under, a field or variable named like a set of token claims.
    private static func isUnderClaims(_ expr: Expr) -> Bool {
        var current = expr
        while true {
            if case .identifier(let name) = current.kind { return IdentityVocabulary.claimSets.contains(name) }
            guard let (field, operand) = fieldRead(current) else { return false }
            if IdentityVocabulary.claimSets.contains(field) { return true }
            current = operand
        }
    }

    /// The field name and operand of a field read: `a.f`, `a.?f`, `a['f']`, `a[?'f']`.
    static func fieldRead(_ expr: Expr) -> (field: String, operand: Expr)? {
        switch expr.kind {
        case .select(let operand, let field, false):
            return (field, operand)
        case .call(let function, nil, let arguments)
        where arguments.count == 2
            && [Operators.optionalSelect, Operators.index, Operators.optionalIndex].contains(function):
            guard case .literal(.string(let field)) = arguments[1].kind else { return nil }
            return (field, arguments[0])
        default:
            return nil
        }
    }

    /// Calls `body` on every node, parents first.
    static func walk(_ expr: Expr, _ body: (Expr) -> Void) {
        body(expr)
        switch expr.kind {
        case .error, .literal, .identifier:
            break
        case .select(let operand, _, _):
            walk(operand, body)
        case .call(_, let target, let arguments):
            if let target { walk(target, body) }
            for argument in arguments { walk(argument, body) }
        case .list(let elements, _):
            for element in elements { walk(element, body) }
        case .map(let entries):
            for entry in entries {
                walk(entry.key, body)
                walk(entry.value, body)
            }
        case .message(_, let fields):
            for field in fields { walk(field.value, body) }
        case .comprehension(let comprehension):
            walk(comprehension.iterRange, body)
            walk(comprehension.accuInit, body)
            walk(comprehension.loopCondition, body)
            walk(comprehension.loopStep, body)
            walk(comprehension.result, body)
        }
    }
}
