public import KoppelingCore

extension WorkListQueue {
    /// The projection column a queue is ordered by: when the window closed (the status's start),
    /// the oldest open infringement, or the end of the earliest term for a fine.
    var orderColumn: String {
        switch self {
        case .registrationOverdue, .postponementReview, .finedNotComplying: "since"
        case .openInfringements: "open_since"
        case .termEnding: "term_ends_on"
        }
    }

    /// The projection column an item's age counts from: the order column, except where that is
    /// a deadline (then the oldest open infringement). ``ProjectedStatus/ageStart(in:)`` reads the
    /// same day from a row.
    var ageColumn: String { self == .termEnding ? "open_since" : orderColumn }
}

extension ProjectedStatus {
    /// The day the row's age counts from in `queue` (the value of ``WorkListQueue/ageColumn``).
    public func ageStart(in queue: WorkListQueue) -> LocalDate? {
        switch queue {
        case .registrationOverdue, .postponementReview, .finedNotComplying: since
        case .openInfringements, .termEnding: openInfringementSince
        }
    }
}

extension StoreSQL {
    /// The projection rows of one page of a work-list queue on `today`, and, with `counting`,
    /// how many items the queue holds under the same filters. The caller brings the due rows up
    /// to date first (``WorkListService/page(_:)`` does), so every row holds on `today` and the
    /// queues' counts are read from their indexes alone. `horizon` is the last day of the
    /// term-ending queue's window.
    public static func workList(_ query: WorkListQuery, today: LocalDate, horizon: LocalDate, counting: Bool = false) -> SharedStatement {
        var clauses: [String] = []
        var arguments: [any SQLValueConvertible] = []
        switch query.queue {
        case .registrationOverdue, .finedNotComplying:
            clauses.append("status = ?")
            arguments.append(
                query.queue == .registrationOverdue ? StatusCode.registrationOverdue.rawValue : StatusCode.nonCompliantFined.rawValue)
        case .openInfringements:
            clauses.append("open_since IS NOT NULL")
        case .termEnding:
            clauses.append("term_ends_on <= ?")
            arguments.append(horizon.description)
        case .postponementReview:
            clauses.append("postponement_review = 1")
        }
        if let agency = query.agency {
            clauses.append("agency = ?")
            arguments.append(agency)
        }
        if let municipality = query.municipality {
            clauses.append("municipality = ?")
            arguments.append(municipality)
        }
        if let province = query.province {
            // Ranges rather than LIKE, so that an index on the municipality serves them: "23" is
            // from "23" up to, not including, "24".
            clauses.append(
                "(" + province.nisPrefixes.map { _ in "(municipality >= ? AND municipality < ?)" }.joined(separator: " OR ") + ")")
            for prefix in province.nisPrefixes {
                let last = prefix.utf8.last!
                arguments += [prefix, String(decoding: prefix.utf8.dropLast() + [last + 1], as: UTF8.self)]
            }
        }
        if let kind = query.kind {
            clauses.append("open_kinds LIKE ?")
            arguments.append("%," + kind.rawValue + ",%")
        }
        if let days = query.minimumAgeDays {
            clauses.append("\(query.queue.ageColumn) <= ?")
            arguments.append(today.adding(days: -days).description)
        }
        let filtering = clauses.joined(separator: " AND ")
        if counting {
            return SharedStatement.numbering("SELECT COUNT(*) FROM person_status WHERE \(filtering)", arguments)
        }
        let direction = query.newestFirst ? "DESC" : "ASC"
        arguments += [query.limit, query.offset]
        return SharedStatement.numbering(
            """
            SELECT \(projectionColumns) FROM person_status WHERE \(filtering) \
            ORDER BY \(query.queue.orderColumn) \(direction), insz \(direction) LIMIT ? OFFSET ?
            """, arguments)
    }
}
