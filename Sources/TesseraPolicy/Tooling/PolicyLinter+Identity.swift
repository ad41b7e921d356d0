internal import CEL

/// The names the identity lints recognize.
enum IdentityVocabulary {
    /// Fields that name a subject: a token's `sub`, GitHub's `repository` and workflow claims, a
    /// SPIFFE ID, an e-mail address.
    static let subjectFields: Set<String> = [
        "sub", "subject", "repository", "repository_owner", "job_workflow_ref", "workflow_ref", "spiffe_id", "email",
    ]
    /// Fields that name an issuer.
    static let issuerFields: Set<String> = ["iss", "issuer"]
    /// Fields that name an audience.
    static let audienceFields: Set<String> = ["aud", "audience"]
    /// Fields that name a host.
    static let hostFields: Set<String> = ["host", "hostname"]
    /// Fields and variables that hold a token's claims.
    static let claimSets: Set<String> = ["claims", "token", "jwt", "id_token", "subject_token"]

    /// Where a prefix may safely end.
    static let prefixDelimiters: Set<Character> = ["/", ":"]
    /// Where a suffix may safely start.
    static let suffixDelimiters: Set<Character> = [".", "/", ":", "@"]
}

extension PolicyLinter {
    /// The identity read by an expression: the field's name, possibly through a variable bound to it,
    /// `orValue`, `value()`, case folding, `trim` or `string()`.
    static func identity(of expr: Expr, variables: [String: String]) -> String? {
        switch expr.kind {
        case .identifier(let name):
            return variables[name]
        case .call(let function, let target?, _)
        where ["orValue", "value", "lowerAscii", "upperAscii", "trim"].contains(function):
            return identity(of: target, variables: variables)
        case .call("string", nil, let arguments) where arguments.count == 1:
            return identity(of: arguments[0], variables: variables)
        default:
            guard let (field, _) = fieldRead(expr) else { return nil }
            let all = IdentityVocabulary.subjectFields.union(IdentityVocabulary.issuerFields)
                .union(IdentityVocabulary.hostFields)
            return all.contains(field) ? field : nil
        }
    }

    /// Tests of a subject, issuer or host that a look-alike value passes: `startsWith` with an empty
    /// prefix or one that does not end at `/` or `:`, `endsWith` with a suffix that does not start at
    /// a delimiter, `contains`, `matches` with a pattern that is unanchored, admits anything or stops
    /// short of a delimiter, and `==` with a `*` in the string. Also: constant `matches` patterns RE2
    /// rejects, on any value.
    mutating func lintIdentities() {
        var variables: [String: String] = [:]
        var constants: [String: Value] = ["messages": policy.messages]
        for entry in entries {
            let folder = ConstantFolder(entry.parsed, constants: constants)
            let current = variables
            var calls: [(expr: Expr, function: String)] = []
            Self.walk(entry.parsed.expr) { expr in
                if case .call(let function, _, _) = expr.kind { calls.append((expr, function)) }
            }
            for call in calls {
                lintCall(call.expr, function: call.function, entry: entry, folder: folder, variables: current)
            }
            if entry.kind != "decision" {
                if let field = Self.identity(of: entry.parsed.expr, variables: variables) {
                    variables[entry.name] = field
                }
                if let value = folder.value(of: entry.parsed.expr) { constants[entry.name] = value }
            }
        }
    }

    private mutating func lintCall(
        _ expr: Expr,
        function: String,
        entry: Entry,
        folder: ConstantFolder,
        variables: [String: String]
    ) {
        guard case .call(_, let target, let arguments) = expr.kind else { return }
        // Receiver style `s.f(x)` or global style `f(s, x)`.
        let subject: Expr
        let argument: Expr
        if let target, arguments.count == 1 {
            subject = target
            argument = arguments[0]
        } else if target == nil, arguments.count == 2 {
            subject = arguments[0]
            argument = arguments[1]
        } else {
            return
        }
        let constant: String? = {
            if case .string(let text)? = folder.value(of: argument) { return text.value }
            return nil
        }()
        if function == "matches", let pattern = constant {
            do throws(EvalError) {
                _ = try CEL.Regex(pattern)
            } catch {
                report(.invalidRegex, entry, at: argument, error.message)
                return
            }
        }
        if function == Operators.equals || function == Operators.notEquals {
            // Either side may be the identity.
            for (side, other) in [(arguments[0], arguments[1]), (arguments[1], arguments[0])] {
                guard let field = Self.identity(of: side, variables: variables),
                    case .string(let text)? = folder.value(of: other), text.value.contains("*")
                else { continue }
                report(
                    .identityLiteralWildcard,
                    entry,
                    at: other,
                    "'\(field)' is compared with '\(text.value)': CEL's == is exact, '*' is not a wildcard; use matches() with an anchored pattern or startsWith() with a prefix ending in '/' or ':'"
                )
            }
            return
        }
        guard let field = Self.identity(of: subject, variables: variables) else { return }
        switch function {
        case "contains":
            report(
                .identityContains,
                entry,
                at: expr,
                "'\(field)' is tested with contains(): any value embedding \(quoted(constant)) passes; compare exactly, or use startsWith() with a prefix ending in '/' or ':'"
            )
        case "startsWith":
            guard let prefix = constant else { return }
            if prefix.isEmpty {
                report(.identityWildcard, entry, at: argument, "'\(field)'.startsWith('') admits any value")
            } else if let last = prefix.last, !IdentityVocabulary.prefixDelimiters.contains(last) {
                report(
                    .identityPrefix,
                    entry,
                    at: argument,
                    "the prefix '\(prefix)' of '\(field)' does not end at a delimiter ('/' or ':'), so '\(prefix)-evil...' also passes; end it with '/' or ':', or compare exactly"
                )
            }
        case "endsWith":
            guard let suffix = constant else { return }
            if suffix.isEmpty {
                report(.identityWildcard, entry, at: argument, "'\(field)'.endsWith('') admits any value")
            } else if let first = suffix.first, !IdentityVocabulary.suffixDelimiters.contains(first) {
                report(
                    .identityPrefix,
                    entry,
                    at: argument,
                    "the suffix '\(suffix)' of '\(field)' does not start at a delimiter ('.', '/', ':' or '@'), so 'evil\(suffix)' also passes; start it with a delimiter, or compare exactly"
                )
            }
        case "matches":
            guard let pattern = constant else { return }
            lintPattern(pattern, field: field, entry: entry, at: argument)
        default:
            return
        }
    }

    private mutating func lintPattern(_ pattern: String, field: String, entry: Entry, at argument: Expr) {
        switch RegexShape(pattern).problem(delimiters: IdentityVocabulary.prefixDelimiters) {
        case nil:
            return
        case .matchesAnything:
            report(.identityWildcard, entry, at: argument, "the pattern '\(pattern)' admits any '\(field)'")
        case .unanchoredStart:
            report(
                .identityUnanchoredRegex,
                entry,
                at: argument,
                "the pattern '\(pattern)' on '\(field)' is not anchored at the start, so it matches anywhere in the value ('evil-...' passes); start it with '^' followed by literal text"
            )
        case .prefixWithoutDelimiter(let prefix):
            report(
                .identityPrefix,
                entry,
                at: argument,
                "in the pattern '\(pattern)' on '\(field)', the literal prefix '\(prefix)' is followed by '.' without a delimiter ('/' or ':'), so '\(prefix)-evil...' also passes"
            )
        case .openEnd:
            report(
                .identityPrefix,
                entry,
                at: argument,
                "the pattern '\(pattern)' on '\(field)' is not anchored at the end ('$') and does not end at a delimiter ('/' or ':'), so a longer look-alike value also passes"
            )
        }
    }
}

/// A constant for a message: quoted, or `the text` when unknown.
private func quoted(_ text: String?) -> String {
    text.map { "'\($0)'" } ?? "the text"
}
