internal import CEL
internal import Foundation

/// `tessera test`: runs the cases of policy test files through ``PolicySet/decide(path:input:)``.
///
/// Each directory given is compiled as one revision, as `tessera serve` would compile it, and its
/// test files (`*_test.yaml`, recursively) run against it; a test file given by name runs against
/// the policy beside it (`x_test.yaml` → `x.yaml`), and a policy file given by name runs its test
/// file. When the policies do not compile, their errors are the result (positioned as `tessera
/// check` positions them) and no case runs.
package enum PolicyTestRunner {
    /// The outcome of one case.
    package struct CaseResult: Sendable {
        /// The case.
        package var testCase: PolicyTestSuite.Case
        /// The decision path asked.
        package var path: String
        /// Why the case failed, or `nil` when it passed.
        package var failure: String?
        /// The evaluation time.
        package var duration: Swift.Duration

        /// Whether the case passed.
        package var passed: Bool { failure == nil }
    }

    /// The outcome of one test file.
    package struct FileResult: Sendable {
        /// The test file.
        package var file: String
        /// The results of its cases.
        package var cases: [CaseResult]
        /// Problems that kept cases from running: a malformed test file, no policy to test,
        /// policies that do not compile.
        package var errors: [PolicyFinding]

        /// How many cases passed.
        package var passedCount: Int { cases.filter(\.passed).count }
        /// How many cases failed.
        package var failedCount: Int { cases.count - passedCount }
    }

    /// The outcome of a run.
    package struct Report: Sendable {
        /// The results of each test file, in order.
        package var files: [FileResult]

        /// How many cases passed.
        package var passedCount: Int { files.reduce(0) { $0 + $1.passedCount } }
        /// How many cases failed.
        package var failedCount: Int { files.reduce(0) { $0 + $1.failedCount } }
        /// How many problems kept cases from running.
        package var errorCount: Int { files.reduce(0) { $0 + $1.errors.count } }
        /// Whether everything ran and passed, and there was something to run (exit status 0).
        package var succeeded: Bool { failedCount == 0 && errorCount == 0 && passedCount > 0 }
    }

    /// Finds, reads and runs the tests under paths.
    /// - Throws: ``PolicyFiles/PathError`` for a path that does not exist (a usage error).
    package static func run(paths: [String]) throws(PolicyFiles.PathError) -> Report {
        var results: [FileResult] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw PolicyFiles.PathError(message: "\(path): no such file or directory")
            }
            let policyFiles: [String]
            let testFiles: [String]
            if isDirectory.boolValue {
                policyFiles = try PolicyFiles.find([path], kind: .policies)
                testFiles = try PolicyFiles.find([path], kind: .tests)
            } else if path.hasSuffix("_test.yaml") {
                policyFiles = [PolicyTestSuite.policyFile(forTestFile: path)]
                testFiles = [path]
            } else {
                policyFiles = [path]
                testFiles = [PolicyTestSuite.testFile(forPolicyFile: path)]
            }
            results += run(
                testFiles: testFiles.map { ($0, PolicyFiles.read($0)) },
                policyFiles: policyFiles.map { ($0, PolicyFiles.read($0)) }
            )
        }
        return Report(files: results)
    }

    /// Runs test files against policy files compiled together; a file whose text is `nil` could not
    /// be read.
    package static func run(
        testFiles: [(path: String, text: String?)],
        policyFiles: [(path: String, text: String?)]
    ) -> [FileResult] {
        var compileErrors: [PolicyFinding] = []
        var readable: [(path: String, text: String)] = []
        for file in policyFiles {
            guard let text = file.text else {
                compileErrors.append(
                    PolicyFinding(
                        severity: .error,
                        rule: PolicyRule.compile.id,
                        file: file.path,
                        position: .start,
                        message:
                            "cannot read the policy file (a test file x_test.yaml tests the policy x.yaml beside it)"
                    )
                )
                continue
            }
            readable.append((file.path, text))
        }
        var set: PolicySet?
        if compileErrors.isEmpty {
            do {
                set = try PolicySet.compile(files: readable, idGenerator: DecisionIDGenerator { "test" })
            } catch {
                compileErrors = PolicyCheck.check(files: readable).findings.filter { $0.severity == .error }
                if compileErrors.isEmpty {
                    compileErrors = error.errors.map {
                        PolicyFinding(
                            severity: .error,
                            rule: PolicyRule.compile.id,
                            file: $0.file,
                            position: .start,
                            message: $0.message
                        )
                    }
                }
            }
        }
        return testFiles.map { file in
            guard let text = file.text else {
                return FileResult(
                    file: file.path,
                    cases: [],
                    errors: [error(file.path, .start, "cannot read the test file")]
                )
            }
            let suite: PolicyTestSuite
            do throws(PolicyTestSuiteErrors) {
                suite = try PolicyTestSuite.parse(yaml: text, file: file.path)
            } catch {
                return FileResult(
                    file: file.path,
                    cases: [],
                    errors: error.errors.map { Self.error($0.file, $0.position, $0.message) }
                )
            }
            guard let set else { return FileResult(file: file.path, cases: [], errors: compileErrors) }
            let policyFile = PolicyTestSuite.policyFile(forTestFile: file.path)
            guard
                let policy = suite.policy
                    ?? set.policies.values.first(where: { $0.document.file == policyFile })?.name
            else {
                return FileResult(
                    file: file.path,
                    cases: [],
                    errors: [
                        error(
                            file.path,
                            .start,
                            "no policy to test: \(policyFile) is not a compiled policy file, and the test file names no 'policy'"
                        )
                    ]
                )
            }
            return FileResult(file: file.path, cases: suite.cases.map { run($0, policy: policy, in: set) }, errors: [])
        }
    }

    private static func error(_ file: String, _ position: FilePosition, _ message: String) -> PolicyFinding {
        PolicyFinding(severity: .error, rule: "test", file: file, position: position, message: message)
    }

    /// Runs one case.
    static func run(_ testCase: PolicyTestSuite.Case, policy: String, in set: PolicySet) -> CaseResult {
        let path = testCase.path.map { $0.isEmpty ? policy : "\(policy)/\($0)" } ?? policy
        let decision = set.decide(path: path, input: testCase.input)
        var failure: String?
        switch (testCase.failure, decision.failure) {
        case (nil, let reason?):
            failure = "evaluation failed: \(reason)"
        case (let expected?, nil):
            failure =
                expected.isEmpty
                ? "expected the evaluation to fail; it did not"
                : "expected a failure containing '\(expected)'; the evaluation did not fail"
        case (let expected?, let reason?) where !expected.isEmpty && !reason.contains(expected):
            failure = "expected a failure containing '\(expected)'; it failed with: \(reason)"
        default:
            break
        }
        if failure == nil {
            switch (testCase.expected, decision.result) {
            case (.anything, _), (.undefined, nil):
                break
            case (.undefined, let actual?):
                failure = "expected: undefined\nactual:   \(render(actual))"
            case (.value(let expected), nil):
                failure = "expected: \(render(expected))\nactual:   undefined"
            case (.value(let expected), let actual?):
                if actual.isErrorOrUnknown || !Value.celEquals(expected, actual) {
                    failure = "expected: \(render(expected))\nactual:   \(render(actual))"
                }
            }
        }
        return CaseResult(testCase: testCase, path: path, failure: failure, duration: decision.duration)
    }

    /// A value as compact JSON, or its error.
    static func render(_ value: Value) -> String {
        if case .error(let error) = value { return "error: \(error.message)" }
        return (try? JSON.text(of: value)) ?? value.description
    }
}
