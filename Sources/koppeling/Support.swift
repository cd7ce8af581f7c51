import Foundation
import KoppelingApp
import KoppelingCore
import Logging

/// Sends the process's logs to standard output as JSON lines (`KOPPELING_LOG_FORMAT=json`, the
/// default) or as plain text (`text`). Once per process, before the first logger is made.
func bootstrapLogging() {
    let text = ProcessInfo.processInfo.environment["KOPPELING_LOG_FORMAT"] == "text"
    LoggingSystem.bootstrap { label in
        text ? StreamLogHandler.standardOutput(label: label) as any LogHandler : JSONLogHandler(label: label)
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension RegisterOptions {
    /// The configuration from the environment with these options applied.
    func configuration() -> KoppelingConfiguration {
        var configuration = KoppelingConfiguration.fromEnvironment()
        if let database { configuration.databasePath = database }
        if allowTestNumbers { configuration.allowsTestNumbers = true }
        return configuration
    }
}

/// A monotonic stopwatch.
struct Stopwatch {
    let start = ContinuousClock.now

    var seconds: Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// Whether standard error is a terminal (for progress lines).
var standardErrorIsTerminal: Bool { isatty(2) == 1 }
