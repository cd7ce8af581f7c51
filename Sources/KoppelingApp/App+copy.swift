public import KoppelingStore
import KoppelingStorePostgres
import KoppelingStoreSQLite

extension KoppelingApp {
    /// What `copy` moved and what checking the copy found.
    public struct CopyReport: Sendable {
        public var events: Int
        public var logSize: Int
        /// The copy's transparency log, verified with the keys copied with it.
        public var verification: TransparencyLog.Verification
        /// Whether the copy's log root equals the source's at the same size.
        public var sameRoot: Bool
    }

    /// Copies a SQLite register (`sqlite:PATH` or a path) as it is into a new, empty PostgreSQL
    /// database, in one transaction, then checks the copy: its log verifies with the copied keys
    /// and has the source's root; the event and entry counts agree.
    public static func copy(from source: String, to target: String, configuration: KoppelingConfiguration) async throws -> CopyReport {
        let path = source.hasPrefix("sqlite:") ? String(source.dropFirst("sqlite:".count)) : source
        guard !PostgresRegisterStore.isPostgresURL(path) else {
            throw BackupError(description: "--from must be a SQLite register (sqlite:PATH)")
        }
        guard PostgresRegisterStore.isPostgresURL(target) else {
            throw BackupError(description: "--to must be a PostgreSQL address (postgres://…)")
        }
        let from = try SQLiteRegisterStore(path: path)
        let to = try await PostgresRegisterStore(url: target)
        try await to.importRegister(from: from)
        var copied = configuration
        copied.databasePath = target
        let services = try await open(copied)
        let size = try await to.logSize()
        let sameRoot = size == 0 ? true : try await from.logRoot(size: size) == to.logRoot(size: size)
        let fromCounts = try await from.counts()
        let toCounts = try await to.counts()
        guard fromCounts == toCounts, size == (try await from.logSize()) else {
            throw BackupError(description: "the copy's counts differ from the source's: \(toCounts) against \(fromCounts)")
        }
        return CopyReport(
            events: toCounts.events, logSize: size, verification: try await services.transparency.verify(), sameRoot: sameRoot)
    }
}
