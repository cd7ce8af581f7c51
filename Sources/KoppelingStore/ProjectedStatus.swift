public import KoppelingCore

/// One person's row in the status projection: the status the engine gives for `asOf`, and the
/// first day it may differ (``StatusEngine/reviewDate(of:after:)``). The row is written in the
/// transaction that stores the person's events, so it always reflects every stored event; it
/// holds for every day from `asOf` up to, not including, `reviewOn`, and the daily refresh
/// recomputes the rows whose day has come. Queues and figures read it instead of every person's
/// events; it must always give exactly what the engine gives.
public struct ProjectedStatus: Sendable, Hashable {
    /// The national number's 11 digits.
    public var insz: String
    public var status: StatusCode
    public var since: LocalDate?
    /// The day the status was computed for.
    public var asOf: LocalDate
    /// The first day the status may differ without a new event; nil: never.
    public var reviewOn: LocalDate?
    /// What ABB's work list filters and sorts on, by the same rules, for the same day: the
    /// following agency, the municipality of residence (NIS code), the oldest open ABB
    /// infringement's day and the earliest end of a term for a fine, the kinds of the open
    /// infringements, the fines decided, and whether an open-ended postponement is due for review.
    public var agency: String?
    public var municipality: String?
    public var openInfringementSince: LocalDate?
    public var termEndsOn: LocalDate?
    public var openKinds: [String]
    public var fines: Int
    public var postponementReview: Bool

    public init(
        insz: String, status: StatusCode, since: LocalDate?, asOf: LocalDate, reviewOn: LocalDate?, agency: String? = nil,
        municipality: String? = nil, openInfringementSince: LocalDate? = nil, termEndsOn: LocalDate? = nil, openKinds: [String] = [],
        fines: Int = 0, postponementReview: Bool = false
    ) {
        self.insz = insz
        self.status = status
        self.since = since
        self.asOf = asOf
        self.reviewOn = reviewOn
        self.agency = agency
        self.municipality = municipality
        self.openInfringementSince = openInfringementSince
        self.termEndsOn = termEndsOn
        self.openKinds = openKinds
        self.fines = fines
        self.postponementReview = postponementReview
    }

    /// The row of a person with `events` (in recording order), computed for `day`.
    public init(insz: String, events: [Event], engine: StatusEngine, on day: LocalDate) {
        let (evaluation, enforcement, reviewOn) = engine.projection(events, on: day)
        let status = evaluation.status
        let open = enforcement.openInfringements
        self.init(
            insz: insz, status: status.status, since: status.since, asOf: day, reviewOn: reviewOn,
            agency: evaluation.facts?.followingAgency, municipality: enforcement.municipality,
            openInfringementSince: open.map(\.establishedOn).min(), termEndsOn: open.map(\.termEndsOn).min(),
            openKinds: Set(open.map(\.kind.rawValue)).sorted(), fines: enforcement.fines.count,
            postponementReview: status.flags.postponementOpenEndedReview == true)
    }

    /// Whether the row gives the status on `day`.
    public func holds(on day: LocalDate) -> Bool {
        asOf <= day && (reviewOn.map { day < $0 } ?? true)
    }
}

extension ChangeNoticePlanner {
    /// The projection rows of persons whose events a transaction stored, for today: the rule
    /// both backends execute with the events they read back in that transaction.
    public func projectedStatuses(_ events: [String: [Event]]) -> [ProjectedStatus] {
        let day = today()
        return events.keys.sorted().map { ProjectedStatus(insz: $0, events: events[$0] ?? [], engine: projection.engine, on: day) }
    }

    /// The day the projection is kept for.
    public var projectionDay: LocalDate { today() }
}

extension StoreSQL {
    /// The projection's table and its indexes, as both dialects create them.
    public static let personStatusTables = [
        """
        CREATE TABLE person_status (
            insz TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            since TEXT,
            as_of TEXT NOT NULL,
            review_on TEXT,
            agency TEXT,
            municipality TEXT,
            open_since TEXT,
            term_ends_on TEXT,
            open_kinds TEXT NOT NULL,
            fines BIGINT NOT NULL,
            postponement_review BIGINT NOT NULL
        )
        """,
        // The refresh finds due rows by their day; each work-list queue reads its items in order.
        "CREATE INDEX person_status_by_review ON person_status (review_on)",
        // The filters' columns ride along, so that a filtered queue is counted and paged from
        // its index without reading the rows it leaves out.
        "CREATE INDEX person_status_by_status ON person_status (status, since, insz, municipality, agency)",
        "CREATE INDEX person_status_open ON person_status (open_since, insz, municipality, agency, open_kinds) "
            + "WHERE open_since IS NOT NULL",
        "CREATE INDEX person_status_term ON person_status (term_ends_on, insz, open_since, municipality, agency, open_kinds) "
            + "WHERE term_ends_on IS NOT NULL",
        "CREATE INDEX person_status_review ON person_status (since, insz) WHERE postponement_review = 1",
    ]

    /// What writing a person's row does when the person has one: it replaces it.
    public static let projectionConflict = """
        ON CONFLICT (insz) DO UPDATE SET status = excluded.status, since = excluded.since, as_of = excluded.as_of, \
        review_on = excluded.review_on, agency = excluded.agency, municipality = excluded.municipality, \
        open_since = excluded.open_since, term_ends_on = excluded.term_ends_on, open_kinds = excluded.open_kinds, \
        fines = excluded.fines, postponement_review = excluded.postponement_review
        """

    /// A row's columns, in the order of ``projectionColumns``.
    public static func projectionValues(_ row: ProjectedStatus) -> [any SQLValueConvertible] {
        [
            row.insz, row.status.rawValue, row.since?.description, row.asOf.description, row.reviewOn?.description, row.agency,
            row.municipality, row.openInfringementSince?.description, row.termEndsOn?.description, row.openKindsText, row.fines,
            row.postponementReview ? 1 : 0,
        ]
    }

    /// The projection's columns, in table order.
    public static let projectionColumns =
        "insz, status, since, as_of, review_on, agency, municipality, open_since, term_ends_on, open_kinds, fines, postponement_review"

    /// Writes a person's projection row, replacing the one before.
    public static func upsertProjectedStatus(_ row: ProjectedStatus) -> SharedStatement {
        SharedStatement(
            """
            INSERT INTO person_status (\(projectionColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
            \(projectionConflict)
            """, projectionValues(row))
    }

    /// Forgets a person's row: a write without the engine at hand cannot recompute it, and the
    /// next refresh will.
    public static func deleteProjectedStatus(insz: String) -> SharedStatement {
        SharedStatement("DELETE FROM person_status WHERE insz = $1", [insz])
    }

    /// Up to `limit` persons, after `after` in national-number order, whose row does not hold on
    /// `day`: its day has come, it was computed for a later day (the clock went back), or there
    /// is none (a register from before the projection, or a write without the engine).
    public static func staleProjectedStatuses(on day: LocalDate, after: String, limit: Int) -> SharedStatement {
        SharedStatement(
            """
            SELECT DISTINCT e.insz FROM event e LEFT JOIN person_status p ON p.insz = e.insz \
            WHERE e.insz > $1 AND (p.insz IS NULL OR p.as_of > $2 OR p.review_on <= $2) ORDER BY e.insz LIMIT $3
            """, [after, day.description, limit])
    }

    /// Up to `limit` persons whose row's day has come, through the review index.
    public static func dueProjectedStatuses(on day: LocalDate, limit: Int) -> SharedStatement {
        SharedStatement("SELECT insz FROM person_status WHERE review_on <= $1 LIMIT $2", [day.description, limit])
    }

    /// Projection rows, in national-number order after `after`, of one status (or all).
    public static func projectedStatuses(status: StatusCode?, after: String, limit: Int) -> SharedStatement {
        if let status {
            return SharedStatement(
                "SELECT \(projectionColumns) FROM person_status WHERE status = $1 AND insz > $2 ORDER BY insz LIMIT $3",
                [status.rawValue, after, limit])
        }
        return SharedStatement(
            "SELECT \(projectionColumns) FROM person_status WHERE insz > $1 ORDER BY insz LIMIT $2", [after, limit])
    }
}

/// The status projection as a backend keeps it (see ``ProjectedStatus``). Every append with a
/// planner writes the rows of the persons it stored events for, in its transaction; one without
/// a planner removes them, for the next refresh. A backend gives three primitives; what is
/// refreshed, and how queues are read, is decided once, below.
public protocol StatusProjectionStore: Sendable {
    /// The national numbers a shared statement selects, in one read.
    func projectionPersons(_ statement: SharedStatement) async throws -> [String]

    /// Computes the rows of `persons` from their events and writes them, in one transaction.
    func writeProjectedStatuses(planner: ChangeNoticePlanner, persons: [String]) async throws

    /// The rows a shared statement selects (``StoreSQL/projectionColumns``) and, with `counting`,
    /// the count it gives, in one read.
    func projectedRows(_ statement: SharedStatement, counting: SharedStatement?) async throws -> (total: Int, rows: [ProjectedStatus])
}

extension StatusProjectionStore {
    /// Recomputes, in transactions of up to `batch` persons, the rows whose day has come (found
    /// through their review day); with `complete`, also every other row that does not hold on the
    /// planner's day (computed for a later day, or missing), found by a scan of the events.
    /// Returns how many. The persons are found in a read, so that writers wait only for the
    /// computing; a row written in between is computed again from the same events, to the same value.
    @discardableResult
    public func refreshProjectedStatuses(planner: ChangeNoticePlanner, batch: Int, complete: Bool) async throws -> Int {
        let day = planner.projectionDay
        var refreshed = 0
        // The due rows: each one computed again is due no more (its review day is after today).
        while true {
            let persons = try await projectionPersons(StoreSQL.dueProjectedStatuses(on: day, limit: batch))
            guard !persons.isEmpty else { break }
            try await writeProjectedStatuses(planner: planner, persons: persons.sorted())
            refreshed += persons.count
        }
        guard complete else { return refreshed }
        var after = ""
        while true {
            let persons = try await projectionPersons(StoreSQL.staleProjectedStatuses(on: day, after: after, limit: batch))
            try await writeProjectedStatuses(planner: planner, persons: persons)
            refreshed += persons.count
            guard let last = persons.last, persons.count == batch else { return refreshed }
            after = last
        }
    }

    /// The rows of one page of a work-list queue on `today`, and how many items the queue holds.
    public func workList(_ query: WorkListQuery, today: LocalDate, horizon: LocalDate) async throws -> (total: Int, rows: [ProjectedStatus])
    {
        try await projectedRows(
            StoreSQL.workList(query, today: today, horizon: horizon),
            counting: StoreSQL.workList(query, today: today, horizon: horizon, counting: true))
    }

    /// Rows in national-number order after `after` (digits; "" from the start), of one status or all.
    public func projectedStatuses(status: StatusCode?, after: String, limit: Int) async throws -> [ProjectedStatus] {
        try await projectedRows(StoreSQL.projectedStatuses(status: status, after: after, limit: limit), counting: nil).rows
    }
}

extension ProjectedStatus {
    /// The kinds as stored: comma-separated with a comma at each end (`,late_registration,`), so
    /// that one kind is found with `LIKE '%,kind,%'`.
    public var openKindsText: String { openKinds.isEmpty ? "" : "," + openKinds.joined(separator: ",") + "," }

    /// A row as both backends read it, in the order of ``StoreSQL/projectionColumns``.
    public init?(
        insz: String, status: String, since: String?, asOf: String, reviewOn: String?, agency: String?, municipality: String?,
        openSince: String?, termEndsOn: String?, openKinds: String, fines: Int64, postponementReview: Int64
    ) {
        guard let code = StatusCode(rawValue: status), let day = LocalDate(asOf) else { return nil }
        self.init(
            insz: insz, status: code, since: since.flatMap { LocalDate($0) }, asOf: day, reviewOn: reviewOn.flatMap { LocalDate($0) },
            agency: agency, municipality: municipality, openInfringementSince: openSince.flatMap { LocalDate($0) },
            termEndsOn: termEndsOn.flatMap { LocalDate($0) }, openKinds: openKinds.split(separator: ",").map(String.init),
            fines: Int(fines), postponementReview: postponementReview != 0)
    }
}
