import Foundation
public import KoppelingStore
import KoppelingStorePostgres
import KoppelingStoreSQLite

extension KoppelingApp {
    /// A backup that cannot be made.
    public struct BackupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes an online backup of a SQLite register to a new file (the register stays in use),
    /// then checks the copy: its transparency log verifies. Returns the copy's log verification.
    /// The backup is written beside the file as `PATH.partial` and renamed into place only once it
    /// is complete, so a backup killed half-way never leaves a file at `PATH` that looks like a
    /// backup (a leftover `.partial` is replaced by the next run).
    /// PostgreSQL is backed up with its own tools (`pg_dump`, see OPERATIONS.md).
    public static func backup(_ configuration: KoppelingConfiguration, to path: String) async throws -> TransparencyLog.Verification {
        guard !PostgresRegisterStore.isPostgresURL(configuration.databasePath) else {
            throw BackupError(description: "a PostgreSQL register is backed up with pg_dump --format=custom (see OPERATIONS.md)")
        }
        guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
            throw BackupError(description: "no register at \(configuration.databasePath)")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BackupError(description: "\(path) exists; a backup never overwrites a file")
        }
        let partial = path + ".partial"
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: partial) { try fileManager.removeItem(atPath: partial) }
        try SQLiteRegisterStore(path: configuration.databasePath).backup(to: partial)
        // link + unlink: the rename fails rather than replace a file that appeared meanwhile.
        guard link(partial, path) == 0 else {
            throw BackupError(description: "\(path) could not be created (\(String(cString: strerror(errno))))")
        }
        unlink(partial)
        var copy = configuration
        copy.databasePath = path
        return try await open(copy).transparency.verify()
    }
}
