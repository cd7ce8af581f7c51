import ArgumentParser
import KoppelingApp
import KoppelingStore

/// An online backup of a SQLite register.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            """
            Write an online backup of a SQLite register to a new file and verify the copy's transparency log (PostgreSQL: pg_dump, \
            see OPERATIONS.md).
            """
    )

    @OptionGroup var options: RegisterOptions

    @Option(help: "The backup file to create (never overwritten).")
    var to: String

    func run() async throws {
        let configuration = try options.configuration()
        do {
            let verification = try await KoppelingApp.backup(configuration, to: to)
            if let problem = verification.problem {
                printError("backup written to \(to), but its log does not verify at entry \(problem.index): \(problem.message)")
                throw ExitCode(1)
            }
            print(
                """
                backup of \(configuration.redactedDatabase) written to \(to); its log verifies (\(verification.entries) entries, \
                \(verification.checkpoints) checkpoints)
                """
            )
        } catch let error as KoppelingApp.BackupError {
            throw ValidationError(error.description)
        }
    }
}
