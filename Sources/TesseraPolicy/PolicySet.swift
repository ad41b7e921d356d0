public import CEL
internal import Foundation

/// One immutable revision of a directory of policies: every policy type-checked and planned once,
/// addressed by name, with a revision id that is a hash of the files.
public struct PolicySet: Sendable {
    /// The policies by name.
    public let policies: [String: CompiledPolicy]
    /// The revision id: the 64-bit FNV-1a hash (16 hex digits) of every file's relative path and
    /// contents, in path order.
    public let revision: String
    /// Makes decision ids.
    public let idGenerator: DecisionIDGenerator

    /// Compiles every `*.yaml` file under a directory (recursively), except `*_test.yaml`.
    /// - Throws: ``PolicyCompileError`` with every error of every file (unreadable files, YAML and CEL
    ///   errors, duplicate or nested policy names); no revision is made then.
    public static func compile(
        directory: String,
        idGenerator: DecisionIDGenerator = .random
    ) throws(PolicyCompileError) -> PolicySet {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw PolicyCompileError([PolicyError(file: directory, message: "\(directory): cannot read the directory")])
        }
        var paths: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".yaml"), !path.hasSuffix("_test.yaml") { paths.append(path) }
        }
        var files: [(path: String, text: String)] = []
        var errors: [PolicyError] = []
        for path in paths.sorted() {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
            guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else {
                errors.append(PolicyError(file: path, message: "\(path): cannot read the file as UTF-8"))
                continue
            }
            files.append((path: path, text: text))
        }
        do throws(PolicyCompileError) {
            let set = try compile(files: files, idGenerator: idGenerator)
            guard errors.isEmpty else { throw PolicyCompileError([]) }
            return set
        } catch {
            throw PolicyCompileError(errors + error.errors)
        }
    }

    /// Compiles policy files given as (path, text) pairs; the order does not matter.
    /// - Throws: ``PolicyCompileError`` with every error.
    public static func compile(
        files: [(path: String, text: String)],
        idGenerator: DecisionIDGenerator = .random
    ) throws(PolicyCompileError) -> PolicySet {
        var errors: [PolicyError] = []
        var policies: [String: CompiledPolicy] = [:]
        var hash = FNV1a()
        for file in files.sorted(by: { $0.path < $1.path }) {
            hash.add(file.path.utf8)
            hash.add([0])
            hash.add(file.text.utf8)
            hash.add([0])
            do {
                let document = try PolicyDocument.parse(yaml: file.text, file: file.path)
                if let problem = nameProblem(document.name) {
                    errors.append(
                        PolicyError(file: file.path, field: "name", message: "\(file.path): name: \(problem)")
                    )
                    continue
                }
                let policy = try CompiledPolicy(document)
                if let other = policies[policy.name] {
                    errors.append(
                        PolicyError(
                            file: file.path,
                            field: "name",
                            message:
                                "\(file.path): name: policy '\(policy.name)' is already defined in \(other.document.file)"
                        )
                    )
                    continue
                }
                policies[policy.name] = policy
            } catch {
                errors.append(contentsOf: error.errors)
            }
        }
        // A policy may not lie under another: its path would also address a field of the other's result.
        for name in policies.keys.sorted() {
            var prefix = name
            while let slash = prefix.lastIndex(of: "/") {
                prefix = String(prefix[..<slash])
                if let outer = policies[prefix], let inner = policies[name] {
                    errors.append(
                        PolicyError(
                            file: inner.document.file,
                            field: "name",
                            message:
                                "\(inner.document.file): name: '\(name)' lies under policy '\(prefix)' of \(outer.document.file)"
                        )
                    )
                }
            }
        }
        guard errors.isEmpty else { throw PolicyCompileError(errors) }
        return PolicySet(policies: policies, revision: hexDigits(hash.value, width: 16), idGenerator: idGenerator)
    }

    /// Why a policy name is not a valid path, if it is not: non-empty segments of letters, digits,
    /// `_`, `-` and `.`, separated by `/`.
    private static func nameProblem(_ name: String) -> String? {
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        let valid = segments.allSatisfy { segment in
            !segment.isEmpty
                && segment.unicodeScalars.allSatisfy {
                    $0.isASCII
                        && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0))
                }
        }
        return valid ? nil : "'\(name)' is not a valid policy path (segments of letters, digits, _ - . separated by /)"
    }

    /// Decides: evaluates the policy the path names, or the one the path lies under, and returns its
    /// result or the field of the result the rest of the path addresses (`mcp/trust_boundaries/allow`).
    ///
    /// A path above policies (`""`, or `mcp` for `mcp/tool_access`) gives the document of every policy
    /// below it, nested by name, as OPA does for a package (a policy that fails contributes its
    /// `default` document, or is left out). A path that names nothing, or a field that
    /// is not there, gives a `nil` result. When evaluation
    /// fails the result is the policy's `default` document if it declares one (fail closed), else an
    /// error value with the reason; ``Decision/failure`` says why in both cases.
    ///
    /// `caller` is what the server knows of the caller (``CompiledPolicy/evaluate(input:caller:)``).
    public func decide(path: String, input: Value, caller: Value = .map(.empty)) -> Decision {
        let clock = ContinuousClock()
        let start = clock.now
        let parts = path.split(separator: "/")
        // A path without empty segments is looked up by its own prefixes, without re-joining.
        let normalized = parts.reduce(0) { $0 + $1.utf8.count } + max(parts.count - 1, 0) == path.utf8.count
        var result: Value?
        var failure: String?
        var decidedBy: String?
        for count in stride(from: parts.count, to: 0, by: -1) {
            let key =
                normalized
                ? String(path[..<parts[count - 1].endIndex]) : parts[..<count].joined(separator: "/")
            guard let policy = policies[key] else { continue }
            let segments = parts.map(String.init)
            decidedBy = policy.name
            switch policy.evaluate(input: input, caller: caller) {
            case .success(let document):
                result = Self.select(segments[count...], in: document)
            case .failure(let error):
                let reason = "policy '\(policy.name)' failed: \(error.code.rawValue): \(error.message)"
                failure = reason
                if let fallback = policy.document.defaultResult {
                    result = Self.select(segments[count...], in: fallback)
                } else {
                    result = .error(EvalError(error.code, reason, exprID: error.exprID))
                }
            }
            break
        }
        if decidedBy == nil {
            let segments = parts.map(String.init)
            (result, failure) = tree(under: segments, input: input, caller: caller)
            if result != nil { decidedBy = segments.joined(separator: "/") }
        }
        return Decision(
            result: result,
            id: idGenerator.next(),
            revision: revision,
            duration: clock.now - start,
            failure: failure,
            policy: decidedBy
        )
    }

    /// The document of every policy below a path that lies under none (`""` for all, `mcp` for
    /// `mcp/...`), nested by the segments of their names, as OPA answers for a package: `nil` when no
    /// policy lies below. A policy that fails contributes its `default` document, or is left out when it
    /// has none (as OPA leaves out undefined rules); ``Decision/failure`` names every failure.
    private func tree(under prefix: [String], input: Value, caller: Value) -> (Value?, String?) {
        let names = policies.keys.filter { name in
            let segments = name.split(separator: "/").map(String.init)
            return segments.count > prefix.count && Array(segments.prefix(prefix.count)) == prefix
        }.sorted()
        guard !names.isEmpty else { return (nil, nil) }
        // Every policy below is evaluated: a client can ask for the whole tree, so this is bounded by
        // the number of policies, each under its own evaluation limits.
        var failures: [String] = []
        var leaves: [(path: ArraySlice<String>, value: Value)] = []
        for name in names {
            guard let policy = policies[name] else { continue }
            let value: Value
            switch policy.evaluate(input: input, caller: caller) {
            case .success(let document):
                value = document
            case .failure(let error):
                let reason = "policy '\(policy.name)' failed: \(error.code.rawValue): \(error.message)"
                failures.append(reason)
                // Without a default the policy is left out, as OPA leaves out a rule that is undefined.
                guard let fallback = policy.document.defaultResult else { continue }
                value = fallback
            }
            leaves.append((name.split(separator: "/").map(String.init).dropFirst(prefix.count), value))
        }
        let failure = failures.isEmpty ? nil : failures.joined(separator: "; ")
        return (Self.nest(leaves), failure)
    }

    /// Nests documents by their remaining path segments.
    private static func nest(_ leaves: [(path: ArraySlice<String>, value: Value)]) -> Value {
        var order: [String] = []
        var groups: [String: [(path: ArraySlice<String>, value: Value)]] = [:]
        for leaf in leaves {
            guard let head = leaf.path.first else { continue }
            if groups[head] == nil { order.append(head) }
            groups[head, default: []].append((leaf.path.dropFirst(), leaf.value))
        }
        let entries: [(key: Value, value: Value)] = order.map { head in
            let group = groups[head] ?? []
            if group.count == 1, let only = group.first, only.path.isEmpty {
                return (.string(CELString(head)), only.value)
            }
            return (.string(CELString(head)), nest(group.filter { !$0.path.isEmpty }))
        }
        switch CELMap.make(entries) {
        case .success(let map): return .map(map)
        case .failure(let error): return .error(error)
        }
    }

    /// The field a path addresses inside a document, or `nil`.
    private static func select(_ fields: ArraySlice<String>, in document: Value) -> Value? {
        var current = document
        for field in fields {
            guard case .map(let map) = current, let value = map[.string(field)] else { return nil }
            current = value
        }
        return current
    }
}
