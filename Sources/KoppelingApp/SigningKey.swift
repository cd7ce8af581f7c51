public import Crypto
import KoppelingHTTP
public import KoppelingStore

/// The register's signing keys that can be rotated: the transparency log's key, the batch
/// manifests' key and the access tokens' key. Rotation keeps the retired key's public part, so
/// that what it signed still verifies; the secret itself is replaced. Running instances take a new
/// log or batch key when restarted, a new token key within a second (and accept tokens signed by
/// the retired one for one token lifetime).
public enum SigningKey: String, Sendable, CaseIterable {
    case log
    case batch
    case token

    /// The name of its server secret.
    public var secretName: String {
        switch self {
        case .log: "log-signing-key"
        case .batch: "batch-signing-key"
        case .token: TokenService.secretName
        }
    }

    /// Retires the current key and makes a new one; returns the new public key.
    public func rotate(in store: any ExchangeStore) async throws -> Curve25519.Signing.PublicKey {
        let current = try Curve25519.Signing.PrivateKey(rawRepresentation: try await store.serverSecret(named: secretName))
        let new = try await store.rotateServerSecret(named: secretName, retiredPublicKey: Array(current.publicKey.rawRepresentation))
        return try Curve25519.Signing.PrivateKey(rawRepresentation: new).publicKey
    }
}
