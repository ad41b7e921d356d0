public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// How a remote key source fetches and caches keys.
public struct RemoteKeySourceOptions: Sendable {
    /// The shortest time between two fetches (default 30 s): an unknown `kid` triggers a refresh only
    /// when the last attempt is at least this old, so a flood of tokens with made-up `kid`s cannot make
    /// us hammer the issuer.
    public var minimumRefreshInterval: Duration
    /// How old the cached keys may get before a lookup starts a refresh in the background (default
    /// 10 min), so removed keys eventually disappear; lookups keep using the cached keys meanwhile.
    public var maximumCacheAge: Duration
    /// How long one fetch (discovery plus JWKS, each) may take (default 10 s).
    public var requestTimeout: Duration
    /// The largest response body accepted, in bytes (default 1 MiB).
    public var maxResponseBytes: Int
    /// Limits on the JWK set.
    public var keySetLimits: KeySetLimits

    /// Creates options.
    /// - Parameters:
    ///   - minimumRefreshInterval: The shortest time between two fetches.
    ///   - maximumCacheAge: The age after which cached keys are refreshed in the background.
    ///   - requestTimeout: The time limit of one HTTP request.
    ///   - maxResponseBytes: The largest response body.
    ///   - keySetLimits: Limits on the JWK set.
    public init(
        minimumRefreshInterval: Duration = .seconds(30),
        maximumCacheAge: Duration = .seconds(600),
        requestTimeout: Duration = .seconds(10),
        maxResponseBytes: Int = 1 << 20,
        keySetLimits: KeySetLimits = KeySetLimits()
    ) {
        self.minimumRefreshInterval = minimumRefreshInterval
        self.maximumCacheAge = maximumCacheAge
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.keySetLimits = keySetLimits
    }
}

/// A key source that fetches an issuer's keys over HTTPS: through OpenID Connect discovery
/// (`<issuer>/.well-known/openid-configuration`, whose `issuer` must equal the configured issuer
/// exactly, then its `jwks_uri`), or from a JWKS URL directly (a Kubernetes cluster's JWKS endpoint, a
/// SPIRE bundle endpoint).
///
/// Keys are cached. A lookup of an unknown `kid` refreshes the keys, at most once per
/// ``RemoteKeySourceOptions/minimumRefreshInterval``; concurrent lookups share one refresh. When the
/// issuer is unreachable the last good keys stay in use, so cached `kid`s still verify, and an
/// unknown `kid` fails closed with ``IdentityError/Code/unknownKey``. Every URL, including each
/// redirect hop, must be `https`, except on loopback hosts (`127.0.0.0/8`, `::1`, `localhost`).
/// Responses are limited in size and time.
///
/// The HTTP client defaults to `HTTPClient.shared`; a server should pass its own client (and shut it
/// down at exit), ideally with redirects disallowed.
public final class OIDCKeySource: KeySource {
    private struct State {
        var keySet: JWKSet?
        var fetchedAt: Date?
        var lastAttempt: Date?
        var lastError: IdentityError?
        var refreshing: Task<Void, Never>?
    }

    /// The configured issuer, for a discovery source; `nil` for a direct JWKS URL.
    public let issuer: String?
    /// The discovery document's URL, for a discovery source.
    public let discoveryURL: URL?
    private let jwksURI: URL?
    private let name: String
    private let options: RemoteKeySourceOptions
    private let httpClient: HTTPClient
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    /// A source for an OpenID Connect issuer, found through discovery.
    /// - Parameters:
    ///   - issuer: The issuer URL, exactly as tokens state it in `iss` (no query or fragment).
    ///   - options: Refresh, size and time limits.
    ///   - httpClient: The HTTP client (default `HTTPClient.shared`).
    ///   - now: The clock.
    /// - Throws: ``IdentityError`` (``IdentityError/Code/invalidConfiguration``) for a URL that is not
    ///   `https` (nor `http` on a loopback host), or that has a query or a fragment.
    public init(
        issuer: URL,
        options: RemoteKeySourceOptions = RemoteKeySourceOptions(),
        httpClient: HTTPClient = .shared,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(IdentityError) {
        let text = issuer.absoluteString
        try Self.checkTransport(issuer, what: "the issuer \(text)", code: .invalidConfiguration)
        guard issuer.query == nil, issuer.fragment == nil else {
            throw IdentityError(.invalidConfiguration, "the issuer \(text) must not have a query or a fragment")
        }
        let base = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let discovery = URL(string: base + "/.well-known/openid-configuration") else {
            throw IdentityError(.invalidConfiguration, "the issuer \(text) is not a usable URL")
        }
        self.issuer = text
        self.discoveryURL = discovery
        self.jwksURI = nil
        self.name = "the keys of issuer \(text)"
        self.options = options
        self.httpClient = httpClient
        self.now = now
    }

    /// A source for a JWK set at a URL, without discovery.
    /// - Parameters:
    ///   - jwksURI: The JWK set URL.
    ///   - options: Refresh, size and time limits.
    ///   - httpClient: The HTTP client (default `HTTPClient.shared`).
    ///   - now: The clock.
    /// - Throws: ``IdentityError`` (``IdentityError/Code/invalidConfiguration``) for a URL that is not
    ///   `https` (nor `http` on a loopback host).
    public init(
        jwksURI: URL,
        options: RemoteKeySourceOptions = RemoteKeySourceOptions(),
        httpClient: HTTPClient = .shared,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(IdentityError) {
        try Self.checkTransport(jwksURI, what: "the JWKS URL \(jwksURI.absoluteString)", code: .invalidConfiguration)
        self.issuer = nil
        self.discoveryURL = nil
        self.jwksURI = jwksURI
        self.name = "the JWK set at \(jwksURI.absoluteString)"
        self.options = options
        self.httpClient = httpClient
        self.now = now
    }

    /// The keys cached now; `nil` before the first successful fetch.
    public var cachedKeySet: JWKSet? {
        state.withLock { $0.keySet }
    }

    /// When the cached keys were fetched.
    public var lastRefreshed: Date? {
        state.withLock { $0.fetchedAt }
    }

    /// Why the last fetch failed; `nil` when it succeeded.
    public var lastRefreshError: IdentityError? {
        state.withLock { $0.lastError }
    }

    /// Fetches the keys now (joining a fetch already under way), whatever the refresh interval: for
    /// loading keys at start-up.
    /// - Throws: ``IdentityError`` when the fetch failed (the previous keys, if any, stay in use).
    public func refresh() async throws(IdentityError) {
        let task = state.withLock { state -> Task<Void, Never> in
            if let running = state.refreshing { return running }
            state.lastAttempt = now()
            let task = Task { await self.performRefresh() }
            state.refreshing = task
            return task
        }
        await task.value
        if let error = state.withLock({ $0.lastError }) { throw error }
    }

    /// The key for a token's `kid` and `alg`; see ``KeySource/key(for:algorithm:)``.
    public func key(for keyID: String?, algorithm: JWSAlgorithm) async throws(IdentityError) -> JWK {
        let (cached, fetchedAt) = state.withLock { ($0.keySet, $0.fetchedAt) }
        var reason: String?
        if let cached {
            switch cached.lookup(keyID: keyID, algorithm: algorithm, source: name) {
            case .found(let key):
                if let fetchedAt, now().timeIntervalSince(fetchedAt) >= options.maximumCacheAge.timeInterval {
                    _ = startRefreshIfAllowed()
                }
                return key
            case .mismatch(let error):
                throw error
            case .notFound(let why):
                reason = why
            }
        }
        guard let task = startRefreshIfAllowed() else {
            let (keySet, lastError) = state.withLock { ($0.keySet, $0.lastError) }
            if keySet == nil {
                throw IdentityError(
                    .keySourceUnavailable,
                    "\(name) could not be fetched yet" + (lastError.map { ": \($0.message)" } ?? "")
                )
            }
            throw IdentityError(
                .unknownKey,
                (reason ?? "no fitting key in \(name)")
                    + " (keys are refreshed at most every \(Int(options.minimumRefreshInterval.timeInterval)) s)"
            )
        }
        await task.value
        let (keySet, lastError) = state.withLock { ($0.keySet, $0.lastError) }
        guard let keySet else {
            throw IdentityError(
                .keySourceUnavailable,
                "\(name) could not be fetched" + (lastError.map { ": \($0.message)" } ?? "")
            )
        }
        switch keySet.lookup(keyID: keyID, algorithm: algorithm, source: name) {
        case .found(let key):
            return key
        case .mismatch(let error):
            throw error
        case .notFound(let why):
            throw IdentityError(
                .unknownKey,
                why + (lastError.map { " (the refresh failed, the last good keys are in use: \($0.message))" } ?? "")
            )
        }
    }

    /// Starts a refresh unless one ran too recently; returns the refresh under way, if any.
    private func startRefreshIfAllowed() -> Task<Void, Never>? {
        let time = now()
        return state.withLock { state -> Task<Void, Never>? in
            if let running = state.refreshing { return running }
            if let last = state.lastAttempt,
                time.timeIntervalSince(last) < options.minimumRefreshInterval.timeInterval
            {
                return nil
            }
            state.lastAttempt = time
            let task = Task { await self.performRefresh() }
            state.refreshing = task
            return task
        }
    }

    private func performRefresh() async {
        do {
            let keySet = try await fetchKeySet()
            let time = now()
            state.withLock {
                $0.keySet = keySet
                $0.fetchedAt = time
                $0.lastError = nil
                $0.refreshing = nil
            }
        } catch {
            state.withLock {
                $0.lastError = error
                $0.refreshing = nil
            }
        }
    }

    private func fetchKeySet() async throws(IdentityError) -> JWKSet {
        var uri = jwksURI
        if let discoveryURL, let issuer {
            let what = "the discovery document \(discoveryURL.absoluteString)"
            let body = try await get(discoveryURL, what: what)
            let document = try JSONObject.parse(
                bytes: body,
                what: what,
                maxDepth: 16,
                maxBytes: options.maxResponseBytes,
                code: .keySourceUnavailable
            )
            guard let stated = document.string("issuer") else {
                throw IdentityError(.keySourceUnavailable, "\(what) has no string \"issuer\"")
            }
            guard stated == issuer else {
                throw IdentityError(
                    .discoveryIssuerMismatch,
                    "\(what) names the issuer \(IdentityError.quoted(stated, limit: 120)), "
                        + "not the configured \(IdentityError.quoted(issuer, limit: 120))"
                )
            }
            guard let text = document.string("jwks_uri"), let found = URL(string: text), found.host != nil else {
                throw IdentityError(.keySourceUnavailable, "\(what) has no usable \"jwks_uri\"")
            }
            try Self.checkTransport(found, what: "the jwks_uri \(text) in \(what)", code: .keySourceUnavailable)
            uri = found
        }
        guard let uri else {
            throw IdentityError(.keySourceUnavailable, "\(name): no JWKS URL")
        }
        let what = "the JWK set \(uri.absoluteString)"
        let body = try await get(uri, what: what)
        return try JWKSet(bytes: body, limits: options.keySetLimits, source: what)
    }

    private struct Timeout: Error {}

    private func get(_ url: URL, what: String) async throws(IdentityError) -> [UInt8] {
        do {
            return try await withThrowingTaskGroup(of: [UInt8].self) { group in
                group.addTask { try await self.download(url, what: what) }
                group.addTask {
                    try await Task.sleep(for: self.options.requestTimeout)
                    throw Timeout()
                }
                defer { group.cancelAll() }
                guard let body = try await group.next() else { throw Timeout() }
                return body
            }
        } catch let error as IdentityError {
            throw error
        } catch is Timeout {
            throw IdentityError(
                .keySourceUnavailable,
                "\(what) did not answer within \(Int(options.requestTimeout.timeInterval)) s"
            )
        } catch {
            throw IdentityError(.keySourceUnavailable, "\(what) could not be fetched: \(error)")
        }
    }

    private func download(_ url: URL, what: String) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await httpClient.execute(
            request,
            timeout: .seconds(Int64(max(1, options.requestTimeout.timeInterval)))
        )
        for hop in response.history {
            guard let hopURL = URL(string: hop.request.url) else {
                throw IdentityError(.keySourceUnavailable, "\(what) redirected to an unusable URL")
            }
            try Self.checkTransport(
                hopURL,
                what: "\(what) (redirected to \(hop.request.url))",
                code: .keySourceUnavailable
            )
        }
        guard response.status == .ok else {
            throw IdentityError(.keySourceUnavailable, "\(what) answered HTTP \(response.status.code)")
        }
        do {
            let buffer = try await response.body.collect(upTo: options.maxResponseBytes)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw IdentityError(
                .keySourceUnavailable,
                "\(what) is larger than \(options.maxResponseBytes) bytes"
            )
        }
    }

    /// Throws unless `url` is `https`, or `http` on a loopback host.
    static func checkTransport(_ url: URL, what: String, code: IdentityError.Code) throws(IdentityError) {
        let scheme = url.scheme?.lowercased()
        guard let host = url.host, !host.isEmpty else {
            throw IdentityError(code, "\(what) has no host")
        }
        if scheme == "https" { return }
        if scheme == "http", isLoopback(host) { return }
        throw IdentityError(
            code,
            "\(what) must use https (plain http is allowed only for loopback hosts: 127.0.0.1, ::1, localhost)"
        )
    }

    /// Whether `host` is a loopback name or address.
    static func isLoopback(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name == "::1" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part) != nil }
    }
}
