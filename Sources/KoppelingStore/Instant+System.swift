import Foundation
public import KoppelingCore

extension Instant {
    /// The system clock with microsecond precision (the core itself never reads a clock).
    public static let systemNow: @Sendable () -> Instant = {
        Instant(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}
