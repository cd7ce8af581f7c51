public import Foundation
public import KoppelingCore
public import Logging

/// Where webhook endpoints and their delivery state are kept.
public protocol WebhookStore: Sendable {
    /// Registers or replaces a client's endpoint with a new secret; with `overlapUntil`, the
    /// previous secret stays valid until then (rotation). Delivery continues where it was.
    func setWebhook(clientId: String, url: String, secret: String, overlapUntil: Instant?) async throws

    /// A client's endpoint.
    func webhook(clientId: String) async throws -> WebhookEndpoint?

    /// Every endpoint, for operators.
    func webhooks() async throws -> [WebhookEndpoint]

    /// Leases the endpoints that are due (enabled, not waiting for a retry, not leased by another
    /// dispatcher, with a notice after their delivered sequence) to `owner` until `leaseUntil`,
    /// each with its next `limit` notices in sequence order. While the lease holds, no other
    /// dispatcher (in this process or another instance) delivers to that endpoint.
    func claimDueWebhooks(at now: Instant, owner: String, leaseUntil: Instant, limit: Int) async throws -> [WebhookLease]

    /// Saves an endpoint's delivery state (delivered sequence, attempts, next attempt, failure,
    /// disabled; never its URL or secrets) if `owner` still holds its lease, extending the lease
    /// to `leaseUntil` or releasing it when that is nil. False when the lease was lost: a replay
    /// or a new registration broke it, or it expired and another dispatcher took it.
    func saveDelivery(_ endpoint: WebhookEndpoint, owner: String, leaseUntil: Instant?) async throws -> Bool

    /// Delivers again from a sequence number on (and enables the endpoint).
    func replayWebhook(clientId: String, from sequence: Int) async throws -> Bool
}

/// An endpoint leased to one dispatcher with the notices it is to deliver next.
public struct WebhookLease: Sendable {
    public var endpoint: WebhookEndpoint
    public var notices: [(sequence: Int, body: String)]

    public init(endpoint: WebhookEndpoint, notices: [(sequence: Int, body: String)]) {
        self.endpoint = endpoint
        self.notices = notices
    }
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
    /// Who holds the leases this dispatcher takes (one per server instance).
    public let owner: String
    /// How long an endpoint may keep failing before it is disabled (three days).
    public var giveUpAfterSeconds: Int64 = 3 * 86_400
    /// The first retry delay; it doubles with each failure, up to `maxDelaySeconds`.
    public var firstDelaySeconds: Double = 1
    public var maxDelaySeconds: Double = 3600
    /// Notices leased per endpoint at a time, and how long a lease lasts without being renewed.
    public var batchSize = 200
    public var leaseSeconds: Int64 = 300
    /// How often the delivered sequence is saved during a run of successes. A crash in between
    /// delivers those notices again, with the same `webhook-id`: at least once, never lost.
    public var saveEverySeconds: Double = 1
    /// Decides at each delivery which notices may still go out (the server always sets it; without
    /// it, as in tests of the delivery mechanics alone, every notice goes out).
    public var screen: NoticeScreen?
    /// How long an endpoint waits when its next notice is held back (a suspended protocol, a
    /// disabled client) before it is looked at again; not a failure.
    public var heldRetrySeconds: Int64 = 60

    public init(store: any WebhookStore, owner: String = UUID().uuidString, clock: @escaping @Sendable () -> Instant, send: @escaping Send)
    {
        self.store = store
        self.owner = owner
        self.clock = clock
        self.send = send
    }

    /// One pass: every due endpoint gets its next notices, endpoints in parallel, each in order;
    /// returns how many were delivered.
    @discardableResult
    public func deliverDue() async throws -> Int {
        let now = clock()
        let leases = try await store.claimDueWebhooks(
            at: now, owner: owner, leaseUntil: now.adding(seconds: leaseSeconds), limit: batchSize)
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for lease in leases {
                group.addTask { try await deliver(lease) }
            }
            return try await group.reduce(0, +)
        }
    }

    /// Delivers due notices until none is due now, or the task is cancelled, then waits a little.
    /// Cancelled (graceful shutdown), it stops after the request in progress and releases its leases.
    /// A failure (the store unreachable, say) is logged when it starts and when deliveries resume.
    public func run(pollEvery interval: Duration = .milliseconds(250), logger: Logger) async {
        var failures = FailureStreak(task: "webhook deliveries", logger: logger)
        while !Task.isCancelled {
            var delivered = 0
            do {
                delivered = try await deliverDue()
                failures.succeeded()
            } catch is CancellationError {
                return
            } catch {
                failures.failed(error)
            }
            if delivered == 0 { try? await Task.sleep(for: interval) }  // cancelled: the loop ends
        }
    }

    func deliver(_ lease: WebhookLease) async throws -> Int {
        var endpoint = lease.endpoint
        var delivered = 0
        var lastSave = clock()
        let plan = try await screen?.plan(clientId: endpoint.clientId, notices: lease.notices, channel: .follow)
        let dropped = Set(plan?.dropped.map(\.sequence) ?? [])
        for (sequence, body) in lease.notices {
            let now = clock()
            if let held = plan?.held, sequence >= held.sequence {
                endpoint.nextAttemptAt = now.adding(seconds: heldRetrySeconds)
                break
            }
            // Passed over for good: the protocol no longer lets it go out.
            if dropped.contains(sequence) {
                endpoint.deliveredSequence = sequence
                continue
            }
            if let failure = await attempt(endpoint, sequence: sequence, body: body, at: now) {
                // A request cut short by shutdown is not the endpoint's failure.
                if Task.isCancelled { break }
                recordFailure(failure, of: &endpoint, at: now)
                break
            }
            endpoint.delivered(sequence)
            delivered += 1
            if Task.isCancelled { break }
            if now.seconds(since: lastSave) >= saveEverySeconds {
                guard try await store.saveDelivery(endpoint, owner: owner, leaseUntil: now.adding(seconds: leaseSeconds)) else {
                    return delivered
                }
                lastSave = now
            }
        }
        // In a task of its own: at shutdown this task is cancelled, and a cancelled task's store
        // call would be refused, losing what was delivered and keeping the lease for minutes.
        let (store, owner, final) = (store, owner, endpoint)
        _ = try await Task { try await store.saveDelivery(final, owner: owner, leaseUntil: nil) }.value
        return delivered
    }

    /// Sends one notice; nil on a 2xx answer, else what went wrong.
    func attempt(_ endpoint: WebhookEndpoint, sequence: Int, body: String, at now: Instant) async -> String? {
        // The id is the same for every attempt at one notice, so the receiver can drop repeats.
        let id = "notice-\(endpoint.clientId)-\(sequence)"
        let timestamp = now.microsecondsSinceEpoch / 1_000_000
        let headers = [
            "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(timestamp),
            "webhook-signature": StandardWebhooks.signature(
                id: id, timestamp: timestamp, body: body, secrets: endpoint.validSecrets(at: now)),
        ]
        // Only a category is kept: the endpoint's state must not tell what lies behind its URL.
        do {
            let status = try await send(endpoint.url, headers, body)
            return (200..<300).contains(status) ? nil : WebhookFailure.status(status).category
        } catch let failure as WebhookFailure {
            return failure.category
        } catch {
            return WebhookFailure.noAnswer.category
        }
    }

    func recordFailure(_ failure: String, of endpoint: inout WebhookEndpoint, at now: Instant) {
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
    }
}
