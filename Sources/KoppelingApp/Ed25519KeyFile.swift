public import Crypto
import Foundation
import KoppelingCore

/// Ed25519 keys on disk: the private key as base64 of its 32 raw bytes in `FILE` (mode 0600),
/// the public key the same way in `FILE.pub`.
public enum Ed25519KeyFile {
    /// Generates a key pair and writes both halves.
    @discardableResult
    public static func generate(to path: String) throws -> Curve25519.Signing.PrivateKey {
        let key = Curve25519.Signing.PrivateKey()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(
            atPath: path, contents: Data((key.rawRepresentation.base64EncodedString() + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw KeyFileError(path: path, message: "cannot write the private key") }
        try (key.publicKey.rawRepresentation.base64EncodedString() + "\n").write(toFile: path + ".pub", atomically: true, encoding: .utf8)
        return key
    }

    /// Reads a private key file.
    public static func privateKey(at path: String) throws -> Curve25519.Signing.PrivateKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data)
        else { throw KeyFileError(path: path, message: "not an Ed25519 private key file (base64 of 32 bytes)") }
        return key
    }

    /// Reads a public key file, or takes the base64 text itself.
    public static func publicKey(fileOrBase64 value: String) throws -> Curve25519.Signing.PublicKey {
        let text = (try? String(contentsOfFile: value, encoding: .utf8)) ?? value
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: data)
        else { throw KeyFileError(path: value, message: "not an Ed25519 public key (base64 of 32 bytes)") }
        return key
    }

    /// The SHA-256 fingerprint of a public key, hexadecimal.
    public static func fingerprint(_ key: Curve25519.Signing.PublicKey) -> String {
        SHA256.hash(data: key.rawRepresentation).lowercaseHex
    }
}

/// A key file that cannot be read or written.
public struct KeyFileError: Error, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
