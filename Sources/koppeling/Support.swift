import ArgumentParser
import Crypto
import Foundation
import KoppelingApp
import KoppelingCore
import Logging

/// Sends the process's logs to standard output as JSON lines (`KOPPELING_LOG_FORMAT=json`, the
/// default) or as plain text (`text`). Once per process, before the first logger is made.
func bootstrapLogging(_ configuration: KoppelingConfiguration) {
    let text = configuration.logFormat == "text"
    LoggingSystem.bootstrap { label in
        text ? StreamLogHandler.standardOutput(label: label) as any LogHandler : JSONLogHandler(label: label)
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

extension RegisterOptions {
    /// The configuration (file, environment) with these options applied; a setting that cannot be
    /// used stops the command with its name and the problem.
    func configuration() throws -> KoppelingConfiguration {
        var configuration = try KoppelingConfiguration.loadForCommand()
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

extension KoppelingConfiguration {
    /// The configuration, or a validation error naming the setting that cannot be used.
    static func loadForCommand() throws -> KoppelingConfiguration {
        do {
            return try load()
        } catch let error as SettingError {
            throw ValidationError(error.description)
        }
    }
}

/// The provenance of a write by this command: the account running it on the server.
func operatorProvenance() -> WriteProvenance {
    var name = "uid-\(geteuid())"
    if let entry = getpwuid(geteuid()), let login = entry.pointee.pw_name { name = String(cString: login) }
    return .operator(name)
}

/// The SHA-256 of a file, read in chunks (constant memory), hexadecimal.
func fileDigest(path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw ValidationError("\(path): cannot read the file") }
    defer { try? handle.close() }
    var hash = SHA256()
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hash.update(data: chunk) }
    return hash.finalize().lowercaseHex
}
