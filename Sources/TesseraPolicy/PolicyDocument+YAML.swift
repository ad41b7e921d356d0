internal import CEL
internal import Yams

extension PolicyDocument {
    /// Reads a policy document strictly: the top level must be a mapping with only the known keys,
    /// `name` and `decision` are required, and every expression is a string.
    /// - Throws: ``PolicyCompileError`` with every problem found, each naming the file, line and column.
    public static func parse(yaml text: String, file: String) throws(PolicyCompileError) -> PolicyDocument {
        var reader = YAMLReader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw PolicyCompileError([PolicyError(file: file, message: "\(file): invalid YAML: \(error)")])
        }
        guard let root, case .mapping(let mapping) = root else {
            throw PolicyCompileError([reader.error(at: root, "a policy document must be a YAML mapping")])
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = reader.key(key) else { continue }
            guard allowedKeys.contains(name) else {
                reader.report(
                    at: key,
                    "unknown key '\(name)' (expected one of: \(allowedKeys.joined(separator: ", ")))"
                )
                continue
            }
            guard fields[name] == nil else {
                reader.report(at: key, "duplicate key '\(name)'")
                continue
            }
            fields[name] = value
        }
        let name = reader.requiredString(fields["name"], field: "name", in: root)
        let decision = reader.requiredString(fields["decision"], field: "decision", in: root)
        let inputType = fields["input"].flatMap { reader.string($0, field: "input") }
        let variables = reader.entries(fields["variables"], field: "variables")
        let rules = reader.entries(fields["rules"], field: "rules")
        let messages = reader.entries(fields["messages"], field: "messages")
        let defaultResult = fields["default"].flatMap { reader.value($0, field: "default") }
        guard reader.errors.isEmpty, let name, let decision else {
            throw PolicyCompileError(reader.errors)
        }
        return PolicyDocument(
            file: file,
            name: name,
            inputType: inputType,
            variables: variables,
            rules: rules,
            decision: decision,
            defaultResult: defaultResult,
            messages: messages.map { (rule: $0.name, text: $0.expression) }
        )
    }
}

/// Walks a composed YAML tree, collecting every problem with its position.
private struct YAMLReader {
    let file: String
    var errors: [PolicyError] = []

    init(file: String) {
        self.file = file
    }

    func error(at node: Node?, field: String? = nil, _ message: String) -> PolicyError {
        let position = node?.mark.map { ":\($0.line):\($0.column)" } ?? ""
        let prefix = field.map { " \($0):" } ?? ""
        return PolicyError(file: file, field: field, message: "\(file)\(position):\(prefix) \(message)")
    }

    mutating func report(at node: Node?, field: String? = nil, _ message: String) {
        errors.append(error(at: node, field: field, message))
    }

    /// A mapping key: a plain string.
    mutating func key(_ node: Node, field: String? = nil) -> String? {
        guard case .scalar(let scalar) = node else {
            report(at: node, field: field, "keys must be strings")
            return nil
        }
        return scalar.string
    }

    mutating func string(_ node: Node, field: String) -> String? {
        guard case .scalar(let scalar) = node, node.tag.rawValue != Tag.Name.null.rawValue else {
            report(at: node, field: field, "expected a string")
            return nil
        }
        return scalar.string
    }

    mutating func requiredString(_ node: Node?, field: String, in root: Node) -> String? {
        guard let node else {
            report(at: root, "missing required key '\(field)'")
            return nil
        }
        return string(node, field: field)
    }

    /// An ordered mapping of names to strings (`variables`, `rules`, `messages`).
    mutating func entries(_ node: Node?, field: String) -> [PolicyDocument.Entry] {
        guard let node else { return [] }
        guard case .mapping(let mapping) = node else {
            report(at: node, field: field, "expected a mapping of names to expressions")
            return []
        }
        var seen: Set<String> = []
        var result: [PolicyDocument.Entry] = []
        for (key, value) in mapping {
            guard let name = self.key(key, field: field) else { continue }
            let path = "\(field).\(name)"
            guard isIdentifier(name) else {
                report(at: key, field: path, "'\(name)' is not a valid name (letters, digits and _; not a CEL keyword)")
                continue
            }
            guard seen.insert(name).inserted else {
                report(at: key, field: path, "duplicate name '\(name)'")
                continue
            }
            if let text = string(value, field: path) {
                result.append(PolicyDocument.Entry(name: name, expression: text))
            }
        }
        return result
    }

    /// Any YAML value as a CEL value (for `default`): mappings with string keys, sequences and
    /// scalars resolved by the YAML 1.1 core schema.
    mutating func value(_ node: Node, field: String) -> Value? {
        switch node {
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(Value.bool)
            case Tag.Name.int.rawValue: return node.int.map { .int(Int64($0)) }
            case Tag.Name.float.rawValue: return node.float.map(Value.double)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [Value] = []
            for item in sequence {
                guard let value = value(item, field: field) else { return nil }
                items.append(value)
            }
            return .list(items)
        case .mapping(let mapping):
            var entries: [(key: Value, value: Value)] = []
            for (key, item) in mapping {
                guard let name = self.key(key, field: field), let value = value(item, field: "\(field).\(name)") else {
                    return nil
                }
                entries.append((key: .string(name), value: value))
            }
            switch CELMap.make(entries) {
            case .success(let map): return .map(map)
            case .failure(let error):
                report(at: node, field: field, error.message)
                return nil
            }
        case .alias:
            report(at: node, field: field, "YAML aliases are not supported")
            return nil
        }
    }
}

/// CEL's reserved words, which cannot name a variable or rule.
private let reservedWords: Set<String> = [
    "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
    "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
]

/// Whether a name can be bound as a CEL variable: `[A-Za-z_][A-Za-z0-9_]*`, not reserved, and not one
/// of the names the policy binds itself (`input`, `messages`).
func isIdentifier(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
    else { return false }
    let valid = name.unicodeScalars.allSatisfy {
        $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
    }
    return valid && !reservedWords.contains(name) && name != "input" && name != "messages"
}
