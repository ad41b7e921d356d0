import CEL

/// The grant policy's answer: `{allow, scopes, ttl, claims, reasons}`.
struct GrantResult: Sendable {
    var allow: Bool
    var scopes: [String]
    var ttl: Swift.Duration?
    var claims: [(name: String, value: Value)]
    var reasons: [String]

    /// Reads a result; `true` alone allows with no scopes. A malformed result is an error (the
    /// exchange is then denied: fail closed).
    static func read(_ value: Value) throws(OAuthError) -> GrantResult {
        func malformed(_ what: String) -> OAuthError {
            OAuthError(.invalidTarget, "the grant policy does not allow this exchange", detail: "grant result: \(what)")
        }
        switch value {
        case .bool(let allow):
            return GrantResult(allow: allow, scopes: [], ttl: nil, claims: [], reasons: [])
        case .map(let map):
            var result = GrantResult(allow: false, scopes: [], ttl: nil, claims: [], reasons: [])
            func member(_ name: String) -> Value? { map[Value.string(CELString(name))] }
            result.allow = member("allow").map { if case .bool(true) = $0 { true } else { false } } ?? false
            if let reasons = member("reasons"), case .list(let items) = reasons {
                result.reasons = items.prefix(16).map { item in
                    if case .string(let text) = item { return text.value }
                    return item.description
                }
            }
            guard result.allow else { return result }
            switch member("scopes") {
            case nil, .null?:
                break
            case .list(let items)?:
                for item in items {
                    guard case .string(let scope) = item, ScopeText.isValidToken(scope.value) else {
                        throw malformed("scopes must be a list of scope strings")
                    }
                    if !result.scopes.contains(scope.value) { result.scopes.append(scope.value) }
                }
            default:
                throw malformed("scopes must be a list")
            }
            switch member("ttl") {
            case nil, .null?:
                break
            case .int(let seconds)?:
                guard seconds > 0 else { throw malformed("ttl must be positive") }
                result.ttl = .seconds(seconds)
            case .string(let text)?:
                guard case .success(let duration) = CEL.Duration.parse(text.value), duration.seconds > 0 else {
                    throw malformed("ttl must be a positive duration such as 5m")
                }
                result.ttl = .seconds(duration.seconds)
            case .duration(let duration)?:
                guard duration.seconds > 0 else { throw malformed("ttl must be positive") }
                result.ttl = .seconds(duration.seconds)
            default:
                throw malformed("ttl must be a duration text, a duration or seconds")
            }
            switch member("claims") {
            case nil, .null?:
                break
            case .map(let claims)?:
                guard claims.count <= 64 else { throw malformed("at most 64 claims") }
                for (key, claim) in claims.entries {
                    guard case .string(let name) = key else { throw malformed("claim names must be strings") }
                    result.claims.append((name.value, claim))
                }
            default:
                throw malformed("claims must be a map")
            }
            return result
        default:
            throw malformed("expected a map or a bool, found \(value.celType.name)")
        }
    }
}
