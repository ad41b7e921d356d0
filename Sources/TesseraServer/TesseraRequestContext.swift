public import Hummingbird
public import NIOCore

/// The request context of Tessera's routes: Hummingbird's core context, plus the connection, so
/// routes can name the caller (address, and the client certificate of an mTLS connection).
public struct TesseraRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came on.
    public let channel: any Channel

    /// Creates the context for a request on a connection.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The client's address.
    public var remoteAddress: SocketAddress? { channel.remoteAddress }
}
