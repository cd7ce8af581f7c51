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
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data((key.rawRepresentation.base64EncodedString() + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        else { throw KeyFileError(path: path, message: "cannot write the private key") }
        try (key.publicKey.rawRepresentation.base64EncodedString() + "\n").write(toFile: path + ".pub", atomically: true, encoding: .utf8)
        return key
    }

    /// The DER prefix of an Ed25519 private key in PKCS #8 (RFC 8410), before its 32 bytes.
    static let pkcs8Prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]

    /// A private key as PKCS #8 PEM (RFC 8410), the form other tools (PyJWT, OpenSSL) read.
    public static func pem(_ key: Curve25519.Signing.PrivateKey) -> String {
        let base64 = Data(pkcs8Prefix + key.rawRepresentation).base64EncodedString()
        return "-----BEGIN PRIVATE KEY-----\n\(base64)\n-----END PRIVATE KEY-----\n"
    }

    /// Reads a private key file: base64 of the 32 raw bytes, or PKCS #8 PEM.
    public static func privateKey(at path: String) throws -> Curve25519.Signing.PrivateKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw KeyFileError(path: path, message: "cannot read the key file")
        }
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var raw: Data?
        if body.hasPrefix("-----BEGIN PRIVATE KEY-----") {
            body = body.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            if let der = Data(base64Encoded: body), der.count == 48, Array(der.prefix(16)) == pkcs8Prefix { raw = der.suffix(32) }
        } else {
            raw = Data(base64Encoded: body)
        }
        guard let raw, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw KeyFileError(path: path, message: "not an Ed25519 private key (base64 of 32 bytes, or PKCS #8 PEM)")
        }
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
