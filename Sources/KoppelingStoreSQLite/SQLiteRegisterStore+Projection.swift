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

    public func projectionPersons(_ statement: SharedStatement) async throws -> [String] {
        try await read { db in try Self.strings(db, statement) }
    }

    public func writeProjectedStatuses(planner: ChangeNoticePlanner, persons: [String]) async throws {
        try await write { db in try Self.writeProjection(db, planner: planner, persons: persons) }
    }

    public func projectedRows(
        _ statement: SharedStatement, counting: SharedStatement?
    ) async throws -> (total: Int, rows: [ProjectedStatus]) {
        try await read { db in
            let rows = try Self.rows(db, statement).compactMap { row in
                ProjectedStatus(
                    insz: row[0], status: row[1], since: row[2], asOf: row[3], reviewOn: row[4], agency: row[5], municipality: row[6],
                    openSince: row[7], termEndsOn: row[8], openKinds: row[9], fines: row[10], postponementReview: row[11])
            }
            return (try counting.map { try Self.int(db, $0) } ?? rows.count, rows)
        }
    }
}
