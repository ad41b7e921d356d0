internal import NIOCore
internal import NIOSSL

/// Reads the identity of the client certificate of an mTLS connection.
enum ClientCertificate {
    /// The identity of the connection's peer certificate, or an identity with only the address when
    /// the connection is not TLS or the client sent no certificate.
    static func identity(of channel: any Channel) async -> CallerIdentity {
        var identity = CallerIdentity(address: address(of: channel))
        guard let certificate = try? await channel.nioSSL_peerCertificate().get() else { return identity }
        for name in certificate._subjectAlternativeNames() {
            guard let text = String(validating: Array(name.contents), as: UTF8.self) else { continue }
            if name.nameType == .uri {
                identity.uriSANs.append(text)
                // A SPIFFE X.509-SVID carries exactly one URI SAN, the SPIFFE ID.
                if identity.spiffeID == nil, text.hasPrefix("spiffe://") { identity.spiffeID = text }
            } else if name.nameType == .dnsName {
                identity.dnsSANs.append(text)
            }
        }
        return identity
    }

    /// `host:port` of the connection's peer.
    static func address(of channel: any Channel) -> String? {
        guard let address = channel.remoteAddress else { return nil }
        guard let ip = address.ipAddress else { return "\(address)" }
        let host = address.protocol == .inet6 ? "[\(ip)]" : ip
        return address.port.map { "\(host):\($0)" } ?? host
    }
}
