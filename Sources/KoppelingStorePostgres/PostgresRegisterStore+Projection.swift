public import KoppelingCore
public import KoppelingStore
import PostgresNIO

extension PostgresRegisterStore {
    /// Writes the projection rows of the persons a transaction stored events for, planned from
    /// their events as they now are; without a planner, removes them for the next refresh.
    func storeProjection(_ connection: PostgresConnection, planner: ChangeNoticePlanner?, persons: Set<String>) async throws {
        guard !persons.isEmpty else { return }
        guard let planner else {
            try await connection.query("DELETE FROM person_status WHERE insz = ANY(\(Array(persons)))", logger: logger)
            return
        }
        try await writeProjection(connection, planner: planner, persons: persons.sorted())
    }

    /// Computes and writes the rows of `persons`, a slice at a time, each slice in one statement.
    func writeProjection(_ connection: PostgresConnection, planner: ChangeNoticePlanner, persons: [String]) async throws {
        for start in stride(from: 0, to: persons.count, by: 1_000) {
            let slice = persons[start..<min(start + 1_000, persons.count)]
            let rows = planner.projectedStatuses(try await events(connection, of: slice))
            guard !rows.isEmpty else { continue }
            // Optional texts travel as "" (PostgresNIO binds no arrays of optionals) and become NULL again.
            func texts(_ value: (ProjectedStatus) -> String?) -> [String] { rows.map { value($0) ?? "" } }
            try await connection.query(
                """
                INSERT INTO person_status (\(unescaped: StoreSQL.projectionColumns))
                SELECT i, s, NULLIF(d, ''), a, NULLIF(r, ''), NULLIF(g, ''), NULLIF(m, ''), NULLIF(o, ''), NULLIF(t, ''), k, f, p
                FROM unnest(\(rows.map(\.insz))::text[], \(rows.map(\.status.rawValue))::text[],
                            \(texts { $0.since?.description })::text[], \(rows.map(\.asOf.description))::text[],
                            \(texts { $0.reviewOn?.description })::text[], \(texts(\.agency))::text[],
                            \(texts(\.municipality))::text[], \(texts { $0.openInfringementSince?.description })::text[],
                            \(texts { $0.termEndsOn?.description })::text[], \(rows.map(\.openKindsText))::text[],
                            \(rows.map { Int64($0.fines) })::bigint[], \(rows.map { Int64($0.postponementReview ? 1 : 0) })::bigint[])
                     AS u(i, s, d, a, r, g, m, o, t, k, f, p) \(unescaped: StoreSQL.projectionConflict)
                """, logger: logger)
        }
    }

    public func projectionPersons(_ statement: SharedStatement) async throws -> [String] {
        try await read { connection in try await Self.strings(connection, statement.query, self.logger) }
    }

    public func writeProjectedStatuses(planner: ChangeNoticePlanner, persons: [String]) async throws {
        try await transaction { connection in try await self.writeProjection(connection, planner: planner, persons: persons) }
    }

    public func projectedRows(
        _ statement: SharedStatement, counting: SharedStatement?
    ) async throws -> (total: Int, rows: [ProjectedStatus]) {
        try await read { connection in
            let rows = try await Self.rows(connection, statement.query, self.logger).compactMap { row in
                let (insz, status, since, asOf, reviewOn, agency, municipality, openSince, termEndsOn, openKinds, fines, review) =
                    try row.decode(
                        (String, String, String?, String, String?, String?, String?, String?, String?, String, Int64, Int64).self)
                return ProjectedStatus(
                    insz: insz, status: status, since: since, asOf: asOf, reviewOn: reviewOn, agency: agency, municipality: municipality,
                    openSince: openSince, termEndsOn: termEndsOn, openKinds: openKinds, fines: fines, postponementReview: review)
            }
            var total = rows.count
            if let counting { total = try await Self.int(connection, counting.query, self.logger) }
            return (total, rows)
        }
    }
}
