public import Crypto
import Foundation

/// A C2SP `signed-note`: text ending in a newline, a blank line, and signature lines
/// `— NAME base64(keyID ‖ signature)`, with Ed25519 keys (signature type 0x01) whose key ID is
/// the first four bytes of `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)`.
public struct NoteSigner: Sendable {
    /// The key name, which for a log is its origin.
    public let name: String
    let key: Curve25519.Signing.PrivateKey

    public init(name: String, key: Curve25519.Signing.PrivateKey) {
        self.name = name
        self.key = key
    }

    /// The verifier for this signer's public key.
    public var verifier: NoteVerifier { NoteVerifier(name: name, publicKey: key.publicKey) }

    /// The signed note of a text (which must end with a newline).
    public func sign(_ text: String) throws -> String {
        precondition(text.hasSuffix("\n"))
        let signature = try key.signature(for: Array(text.utf8))
        return text + "\n" + "\u{2014} \(name) " + Data(verifier.keyID + Array(signature)).base64EncodedString() + "\n"
    }
}

/// Verifies C2SP signed notes made with one Ed25519 key.
public struct NoteVerifier: Sendable, Hashable {
    public let name: String
    public let publicKey: Curve25519.Signing.PublicKey

    public init(name: String, publicKey: Curve25519.Signing.PublicKey) {
        self.name = name
        self.publicKey = publicKey
    }

    public static func == (lhs: NoteVerifier, rhs: NoteVerifier) -> Bool {
        lhs.name == rhs.name && lhs.publicKey.rawRepresentation == rhs.publicKey.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(publicKey.rawRepresentation)
    }

    /// The key ID: `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[0..<4]`.
    public var keyID: [UInt8] {
        Array(SHA256.hash(data: Array(name.utf8) + [0x0A, 0x01] + Array(publicKey.rawRepresentation)).prefix(4))
    }

    /// The verifier key text `NAME+HEXID+base64(0x01 ‖ key)`.
    public var verifierKey: String {
        "\(name)+\(keyID.lowercaseHex)+\(Data([0x01] + Array(publicKey.rawRepresentation)).base64EncodedString())"
    }

    /// Parses a verifier key text.
    public init?(verifierKey: String) {
        let parts = verifierKey.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let raw = Data(base64Encoded: String(parts[2])), raw.count == 33, raw.first == 0x01,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw.dropFirst())
        else { return nil }
        self.init(name: String(parts[0]), publicKey: key)
        guard keyID.lowercaseHex == parts[1].lowercased() else { return nil }
    }

    /// The text of a note if it carries a valid signature of this key; nil otherwise.
    public func open(_ note: String) -> String? {
        guard let split = note.range(of: "\n\n", options: .backwards) else { return nil }
        let text = String(note[..<split.lowerBound]) + "\n"
        let signatures = note[split.upperBound...].split(separator: "\n")
        for line in signatures {
            let prefix = "\u{2014} \(name) "
            guard line.hasPrefix(prefix), let blob = Data(base64Encoded: String(line.dropFirst(prefix.count))), blob.count == 68,
                Array(blob.prefix(4)) == keyID
            else { continue }
            return publicKey.isValidSignature(blob.dropFirst(4), for: Array(text.utf8)) ? text : nil
        }
        return nil
    }
}

/// A C2SP `tlog-checkpoint`: the origin, the tree size and the root hash.
public struct Checkpoint: Sendable, Hashable {
    public var origin: String
    public var size: Int
    public var root: [UInt8]

    public init(origin: String, size: Int, root: [UInt8]) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The checkpoint's text: `origin\nsize\nbase64(root)\n`.
    public var text: String {
        "\(origin)\n\(size)\n\(Data(root).base64EncodedString())\n"
    }

    /// Parses a checkpoint's text (extension lines after the third are allowed and ignored).
    public init?(text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 4, !lines[0].isEmpty, let size = Int(lines[1]), size >= 0, String(size) == lines[1],
            let root = Data(base64Encoded: String(lines[2])), root.count == 32
        else { return nil }
        self.init(origin: String(lines[0]), size: size, root: Array(root))
    }
}
