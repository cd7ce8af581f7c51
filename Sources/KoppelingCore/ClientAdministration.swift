/// A change to a registered client made by the register's operators: what it does to the client
/// is this type's one rule, whichever tool (the command line, a test) applies it.
public enum ClientAdministration: Sendable, Hashable {
    /// The client can no longer obtain or use tokens, nor use its certificate.
    case disable
    /// A disabled client may again obtain tokens (tokens issued before stay refused).
    case enable
    /// A new assertion key (base64 of the raw Ed25519 public key); tokens issued before are refused.
    case rotateKey(String)
    /// A new mutual-TLS certificate (its SHA-256 fingerprint, hexadecimal); the old one is refused.
    case rotateCertificate(String)
    /// The event sources an agency client may write.
    case setSources([String])

    /// The action's name in the client's history.
    public var name: String {
        switch self {
        case .disable: "disable"
        case .enable: "enable"
        case .rotateKey: "rotate-key"
        case .rotateCertificate: "rotate-certificate"
        case .setSources: "set-sources"
        }
    }
}

/// One entry of a client's history: what was done, when, by whom and why.
public struct ClientChange: Sendable, Hashable, Codable {
    public var at: Instant
    public var action: String
    public var reason: String
    public var by: String

    public init(at: Instant, action: String, reason: String, by: String) {
        self.at = at
        self.action = action
        self.reason = reason
        self.by = by
    }
}

extension RegisteredClient {
    /// Whether the client may authenticate at all.
    public var isEnabled: Bool { disabledAt == nil }

    /// Whether an access token issued at `issuedAt` is still good for this client: not disabled,
    /// and issued at or after the last key rotation or disabling.
    public func accepts(tokenIssuedAt issuedAt: Instant) -> Bool {
        guard isEnabled else { return false }
        guard let from = tokensValidFrom else { return true }
        return issuedAt >= from
    }

    /// The client after `change`, made at `at` by `by` for `reason`, with the change in its history.
    public func applying(_ change: ClientAdministration, at: Instant, by: String, reason: String) -> RegisteredClient {
        var client = self
        switch change {
        case .disable:
            client.disabledAt = at
            client.tokensValidFrom = at
        case .enable:
            client.disabledAt = nil
        case .rotateKey(let key):
            client.assertionKey = key
            client.tokensValidFrom = at
        case .rotateCertificate(let fingerprint):
            client.certificateFingerprint = fingerprint.lowercased()
        case .setSources(let sources):
            client.sources = sources
        }
        client.history = (history ?? []) + [ClientChange(at: at, action: change.name, reason: reason, by: by)]
        return client
    }
}
