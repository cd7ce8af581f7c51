public import KoppelingCore

/// Registers or rotates a recipient's webhook endpoint, for the staff route and the command line
/// alike: the URL is checked against the ``WebhookAddressPolicy``, a new secret is made (the
/// previous one stays valid for the overlap), and the act is a record in the transparency log.
public struct WebhookRegistrar: Sendable {
    public let exchange: ExchangeService
    public let webhooks: any WebhookStore
    public let policy: WebhookAddressPolicy

    public init(exchange: ExchangeService, webhooks: any WebhookStore, policy: WebhookAddressPolicy) {
        self.exchange = exchange
        self.webhooks = webhooks
        self.policy = policy
    }

    /// Why a registration is refused.
    public enum Refusal: Error, Sendable, Equatable {
        case invalidURL(String)
        case overlapOutOfRange
        case notARecipient
    }

    /// What a registration made: the secret (shown once) and until when the previous one stays valid.
    public struct Registered: Sendable {
        public var clientId: String
        public var url: String
        public var secret: String
        public var previousSecretValidUntil: Instant?
    }

    /// Registers `url` for the recipient client `clientId`, by `actor` of `party`; the previous
    /// secret stays valid for `overlapHours` (0 to 720).
    public func register(
        clientId: String, url: String, overlapHours: Int, actor: String, party: String, requestId: String, traceparent: String?
    ) async throws -> Registered {
        if let problem = policy.problem(url: url) { throw Refusal.invalidURL(problem) }
        guard (0...720).contains(overlapHours) else { throw Refusal.overlapOutOfRange }
        guard let client = try await exchange.store.client(id: clientId), client.role == .recipient else { throw Refusal.notARecipient }
        let existing = try await webhooks.webhook(clientId: client.id)
        let now = exchange.clock()
        let overlap =
            existing == nil ? nil : Instant(microsecondsSinceEpoch: now.microsecondsSinceEpoch + Int64(overlapHours) * 3_600_000_000)
        // Recorded first: an endpoint that is not in the log is never set.
        _ = try await exchange.recordAccess(
            actor: actor, party: party, channel: .administration, outcome: .webhookSet, purpose: "",
            caseReference: "webhook:\(client.id)", subject: nil, requestId: requestId, traceparent: traceparent)
        let secret = StandardWebhooks.newSecret()
        try await webhooks.setWebhook(clientId: client.id, url: url, secret: secret, overlapUntil: overlap)
        return Registered(clientId: client.id, url: url, secret: secret, previousSecretValidUntil: overlap)
    }
}
