import Foundation
public import KoppelingCore
public import KoppelingStore
import KoppelingStorePostgres
import KoppelingStoreSQLite

/// A storage backend the contract tests run on.
public enum Backend: String, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }
}

/// Opens fresh stores of each backend for the storage contract tests.
public enum TestStores {
    /// `KOPPELING_TEST_POSTGRES_URL`: a PostgreSQL server the tests may create databases on
    /// (`scripts/with-postgres` starts a throwaway one; `scripts/test` does so when it can).
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["KOPPELING_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// SQLite always; PostgreSQL when a server is given, or required (CI), in which case its
    /// absence fails the tests instead of skipping them.
    public static let backends: [Backend] = {
        if postgresURL != nil || TestEnvironment.requireAll { return [.sqlite, .postgres] }
        FileHandle.standardError.write(
            Data("note: KOPPELING_TEST_POSTGRES_URL is not set (no PostgreSQL server): the storage contract runs on SQLite only\n".utf8))
        return [.sqlite]
    }()

    /// A new, empty, migrated store: SQLite in memory, or a new PostgreSQL database.
    public static func open(
        _ backend: Backend, clock: @escaping @Sendable () -> Instant = Instant.systemNow
    ) async throws -> any KoppelingStorage {
        switch backend {
        case .sqlite:
            return try SQLiteRegisterStore(clock: clock)
        case .postgres:
            return try await PostgresRegisterStore(url: try await newPostgresDatabase(), clock: clock)
        }
    }

    /// The address of a new, empty PostgreSQL database (for a test that opens it more than once).
    public static func newPostgresDatabase() async throws -> String {
        guard let url = postgresURL else {
            throw TestStoreError(
                """
                PostgreSQL is required (KOPPELING_REQUIRE_ALL=1) but KOPPELING_TEST_POSTGRES_URL is not set: run the tests with \
                scripts/test or scripts/with-postgres
                """
            )
        }
        let name = "koppeling_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        return try await PostgresRegisterStore.createDatabase(named: name, at: url)
    }
}

/// Where a test store lives, so that a test can open it more than once (a restart, or a second
/// instance on the same database): a SQLite file, or a PostgreSQL database.
public struct StoreAddress: Sendable {
    public let backend: Backend
    public let address: String

    /// A new, empty place for a store of `backend`.
    public init(_ backend: Backend) async throws {
        self.backend = backend
        switch backend {
        case .sqlite: address = try TestEnvironment.temporaryFolder().appendingPathComponent("register.sqlite").path
        case .postgres: address = try await TestStores.newPostgresDatabase()
        }
    }

    /// The store already at `address` (a SQLite path or a PostgreSQL address).
    public init(_ backend: Backend, at address: String) {
        self.backend = backend
        self.address = address
    }

    /// Opens (and migrates) the store at this address.
    public func open(clock: @escaping @Sendable () -> Instant = Instant.systemNow) async throws -> any KoppelingStorage {
        switch backend {
        case .sqlite: return try SQLiteRegisterStore(path: address, clock: clock)
        case .postgres: return try await PostgresRegisterStore(url: address, clock: clock)
        }
    }
}

/// A test store that cannot be opened.
public struct TestStoreError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
