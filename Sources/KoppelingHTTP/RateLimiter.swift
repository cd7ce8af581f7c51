import Foundation

/// A token bucket per client: `ratePerMinute` lookups a minute, with a burst of the same size.
/// Kept in memory per server instance.
public actor RateLimiter {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private var buckets: [String: Bucket] = [:]
    private let clock = ContinuousClock()

    public init() {}

    /// Takes `count` tokens for a client; `nil` if allowed, else the seconds to wait.
    public func take(client: String, ratePerMinute: Int, count: Int = 1) -> Int? {
        let now = clock.now
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
