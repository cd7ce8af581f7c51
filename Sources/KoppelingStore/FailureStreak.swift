public import Logging

/// The log of a background loop's failures: the first failure of a run of them is an error with
/// its type, the end of the run a notice with how many attempts failed, so that a loop retrying
/// every second neither hides its trouble nor floods the log. Never logs an error's text, which
/// may carry a driver's words.
public struct FailureStreak: Sendable {
    /// What the loop does, for the log.
    public let task: String
    let logger: Logger
    /// Failed attempts since the last success.
    public private(set) var count = 0

    /// A streak for the loop doing `task`.
    public init(task: String, logger: Logger) {
        self.task = task
        self.logger = logger
    }

    /// An attempt failed.
    public mutating func failed(_ error: any Error) {
        count += 1
        if count == 1 {
            logger.error("\(task) failed; retrying", metadata: ["error": "\(type(of: error))"])
        }
    }

    /// An attempt succeeded.
    public mutating func succeeded() {
        if count > 0 {
            logger.notice("\(task) resumed", metadata: ["failed_attempts": "\(count)"])
            count = 0
        }
    }
}
