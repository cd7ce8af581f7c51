import KoppelingStore
import Synchronization
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    final class Log: Sendable {
        let batches = Mutex<[[Int]]>([])
    }

    @Test("concurrent submissions share transactions; each submission stays whole; every item is written once")
    func sharing() async throws {
        let log = Log()
        let commit = GroupCommit<Int>(maxBatch: 50) { items in
            try await Task.sleep(for: .milliseconds(5))
            log.batches.withLock { $0.append(items) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for submission in 0..<100 {
                group.addTask { try await commit.submit([submission * 2, submission * 2 + 1]) }
            }
            try await group.waitForAll()
        }
        let batches = log.batches.withLock { $0 }
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<200))
        #expect(batches.count < 100, "100 submissions written in \(batches.count) transactions")
        #expect(batches.allSatisfy { $0.count <= 50 })
        for batch in batches {
            for item in batch where item % 2 == 0 { #expect(batch.contains(item + 1), "submission \(item / 2) split") }
        }
    }

    struct Refused: Error {}

    @Test("a submission that cannot be written fails alone; the others in its transaction are written")
    func isolation() async throws {
        let log = Log()
        let commit = GroupCommit<Int>(maxBatch: 1000) { items in
            try await Task.sleep(for: .milliseconds(2))
            if items.contains(13) { throw Refused() }
            log.batches.withLock { $0.append(items) }
        }
        let results = await withTaskGroup(of: (Int, Bool).self) { group in
            for item in 0..<40 {
                group.addTask { ((item), (try? await commit.submit([item])) != nil) }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.filter { !$0.value }.map(\.key) == [13])
        #expect(log.batches.withLock { $0.flatMap { $0 } }.sorted() == Array(0..<40).filter { $0 != 13 })
    }
}
