public import KoppelingCore

/// A party registered in the system, with the Ed25519 public keys its controller signs with.
public struct RegisteredParty: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// Raw Ed25519 public keys, base64.
    public var publicKeys: [String]

    public init(id: String, name: String, publicKeys: [String]) {
        self.id = id
        self.name = name
        self.publicKeys = publicKeys
    }
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
    func updateProtocol(id: String, version: Int, _ transition: @escaping @Sendable (ProtocolRecord) throws -> ProtocolRecord) async throws -> ProtocolRecord

    /// Registers a party, or adds public keys to a registered one.
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
}
