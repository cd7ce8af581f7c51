public import KoppelingCore
public import KoppelingStore
import Synchronization

/// A full verification of the transparency log started from the console: one at a time per
/// server process, its progress readable while it runs, its result kept until the next one.
/// (Kept in the process: after a restart the page shows that none ran since; `koppeling log
/// verify` remains the operator's tool.)
public final class LogVerificationRunner: Sendable {
    /// Where the verification stands.
    public enum State: Sendable {
        case never
        case running(startedAt: Instant, by: String, entries: Int, of: Int)
        case finished(startedAt: Instant, finishedAt: Instant, by: String, entries: Int, checkpoints: Int, problem: String?)
        case failed(startedAt: Instant, finishedAt: Instant, by: String, error: String)
    }

    let state = Mutex<State>(.never)
    let log: TransparencyLog
    let clock: @Sendable () -> Instant

    public init(log: TransparencyLog, clock: @escaping @Sendable () -> Instant) {
        self.log = log
        self.clock = clock
    }

    /// The state now.
    public var current: State { state.withLock { $0 } }

    /// Starts a verification by `user`, unless one is running; whether it started.
    @discardableResult public func start(by user: String) async throws -> Bool {
        let total = try await log.store.logSize()
        let startedAt = clock()
        let started = state.withLock { state -> Bool in
            if case .running = state { return false }
            state = .running(startedAt: startedAt, by: user, entries: 0, of: total)
            return true
        }
        guard started else { return false }
        Task.detached { [self] in
            do {
                let result = try await log.verify { entries in
                    self.state.withLock { state in
                        if case .running(let at, let by, _, let total) = state {
                            state = .running(startedAt: at, by: by, entries: entries, of: total)
                        }
                    }
                }
                let problem = result.problem.map { "bij registratie \($0.index): \($0.message)" }
                state.withLock {
                    $0 = .finished(
                        startedAt: startedAt, finishedAt: clock(), by: user, entries: result.entries, checkpoints: result.checkpoints,
                        problem: problem)
                }
            } catch {
                state.withLock { $0 = .failed(startedAt: startedAt, finishedAt: clock(), by: user, error: "\(error)") }
            }
        }
        return true
    }
}
