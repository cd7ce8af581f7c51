/// Group commit: concurrent callers each submit items and wait until they are durably written;
/// what arrives while one transaction is being written goes together in the next one, so that
/// many requests share one `fsync` instead of queueing for one each.
///
/// The items of one submission are always written in the same transaction. A transaction that
/// fails is retried submission by submission, so that one bad submission fails only its caller.
public actor GroupCommit<Item: Sendable> {
    private var pending: [(items: [Item], waiter: CheckedContinuation<Void, any Error>)] = []
    private var writing = false
    private let maxBatch: Int
    private let write: @Sendable ([Item]) async throws -> Void

    /// - Parameters:
    ///   - maxBatch: The most items one transaction takes (a larger submission goes alone).
    ///   - write: Writes items durably in one transaction, all or none.
    public init(maxBatch: Int = 2000, write: @escaping @Sendable ([Item]) async throws -> Void) {
        self.maxBatch = maxBatch
        self.write = write
    }

    /// Returns once every item is durably written; throws if they could not be.
    public func submit(_ items: [Item]) async throws {
        guard !items.isEmpty else { return }
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            pending.append((items, waiter))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            var count = 0
            var taken = 0
            while taken < pending.count, taken == 0 || count + pending[taken].items.count <= maxBatch {
                count += pending[taken].items.count
                taken += 1
            }
            let batch = Array(pending.prefix(taken))
            pending.removeFirst(taken)
            // The actor is free while the batch is written, so new submissions gather for the next one.
            do {
                try await write(batch.flatMap(\.items))
                for entry in batch { entry.waiter.resume() }
            } catch {
                guard batch.count > 1 else {
                    batch[0].waiter.resume(throwing: error)
                    continue
                }
                for entry in batch {
                    do {
                        try await write(entry.items)
                        entry.waiter.resume()
                    } catch {
                        entry.waiter.resume(throwing: error)
                    }
                }
            }
        }
        writing = false
    }
}
