import ArgumentParser
import KoppelingApp
import KoppelingStore

/// Brings a register's schema up to date (the server also does so at start-up).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or update the register's schema (SQLite file or PostgreSQL database), then exit.")

    @OptionGroup var options: RegisterOptions

    func run() async throws {
        let configuration = try options.configuration()
        let store = try await KoppelingApp.openStore(configuration)
        let counts = try await store.counts()
        print("\(configuration.redactedDatabase): schema up to date (\(counts.events) events, \(try await store.logSize()) log entries)")
    }
}
