import Foundation
public import KoppelingCore
public import KoppelingStore
import Logging
import PostgresNIO

extension PostgresRegisterStore: RegisterStore {
    public func append(_ events: [Event], provenance: WriteProvenance, notices: ChangeNoticePlanner?) async throws -> AppendSummary {
        let now = clock()
        return try await transaction { connection in
            var stored = NewEvents(tracking: notices == nil ? false : try await self.hasActiveFollows(connection))
            let summary = try await self.insert(
                events.map(EventRow.init), recordedAt: now, provenance: provenance, connection, stored: &stored)
            if let notices { try await self.storeNotices(connection, planner: notices, stored: stored, recordedAt: now) }
            try await self.storeProjection(connection, planner: notices, persons: stored.persons)
            return summary
        }
    }

    public func appendStreaming(
        from source: consuming some EventBatchSource, provenance: WriteProvenance, notices: ChangeNoticePlanner?
    ) async throws -> AppendSummary {
        let now = clock()
        // The source is read here, between the awaits of the inserts, on this task alone.
        var source = source
        return try await transaction { connection in
            var summary = AppendSummary()
            var offset = 0
            var stored = NewEvents(tracking: notices == nil ? false : try await hasActiveFollows(connection))
            while let batch = try source.nextBatch() {
                do {
                    summary.add(
                        try await insert(batch.map(EventRow.init), recordedAt: now, provenance: provenance, connection, stored: &stored))
                    try await keepFollowed(connection, &stored)
                } catch let error as StoreError {
                    throw error.shifted(by: offset)
                }
                offset += batch.count
            }
            if let notices { try await storeNotices(connection, planner: notices, stored: stored, recordedAt: now) }
            try await self.storeProjection(connection, planner: notices, persons: stored.persons)
            return summary
        }
    }

    public func appendPlanned(
        for insz: NationalNumber, provenance: WriteProvenance, notices: ChangeNoticePlanner?,
        _ plan: @escaping @Sendable ([Event]) throws -> [Event]
    ) async throws -> AppendSummary {
        let now = clock()
        return try await transaction { connection in
            // The person's events are read under a row-free lock on their number, so that two
            // planned appends for one person do not both plan from the same history.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(insz.digits)))", logger: self.logger)
            let existing = try await self.fetchEvents(of: insz, connection)
            var stored = NewEvents(tracking: notices == nil ? false : try await self.hasActiveFollows(connection))
            let summary = try await self.insert(
                try plan(existing).map(EventRow.init), recordedAt: now, provenance: provenance, connection, stored: &stored)
            if let notices { try await self.storeNotices(connection, planner: notices, stored: stored, recordedAt: now) }
            try await self.storeProjection(connection, planner: notices, persons: stored.persons)
            return summary
        }
    }

    public func events(of insz: NationalNumber) async throws -> [Event] {
        try await read { connection in try await self.fetchEvents(of: insz, connection) }
    }

    public func events(ofPersons persons: [String]) async throws -> [String: [Event]] {
        try await read { connection in try await self.events(connection, of: persons) }
    }

    public func forEachPerson(_ body: (NationalNumber, [Event]) throws -> Void) async throws {
        try await read { connection in
            var grouping = PersonGrouping()
            for try await row in try await connection.query(StoreSQL.eventsByPerson.query, logger: logger) {
                try grouping.add(try Self.event(from: row), to: body)
            }
            try grouping.finish(to: body)
        }
    }

    public func counts() async throws -> (events: Int, persons: Int) {
        try await read { connection in
            let row = try await Self.rows(connection, "SELECT COUNT(*), COUNT(DISTINCT insz) FROM event", self.logger)[0]
            let (events, persons) = try row.decode((Int64, Int64).self)
            return (Int(events), Int(persons))
        }
    }

    public func recentImports(files: Int, scanning: Int) async throws -> [ImportedFile] {
        let rows = try await read { connection in
            try await Self.rows(connection, StoreSQL.recentImportedEvents(limit: scanning).query, self.logger).map { row in
                let (digest, recordedBy, recordedAt, insz) = try row.decode((String, String, Int64, String).self)
                return (digest: digest, recordedBy: recordedBy, recordedAt: recordedAt, insz: insz)
            }
        }
        return ImportedFile.grouping(rows, files: files)
    }

    // MARK: - Rows

    /// Inserts a batch in one statement; ids already stored must have the same content.
    func insert(
        _ rows: [EventRow], recordedAt: Instant, provenance: WriteProvenance, _ connection: PostgresConnection, stored: inout NewEvents
    ) async throws -> AppendSummary {
        var summary = AppendSummary()
        guard !rows.isEmpty else { return summary }
        let inserted = try await Self.strings(
            connection,
            """
            INSERT INTO event (event_id, insz, type, effective_date, recorded_at, source, data, recorded_by, import_digest)
            SELECT e, i, t, d, \(recordedAt.microsecondsSinceEpoch), s, x, \(provenance.recordedBy), \(provenance.importDigest)::text
            FROM unnest(\(rows.map(\.id))::text[], \(rows.map(\.insz))::text[], \(rows.map(\.type))::text[],
                        \(rows.map(\.effectiveDate))::text[], \(rows.map(\.source))::text[], \(rows.map(\.data))::text[])
                 WITH ORDINALITY AS u(e, i, t, d, s, x, n)
            ORDER BY n
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id
            """, logger)
        var fresh = Set(inserted)
        var existing: [String: (insz: String, type: String, date: String, source: String, data: String)] = [:]
        if rows.count > inserted.count {
            let others = Array(Set(rows.map(\.id)).subtracting(fresh))
            for row in try await Self.rows(
                connection, "SELECT event_id, insz, type, effective_date, source, data FROM event WHERE event_id = ANY(\(others))", logger)
            {
                let (id, insz, type, date, source, data) = try row.decode((String, String, String, String, String, String).self)
                existing[id] = (insz, type, date, source, data)
            }
        }
        for (index, row) in rows.enumerated() {
            if fresh.remove(row.id) != nil {
                summary.stored += 1
                stored.persons.insert(row.insz)
                if stored.tracking { stored.byPerson[row.insz, default: []].insert(row.id) }
                existing[row.id] = (row.insz, row.type, row.effectiveDate, row.source, row.data)
                continue
            }
            guard let other = existing[row.id], other.insz == row.insz, other.type == row.type, other.date == row.effectiveDate,
                other.source == row.source, other.data == row.data
            else { throw StoreError.conflict(index: index, eventId: row.eventId) }
            summary.alreadyPresent += 1
        }
        if summary.stored > 0 { summary.recordedAt = recordedAt }
        return summary
    }

    func fetchEvents(of insz: NationalNumber, _ connection: PostgresConnection) async throws -> [Event] {
        try await Self.rows(
            connection, "SELECT \(unescaped: EventRow.selectedColumns) FROM event WHERE insz = \(insz.digits) ORDER BY seq", logger
        ).map(Self.event(from:))
    }

    static func event(from row: PostgresRow) throws -> Event {
        let (id, insz, type, date, recorded, source, data, recordedBy, importDigest) = try row.decode(
            (String, String, String, String, Int64, String, String, String, String?).self)
        return try EventRow.event(
            id: id, insz: insz, type: type, effectiveDate: date, recordedAt: recorded, source: source, data: data,
            recordedBy: recordedBy, importDigest: importDigest)
    }
}
