public import CEL
public import Foundation
internal import Synchronization

/// The decision engine: serves one immutable ``PolicySet`` revision at a time and swaps in a new one
/// atomically when the policy directory changes (``reloadIfChanged()``) or on request (``reload()``,
/// for SIGHUP).
///
/// A revision that fails to compile is refused: the last good one keeps serving, and
/// ``status`` says why (for the log, `/health` and metrics). Decisions in flight finish on the
/// revision they started with.
public final class PolicyEngine: Sendable {
    /// The directory the policies are compiled from.
    public let directory: String
    private let idGenerator: DecisionIDGenerator
    private let state: Mutex<State>

    private struct State {
        var policies: PolicySet
        var fingerprint: DirectoryFingerprint
        var status: ReloadStatus
    }

    /// Compiles the directory; the engine starts only from a good revision.
    /// - Throws: ``PolicyCompileError`` with every error when the directory does not compile.
    public init(directory: String, idGenerator: DecisionIDGenerator = .random) throws(PolicyCompileError) {
        self.directory = directory
        self.idGenerator = idGenerator
        let fingerprint = DirectoryFingerprint(directory: directory)
        let policies = try PolicySet.compile(directory: directory, idGenerator: idGenerator)
        let now = Date()
        state = Mutex(
            State(
                policies: policies,
                fingerprint: fingerprint,
                status: ReloadStatus(
                    revision: policies.revision,
                    policyCount: policies.policies.count,
                    loadedAt: now,
                    lastAttemptAt: now,
                    lastError: nil,
                    successes: 1,
                    failures: 0
                )
            )
        )
    }

    /// The revision serving now.
    public var policies: PolicySet { state.withLock { $0.policies } }

    /// The reload status: the serving revision, and the last failure if the last attempt failed.
    public var status: ReloadStatus { state.withLock { $0.status } }

    /// Decides on the serving revision (``PolicySet/decide(path:input:caller:)``).
    public func decide(path: String, input: Value, caller: Value = .map(.empty)) -> Decision {
        policies.decide(path: path, input: input, caller: caller)
    }

    /// Compiles the directory again and swaps the new revision in when it compiles.
    /// - Returns: what happened; on failure the previous revision keeps serving.
    @discardableResult
    public func reload() -> ReloadOutcome {
        let fingerprint = DirectoryFingerprint(directory: directory)
        return attempt(fingerprint: fingerprint)
    }

    /// Reloads when any policy file was added, removed or changed (size or modification time) since
    /// the last attempt; `nil` when nothing changed. Cheap enough to call every second.
    @discardableResult
    public func reloadIfChanged() -> ReloadOutcome? {
        let fingerprint = DirectoryFingerprint(directory: directory)
        guard state.withLock({ $0.fingerprint != fingerprint }) else { return nil }
        return attempt(fingerprint: fingerprint)
    }

    private func attempt(fingerprint: DirectoryFingerprint) -> ReloadOutcome {
        let now = Date()
        do {
            let compiled = try PolicySet.compile(directory: directory, idGenerator: idGenerator)
            return state.withLock { state in
                let previous = state.policies.revision
                state.policies = compiled
                state.fingerprint = fingerprint
                state.status.revision = compiled.revision
                state.status.policyCount = compiled.policies.count
                state.status.loadedAt = now
                state.status.lastAttemptAt = now
                state.status.lastError = nil
                state.status.successes += 1
                return .loaded(revision: compiled.revision, previous: previous)
            }
        } catch {
            return state.withLock { state in
                state.fingerprint = fingerprint
                state.status.lastAttemptAt = now
                state.status.lastError = Self.describe(error, directory: directory)
                state.status.failures += 1
                return .refused(error, serving: state.policies.revision)
            }
        }
    }

    /// Every error of a directory that does not compile, positioned in the YAML files
    /// (`mcp/x.yaml:7:15: error: [compile] rules.allow: ...` with the line and a caret), as
    /// `tessera check` reports them; the compiler's own messages when the check finds none.
    public static func describe(_ error: PolicyCompileError, directory: String) -> String {
        guard let report = try? PolicyCheck.check(paths: [directory]) else { return error.description }
        let errors = report.findings.filter { $0.severity == .error }
        guard !errors.isEmpty else { return error.description }
        let rendered = FindingFormat.text.render(PolicyCheck.Report(findings: errors, fileCount: report.fileCount))
        // The last line is the summary (`N files checked: ...`).
        var lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.isEmpty || last.contains(" checked: ") { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// Polls the directory every `interval` and reloads on change until the task is cancelled,
    /// reporting each attempt.
    public func watch(
        every interval: Swift.Duration = .seconds(1),
        onReload: @Sendable (ReloadOutcome) -> Void
    ) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            if let outcome = reloadIfChanged() { onReload(outcome) }
        }
    }
}

/// What a reload attempt did.
public enum ReloadOutcome: Sendable {
    /// The new revision compiled and serves now.
    case loaded(revision: String, previous: String)
    /// The directory did not compile; the `serving` revision goes on serving.
    case refused(PolicyCompileError, serving: String)
}

/// The engine's reload state, for `/health` and metrics.
public struct ReloadStatus: Sendable, Hashable {
    /// The serving revision.
    public var revision: String
    /// How many policies it holds.
    public var policyCount: Int
    /// When it was loaded.
    public var loadedAt: Date
    /// When the last reload was attempted.
    public var lastAttemptAt: Date
    /// Every error of the last attempt, when it failed; `nil` when it succeeded.
    public var lastError: String?
    /// Successful loads, the first included.
    public var successes: Int
    /// Refused reloads.
    public var failures: Int

    /// Whether the last attempt succeeded.
    public var lastReloadSucceeded: Bool { lastError == nil }
}

/// A hash of the contents of every policy file under a directory: what
/// ``PolicyEngine/reloadIfChanged()`` compares (`*_test.yaml` files are not policies and do not count).
/// Contents, not modification times: two writes within the resolution of a file system's clock
/// must not hide a change.
struct DirectoryFingerprint: Equatable, Sendable {
    private var entries: [String: UInt64] = [:]

    init(directory: String) {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: directory) else { return }
        while let path = enumerator.nextObject() as? String {
            guard path.hasSuffix(".yaml"), !path.hasSuffix("_test.yaml") else { continue }
            let full = (directory as NSString).appendingPathComponent(path)
            guard let data = manager.contents(atPath: full) else {
                entries[path] = 0
                continue
            }
            var hash = FNV1a()
            hash.add(data)
            entries[path] = hash.value
        }
    }
}
