import Foundation
import KoppelingHTTP
import Synchronization
import Testing

/// The token bucket, on a clock the test moves: no sleeping, no timing.
@Suite("Rate limiter")
struct RateLimiterTests {
    /// A monotonic instant that only the test advances.
    final class TestClock: Sendable {
        let start = ContinuousClock.now
        let offset = Mutex(Duration.zero)

        func advance(_ duration: Duration) { offset.withLock { $0 += duration } }
        var now: ContinuousClock.Instant { start.advanced(by: offset.withLock { $0 }) }
    }

    @Test("a full bucket allows its burst, refuses the next with the seconds to wait, and refills at the rate")
    func bucket() async {
        let clock = TestClock()
        let limiter = RateLimiter(now: { clock.now })
        for _ in 0..<60 { #expect(await limiter.take(client: "a", ratePerMinute: 60) == nil) }
        #expect(await limiter.take(client: "a", ratePerMinute: 60) == 1, "60 a minute: one more after a second")
        #expect(await limiter.take(client: "b", ratePerMinute: 60) == nil, "each client has its own bucket")
        clock.advance(.milliseconds(999))
        #expect(await limiter.take(client: "a", ratePerMinute: 60) == 1)
        clock.advance(.milliseconds(2))
        #expect(await limiter.take(client: "a", ratePerMinute: 60) == nil)
        #expect(await limiter.take(client: "a", ratePerMinute: 60, count: 10) == 10, "ten need ten seconds")
        clock.advance(.seconds(3600))
        #expect(await limiter.take(client: "a", ratePerMinute: 60, count: 60) == nil, "refilled, never above the burst")
        #expect(await limiter.take(client: "a", ratePerMinute: 60) == 1)
    }
}
