import Foundation
import Hummingbird
public import KoppelingCore

/// A token bucket per client: `ratePerMinute` lookups a minute, with a burst of the same size.
/// Kept in memory per server instance.
public actor RateLimiter {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private var buckets: [String: Bucket] = [:]
    private let now: @Sendable () -> ContinuousClock.Instant

    /// A limiter reading the time from `now` (the monotonic clock unless a test moves it).
    public init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.now = now
    }

    /// Takes `count` tokens for a client; `nil` if allowed, else the seconds to wait.
    public func take(client: String, ratePerMinute: Int, count: Int = 1) -> Int? {
        let now = now()
        let capacity = Double(max(ratePerMinute, 1))
        let perSecond = capacity / 60
        var bucket = buckets[client] ?? Bucket(tokens: capacity, updated: now)
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(capacity, bucket.tokens + seconds * perSecond)
        bucket.updated = now
        defer { buckets[client] = bucket }
        guard bucket.tokens >= Double(count) else {
            return max(1, Int(((Double(count) - bucket.tokens) / perSecond).rounded(.up)))
        }
        bucket.tokens -= Double(count)
        return nil
    }
}

/// How many requests a minute each client may make on the routes of its role, whatever the route
/// (a token bucket per client, burst of the same size, per instance). Lookups are counted again
/// against the client's own `ratePerMinute`.
public struct RequestLimits: Sendable {
    /// Requests a minute per client, by role.
    public var perMinute: [ClientRole: Int]
    /// The buckets, shared with the lookups' own budget (their keys differ).
    public let limiter: RateLimiter

    public init(perMinute: [ClientRole: Int], limiter: RateLimiter = RateLimiter()) {
        self.perMinute = perMinute
        self.limiter = limiter
    }

    /// The defaults: generous for systems, tight for the citizen portal, which asks per person.
    public static let standardPerMinute: [ClientRole: Int] = [
        .recipient: 1200, .agency: 1200, .staff: 300, .citizenPortal: 120, .enforcement: 300,
    ]

    /// Takes one request of a client's budget, or refuses with 429 and `Retry-After`.
    func take(_ client: RegisteredClient) async throws {
        let rate = perMinute[client.role] ?? Self.standardPerMinute[client.role] ?? 60
        if let wait = await limiter.take(client: "request:\(client.id)", ratePerMinute: rate) {
            throw Problem(
                status: .tooManyRequests, type: Problem.typeURI("rate-limited"), title: "Too many requests",
                detail: "a \(client.role.rawValue) client may make \(rate) requests a minute; retry after \(wait) s",
                headers: [.retryAfter: String(wait)])
        }
    }
}
