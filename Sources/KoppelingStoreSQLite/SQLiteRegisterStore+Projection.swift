import GRDB
public import KoppelingCore
public import KoppelingStore

extension SQLiteRegisterStore {
    /// Writes the projection rows of the persons a transaction stored events for, planned from
    /// their events as they now are; without a planner, removes them for the next refresh.
    static func storeProjection(_ db: Database, planner: ChangeNoticePlanner?, persons: Set<String>) throws {
        guard !persons.isEmpty else { return }
        guard let planner else {
            for insz in persons { try execute(db, StoreSQL.deleteProjectedStatus(insz: insz)) }
            return
        }
        try writeProjection(db, planner: planner, persons: persons.sorted())
    }

    /// Computes and writes the rows of `persons`, a slice at a time so that only one slice's
    /// events are held.
    static func writeProjection(_ db: Database, planner: ChangeNoticePlanner, persons: [String]) throws {
        for start in stride(from: 0, to: persons.count, by: 1_000) {
            let slice = persons[start..<min(start + 1_000, persons.count)]
            for row in planner.projectedStatuses(try events(db, of: slice)) {
                let statement = StoreSQL.upsertProjectedStatus(row)
                try db.cachedStatement(sql: statement.sql).execute(arguments: statement.statementArguments)
            }
        }
    }

    public func refreshProjectedStatuses(planner: ChangeNoticePlanner, batch: Int, complete: Bool) async throws -> Int {
        let day = planner.projectionDay
        var refreshed = 0
        // The due rows: each one computed again is due no more (its review day is after today).
        while true {
            let statement = StoreSQL.dueProjectedStatuses(on: day, limit: batch)
            let persons = try await read { db in try Self.strings(db, statement) }
            guard !persons.isEmpty else { break }
            try await write { db in try Self.writeProjection(db, planner: planner, persons: persons.sorted()) }
            refreshed += persons.count
        }
        guard complete else { return refreshed }
        var after = ""
        while true {
            // Found in a read, so that writers wait only for the computing; a row written in
            // between is computed again from the same events, to the same value.
            let statement = StoreSQL.staleProjectedStatuses(on: day, after: after, limit: batch)
            let persons = try await read { db in try Self.strings(db, statement) }
            try await write { db in try Self.writeProjection(db, planner: planner, persons: persons) }
            refreshed += persons.count
            guard let last = persons.last, persons.count == batch else { return refreshed }
            after = last
        }
    }

    public func workList(_ query: WorkListQuery, today: LocalDate, horizon: LocalDate) async throws -> (total: Int, rows: [ProjectedStatus])
    {
        try await read { db in
            let total = try Self.int(db, StoreSQL.workList(query, today: today, horizon: horizon, counting: true))
            return (total, try Self.projectedRows(db, StoreSQL.workList(query, today: today, horizon: horizon)))
        }
    }

    public func projectedStatuses(status: StatusCode?, after: String, limit: Int) async throws -> [ProjectedStatus] {
        try await read { db in try Self.projectedRows(db, StoreSQL.projectedStatuses(status: status, after: after, limit: limit)) }
    }

    /// Projection rows read with ``StoreSQL/projectionColumns``.
    static func projectedRows(_ db: Database, _ statement: SharedStatement) throws -> [ProjectedStatus] {
        try rows(db, statement).compactMap { row in
            ProjectedStatus(
                insz: row[0], status: row[1], since: row[2], asOf: row[3], reviewOn: row[4], agency: row[5], municipality: row[6],
                openSince: row[7], termEndsOn: row[8], openKinds: row[9], fines: row[10], postponementReview: row[11])
        }
    }
}
