import ArgumentParser
import KoppelingApp
import KoppelingStore

/// Moves a register from SQLite to PostgreSQL.
struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a SQLite register as it is into a new PostgreSQL database (one transaction), then verify the copy's log.",
        discussion:
            """
            Everything moves: events with their recorded instants, protocols, parties, clients, server secrets and keys, disclosure \
            records with the transparency log and its checkpoints, follows, notices, webhook endpoints, batches. Stop the servers on \
            the source first.
            """
    )

    @Option(help: "The SQLite register: sqlite:PATH or PATH.")
    var from: String

    @Option(help: "The new, empty PostgreSQL database: postgres://user:password@host:port/database[?sslmode=…].")
    var to: String

    func run() async throws {
        var configuration = try KoppelingConfiguration.loadForCommand()
        configuration.databasePath = to
        do {
            let report = try await KoppelingApp.copy(from: from, to: to, configuration: configuration)
            guard report.verification.problem == nil, report.sameRoot else {
                printError(
                    """
                    copied, but the copy's log does not verify: \
                    \(report.verification.problem?.message ?? "its root differs from the source's")
                    """
                )
                throw ExitCode(1)
            }
            print(
                """
                copied \(report.events) events and \(report.logSize) log entries to \(configuration.redactedDatabase); the copy's log \
                verifies (\(report.verification.checkpoints) checkpoints) and has the source's root
                """
            )
        } catch let error as KoppelingApp.BackupError {
            throw ValidationError(error.description)
        }
    }
}
