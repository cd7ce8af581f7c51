import Foundation
public import KoppelingCore
public import KoppelingStore
public import Logging
import NIOCore
import NIOSSL
import PostgresNIO
public import ServiceLifecycle

/// The register on PostgreSQL (PostgresNIO), for production: the same storage contract as the
/// SQLite store, and safe for several server instances on one database. Whatever appends to the
/// transparency log or numbers notices takes one transaction-scoped advisory lock, so that
/// instances never fork the log or reuse a sequence number; webhook deliveries are leased.
public final class PostgresRegisterStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    let clock: @Sendable () -> Instant
    /// The task that runs the pool when the store was opened with ``init(url:clock:logger:)``; nil
    /// when the pool is a service its owner runs.
    private let running: Task<Void, Never>?

    /// The advisory lock every log append, notice numbering and checkpoint takes.
    static let logLock: Int64 = 0x4B6F_7070_656C

    /// Connects to `postgres://user:password@host:port/database[?sslmode=disable|prefer|require]`
    /// (without sslmode: require, prefer on the loopback) and migrates the schema. The store runs
    /// its connection pool on a task of its own until it is released: for a command that opens the
    /// register, does one thing and ends. A server runs the pool as a service of its group instead
    /// (``ConnectionPool``, ``init(pool:clock:logger:)``).
    public convenience init(
        url: String, clock: @escaping @Sendable () -> Instant = Instant.systemNow, logger: Logger = Logger(label: "koppeling.postgres")
    ) async throws {
        let pool = try ConnectionPool(url: url, logger: logger)
        let running = Task { await pool.run() }
        do {
            try await self.init(client: pool.client, running: running, clock: clock, logger: logger)
        } catch {
            running.cancel()
            throw error
        }
    }

    /// Opens the register on a connection pool that its owner runs (a service of the server's
    /// group, started before this and stopped after everything that uses the store), and migrates
    /// the schema.
    public convenience init(
        pool: ConnectionPool, clock: @escaping @Sendable () -> Instant = Instant.systemNow,
        logger: Logger = Logger(label: "koppeling.postgres")
    ) async throws {
        try await self.init(client: pool.client, running: nil, clock: clock, logger: logger)
    }

    private init(client: PostgresClient, running: Task<Void, Never>?, clock: @escaping @Sendable () -> Instant, logger: Logger) async throws
    {
        self.client = client
        self.logger = logger
        self.clock = clock
        self.running = running
        try await migrate()
    }

    deinit {
        running?.cancel()
    }

    /// The connection pool of one PostgreSQL address, as a service: a server runs it first in its
    /// service group, so that it starts before the register is opened on it and stops last, after
    /// the listeners and the final checkpoint.
    public struct ConnectionPool: Service {
        let client: PostgresClient

        /// A pool for an address (see ``PostgresRegisterStore/init(url:clock:logger:)``); it connects
        /// once it runs.
        public init(url: String, logger: Logger = Logger(label: "koppeling.postgres")) throws {
            // The pool's background log is kept to errors: failures reach the callers as errors, and
            // the pool warns about leases requested before its run loop is scheduled (harmless).
            var background = logger
            background.logLevel = .error
            client = PostgresClient(configuration: try PostgresRegisterStore.configuration(url: url), backgroundLogger: background)
        }

        /// Runs the pool until the task is cancelled or the group shuts down gracefully.
        public func run() async {
            await client.run()
        }
    }

    /// Whether a database address names PostgreSQL.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Checks a PostgreSQL address without connecting: host, database and `sslmode`.
    public static func checkAddress(_ text: String) throws {
        _ = try configuration(url: text)
    }

    static func configuration(url text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), isPostgresURL(text), let host = url.host, !host.isEmpty else {
            throw StoreError.unavailable("not a PostgreSQL address (postgres://user:password@host:port/database)")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        // Without sslmode, TLS is required for any host but the loopback: prefer would fall back to
        // plain text silently, and the connection carries national numbers and secrets.
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? (isLoopback(host) ? "prefer" : "require")
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        default: throw StoreError.unavailable("sslmode must be disable, prefer or require")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: url.user ?? "postgres", password: url.password,
            database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = 20
        return configuration
    }

    /// Whether a host name or address is the loopback.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.") || host.hasPrefix("/")
    }

    /// The sslmode an address gets: as given, else prefer on the loopback and require elsewhere.
    public static func sslMode(url text: String) -> String? {
        guard let url = URLComponents(string: text), let host = url.host else { return nil }
        return url.queryItems?.first { $0.name == "sslmode" }?.value ?? (isLoopback(host) ? "prefer" : "require")
    }

    /// Creates a database on the server of `url` (connecting to the database that `url` names)
    /// and returns the address of the new one; for first installations and tests.
    public static func createDatabase(named name: String, at url: String) async throws -> String {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), var components = URLComponents(string: url) else {
            throw StoreError.unavailable("a database name is letters, digits and underscores")
        }
        let pool = try ConnectionPool(url: url)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await pool.run() }
            defer { group.cancelAll() }
            do {
                try await pool.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            } catch let error as PSQLError {
                throw unavailable(error)
            }
        }
        components.path = "/" + name
        return components.string ?? url
    }

    // MARK: - Migrations

    /// The schema, in order; each step runs once, in its own transaction, under the log lock so
    /// that instances starting together do not race.
    static let migrations: [(id: String, sql: [String])] = [
        (
            "v1-schema",
            [
                """
                CREATE TABLE event (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    event_id TEXT NOT NULL UNIQUE,
                    insz TEXT NOT NULL,
                    type TEXT NOT NULL,
                    effective_date TEXT NOT NULL,
                    recorded_at BIGINT NOT NULL,
                    source TEXT NOT NULL,
                    data TEXT NOT NULL
                )
                """,
                "CREATE INDEX event_by_person ON event (insz, seq)",
                """
                CREATE TABLE protocol_version (id TEXT NOT NULL, version INTEGER NOT NULL, state TEXT NOT NULL, record TEXT NOT NULL, \
                PRIMARY KEY (id, version))
                """,
                "CREATE TABLE party (id TEXT PRIMARY KEY, name TEXT NOT NULL)",
                """
                CREATE TABLE party_key (
                    position BIGINT GENERATED ALWAYS AS IDENTITY,
                    party TEXT NOT NULL REFERENCES party (id),
                    public_key TEXT NOT NULL,
                    PRIMARY KEY (party, public_key)
                )
                """,
                "CREATE TABLE client (id TEXT PRIMARY KEY, party TEXT NOT NULL, record TEXT NOT NULL)",
                "CREATE TABLE used_token_id (jti TEXT PRIMARY KEY, client TEXT NOT NULL, expires_at BIGINT NOT NULL)",
                """
                CREATE TABLE disclosure (
                    seq BIGINT PRIMARY KEY,
                    disclosure_id TEXT NOT NULL UNIQUE,
                    at BIGINT NOT NULL,
                    client TEXT NOT NULL,
                    party TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    subject TEXT,
                    record TEXT NOT NULL
                )
                """,
                "CREATE INDEX disclosure_by_client ON disclosure (client, seq)",
                "CREATE INDEX disclosure_by_subject ON disclosure (subject, seq)",
                "CREATE TABLE server_secret (name TEXT PRIMARY KEY, secret BYTEA NOT NULL)",
                """
                CREATE TABLE log_node (last_leaf BIGINT NOT NULL, level INTEGER NOT NULL, hash BYTEA NOT NULL, PRIMARY KEY \
                (last_leaf, level))
                """,
                "CREATE TABLE log_checkpoint (size BIGINT PRIMARY KEY, at BIGINT NOT NULL, note TEXT NOT NULL)",
                """
                CREATE TABLE follow (
                    position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    client TEXT NOT NULL,
                    insz TEXT NOT NULL,
                    until TEXT NOT NULL,
                    ended_at BIGINT,
                    record TEXT NOT NULL
                )
                """,
                "CREATE INDEX follow_by_client ON follow (client, position)",
                "CREATE INDEX follow_by_person ON follow (insz) WHERE ended_at IS NULL",
                """
                CREATE TABLE notice (client TEXT NOT NULL, seq BIGINT NOT NULL, follow_id TEXT NOT NULL, at BIGINT NOT NULL, body \
                TEXT NOT NULL, PRIMARY KEY (client, seq))
                """,
                "CREATE TABLE notice_sweep (day TEXT PRIMARY KEY, at BIGINT NOT NULL, notices BIGINT NOT NULL)",
                "CREATE TABLE webhook (client TEXT PRIMARY KEY, record TEXT NOT NULL, lease_owner TEXT, lease_until BIGINT)",
                """
                CREATE TABLE batch (
                    id TEXT PRIMARY KEY,
                    client TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    first_seq BIGINT NOT NULL,
                    last_seq BIGINT NOT NULL,
                    count BIGINT NOT NULL,
                    file TEXT NOT NULL,
                    manifest TEXT NOT NULL
                )
                """,
                "CREATE INDEX batch_by_client ON batch (client, created_at)",
            ]
        ),
        // Rows stored before keep an empty writer: unknown, and shown as such.
        (
            "v2-provenance",
            [
                "ALTER TABLE event ADD COLUMN recorded_by TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE event ADD COLUMN import_digest TEXT",
            ]
        ),
        // A party's keys: its controller's (which sign protocols) and its DPO's (which sign advice).
        ("v3-dpo-keys", ["ALTER TABLE party_key ADD COLUMN kind TEXT NOT NULL DEFAULT 'controller'"]),
        ("v4-console", StoreSQL.consoleTables),
        // The counters start from the records already in the log (``migrationSteps``).
        ("v5-disclosure-tally", [StoreSQL.disclosureTallyTable]),
        // Filled by the first refresh, which has the engine and the day.
        ("v6-person-status", StoreSQL.personStatusTables + [StoreSQL.pendingDecisionTable]),
    ]

    /// What a migration does after its SQL, in its transaction, where SQL alone cannot do it.
    static let migrationSteps: [String: @Sendable (PostgresRegisterStore, PostgresConnection) async throws -> Void] = [
        // The counters start from the records already in the log, counted by the one rule.
        "v5-disclosure-tally": { store, connection in try await store.addTalliesForLog(connection) }
    ]

    /// Applies the migrations not applied yet; returns their ids.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await transaction { connection in
            try await self.lockLog(connection)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS koppeling_migration (id TEXT PRIMARY KEY, at BIGINT NOT NULL)", logger: self.logger)
            let done = Set(try await Self.strings(connection, "SELECT id FROM koppeling_migration", self.logger))
            var applied: [String] = []
            for migration in Self.migrations where !done.contains(migration.id) {
                for statement in migration.sql {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                let now = self.clock().microsecondsSinceEpoch
                try await connection.query("INSERT INTO koppeling_migration (id, at) VALUES (\(migration.id), \(now))", logger: self.logger)
                applied.append(migration.id)
                if let step = Self.migrationSteps[migration.id] { try await step(self, connection) }
            }
            return applied
        }
    }

    // MARK: - Helpers

    /// Runs `body` in one transaction (READ COMMITTED unless its first statement says otherwise),
    /// mapping database failures to ``StoreError/unavailable(_:)`` and passing the body's own
    /// errors through.
    @discardableResult
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError {
                if let psql = inner as? PSQLError { throw Self.unavailable(psql) }
                throw inner
            }
            throw StoreError.unavailable(
                """
                the transaction could not be completed: \
                \(String(describing: error.commitError ?? error.beginError ?? error.rollbackError))
                """
            )
        } catch let error as PSQLError {
            throw Self.unavailable(error)
        }
    }

    /// Runs `body` on one connection, outside a transaction.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch let error as PSQLError {
            throw Self.unavailable(error)
        }
    }

    static func unavailable(_ error: PSQLError) -> StoreError {
        .unavailable(error.serverInfo?[.message] ?? "PostgreSQL: \(error.code)")
    }

    /// Takes the log lock until the end of the transaction.
    func lockLog(_ connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(Self.logLock))", logger: logger)
    }

    static func rows(_ connection: PostgresConnection, _ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    static func strings(_ connection: PostgresConnection, _ query: PostgresQuery, _ logger: Logger) async throws -> [String] {
        try await rows(connection, query, logger).map { try $0.decode(String.self) }
    }

    static func int(_ connection: PostgresConnection, _ query: PostgresQuery, _ logger: Logger) async throws -> Int {
        guard let row = try await rows(connection, query, logger).first else { return 0 }
        return Int(try row.decode(Int64?.self) ?? 0)
    }

    /// A record stored as JSON text, members sorted so that equal records are equal text.
    static func jsonText(_ value: some Encodable) throws -> String {
        try StoreJSON.text(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try StoreJSON.decode(type, text)
    }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] {
        Array(buffer.readableBytesView)
    }
}
