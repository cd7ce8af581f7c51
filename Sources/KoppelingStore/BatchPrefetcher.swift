import Foundation
public import KoppelingCore

/// Reads batches from a source on a thread of its own, a few batches ahead, and transforms them
/// there, so that parsing and preparing the next events overlaps with storing the previous ones
/// (the machine has two cores, and an import spends about as long on each side).
public struct BatchPrefetcher<Output>: ~Copyable {
    private let pipe: Pipe

    /// Starts reading `source` ahead, at most `depth` batches, applying `transform` on the reading thread.
    public init<Source: EventBatchSource>(_ source: consuming Source, depth: Int = 4, transform: @escaping ([Event]) -> Output) {
        let pipe = Pipe(depth: depth)
        self.pipe = pipe
        var source = source
        let box = ReaderBox { try source.nextBatch().map(transform) }
        let thread = Thread {
            while true {
                let next: Result<Output?, any Error>
                do {
                    next = .success(try box.next())
                } catch {
                    next = .failure(error)
                }
                guard pipe.put(next) else { return }
                if case .success(let batch) = next, batch != nil { continue }
                return
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The next transformed batch, `nil` at the end; rethrows the source's error.
    public func next() throws -> Output? {
        try pipe.take().get()
    }

    deinit {
        pipe.cancel()
    }

    /// The bounded hand-over between the reading thread and the consumer.
    // Every access to `queue`, `cancelled` and `finished` holds the NSCondition's lock, which is
    // what makes sharing this class between the two threads safe.
    private final class Pipe: @unchecked Sendable {
        private let condition = NSCondition()
        private var queue: [Result<Output?, any Error>] = []
        private var cancelled = false
        private var finished = false
        private let depth: Int

        init(depth: Int) {
            self.depth = depth
        }

        /// Hands over one result, waiting while the queue is full; false once cancelled.
        func put(_ result: Result<Output?, any Error>) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            while queue.count >= depth && !cancelled { condition.wait() }
            guard !cancelled else { return false }
            queue.append(result)
            condition.broadcast()
            return true
        }

        func take() -> Result<Output?, any Error> {
            condition.lock()
            defer { condition.unlock() }
            if finished { return .success(nil) }
            while queue.isEmpty { condition.wait() }
            let result = queue.removeFirst()
            switch result {
            case .success(nil), .failure: finished = true
            default: break
            }
            condition.broadcast()
            return result
        }

        func cancel() {
            condition.lock()
            cancelled = true
            condition.broadcast()
            condition.unlock()
        }
    }

    // The source and the transform are captured by the box's closure and used only by the reading
    // thread from then on, so they are never accessed from two threads at once.
    private final class ReaderBox: @unchecked Sendable {
        let next: () throws -> Output?

        init(_ next: @escaping () throws -> Output?) {
            self.next = next
        }
    }
}
