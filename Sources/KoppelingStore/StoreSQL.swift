public import KoppelingCore

/// The statements both backends run with the same text. A backend writes its own SQL only where
/// the dialects differ (bulk inserts, JSON operators, locks) or where it reads its own schema.
public enum StoreSQL {
    // MARK: - Events

    /// Every event, person by person, each person's in recording order.
    public static let eventsByPerson = SharedStatement("SELECT \(EventRow.selectedColumns) FROM event ORDER BY insz, seq")

    // MARK: - Change notices

    /// The last sequence number of a client's notices (0 before the first).
    public static func lastNoticeSequence(client: String) -> SharedStatement {
        SharedStatement("SELECT COALESCE(MAX(seq), 0) FROM notice WHERE client = $1", [client])
    }

    /// A client's notices after a sequence number, in order, at most `limit` (all without it).
    public static func notices(client: String, after sequence: Int, limit: Int? = nil) -> SharedStatement {
        guard let limit else {
            return SharedStatement("SELECT seq, body FROM notice WHERE client = $1 AND seq > $2 ORDER BY seq", [client, sequence])
        }
        return SharedStatement(
            "SELECT seq, body FROM notice WHERE client = $1 AND seq > $2 ORDER BY seq LIMIT $3", [client, sequence, limit])
    }

    /// Whether the sweep of a day has run: a count of 0 or 1.
    public static func sweepCount(day: LocalDate) -> SharedStatement {
        SharedStatement("SELECT COUNT(*) FROM notice_sweep WHERE day = $1", [day.description])
    }

    /// The follows still active on a day.
    public static func followsActive(on day: LocalDate) -> SharedStatement {
        SharedStatement("SELECT record FROM follow WHERE ended_at IS NULL AND until >= $1", [day.description])
    }

    /// Marks a day as swept, with how many notices the sweep made.
    public static func insertSweep(day: LocalDate, at: Instant, notices: Int) -> SharedStatement {
        SharedStatement(
            "INSERT INTO notice_sweep (day, at, notices) VALUES ($1, $2, $3)", [day.description, at.microsecondsSinceEpoch, notices])
    }

    /// The last day swept (a null row when none was).
    public static let lastSweptDay = SharedStatement("SELECT MAX(day) FROM notice_sweep")

    // MARK: - Webhooks

    /// A client's webhook endpoint record.
    public static func webhook(client: String) -> SharedStatement {
        SharedStatement("SELECT record FROM webhook WHERE client = $1", [client])
    }

    /// A client's webhook endpoint record with the instance holding its lease.
    public static func webhookWithLease(client: String) -> SharedStatement {
        SharedStatement("SELECT record, lease_owner FROM webhook WHERE client = $1", [client])
    }

    /// Every webhook endpoint record, by client.
    public static let webhooks = SharedStatement("SELECT record FROM webhook ORDER BY client")

    /// The endpoints an instance may claim at `now`: not leased, leased by it, or with a lapsed lease.
    public static func claimableWebhooks(owner: String, now: Instant) -> SharedStatement {
        SharedStatement(
            "SELECT record FROM webhook WHERE lease_owner IS NULL OR lease_owner = $1 OR lease_until <= $2 ORDER BY client",
            [owner, now.microsecondsSinceEpoch])
    }

    /// Stores a registration; a lease in progress is broken.
    public static func upsertWebhook(client: String, record: String) -> SharedStatement {
        SharedStatement(
            """
            INSERT INTO webhook (client, record) VALUES ($1, $2)
            ON CONFLICT (client) DO UPDATE SET record = excluded.record, lease_owner = NULL, lease_until = NULL
            """, [client, record])
    }

    /// Gives an instance the lease of an endpoint.
    public static func leaseWebhook(client: String, owner: String, until: Instant) -> SharedStatement {
        SharedStatement(
            "UPDATE webhook SET lease_owner = $1, lease_until = $2 WHERE client = $3", [owner, until.microsecondsSinceEpoch, client])
    }

    /// Saves an endpoint's record with the lease it keeps; without one, its lease ends.
    public static func saveWebhook(client: String, record: String, lease: (owner: String, until: Instant)?) -> SharedStatement {
        SharedStatement(
            "UPDATE webhook SET record = $1, lease_owner = $2, lease_until = $3 WHERE client = $4",
            [record, lease?.owner, lease?.until.microsecondsSinceEpoch, client])
    }

    // MARK: - Batches

    /// A client's latest batch: its last sequence number and when it was made.
    public static func previousBatch(client: String) -> SharedStatement {
        SharedStatement("SELECT last_seq, created_at FROM batch WHERE client = $1 ORDER BY created_at DESC LIMIT 1", [client])
    }

    /// Stores a batch with its file.
    public static func insertBatch(_ batch: StoredBatch, file: String) -> SharedStatement {
        SharedStatement(
            """
            INSERT INTO batch (id, client, created_at, first_seq, last_seq, count, file, manifest) VALUES ($1, $2, $3, $4, $5, $6, \
            $7, $8)
            """,
            [
                batch.id, batch.clientId, batch.createdAt.microsecondsSinceEpoch, batch.firstSequence, batch.lastSequence,
                batch.recordCount, file, batch.signedManifest,
            ])
    }

    static let batchColumns = "id, client, created_at, first_seq, last_seq, count, manifest"

    /// A client's batches, oldest first (columns as `StoredBatch` reads them).
    public static func batches(client: String) -> SharedStatement {
        SharedStatement("SELECT \(batchColumns) FROM batch WHERE client = $1 ORDER BY created_at", [client])
    }

    /// One batch of a client, with its file as the last column.
    public static func batch(id: String, client: String) -> SharedStatement {
        SharedStatement("SELECT \(batchColumns), file FROM batch WHERE id = $1 AND client = $2", [id, client])
    }

    /// The clients with notices not yet in a batch, with the instant since which they wait.
    public static let clientsWithPendingNotices = SharedStatement(
        """
        SELECT n.client, COALESCE((SELECT MAX(created_at) FROM batch b WHERE b.client = n.client), MIN(n.at)) AS since
        FROM notice n GROUP BY n.client
        HAVING MAX(n.seq) > COALESCE((SELECT MAX(last_seq) FROM batch b WHERE b.client = n.client), 0)
        """)

    // MARK: - The transparency log

    /// The log's size: its last sequence number (0 when empty).
    public static let logSize = SharedStatement("SELECT COALESCE(MAX(seq), 0) FROM disclosure")

    /// Entries `start ..< end` with their leaf hashes.
    public static func logEntries(start: Int, end: Int) -> SharedStatement {
        SharedStatement(
            """
            SELECT d.seq, d.record, n.hash FROM disclosure d JOIN log_node n ON n.last_leaf = d.seq - 1 AND n.level = 0
            WHERE d.seq > $1 AND d.seq <= $2 ORDER BY d.seq
            """, [start, end])
    }

    /// Stores an issued checkpoint.
    public static func insertCheckpoint(_ checkpoint: StoredCheckpoint) -> SharedStatement {
        SharedStatement(
            "INSERT INTO log_checkpoint (size, at, note) VALUES ($1, $2, $3)",
            [checkpoint.size, checkpoint.at.microsecondsSinceEpoch, checkpoint.note])
    }

    /// The latest checkpoint.
    public static let latestCheckpoint = SharedStatement("SELECT size, at, note FROM log_checkpoint ORDER BY size DESC LIMIT 1")

    /// The checkpoint of a size.
    public static func checkpoint(size: Int) -> SharedStatement {
        SharedStatement("SELECT size, at, note FROM log_checkpoint WHERE size = $1", [size])
    }

    /// Every checkpoint, smallest first.
    public static let checkpoints = SharedStatement("SELECT size, at, note FROM log_checkpoint ORDER BY size")

    /// The records about one person, by pseudonym, in log order.
    public static func disclosures(subject: String) -> SharedStatement {
        SharedStatement("SELECT seq, record FROM disclosure WHERE subject = $1 ORDER BY seq", [subject])
    }

    /// The latest `limit` records about a person, newest first.
    public static func latestDisclosures(subject: String, limit: Int) -> SharedStatement {
        SharedStatement("SELECT seq, record FROM disclosure WHERE subject = $1 ORDER BY seq DESC LIMIT $2", [subject, limit])
    }

    /// How many records are about a person.
    public static func disclosureCount(subject: String) -> SharedStatement {
        SharedStatement("SELECT COUNT(*) FROM disclosure WHERE subject = $1", [subject])
    }

    /// A DPO's search: the records matching a filter after a log index, oldest first, at most
    /// `limit`. `purposeExpression` is how the dialect reads the purpose out of a record's JSON.
    public static func searchDisclosures(_ filter: DisclosureFilter, after: Int?, limit: Int, purposeExpression: String) -> SharedStatement
    {
        let (conditions, filtering) = disclosureConditions(filter, purposeExpression: purposeExpression)
        let numbered = ["seq > $1"] + conditions.enumerated().map { "\($0.element) $\($0.offset + 2)" }
        var arguments: [any SQLValueConvertible] = [DisclosureFilter.sequence(after: after)] + filtering
        arguments.append(limit)
        return SharedStatement(
            "SELECT seq, record FROM disclosure WHERE \(numbered.joined(separator: " AND ")) ORDER BY seq LIMIT $\(arguments.count)",
            arguments)
    }

    /// The conditions of a disclosure filter (each an expression and an operator, to be followed
    /// by its parameter's number) and their parameters.
    static func disclosureConditions(
        _ filter: DisclosureFilter, purposeExpression: String
    ) -> (conditions: [String], arguments: [any SQLValueConvertible]) {
        var conditions: [String] = []
        var arguments: [any SQLValueConvertible] = []
        func condition(_ expression: String, _ value: any SQLValueConvertible) {
            arguments.append(value)
            conditions.append(expression)
        }
        if let value = filter.clientId { condition("client =", value) }
        if let value = filter.party { condition("party =", value) }
        if let value = filter.outcome { condition("outcome =", value) }
        if let value = filter.from { condition("at >=", value.microsecondsSinceEpoch) }
        if let value = filter.to { condition("at <", value.microsecondsSinceEpoch) }
        if let value = filter.purpose { condition("\(purposeExpression) =", value) }
        return (conditions, arguments)
    }

    /// How many disclosure records match a filter, per UTC month, client, party, purpose and
    /// outcome: the DPO's volumes. Read from the disclosure counters when the period starts and
    /// ends on whole hours (``DisclosureTally/spans(from:to:)``), otherwise counted from the log
    /// itself. `monthExpression` gives `YYYY-MM` of `at` (microseconds) in the dialect.
    public static func disclosureVolumes(_ filter: DisclosureFilter, monthExpression: String, purposeExpression: String) -> SharedStatement
    {
        guard let spans = DisclosureTally.spans(from: filter.from, to: filter.to) else {
            return disclosureVolumesFromLog(filter, monthExpression: monthExpression, purposeExpression: purposeExpression)
        }
        var unfiltered = filter
        (unfiltered.from, unfiltered.to) = (nil, nil)
        let (conditions, filtering) = disclosureConditions(unfiltered, purposeExpression: "purpose")
        var arguments = filtering
        var clauses = conditions.map { $0 + " ?" }
        var spanConditions: [String] = []
        for span in spans {
            var parts = ["grain = ?"]
            arguments.append(span.grain.rawValue)
            if let lower = span.lower {
                parts.append("period >= ?")
                arguments.append(lower)
            }
            if let upper = span.upper {
                parts.append("period < ?")
                arguments.append(upper)
            }
            spanConditions.append("(" + parts.joined(separator: " AND ") + ")")
        }
        clauses.append(spans.isEmpty ? "1 = 0" : "(" + spanConditions.joined(separator: " OR ") + ")")
        return SharedStatement.numbering(
            """
            SELECT substr(period, 1, 7), client, party, purpose, outcome, CAST(SUM(count) AS BIGINT) FROM disclosure_tally \
            WHERE \(clauses.joined(separator: " AND ")) GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
            """, arguments)
    }

    /// The volumes counted from the log's records themselves.
    public static func disclosureVolumesFromLog(
        _ filter: DisclosureFilter, monthExpression: String, purposeExpression: String
    ) -> SharedStatement {
        let (conditions, arguments) = disclosureConditions(filter, purposeExpression: purposeExpression)
        let numbered = conditions.enumerated().map { "\($0.element) $\($0.offset + 1)" }
        let filtering = numbered.isEmpty ? "" : " WHERE " + numbered.joined(separator: " AND ")
        return SharedStatement(
            """
            SELECT \(monthExpression), client, party, \(purposeExpression), outcome, COUNT(*) FROM disclosure\(filtering) \
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
            """, arguments)
    }

    // MARK: - The disclosure counters

    /// The counters' table, as both dialects create it.
    public static let disclosureTallyTable = """
        CREATE TABLE disclosure_tally (
            grain TEXT NOT NULL,
            period TEXT NOT NULL,
            client TEXT NOT NULL,
            party TEXT NOT NULL,
            purpose TEXT NOT NULL,
            outcome TEXT NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (grain, period, client, party, purpose, outcome)
        )
        """

    /// What an increment does when its counter exists: it adds to it.
    public static let tallyConflict =
        "ON CONFLICT (grain, period, client, party, purpose, outcome) DO UPDATE SET count = disclosure_tally.count + excluded.count"

    /// Adds one planned increment to its counter.
    public static func addTally(_ increment: DisclosureTally.Increment) -> SharedStatement {
        let key = increment.key
        return SharedStatement(
            "INSERT INTO disclosure_tally (grain, period, client, party, purpose, outcome, count) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                + tallyConflict, [key.grain.rawValue, key.period, key.clientId, key.party, key.purpose, key.outcome, increment.count])
    }

    /// The log's records grouped by the start of their UTC hour (microseconds), client, party,
    /// purpose and outcome, with their number: what the counters are built from when a register
    /// that has records gets them.
    public static func disclosureGroupsByHour(purposeExpression: String) -> SharedStatement {
        SharedStatement(
            """
            SELECT at / 3600000000 * 3600000000, client, party, \(purposeExpression), outcome, COUNT(*) FROM disclosure \
            GROUP BY 1, 2, 3, 4, 5
            """)
    }
}
