import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The signing key `tessera serve` uses when no key is configured: a P-256 key kept as a PEM file
/// (mode 0600) in a directory (mode 0700), made on first use.
public enum DevelopmentSigningKey {
    /// The key file's name inside the directory.
    public static let fileName = "signing-key.pem"

    /// Loads the development key from `directory`, creating the directory and the key when missing.
    ///
    /// The file is created with `O_CREAT | O_EXCL` and mode 0600, so it is never readable by others,
    /// even for a moment, and two processes starting together end up with the same key. An existing
    /// file readable or writable by group or others is refused, as `ssh` refuses such keys.
    /// - Parameter directory: The directory, such as `./.tessera`.
    /// - Returns: The key, whether it was created now, and the file's path.
    /// - Throws: ``IdentityError`` (``IdentityError/Code/signingKeyFile``) naming the file.
    public static func loadOrCreate(directory: String) throws(IdentityError) -> (
        key: SigningKey, created: Bool, path: String
    ) {
        let path = (directory as NSString).appendingPathComponent(fileName)
        do {
            try FileManager.default.createDirectory(
                atPath: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw IdentityError(
                .signingKeyFile,
                "the directory \(directory) cannot be created: \(error.localizedDescription)"
            )
        }
        if FileManager.default.fileExists(atPath: path) {
            return (try loadExisting(path), false, path)
        }
        let key = SigningKey(privateKey: P256.Signing.PrivateKey())
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST { return (try loadExisting(path), false, path) }
            throw IdentityError(
                .signingKeyFile,
                "the key file \(path) cannot be created: \(String(cString: strerror(code)))"
            )
        }
        let bytes = Array((key.pemRepresentation + "\n").utf8)
        let written = bytes.withUnsafeBytes { buffer in write(descriptor, buffer.baseAddress, buffer.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0 else {
            unlink(path)
            throw IdentityError(.signingKeyFile, "the key file \(path) cannot be written")
        }
        return (key, true, path)
    }

    private static func loadExisting(_ path: String) throws(IdentityError) -> SigningKey {
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue,
            mode & 0o077 != 0
        {
            throw IdentityError(
                .signingKeyFile,
                "the key file \(path) is accessible by group or others (mode \(String(mode, radix: 8))); run chmod 600 on it"
            )
        }
        return try SigningKey.load(file: path)
    }
}
