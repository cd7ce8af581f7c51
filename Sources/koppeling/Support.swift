import Foundation
import KoppelingApp
import KoppelingCore

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
