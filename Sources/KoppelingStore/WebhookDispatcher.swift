public import KoppelingCore

/// Where webhook endpoints and their delivery state are kept.
public protocol WebhookStore: Sendable {
    /// Registers or replaces a client's endpoint with a new secret; with `overlapUntil`, the
    /// previous secret stays valid until then (rotation). Delivery continues where it was.
    func setWebhook(clientId: String, url: String, secret: String, overlapUntil: Instant?) async throws

    /// A client's endpoint.
    func webhook(clientId: String) async throws -> WebhookEndpoint?

    /// Every endpoint, for operators.
    func webhooks() async throws -> [WebhookEndpoint]

    /// The endpoints that are due (enabled, not waiting for a retry, with a notice after their
    /// delivered sequence), each with that next notice.
    func dueWebhooks(at now: Instant) async throws -> [(endpoint: WebhookEndpoint, sequence: Int, body: String)]

    /// Saves an endpoint's delivery state.
    func saveWebhook(_ endpoint: WebhookEndpoint) async throws

    /// Delivers again from a sequence number on (and enables the endpoint).
    func replayWebhook(clientId: String, from sequence: Int) async throws -> Bool
}

/// Delivers change notices to the clients' webhook endpoints, in order per client, at least
/// once, from the durable notice store (a restart continues where the last acknowledged
/// delivery left off), retrying with exponential back-off and jitter, and disabling an endpoint
/// that has failed for longer than `giveUpAfter`.
public struct WebhookDispatcher: Sendable {
    /// Sends one request; returns the HTTP status or throws when there is no answer.
    public typealias Send = @Sendable (_ url: String, _ headers: [String: String], _ body: String) async throws -> Int

    public let store: any WebhookStore
    let send: Send
    let clock: @Sendable () -> Instant
    /// How long an endpoint may keep failing before it is disabled (three days).
    public var giveUpAfterSeconds: Int64 = 3 * 86_400
    /// The first retry delay; it doubles with each failure, up to `maxDelaySeconds`.
    public var firstDelaySeconds: Double = 1
    public var maxDelaySeconds: Double = 3600

    public init(store: any WebhookStore, clock: @escaping @Sendable () -> Instant, send: @escaping Send) {
        self.store = store
        self.clock = clock
        self.send = send
    }

    /// One pass: every due endpoint gets its next notice; returns how many were delivered.
    @discardableResult
    public func deliverDue() async throws -> Int {
        var delivered = 0
        for (endpoint, sequence, body) in try await store.dueWebhooks(at: clock()) {
            if try await deliver(endpoint, sequence: sequence, body: body) { delivered += 1 }
        }
        return delivered
    }

    /// Delivers due notices until none is due now, or the task is cancelled, then waits a little.
    public func run(pollEvery interval: Duration = .milliseconds(250)) async {
        while !Task.isCancelled {
            let delivered = (try? await deliverDue()) ?? 0
            if delivered == 0 { try? await Task.sleep(for: interval) }
        }
    }

    func deliver(_ endpoint: WebhookEndpoint, sequence: Int, body: String) async throws -> Bool {
        var endpoint = endpoint
        let now = clock()
        // The id is the same for every attempt at one notice, so the receiver can drop repeats.
        let id = "notice-\(endpoint.clientId)-\(sequence)"
        let timestamp = now.microsecondsSinceEpoch / 1_000_000
        let headers = [
            "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(timestamp),
            "webhook-signature": StandardWebhooks.signature(id: id, timestamp: timestamp, body: body, secrets: endpoint.validSecrets(at: now)),
        ]
        var failure: String?
        do {
            let status = try await send(endpoint.url, headers, body)
            if !(200..<300).contains(status) { failure = "HTTP \(status)" }
        } catch {
            failure = "no answer: \(type(of: error))"
        }
        guard let failure else {
            endpoint.deliveredSequence = sequence
            endpoint.attempts = 0
            endpoint.nextAttemptAt = nil
            endpoint.failingSince = nil
            try await store.saveWebhook(endpoint)
            return true
        }
        endpoint.attempts += 1
        endpoint.lastError = failure
        let since = endpoint.failingSince ?? now
        endpoint.failingSince = since
        if now.microsecondsSinceEpoch - since.microsecondsSinceEpoch >= giveUpAfterSeconds * 1_000_000 {
            endpoint.disabled = true
            endpoint.nextAttemptAt = nil
        } else {
            let base = min(maxDelaySeconds, firstDelaySeconds * Double(1 << min(endpoint.attempts - 1, 30)))
            let delay = base * Double.random(in: 0.5...1.0)
            endpoint.nextAttemptAt = Instant(microsecondsSinceEpoch: now.microsecondsSinceEpoch + Int64(delay * 1_000_000))
        }
        try await store.saveWebhook(endpoint)
        return false
    }
}
