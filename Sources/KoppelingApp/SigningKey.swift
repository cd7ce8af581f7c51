public import Crypto
public import KoppelingStore

/// The register's signing keys that can be rotated: the transparency log's key and the batch
/// manifests' key. Rotation keeps the retired key's public part, so that what it signed still
/// verifies; the secret itself is replaced. Running instances take the new key when restarted.
public enum SigningKey: String, Sendable, CaseIterable {
    case log
    case batch

    /// The name of its server secret.
    public var secretName: String {
        switch self {
        case .log: "log-signing-key"
        case .batch: "batch-signing-key"
        }
    }

    /// Retires the current key and makes a new one; returns the new public key.
    public func rotate(in store: any ExchangeStore) async throws -> Curve25519.Signing.PublicKey {
        let current = try Curve25519.Signing.PrivateKey(rawRepresentation: try await store.serverSecret(named: secretName))
        let new = try await store.rotateServerSecret(named: secretName, retiredPublicKey: Array(current.publicKey.rawRepresentation))
        return try Curve25519.Signing.PrivateKey(rawRepresentation: new).publicKey
    }
}
