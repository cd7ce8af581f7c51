import Crypto
import Foundation

/// Signatures of the Standard Webhooks specification: `webhook-signature` holds
/// `v1,base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"))` for each valid
/// secret, separated by spaces; a secret is `whsec_` followed by the base64 of its key.
public enum StandardWebhooks {
    /// A new secret: `whsec_` and 24 random bytes in base64.
    public static func newSecret() -> String {
        "whsec_" + Data(SymmetricKey(size: .init(bitCount: 192)).withUnsafeBytes { Array($0) }).base64EncodedString()
    }

    /// The key bytes of a `whsec_` secret.
    public static func key(of secret: String) -> [UInt8]? {
        guard secret.hasPrefix("whsec_"), let data = Data(base64Encoded: String(secret.dropFirst(6))), !data.isEmpty else { return nil }
        return Array(data)
    }

    /// The `webhook-signature` header value for a message, signed with every secret given.
    public static func signature(id: String, timestamp: Int64, body: String, secrets: [String]) -> String {
        let content = Array("\(id).\(timestamp).\(body)".utf8)
        return secrets.compactMap(key(of:)).map { key in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: key))).base64EncodedString()
        }.joined(separator: " ")
    }
}

/// A client's webhook endpoint and the state of its deliveries, kept in step with its change
/// notices: the notices after `deliveredSequence` are delivered in order, one at a time.
public struct WebhookEndpoint: Sendable, Hashable, Codable {
    /// A signing secret, with the end of its overlap after a rotation.
    public struct Secret: Sendable, Hashable, Codable {
        public var secret: String
        public var validUntil: Instant?

        public init(secret: String, validUntil: Instant?) {
            self.secret = secret
            self.validUntil = validUntil
        }
    }

    public var clientId: String
    public var url: String
    public var secrets: [Secret]
    /// The last notice sequence number delivered.
    public var deliveredSequence: Int
    /// Failed attempts at the next notice.
    public var attempts: Int
    /// Not before this instant (after a failure).
    public var nextAttemptAt: Instant?
    /// Since when the next notice has failed.
    public var failingSince: Instant?
    public var lastError: String?
    /// Disabled after failing for too long; shown to operators, until re-registered or replayed.
    public var disabled: Bool

    public init(clientId: String, url: String, secrets: [Secret], deliveredSequence: Int) {
        self.clientId = clientId
        self.url = url
        self.secrets = secrets
        self.deliveredSequence = deliveredSequence
        self.attempts = 0
        self.nextAttemptAt = nil
        self.failingSince = nil
        self.lastError = nil
        self.disabled = false
    }

    /// Copies the delivery state of another copy of this endpoint, keeping URL and secrets.
    public mutating func takeDeliveryState(of other: WebhookEndpoint) {
        deliveredSequence = other.deliveredSequence
        attempts = other.attempts
        nextAttemptAt = other.nextAttemptAt
        failingSince = other.failingSince
        lastError = other.lastError
        disabled = other.disabled
    }

    /// Registered again (a new URL or a rotated secret): the new secret signs from now on, the
    /// old ones also until `overlapUntil` (none without it), and a disabled endpoint tries again
    /// at once. Where its deliveries stand is kept.
    public mutating func reregister(url: String, secret: String, overlapUntil: Instant?) {
        self.url = url
        let kept = overlapUntil.map { until in secrets.map { Secret(secret: $0.secret, validUntil: until) } } ?? []
        secrets = [Secret(secret: secret, validUntil: nil)] + kept
        disabled = false
        nextAttemptAt = nil
    }

    /// The endpoint for a registration: an existing one registered again, or a new one that
    /// receives the notices after `lastSequence` (older ones stay in the feed).
    public static func registering(
        _ existing: WebhookEndpoint?, clientId: String, url: String, secret: String, overlapUntil: Instant?, lastSequence: Int
    ) -> WebhookEndpoint {
        guard var endpoint = existing else {
            return WebhookEndpoint(
                clientId: clientId, url: url, secrets: [Secret(secret: secret, validUntil: nil)], deliveredSequence: lastSequence)
        }
        endpoint.reregister(url: url, secret: secret, overlapUntil: overlapUntil)
        return endpoint
    }

    /// Delivers again from notice `sequence` on, as a fresh start: no failures remembered.
    public mutating func replay(from sequence: Int) {
        deliveredSequence = max(0, sequence - 1)
        disabled = false
        clearFailures()
    }

    /// Notice `sequence` was delivered (or passed over for good).
    public mutating func delivered(_ sequence: Int) {
        deliveredSequence = sequence
        clearFailures()
    }

    private mutating func clearFailures() {
        attempts = 0
        nextAttemptAt = nil
        failingSince = nil
    }

    /// Whether the dispatcher should try it at `now`: enabled, and not waiting after a failure.
    public func isDue(at now: Instant) -> Bool {
        !disabled && (nextAttemptAt.map { $0 <= now } ?? true)
    }

    /// The secrets valid at an instant.
    public func validSecrets(at now: Instant) -> [String] {
        secrets.filter { $0.validUntil.map { now < $0 } ?? true }.map(\.secret)
    }
}
