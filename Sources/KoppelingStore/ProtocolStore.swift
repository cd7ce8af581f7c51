public import Crypto
import Foundation
public import KoppelingCore

/// A party registered in the system, with the Ed25519 public keys its controller signs with and
/// those its DPO signs advice with.
public struct RegisteredParty: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// The controller's raw Ed25519 public keys, base64.
    public var publicKeys: [String]
    /// The DPO's raw Ed25519 public keys, base64.
    public var dpoKeys: [String]

    public init(id: String, name: String, publicKeys: [String], dpoKeys: [String] = []) {
        self.id = id
        self.name = name
        self.publicKeys = publicKeys
        self.dpoKeys = dpoKeys
    }

    /// Keys (base64 of the raw bytes) as Ed25519 public keys; unreadable ones are left out.
    static func keys(_ texts: [String]) -> [Curve25519.Signing.PublicKey] {
        texts.compactMap { Data(base64Encoded: $0) }.compactMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }

    /// The controller's keys.
    public var controllerKeys: [Curve25519.Signing.PublicKey] { Self.keys(publicKeys) }
    /// The DPO's keys.
    public var dpoPublicKeys: [Curve25519.Signing.PublicKey] { Self.keys(dpoKeys) }
}

/// Where protocol versions and parties are kept. Every method is atomic.
public protocol ProtocolStore: Sendable {
    /// Stores a new protocol version; refuses with ``ProtocolStoreError/versionExists`` if that
    /// id and version are already stored (a signed version never changes: a change is a new version).
    func insertProtocol(_ record: ProtocolRecord) async throws

    /// One protocol version.
    func protocolRecord(id: String, version: Int) async throws -> ProtocolRecord?

    /// Every stored protocol version.
    func protocolRecords() async throws -> [ProtocolRecord]

    /// Applies a transition to a stored version in one transaction and returns the new record.
    func updateProtocol(
        id: String, version: Int, _ transition: @escaping @Sendable (ProtocolRecord) throws -> ProtocolRecord
    ) async throws -> ProtocolRecord

    /// Registers a party, or adds public keys (controller and DPO keys) to a registered one.
    func registerParty(_ party: RegisteredParty) async throws

    /// A registered party.
    func party(id: String) async throws -> RegisteredParty?
}

/// A protocol storage failure.
public enum ProtocolStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case versionExists(id: String, version: Int)
    case notFound(id: String, version: Int)
    case unknownParty(String)

    public var description: String {
        switch self {
        case .versionExists(let id, let version): "protocol \(id) version \(version) already exists; a change is a new version"
        case .notFound(let id, let version): "no protocol \(id) version \(version)"
        case .unknownParty(let id): "no registered party \(id)"
        }
    }

    /// The failure in Dutch, for the console.
    public var dutch: String {
        switch self {
        case .versionExists(let id, let version): "protocol \(id) versie \(version) bestaat al; een wijziging is een nieuwe versie"
        case .notFound(let id, let version): "protocol \(id) versie \(version) bestaat niet"
        case .unknownParty(let id): "\(id) is geen geregistreerde partij"
        }
    }
}
