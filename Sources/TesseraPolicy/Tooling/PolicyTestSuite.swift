package import CEL
internal import Yams

/// The unit tests of one policy, read from `<name>_test.yaml` beside the policy file `<name>.yaml`.
///
/// ```yaml
/// policy: mcp/tool_access        # optional: the decision path the cases are under; by default the
///                                # `name` of the policy in <name>.yaml beside this file
/// cases:
///   - name: a trusted agent may use the shell   # required, unique in the file
///     path: allow                               # optional: below the policy (mcp/tool_access/allow)
///     input: {agent: {trust_level: trusted}, request: {tool: shell}}   # optional, default {}
///     expect: true                              # the exact result (any YAML value), or `undefined`
///   - name: no such field
///     path: nosuch
///     expect: undefined                         # plain `undefined`: the path addresses nothing
///   - name: evaluation fails and the default answers
///     input: 42
///     failure: true                             # or a text the failure's reason must contain
///     expect: {allow: false}                    # optional with `failure`: checks the default document
/// ```
///
/// A case without `failure` fails when the evaluation fails, even if the policy's `default` answers:
/// a policy test states what the policy decides, not what the fallback does. Results are compared
/// with CEL equality (map keys in any order; `1` equals `1.0`). YAML scalars are read with the core
/// schema: `true`, `42`, `1.5`, `null`; quote them for strings (`'42'`, `'undefined'`).
package struct PolicyTestSuite: Sendable {
    /// What a case expects of the result.
    package enum Expectation: Sendable {
        /// This exact value.
        case value(Value)
        /// No value: the path addresses nothing (OPA's undefined).
        case undefined
        /// Anything (a case that only expects a failure).
        case anything
    }

    /// One test case.
    package struct Case: Sendable {
        /// The case's name.
        package var name: String
        /// The path below the policy, if any (`allow`).
        package var path: String?
        /// The input document.
        package var input: Value
        /// The expected result.
        package var expected: Expectation
        /// Whether evaluation must fail, and the text its reason must contain (empty: any reason).
        package var failure: String?
        /// Where the case is in the test file.
        package var position: FilePosition
    }

    /// The test file.
    package var file: String
    /// The decision path the cases are under, when the file names it (`policy:`).
    package var policy: String?
    /// The cases, in file order.
    package var cases: [Case]

    /// The top-level keys a test file may have.
    static let allowedKeys = ["policy", "cases"]
    /// The keys a case may have.
    static let caseKeys = ["name", "path", "input", "expect", "failure"]

    /// The policy file a test file belongs to: `x_test.yaml` → `x.yaml`.
    package static func policyFile(forTestFile file: String) -> String {
        file.hasSuffix("_test.yaml") ? String(file.dropLast("_test.yaml".count)) + ".yaml" : file
    }

    /// The test file of a policy file: `x.yaml` → `x_test.yaml`.
    package static func testFile(forPolicyFile file: String) -> String {
        file.hasSuffix(".yaml") ? String(file.dropLast(".yaml".count)) + "_test.yaml" : file + "_test.yaml"
    }

    /// A problem in a test file, with its position.
    package struct FormatError: Error, Sendable {
        /// The file.
        package var file: String
        /// Where.
        package var position: FilePosition
        /// What is wrong.
        package var message: String
    }

    /// Reads a test file strictly: unknown keys, missing names or expectations, duplicate names and
    /// values that are not what the format says are errors.
    /// - Throws: every problem found, each with its position.
    package static func parse(yaml text: String, file: String) throws(PolicyTestSuiteErrors) -> PolicyTestSuite {
        var reader = SuiteReader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            let position: FilePosition
            switch error as? YamlError {
            case .scanner(_, _, let mark, _)?, .parser(_, _, let mark, _)?, .composer(_, _, let mark, _)?:
                position = FilePosition(line: mark.line, column: mark.column)
            case .duplicatedKeysInMapping(_, let context)?:
                position = FilePosition(line: context.mark.line, column: context.mark.column)
            default:
                position = .start
            }
            let problem = String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            throw PolicyTestSuiteErrors([
                FormatError(file: file, position: position, message: "invalid YAML: \(problem)")
            ])
        }
        guard let root, case .mapping(let mapping) = root else {
            throw PolicyTestSuiteErrors([reader.error(root, "a test file must be a mapping with a 'cases' list")])
        }
        var policy: String?
        var casesNode: Node?
        for (key, value) in mapping {
            switch key.string {
            case "policy": policy = reader.string(value, "policy")
            case "cases": casesNode = value
            default:
                reader.report(
                    key,
                    "unknown key '\(key.string ?? "?")' (expected one of: \(allowedKeys.joined(separator: ", ")))"
                )
            }
        }
        var cases: [Case] = []
        if let casesNode, case .sequence(let sequence) = casesNode {
            var names: Set<String> = []
            for item in sequence {
                guard let testCase = reader.testCase(item) else { continue }
                if !names.insert(testCase.name).inserted {
                    reader.report(item, "duplicate case name '\(testCase.name)'")
                    continue
                }
                cases.append(testCase)
            }
        } else {
            reader.report(casesNode ?? root, "'cases' must be a list of test cases")
        }
        guard reader.errors.isEmpty else { throw PolicyTestSuiteErrors(reader.errors) }
        return PolicyTestSuite(file: file, policy: policy, cases: cases)
    }
}

/// Every problem of a test file.
package struct PolicyTestSuiteErrors: Error, Sendable {
    /// The problems, in file order.
    package var errors: [PolicyTestSuite.FormatError]

    /// Creates the error.
    package init(_ errors: [PolicyTestSuite.FormatError]) {
        self.errors = errors
    }
}

/// Reads the parts of a test file, collecting every problem.
private struct SuiteReader {
    let file: String
    var errors: [PolicyTestSuite.FormatError] = []

    func position(_ node: Node?) -> FilePosition {
        node?.mark.map { FilePosition(line: $0.line, column: $0.column) } ?? .start
    }

    func error(_ node: Node?, _ message: String) -> PolicyTestSuite.FormatError {
        PolicyTestSuite.FormatError(file: file, position: position(node), message: message)
    }

    mutating func report(_ node: Node?, _ message: String) {
        errors.append(error(node, message))
    }

    mutating func string(_ node: Node, _ field: String) -> String? {
        guard case .scalar(let scalar) = node, node.tag.rawValue == Tag.Name.str.rawValue else {
            report(node, "'\(field)' must be a string")
            return nil
        }
        return scalar.string
    }

    mutating func testCase(_ node: Node) -> PolicyTestSuite.Case? {
        guard case .mapping(let mapping) = node else {
            report(node, "a test case must be a mapping with 'name' and 'expect' (or 'failure')")
            return nil
        }
        var name: String?
        var path: String?
        var input: Value = .map(.empty)
        var expected: PolicyTestSuite.Expectation?
        var failure: String?
        let errorCount = errors.count
        for (key, value) in mapping {
            switch key.string {
            case "name":
                name = string(value, "name")
            case "path":
                path = string(value, "path").map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
            case "input":
                input = self.value(value) ?? input
            case "expect":
                if case .scalar(let scalar) = value, scalar.style == .plain, scalar.string == "undefined" {
                    expected = .undefined
                } else if let result = self.value(value) {
                    expected = .value(result)
                }
            case "failure":
                if case .scalar = value, value.tag.rawValue == Tag.Name.bool.rawValue, let flag = value.bool {
                    failure = flag ? "" : nil
                } else if let text = string(value, "failure") {
                    failure = text
                }
            default:
                report(
                    key,
                    "unknown key '\(key.string ?? "?")' (expected one of: \(PolicyTestSuite.caseKeys.joined(separator: ", ")))"
                )
            }
        }
        guard let name, !name.isEmpty else {
            report(node, "a test case needs a 'name'")
            return nil
        }
        if expected == nil, failure == nil, errors.count == errorCount {
            report(node, "test case '\(name)' needs 'expect' (a value or undefined) or 'failure'")
        }
        guard errors.count == errorCount else { return nil }
        return PolicyTestSuite.Case(
            name: name,
            path: path,
            input: input,
            expected: expected ?? .anything,
            failure: failure,
            position: position(node)
        )
    }

    /// A YAML value as a CEL value: mappings with string keys, sequences, and scalars by the core
    /// schema (null, bool, int, float, else string).
    mutating func value(_ node: Node) -> Value? {
        switch node {
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(Value.bool)
            case Tag.Name.int.rawValue:
                guard let number = node.int else {
                    report(node, "the integer '\(scalar.string)' is out of range")
                    return nil
                }
                return .int(Int64(number))
            case Tag.Name.float.rawValue: return node.float.map(Value.double)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [Value] = []
            for item in sequence {
                guard let value = value(item) else { return nil }
                items.append(value)
            }
            return .list(items)
        case .mapping(let mapping):
            var entries: [(key: Value, value: Value)] = []
            for (key, item) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    report(key, "map keys must be strings")
                    return nil
                }
                guard let value = value(item) else { return nil }
                entries.append((key: .string(keyScalar.string), value: value))
            }
            switch CELMap.make(entries) {
            case .success(let map): return .map(map)
            case .failure(let error):
                report(node, error.message)
                return nil
            }
        case .alias:
            report(node, "YAML aliases are not supported")
            return nil
        }
    }
}
