/// `contains`, `startsWith`, `endsWith` and `matches` (langdef "String Functions"). Comparisons are
/// on code points (UTF-8 bytes), never on canonical equivalence.
extension Library {
    mutating func defineStringTests() {
        define(
            "contains",
            .receiver,
            .binary(Self.stringTest("contains") { Self.contains($0.value.utf8, $1.value.utf8) })
        )
        define(
            "startsWith",
            .receiver,
            .binary(Self.stringTest("startsWith") { $0.value.utf8.starts(with: $1.value.utf8) })
        )
        define(
            "endsWith",
            .receiver,
            .binary(Self.stringTest("endsWith") { $0.value.utf8.reversed().starts(with: $1.value.utf8.reversed()) })
        )
        define(
            "matches",
            .both,
            .binary { subject, pattern in
                guard case .string(let s) = subject, case .string(let p) = pattern else {
                    return .noSuchOverload("matches", subject, pattern)
                }
                do throws(EvalError) {
                    return Self.match(try Regex(p.value), s)
                } catch {
                    return .error(error)
                }
            }
        )
        // A constant pattern is compiled once, when the program is planned; a bad one is a compile error.
        specialize("matches", .both, arity: 2) { constants in
            guard constants.count == 2, case .string(let pattern)? = constants[1] else { return nil }
            do throws(EvalError) {
                let regex = try Regex(pattern.value)
                return .success(
                    .binary { subject, _ in
                        guard case .string(let s) = subject else { return .noSuchOverload("matches", subject) }
                        return Self.match(regex, s)
                    }
                )
            } catch {
                return .failure(error)
            }
        }
    }

    private static func match(_ regex: Regex, _ subject: CELString) -> Value {
        switch regex.matches(subject.value) {
        case .success(let matched): return .bool(matched)
        case .failure(let error): return .error(error)
        }
    }

    private static func stringTest(
        _ name: String,
        _ test: @escaping @Sendable (CELString, CELString) -> Bool
    ) -> @Sendable (Value, Value) -> Value {
        { a, b in
            guard case .string(let x) = a, case .string(let y) = b else { return .noSuchOverload(name, a, b) }
            return .bool(test(x, y))
        }
    }

    /// Whether `needle` occurs in `haystack` as a run of bytes.
    static func contains(_ haystack: String.UTF8View, _ needle: String.UTF8View) -> Bool {
        if needle.isEmpty { return true }
        let h = Array(haystack)
        let n = Array(needle)
        guard n.count <= h.count else { return false }
        for start in 0...(h.count - n.count) where h[start] == n[0] {
            if h[start..<(start + n.count)].elementsEqual(n) { return true }
        }
        return false
    }
}
