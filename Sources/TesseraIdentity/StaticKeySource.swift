public import Foundation
import Synchronization

/// A key source over a fixed JWK set: held in memory, or read from a file (a Kubernetes service-account
/// JWKS, a SPIFFE JWT bundle) and read again when the file changes.
///
/// For a file, a lookup checks the file's modification time, size and inode at most once per
/// `checkInterval`; when they changed, the file is read again. A file that cannot be read or parsed
/// keeps the last good keys and is reported through ``lastReloadError``, so a half-written update never
/// drops the keys in use.
public final class StaticKeySource: KeySource {
    private struct FileStamp: Equatable {
        var modified: Date?
        var size: Int?
        var inode: Int?
    }

    private struct State {
        var keySet: JWKSet
        var stamp: FileStamp?
        var lastCheck: Date
        var lastError: IdentityError?
    }

    private let path: String?
    private let name: String
    private let checkInterval: TimeInterval
    private let limits: KeySetLimits
    private let now: @Sendable () -> Date
    private let state: Mutex<State>

    /// A source over a JWK set in memory.
    /// - Parameters:
    ///   - keySet: The keys.
    ///   - name: What the set is, for error messages.
    public init(keySet: JWKSet, name: String = "the static key set") {
        self.path = nil
        self.name = name
        self.checkInterval = 0
        self.limits = KeySetLimits()
        self.now = { Date() }
        self.state = Mutex(State(keySet: keySet, stamp: nil, lastCheck: Date.distantPast, lastError: nil))
    }

    /// A source over a JWK set file, read now and again whenever it changes.
    /// - Parameters:
    ///   - path: The JWK set file.
    ///   - checkInterval: How often at most a lookup checks whether the file changed (default 1 s).
    ///   - limits: Limits on the file's size and key count.
    ///   - now: The clock.
    /// - Throws: ``IdentityError`` when the file cannot be read or is not a valid JWK set.
    public init(
        file path: String,
        checkInterval: Duration = .seconds(1),
        limits: KeySetLimits = KeySetLimits(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(IdentityError) {
        self.path = path
        self.name = "the JWK set file \(path)"
        self.checkInterval = checkInterval.timeInterval
        self.limits = limits
        self.now = now
        let stamp = Self.stamp(of: path)
        let keySet = try Self.read(path: path, limits: limits, name: name)
        self.state = Mutex(State(keySet: keySet, stamp: stamp, lastCheck: now(), lastError: nil))
    }

    /// The keys in use now.
    public var keySet: JWKSet {
        state.withLock { $0.keySet }
    }

    /// Why the last attempt to read the changed file failed; `nil` after a successful read.
    public var lastReloadError: IdentityError? {
        state.withLock { $0.lastError }
    }

    /// The key for a token's `kid` and `alg`; see ``KeySource/key(for:algorithm:)``.
    public func key(for keyID: String?, algorithm: JWSAlgorithm) async throws(IdentityError) -> JWK {
        try currentKey(for: keyID, algorithm: algorithm)
    }

    /// The synchronous form of ``key(for:algorithm:)``.
    public func currentKey(for keyID: String?, algorithm: JWSAlgorithm) throws(IdentityError) -> JWK {
        reloadIfChanged()
        let keySet = state.withLock { $0.keySet }
        switch keySet.lookup(keyID: keyID, algorithm: algorithm, source: name) {
        case .found(let key): return key
        case .mismatch(let error): throw error
        case .notFound(let reason): throw IdentityError(.unknownKey, reason)
        }
    }

    private func reloadIfChanged() {
        guard let path else { return }
        let time = now()
        let due = state.withLock { state -> FileStamp?? in
            guard time.timeIntervalSince(state.lastCheck) >= checkInterval else { return .none }
            state.lastCheck = time
            return .some(state.stamp)
        }
        guard case .some(let previous) = due else { return }
        let stamp = Self.stamp(of: path)
        guard stamp != previous else { return }
        do {
            let keySet = try Self.read(path: path, limits: limits, name: name)
            state.withLock {
                $0.keySet = keySet
                $0.stamp = stamp
                $0.lastError = nil
            }
        } catch {
            state.withLock {
                $0.stamp = stamp
                $0.lastError = error
            }
        }
    }

    private static func stamp(of path: String) -> FileStamp {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            return FileStamp(modified: nil, size: nil, inode: nil)
        }
        return FileStamp(
            modified: attributes[.modificationDate] as? Date,
            size: (attributes[.size] as? NSNumber)?.intValue,
            inode: (attributes[.systemFileNumber] as? NSNumber)?.intValue
        )
    }

    private static func read(path: String, limits: KeySetLimits, name: String) throws(IdentityError) -> JWKSet {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IdentityError(.keySourceUnavailable, "\(name) cannot be opened")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limits.maxBytes + 1) ?? Data()
        } catch {
            throw IdentityError(.keySourceUnavailable, "\(name) cannot be read: \(error.localizedDescription)")
        }
        return try JWKSet(bytes: [UInt8](data), limits: limits, source: name)
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
