import Synchronization

/// Values loaded from the store and kept for a short while, for what every request reads and
/// staff rarely change (the protocol set, registered clients). A change made by this process
/// clears the cache at once; one made by another process (the command line on the same file,
/// another instance) is seen within `lifetime`.
public final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var expires: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Counts the clearings, so that a load that began before one is not cached after it.
        var generation = 0
    }

    private let state = Mutex(State())
    private let lifetime: Duration

    public init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    /// The cached value for a key, or the loaded one (then cached).
    public func value(for key: Key, load: () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { ($0.entries[key], $0.generation) }
        if let cached, cached.expires > now {
            return cached.value
        }
        let value = try await load()
        state.withLock {
            if $0.generation == generation { $0.entries[key] = Entry(value: value, expires: now + lifetime) }
        }
        return value
    }

    /// Forgets every value, after a change made by this process.
    public func removeAll() {
        state.withLock {
            $0.entries.removeAll()
            $0.generation += 1
        }
    }
}
