internal import Foundation
public import HummingbirdCore
public import Logging
public import NIOCore
public import NIOSSL
internal import Synchronization

/// TLS settings of `tessera serve`: certificate and key files (PEM), and for mTLS the CA bundle
/// client certificates must chain to.
public struct TLSFiles: Sendable, Hashable {
    /// The server certificate chain (PEM).
    public var certificatePath: String
    /// The server private key (PEM).
    public var keyPath: String
    /// CA certificates (PEM) that client certificates must chain to; `nil` accepts no client
    /// certificates.
    public var clientCAPath: String?
    /// Whether a client without a valid certificate is refused at the handshake (mTLS). When `false`
    /// and a CA is given, a certificate is verified if sent but not required.
    public var requireClientCertificate: Bool

    /// Creates the settings.
    public init(
        certificatePath: String,
        keyPath: String,
        clientCAPath: String? = nil,
        requireClientCertificate: Bool = false
    ) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.clientCAPath = clientCAPath
        self.requireClientCertificate = requireClientCertificate
    }
}

/// Why TLS files could not be loaded.
public struct TLSLoadError: Error, Sendable, CustomStringConvertible {
    /// The file that failed, and why.
    public var description: String
}

/// The server's TLS context, rebuilt when the certificate, key or CA files change: new
/// connections use the new files, established ones keep theirs. A change that does not load (a
/// half-written file, a key that does not match) is refused and the previous context stays.
public final class ReloadableTLSContext: Sendable {
    /// The files.
    public let files: TLSFiles
    private let state: Mutex<(context: NIOSSLContext, stamp: [UInt64])>

    /// Loads the files.
    /// - Throws: ``TLSLoadError`` naming the file that does not load.
    public init(files: TLSFiles) throws(TLSLoadError) {
        self.files = files
        let stamp = Self.stamp(files)
        state = Mutex((context: try Self.makeContext(files), stamp: stamp))
    }

    /// The context for a new connection.
    public var current: NIOSSLContext { state.withLock { $0.context } }

    /// Reloads when any file's contents changed (compared by hash: modification times can be too coarse
    /// to see two writes in one second).
    /// - Returns: `nil` when nothing changed, else the outcome (an error keeps the old context).
    public func reloadIfChanged() -> Result<Void, TLSLoadError>? {
        let stamp = Self.stamp(files)
        guard state.withLock({ $0.stamp != stamp }) else { return nil }
        do {
            let context = try Self.makeContext(files)
            state.withLock { $0 = (context: context, stamp: stamp) }
            return .success(())
        } catch {
            state.withLock { $0.stamp = stamp }
            return .failure(error)
        }
    }

    private static func stamp(_ files: TLSFiles) -> [UInt64] {
        [files.certificatePath, files.keyPath, files.clientCAPath].map { path in
            guard let path, let data = FileManager.default.contents(atPath: path) else { return 0 }
            // 64-bit FNV-1a of the contents: a change detector, not a security check.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            return hash
        }
    }

    private static func makeContext(_ files: TLSFiles) throws(TLSLoadError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath)
        } catch {
            throw TLSLoadError(description: "\(files.certificatePath): cannot load the certificate: \(error)")
        }
        guard !chain.isEmpty else {
            throw TLSLoadError(description: "\(files.certificatePath): no certificate in the file")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.keyPath, format: .pem)
        } catch {
            throw TLSLoadError(description: "\(files.keyPath): cannot load the private key: \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        if let caPath = files.clientCAPath {
            do {
                let roots = try NIOSSLCertificate.fromPEMFile(caPath)
                guard !roots.isEmpty else { throw TLSLoadError(description: "\(caPath): no certificate in the file") }
                configuration.trustRoots = .certificates(roots)
            } catch let error as TLSLoadError {
                throw error
            } catch {
                throw TLSLoadError(description: "\(caPath): cannot load the client CA certificates: \(error)")
            }
            configuration.certificateVerification =
                files.requireClientCertificate ? .noHostnameVerification : .optionalVerification
        } else {
            configuration.certificateVerification = .none
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSLoadError(
                description:
                    "\(files.certificatePath), \(files.keyPath): cannot make a TLS context (does the key match the certificate?): \(error)"
            )
        }
    }
}

/// A server child channel that adds TLS from a ``ReloadableTLSContext`` in front of another
/// (HTTP/1.1) channel.
public struct ReloadableTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    /// The wrapped channel's value.
    public typealias Value = Base.Value

    private let base: Base
    private let context: ReloadableTLSContext

    /// Wraps a channel.
    public init(_ base: Base, context: ReloadableTLSContext) {
        self.base = base
        self.context = context
    }

    /// Adds the TLS handler with the current context, then the base channel's handlers.
    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let sslContext = context.current
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    /// Hands the connection to the base channel.
    public func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension ReloadableTLSChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    /// The base channel's responder.
    public var responder: HTTPChannelHandler.Responder { base.responder }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS from a reloadable context.
    public static func tls(reloading context: ReloadableTLSContext) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            ReloadableTLSChannel(HTTP1Channel(responder: responder), context: context)
        }
    }
}
