import KoppelingStore
import Logging
import Synchronization
import Testing

/// Keeps what is logged, to read it back.
struct RecordingLogHandler: LogHandler {
    let shared: SharedLines
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    final class SharedLines: Sendable {
        let lines = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])
    }

    init(_ shared: SharedLines) {
        self.shared = shared
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        shared.lines.withLock { $0.append((event.level, "\(event.message)", event.metadata ?? [:])) }
    }
}

@Suite("Background loops' failures")
struct FailureStreakTests {
    struct StoreDown: Error {}

    @Test("a run of failures is logged once with the error's type, and its end with the count; the error's text never")
    func streak() {
        let shared = RecordingLogHandler.SharedLines()
        var streak = FailureStreak(task: "checkpoints", logger: Logger(label: "test") { _ in RecordingLogHandler(shared) })
        streak.succeeded()
        for _ in 0..<3 { streak.failed(StoreDown()) }
        #expect(streak.count == 3)
        streak.succeeded()
        streak.failed(StoreDown())
        let lines = shared.lines.withLock { $0 }
        #expect(lines.map(\.level) == [.error, .notice, .error])
        #expect(lines.map(\.message) == ["checkpoints failed; retrying", "checkpoints resumed", "checkpoints failed; retrying"])
        #expect(lines[0].metadata["error"] == "StoreDown")
        #expect(lines[1].metadata["failed_attempts"] == "3")
    }
}
