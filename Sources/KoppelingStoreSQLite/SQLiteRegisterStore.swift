public import KoppelingCore
public import KoppelingStore
import GRDB
import struct Foundation.Date

/// The register on SQLite (GRDB): one file, WAL journal, full fsync on commit so that an
/// acknowledged write survives a crash, and a busy timeout so that the command line and a running
/// server can share the file.
public final class SQLiteRegisterStore: RegisterStore {
    private let writer: any DatabaseWriter
    private let clock: @Sendable () -> Instant

    /// Opens (creating if needed) the register at `path` and migrates it.
    public init(path: String, clock: @escaping @Sendable () -> Instant = SQLiteRegisterStore.systemClock) throws {
        self.writer = try DatabasePool(path: path, configuration: Self.configuration())
        self.clock = clock
        try Self.migrator.migrate(writer)
    }

    /// An in-memory register, for tests.
    public init(inMemory: Void = (), clock: @escaping @Sendable () -> Instant = SQLiteRegisterStore.systemClock) throws {
        self.writer = try DatabaseQueue(configuration: Self.configuration())
        self.clock = clock
        try Self.migrator.migrate(writer)
    }

    /// The system clock with microsecond precision.
    public static let systemClock: @Sendable () -> Instant = {
        Instant(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return configuration
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-events") { db in
            try db.execute(sql: """
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
        return migrator
    }

    public func append(_ events: [Event]) async throws -> AppendSummary {
        let now = clock()
        return try await write { db in try Self.insert(events, recordedAt: now, db: db) }
    }

    public func appendStreaming(from source: inout some EventBatchSource) throws -> AppendSummary {
        let now = clock()
        return try mapErrors {
            try writer.write { db in
                var summary = AppendSummary()
                var offset = 0
                while let batch = try source.nextBatch() {
                    do {
                        summary.add(try Self.insert(batch, recordedAt: now, db: db))
                    } catch let error as StoreError {
                        if let conflict = error.conflict { throw StoreError.conflict(index: offset + conflict.index, eventId: conflict.eventId) }
                        throw error
                    }
                    offset += batch.count
                }
                return summary
            }
        }
    }

    public func appendPlanned(for insz: NationalNumber, _ plan: @escaping @Sendable ([Event]) throws -> [Event]) async throws -> AppendSummary {
        let now = clock()
        return try await write { db in
            let existing = try Self.fetchEvents(of: insz, db: db)
            return try Self.insert(try plan(existing), recordedAt: now, db: db)
        }
    }

    public func events(of insz: NationalNumber) async throws -> [Event] {
        try await read { db in try Self.fetchEvents(of: insz, db: db) }
    }

    public func forEachPerson(_ body: (NationalNumber, [Event]) throws -> Void) throws {
        try mapErrors {
            try writer.read { db in
                let cursor = try Row.fetchCursor(
                    db, sql: "SELECT event_id, insz, type, effective_date, recorded_at, source, data FROM event ORDER BY insz, seq")
                var current: NationalNumber?
                var events: [Event] = []
                while let row = try cursor.next() {
                    let event = try Self.event(from: row)
                    if event.insz != current {
                        if let current { try body(current, events) }
                        current = event.insz
                        events.removeAll(keepingCapacity: true)
                    }
                    events.append(event)
                }
                if let current { try body(current, events) }
            }
        }
    }

    public func counts() async throws -> (events: Int, persons: Int) {
        try await read { db in
            let events = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0
            let persons = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT insz) FROM event") ?? 0
            return (events, persons)
        }
    }

    /// Writes an online backup of the register to another file.
    public func backup(to path: String) throws {
        let destination = try DatabaseQueue(path: path)
        try writer.backup(to: destination)
    }

    // MARK: - Rows

    private static let insertSQL = """
        INSERT INTO event (event_id, insz, type, effective_date, recorded_at, source, data)
        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING
        """

    private static func insert(_ events: [Event], recordedAt: Instant, db: Database) throws -> AppendSummary {
        var summary = AppendSummary()
        guard !events.isEmpty else { return summary }
        let statement = try db.cachedStatement(sql: insertSQL)
        let recorded = recordedAt.microsecondsSinceEpoch
        for (index, event) in events.enumerated() {
            let id = event.eventId.lowercasedString
            let data = event.canonicalData
            try statement.execute(arguments: [
                id, event.insz.digits, event.type.rawValue, event.effectiveDate.description, recorded, event.source, data,
            ])
            if db.changesCount == 1 {
                summary.stored += 1
            } else {
                let existing = try Row.fetchOne(
                    db, sql: "SELECT insz, type, effective_date, source, data FROM event WHERE event_id = ?", arguments: [id])
                guard let existing,
                      existing[0] as String == event.insz.digits, existing[1] as String == event.type.rawValue,
                      existing[2] as String == event.effectiveDate.description, existing[3] as String == event.source,
                      existing[4] as String == data
                else {
                    throw StoreError.conflict(index: index, eventId: event.eventId)
                }
                summary.alreadyPresent += 1
            }
        }
        if summary.stored > 0 { summary.recordedAt = recordedAt }
        return summary
    }

    private static func fetchEvents(of insz: NationalNumber, db: Database) throws -> [Event] {
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT event_id, insz, type, effective_date, recorded_at, source, data FROM event WHERE insz = ? ORDER BY seq",
            arguments: [insz.digits])
        var events: [Event] = []
        while let row = try cursor.next() {
            events.append(try event(from: row))
        }
        return events
    }

    private static let readPolicy = NationalNumber.Policy(allowsTestNumbers: true, currentYear: 9999)

    private static func event(from row: Row) throws -> Event {
        let dataText: String = row[6]
        let data: JSONValue
        do {
            data = try JSONValue.parse(dataText)
        } catch {
            throw StoreError.corrupt("event \(row[0] as String): \(error)")
        }
        let recorded = Instant(microsecondsSinceEpoch: row[4])
        let json: JSONValue = .object([
            "eventId": .string(row[0]), "insz": .string(row[1]), "type": .string(row[2]), "effectiveDate": .string(row[3]),
            "source": .string(row[5]), "data": data,
        ])
        do {
            var event = try Event(json: json, policy: readPolicy)
            event.recordedAt = recorded
            return event
        } catch {
            throw StoreError.corrupt("event \(row[0] as String): \(error)")
        }
    }

    // MARK: - Error mapping

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch let error as DatabaseError {
            throw StoreError.unavailable(error.message ?? "database error \(error.resultCode)")
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch let error as DatabaseError {
            throw StoreError.unavailable(error.message ?? "database error \(error.resultCode)")
        }
    }

    private func mapErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError.unavailable(error.message ?? "database error \(error.resultCode)")
        }
    }
}
