import Foundation
import GRDB
public import KoppelingCore
public import KoppelingStore

/// The register on SQLite (GRDB): one file, WAL journal, full fsync on commit so that an
/// acknowledged write survives a crash, and a busy timeout so that the command line and a running
/// server can share the file.
public final class SQLiteRegisterStore: Sendable, RegisterStore {
    let writer: any DatabaseWriter
    let clock: @Sendable () -> Instant

    /// Opens (creating if needed) the register at `path` and migrates it.
    public init(path: String, clock: @escaping @Sendable () -> Instant = Instant.systemNow) throws {
        Self.createPrivately(path)
        self.writer = try DatabasePool(path: path, configuration: Self.configuration())
        self.clock = clock
        try Self.migrator.migrate(writer)
    }

    /// An in-memory register, for tests.
    public init(inMemory: Void = (), clock: @escaping @Sendable () -> Instant = Instant.systemNow) throws {
        self.writer = try DatabaseQueue(configuration: Self.configuration())
        self.clock = clock
        try Self.migrator.migrate(writer)
    }

    /// Creates a new register file readable by its owner only (0600): it holds the server's
    /// secrets (signing keys, the pseudonym key). SQLite gives its -wal and -shm files the same
    /// permissions. An existing file is left as it is.
    static func createPrivately(_ path: String) {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A larger page cache (96 MiB) keeps more of the two indexes in memory during a large
            // import; the default 2 MiB made an import spend a third of its time re-reading pages.
            try db.execute(sql: "PRAGMA cache_size = -98304")
        }
        return configuration
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        seq INTEGER PRIMARY KEY,
                        event_id TEXT NOT NULL UNIQUE,
                        insz TEXT NOT NULL,
                        type TEXT NOT NULL,
                        effective_date TEXT NOT NULL,
                        recorded_at INTEGER NOT NULL,
                        source TEXT NOT NULL,
                        data TEXT NOT NULL
                    );
                    CREATE INDEX event_by_person ON event(insz, seq);
                    """)
        }
        registerProtocolMigrations(&migrator)
        registerExchangeMigrations(&migrator)
        registerTransparencyMigrations(&migrator)
        registerFollowMigrations(&migrator)
        registerNoticeMigrations(&migrator)
        registerWebhookMigrations(&migrator)
        registerBatchMigrations(&migrator)
        migrator.registerMigration("v10-provenance") { db in
            // Rows stored before keep an empty writer: unknown, and shown as such.
            try db.execute(
                sql: """
                    ALTER TABLE event ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';
                    ALTER TABLE event ADD COLUMN import_digest TEXT;
                    """)
        }
        migrator.registerMigration("v11-dpo-keys") { db in
            // A party's keys: its controller's (which sign protocols) and its DPO's (which sign advice).
            try db.execute(sql: "ALTER TABLE party_key ADD COLUMN kind TEXT NOT NULL DEFAULT 'controller'")
        }
        migrator.registerMigration("v12-console") { db in
            for statement in StoreSQL.consoleTables { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v13-disclosure-tally") { db in
            try db.execute(sql: StoreSQL.disclosureTallyTable)
            try addTallies(db, try disclosureGroupsByHour(db))
        }
        migrator.registerMigration("v14-person-status") { db in
            // Filled by the first refresh, which has the engine and the day.
            for statement in StoreSQL.personStatusTables { try db.execute(sql: statement) }
            try db.execute(sql: StoreSQL.pendingDecisionTable)
        }
        return migrator
    }

    public func append(_ events: [Event], provenance: WriteProvenance, notices: ChangeNoticePlanner?) async throws -> AppendSummary {
        let now = clock()
        return try await write { db in
            let tracking = try notices != nil && Self.hasActiveFollows(db)
            var stored = NewEvents(tracking: tracking)
            let summary = try Self.insert(events.map(EventRow.init), recordedAt: now, provenance: provenance, db: db, stored: &stored)
            if let notices { try Self.storeNotices(db, planner: notices, stored: stored, recordedAt: now) }
            try Self.storeProjection(db, planner: notices, persons: stored.persons)
            return summary
        }
    }

    public func appendStreaming(
        from source: consuming some EventBatchSource, provenance: WriteProvenance, notices: ChangeNoticePlanner?
    ) async throws -> AppendSummary {
        let now = clock()
        // Rows are rendered on the reading thread; the writer only binds and inserts.
        let rows = BatchPrefetcher(source) { events in events.map(EventRow.init) }
        return try mapErrors {
            try writer.write { db in
                var summary = AppendSummary()
                var offset = 0
                let tracking = try notices != nil && Self.hasActiveFollows(db)
                var stored = NewEvents(tracking: tracking)
                while let batch = try rows.next() {
                    do {
                        summary.add(try Self.insert(batch, recordedAt: now, provenance: provenance, db: db, stored: &stored))
                        // Only followed persons' new events are kept for the notices, batch by batch.
                        try Self.keepFollowed(db, &stored)
                    } catch let error as StoreError {
                        throw error.shifted(by: offset)
                    }
                    offset += batch.count
                }
                if let notices { try Self.storeNotices(db, planner: notices, stored: stored, recordedAt: now) }
                try Self.storeProjection(db, planner: notices, persons: stored.persons)
                return summary
            }
        }
    }

    public func appendPlanned(
        for insz: NationalNumber, provenance: WriteProvenance, notices: ChangeNoticePlanner?,
        _ plan: @escaping @Sendable ([Event]) throws -> [Event]
    ) async throws -> AppendSummary {
        let now = clock()
        return try await write { db in
            let existing = try Self.fetchEvents(of: insz, db: db)
            let tracking = try notices != nil && Self.hasActiveFollows(db)
            var stored = NewEvents(tracking: tracking)
            let summary = try Self.insert(
                try plan(existing).map(EventRow.init), recordedAt: now, provenance: provenance, db: db, stored: &stored)
            if let notices { try Self.storeNotices(db, planner: notices, stored: stored, recordedAt: now) }
            try Self.storeProjection(db, planner: notices, persons: stored.persons)
            return summary
        }
    }

    public func events(of insz: NationalNumber) async throws -> [Event] {
        try await read { db in try Self.fetchEvents(of: insz, db: db) }
    }

    public func events(ofPersons persons: [String]) async throws -> [String: [Event]] {
        try await read { db in try Self.events(db, of: persons) }
    }

    public func forEachPerson(_ body: (NationalNumber, [Event]) throws -> Void) async throws {
        try blockingRead { db in
            let cursor = try Row.fetchCursor(db, sql: StoreSQL.eventsByPerson.sql)
            var grouping = PersonGrouping()
            while let row = try cursor.next() {
                try grouping.add(try Self.event(from: row), to: body)
            }
            try grouping.finish(to: body)
        }
    }

    public func counts() async throws -> (events: Int, persons: Int) {
        try await read { db in
            let events = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0
            let persons = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT insz) FROM event") ?? 0
            return (events, persons)
        }
    }

    public func recentImports(files: Int, scanning: Int) async throws -> [ImportedFile] {
        let rows = try await read { db in
            try Self.rows(db, StoreSQL.recentImportedEvents(limit: scanning)).map { row in
                (digest: row[0] as String, recordedBy: row[1] as String, recordedAt: row[2] as Int64, insz: row[3] as String)
            }
        }
        return ImportedFile.grouping(rows, files: files)
    }

    /// Writes an online backup of the register to another file.
    public func backup(to path: String) throws {
        Self.createPrivately(path)
        let destination = try DatabaseQueue(path: path)
        try writer.backup(to: destination)
    }

    // MARK: - Rows

    private static let insertSQL = """
        INSERT INTO event (event_id, insz, type, effective_date, recorded_at, source, data, recorded_by, import_digest)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING
        """

    private static func insert(
        _ rows: [EventRow], recordedAt: Instant, provenance: WriteProvenance, db: Database, stored: inout NewEvents
    ) throws -> AppendSummary {
        var summary = AppendSummary()
        guard !rows.isEmpty else { return summary }
        let statement = try db.cachedStatement(sql: insertSQL)
        let select = try db.cachedStatement(sql: "SELECT insz, type, effective_date, source, data FROM event WHERE event_id = ?")
        let recorded = recordedAt.microsecondsSinceEpoch
        for (index, row) in rows.enumerated() {
            try statement.execute(arguments: [
                row.id, row.insz, row.type, row.effectiveDate, recorded, row.source, row.data, provenance.recordedBy,
                provenance.importDigest,
            ])
            if db.changesCount == 1 {
                summary.stored += 1
                stored.persons.insert(row.insz)
                if stored.tracking { stored.byPerson[row.insz, default: []].insert(row.id) }
            } else {
                let existing = try Row.fetchOne(select, arguments: [row.id])
                guard let existing,
                    existing[0] as String == row.insz, existing[1] as String == row.type,
                    existing[2] as String == row.effectiveDate, existing[3] as String == row.source,
                    existing[4] as String == row.data
                else {
                    throw StoreError.conflict(index: index, eventId: row.eventId)
                }
                summary.alreadyPresent += 1
            }
        }
        if summary.stored > 0 { summary.recordedAt = recordedAt }
        return summary
    }

    static func fetchEvents(of insz: NationalNumber, db: Database) throws -> [Event] {
        // A prepared statement kept by the connection: compiling it again for each person cost
        // more than reading the events.
        let cursor = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT \(EventRow.selectedColumns) FROM event WHERE insz = ? ORDER BY seq"),
            arguments: [insz.digits])
        var events: [Event] = []
        while let row = try cursor.next() {
            events.append(try event(from: row))
        }
        return events
    }

    private static func event(from row: Row) throws -> Event {
        try EventRow.event(
            id: row[0], insz: row[1], type: row[2], effectiveDate: row[3], recordedAt: row[4], source: row[5], data: row[6],
            recordedBy: row[7], importDigest: row[8])
    }

    /// A record stored as JSON text, members sorted so that equal records are equal text.
    static func jsonText(_ value: some Encodable) throws -> String {
        try StoreJSON.text(value)
    }

    // MARK: - Error mapping

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let error as DatabaseError {
            throw StoreError.unavailable(error.message ?? "database error \(error.resultCode)")
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch let error as DatabaseError {
            throw StoreError.unavailable(error.message ?? "database error \(error.resultCode)")
        }
    }

    /// Reads on the calling thread (for the long walks of the command line).
    func blockingRead<T>(_ body: (Database) throws -> T) throws -> T {
        try mapErrors { try writer.read(body) }
    }

    private func mapErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError.unavailable(error.message ?? "database error \(error.resultCode)")
        }
    }
}
