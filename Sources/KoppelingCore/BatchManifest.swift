public import Crypto
import Foundation

/// The manifest of a batch file of change notices, signed with the register's Ed25519 batch key:
/// who it is for, under which protocol, the period and sequence numbers it covers, how many
/// records it holds and the SHA-256 of the file.
public struct BatchManifest: Sendable, Hashable {
    public var batchId: String
    public var clientId: String
    public var protocolId: String?
    public var protocolVersion: Int?
    public var periodStart: Instant
    public var periodEnd: Instant
    public var firstSequence: Int
    public var lastSequence: Int
    public var recordCount: Int
    /// SHA-256 of the file's bytes, lowercase hexadecimal.
    public var sha256: String

    public init(
        batchId: String, clientId: String, protocolId: String?, protocolVersion: Int?, periodStart: Instant, periodEnd: Instant,
        firstSequence: Int, lastSequence: Int, recordCount: Int, sha256: String
    ) {
        self.batchId = batchId
        self.clientId = clientId
        self.protocolId = protocolId
        self.protocolVersion = protocolVersion
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.recordCount = recordCount
        self.sha256 = sha256
    }

    /// The manifest's members as a JSON object.
    var value: JSONValue {
        var members: [String: JSONValue] = [
            "batchId": .string(batchId), "clientId": .string(clientId), "periodStart": .string(periodStart.description),
            "periodEnd": .string(periodEnd.description), "firstSequence": .integer(Int64(firstSequence)),
            "lastSequence": .integer(Int64(lastSequence)),
            "recordCount": .integer(Int64(recordCount)), "sha256": .string(sha256),
        ]
        if let protocolId { members["protocolId"] = .string(protocolId) }
        if let protocolVersion { members["protocolVersion"] = .integer(Int64(protocolVersion)) }
        return .object(members)
    }

    /// The signed manifest document: `{"manifest":{…},"signature":base64,"keyFingerprint":hex}`,
    /// the signature over the canonical JSON of `manifest`.
    public func signed(with key: Curve25519.Signing.PrivateKey) throws -> String {
        let signature = try key.signature(for: Array(value.canonicalText.utf8))
        return JSONValue.object([
            "manifest": value, "signature": .string(Data(signature).base64EncodedString()),
            "keyFingerprint": .string(SHA256.hash(data: key.publicKey.rawRepresentation).lowercaseHex),
        ]).canonicalText
    }

    /// Why a batch file does not verify.
    public struct VerificationError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Checks a signed manifest with a public key and the file it describes: the signature, the
    /// file's SHA-256, its record count and its sequence numbers. Returns the manifest's members.
    public static func verify(signedManifest: String, file: [UInt8], key: Curve25519.Signing.PublicKey) throws -> [String: JSONValue] {
        func fail(_ message: String) -> VerificationError { VerificationError(description: message) }
        guard case .object(let document)? = try? JSONValue.parse(signedManifest), case .object(let manifest)? = document["manifest"],
            case .string(let signatureText)? = document["signature"], let signature = Data(base64Encoded: signatureText)
        else { throw fail("not a signed manifest") }
        guard key.isValidSignature(signature, for: Array(JSONValue.object(manifest).canonicalText.utf8)) else {
            throw fail("the manifest's signature does not verify with this key")
        }
        guard case .string(let digest)? = manifest["sha256"], digest == SHA256.hash(data: file).lowercaseHex else {
            throw fail("the file's SHA-256 differs from the manifest's")
        }
        let lines = file.split(separator: UInt8(ascii: "\n"))
        guard case .integer(let count)? = manifest["recordCount"], Int(count) == lines.count else {
            throw fail("the file holds \(lines.count) records, the manifest says otherwise")
        }
        var sequences: [Int64] = []
        for line in lines {
            guard case .object(let record)? = try? JSONValue.parse(String(decoding: line, as: UTF8.self)),
                case .integer(let sequence)? = record["sequence"]
            else {
                throw fail("a record is not a change notice")
            }
            sequences.append(sequence)
        }
        if let first = sequences.first, let last = sequences.last {
            guard case .integer(let firstSequence)? = manifest["firstSequence"],
                case .integer(let lastSequence)? = manifest["lastSequence"],
                first == firstSequence, last == lastSequence, sequences == Array(first...last)
            else { throw fail("the records' sequence numbers are not the manifest's range without gaps") }
        }
        return manifest
    }
}
