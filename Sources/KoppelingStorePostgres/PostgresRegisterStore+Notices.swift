import Foundation
public import KoppelingCore
public import KoppelingStore
import Logging
import PostgresNIO

extension PostgresRegisterStore {
    public func sweepNotices(on day: LocalDate, planner: ChangeNoticePlanner, at: Instant) async throws -> Int? {
        try await transaction { connection in
            // Under the log lock, so that two instances do not sweep one day twice.
            try await self.lockLog(connection)
            guard try await Self.int(connection, "SELECT COUNT(*) FROM notice_sweep WHERE day = \(day.description)", self.logger) == 0
            else { return nil }
            let follows = try await Self.strings(
                connection, "SELECT record FROM follow WHERE ended_at IS NULL AND until >= \(day.description)", self.logger
            ).map { try Self.decode(Follow.self, $0) }
            let protocols = try await self.protocolRecords(connection)
            let events = try await self.events(connection, of: Set(follows.map(\.insz)))
            let planned = planner.sweep(follows: follows, events: events, protocols: protocols, on: day, at: at)
            try await self.insertNotices(connection, planned)
            try await connection.query(
                "INSERT INTO notice_sweep (day, at, notices) VALUES (\(day.description), \(at.microsecondsSinceEpoch), \(planned.count))",
                logger: self.logger)
            return planned.count
        }
    }

    /// The stored events of persons, by national-number digits, in one query.
    func events(_ connection: PostgresConnection, of persons: some Collection<String>) async throws -> [String: [Event]] {
        var found: [String: [Event]] = [:]
        guard !persons.isEmpty else { return found }
        for row in try await Self.rows(
            connection,
            """
            SELECT \(unescaped: EventRow.selectedColumns) FROM event WHERE insz = ANY(\(Array(persons))) ORDER BY insz, seq
            """, logger)
        {
            let event = try Self.event(from: row)
            found[event.insz.digits, default: []].append(event)
        }
        return found
    }

    func hasActiveFollows(_ connection: PostgresConnection) async throws -> Bool {
        try await Self.int(connection, "SELECT COUNT(*) FROM (SELECT 1 FROM follow WHERE ended_at IS NULL LIMIT 1) AS f", logger) > 0
    }

    /// The active follows of persons, by national-number digits.
    func activeFollows(_ connection: PostgresConnection, of persons: some Collection<String>) async throws -> [String: [Follow]] {
        var found: [String: [Follow]] = [:]
        for text in try await Self.strings(
            connection, "SELECT record FROM follow WHERE ended_at IS NULL AND insz = ANY(\(Array(persons)))", logger)
        {
            let follow = try Self.decode(Follow.self, text)
            found[follow.insz, default: []].append(follow)
        }
        return found
    }

    /// Drops the persons nobody follows from what a streaming import keeps.
    func keepFollowed(_ connection: PostgresConnection, _ stored: inout NewEvents) async throws {
        guard stored.tracking, !stored.byPerson.isEmpty else { return }
        let followed = try await activeFollows(connection, of: stored.byPerson.keys)
        stored.byPerson = stored.byPerson.filter { followed[$0.key] != nil }
    }

    /// Plans and stores the change notices of a transaction's new events, with their records,
    /// inside that transaction (the same planner as every backend).
    func storeNotices(_ connection: PostgresConnection, planner: ChangeNoticePlanner, stored: NewEvents, recordedAt: Instant) async throws {
        guard stored.tracking, !stored.byPerson.isEmpty else { return }
        let followed = try await activeFollows(connection, of: stored.byPerson.keys)
        guard !followed.isEmpty else { return }
        let protocols = try await protocolRecords(connection)
        let events = try await self.events(connection, of: ChangeNoticePlanner.persons(new: stored, followed: followed))
        let planned = planner.plan(new: stored, followed: followed, events: events, protocols: protocols, recordedAt: recordedAt)
        try await insertNotices(connection, planned)
    }

    /// Stores planned notices with the next sequence numbers of their clients, and their records,
    /// under the log lock (no two instances number a client's notices at once).
    func insertNotices(_ connection: PostgresConnection, _ planned: [PlannedNotice]) async throws {
        guard !planned.isEmpty else { return }
        try await self.lockLog(connection)
        var next: [String: Int] = [:]
        var clients: [String] = []
        var seqs: [Int64] = []
        var follows: [String] = []
        var ats: [Int64] = []
        var bodies: [String] = []
        for notice in planned {
            let client = notice.follow.clientId
            let sequence: Int
            if let known = next[client] {
                sequence = known
            } else {
                sequence = try await Self.int(connection, "SELECT MAX(seq) FROM notice WHERE client = \(client)", logger) + 1
            }
            next[client] = sequence + 1
            clients.append(client)
            seqs.append(Int64(sequence))
            follows.append(notice.follow.id.lowercasedString)
            ats.append(notice.recordedAt.microsecondsSinceEpoch)
            bodies.append(notice.body(sequence: sequence))
        }
        try await connection.query(
            """
            INSERT INTO notice (client, seq, follow_id, at, body)
            SELECT * FROM unnest(\(clients)::text[], \(seqs)::bigint[], \(follows)::text[], \(ats)::bigint[], \(bodies)::text[])
            """, logger: logger)
        try await appendDisclosures(connection, planned.map(\.record))
    }

    public func lastSweptDay() async throws -> LocalDate? {
        try await read { connection in
            try await Self.strings(connection, "SELECT MAX(day) FROM notice_sweep WHERE day IS NOT NULL HAVING COUNT(*) > 0", self.logger)
                .first.flatMap { LocalDate($0) }
        }
    }

    public func lastNoticeSequence(clientId: String) async throws -> Int {
        try await read { connection in try await Self.int(connection, "SELECT MAX(seq) FROM notice WHERE client = \(clientId)", self.logger)
        }
    }

    public func notices(clientId: String, after sequence: Int, limit: Int) async throws -> [(sequence: Int, body: String)] {
        try await read { connection in
            try await Self.rows(
                connection, "SELECT seq, body FROM notice WHERE client = \(clientId) AND seq > \(sequence) ORDER BY seq LIMIT \(limit)",
                self.logger
            )
            .map { row in
                let (seq, body) = try row.decode((Int64, String).self)
                return (Int(seq), body)
            }
        }
    }
}

extension PostgresRegisterStore: WebhookStore {
    public func setWebhook(clientId: String, url: String, secret: String, overlapUntil: Instant?) async throws {
        try await transaction { connection in
            var endpoint: WebhookEndpoint
            if let text = try await Self.strings(
                connection, "SELECT record FROM webhook WHERE client = \(clientId) FOR UPDATE", self.logger
            ).first {
                endpoint = try Self.decode(WebhookEndpoint.self, text)
                endpoint.url = url
                let keep =
                    overlapUntil.map { until in endpoint.secrets.map { WebhookEndpoint.Secret(secret: $0.secret, validUntil: until) } }
                    ?? []
                endpoint.secrets = [.init(secret: secret, validUntil: nil)] + keep
                endpoint.disabled = false
                endpoint.nextAttemptAt = nil
            } else {
                // A new endpoint receives the notices from now on; older ones stay in the feed.
                let last = try await Self.int(connection, "SELECT MAX(seq) FROM notice WHERE client = \(clientId)", self.logger)
                endpoint = WebhookEndpoint(
                    clientId: clientId, url: url, secrets: [.init(secret: secret, validUntil: nil)], deliveredSequence: last)
            }
            try await connection.query(
                """
                INSERT INTO webhook (client, record) VALUES (\(clientId), \(try Self.jsonText(endpoint)))
                ON CONFLICT (client) DO UPDATE SET record = excluded.record, lease_owner = NULL, lease_until = NULL
                """, logger: self.logger)
        }
    }

    public func webhook(clientId: String) async throws -> WebhookEndpoint? {
        try await read { connection in
            try await Self.strings(connection, "SELECT record FROM webhook WHERE client = \(clientId)", self.logger).first.map {
                try Self.decode(WebhookEndpoint.self, $0)
            }
        }
    }

    public func webhooks() async throws -> [WebhookEndpoint] {
        try await read { connection in
            try await Self.strings(connection, "SELECT record FROM webhook ORDER BY client", self.logger).map {
                try Self.decode(WebhookEndpoint.self, $0)
            }
        }
    }

    public func claimDueWebhooks(at now: Instant, owner: String, leaseUntil: Instant, limit: Int) async throws -> [WebhookLease] {
        try await transaction { connection in
            // Rows another instance is claiming right now are skipped, not waited for.
            let rows = try await Self.rows(
                connection,
                """
                SELECT record, lease_owner, lease_until FROM webhook
                WHERE lease_owner IS NULL OR lease_owner = \(owner) OR lease_until <= \(now.microsecondsSinceEpoch)
                ORDER BY client FOR UPDATE SKIP LOCKED
                """, self.logger)
            var leases: [WebhookLease] = []
            for row in rows {
                let endpoint = try Self.decode(WebhookEndpoint.self, try row.decode(String.self, context: .default))
                guard !endpoint.disabled, endpoint.nextAttemptAt.map({ $0 <= now }) ?? true else { continue }
                let notices = try await Self.rows(
                    connection,
                    """
                    SELECT seq, body FROM notice WHERE client = \(endpoint.clientId) AND seq > \(endpoint.deliveredSequence) ORDER BY seq LIMIT \(limit)
                    """, self.logger
                ).map { row in
                    let (seq, body) = try row.decode((Int64, String).self)
                    return (sequence: Int(seq), body: body)
                }
                guard !notices.isEmpty else { continue }
                try await connection.query(
                    "UPDATE webhook SET lease_owner = \(owner), lease_until = \(leaseUntil.microsecondsSinceEpoch) WHERE client = \(endpoint.clientId)",
                    logger: self.logger)
                leases.append(WebhookLease(endpoint: endpoint, notices: notices))
            }
            return leases
        }
    }

    public func saveDelivery(_ endpoint: WebhookEndpoint, owner: String, leaseUntil: Instant?) async throws -> Bool {
        try await transaction { connection in
            guard
                let row = try await Self.rows(
                    connection, "SELECT record, lease_owner FROM webhook WHERE client = \(endpoint.clientId) FOR UPDATE", self.logger
                ).first
            else { return false }
            let (text, holder) = try row.decode((String, String?).self)
            guard holder == owner else { return false }
            var stored = try Self.decode(WebhookEndpoint.self, text)
            stored.takeDeliveryState(of: endpoint)
            try await connection.query(
                """
                UPDATE webhook SET record = \(try Self.jsonText(stored)), lease_owner = \(leaseUntil == nil ? nil : owner),
                    lease_until = \(leaseUntil?.microsecondsSinceEpoch) WHERE client = \(endpoint.clientId)
                """, logger: self.logger)
            return true
        }
    }

    public func replayWebhook(clientId: String, from sequence: Int) async throws -> Bool {
        try await transaction { connection in
            guard
                let text = try await Self.strings(
                    connection, "SELECT record FROM webhook WHERE client = \(clientId) FOR UPDATE", self.logger
                ).first
            else { return false }
            var endpoint = try Self.decode(WebhookEndpoint.self, text)
            endpoint.deliveredSequence = max(0, sequence - 1)
            endpoint.disabled = false
            endpoint.attempts = 0
            endpoint.nextAttemptAt = nil
            endpoint.failingSince = nil
            // Breaking the lease stops a dispatcher in the middle of a run from saving over this.
            try await connection.query(
                "UPDATE webhook SET record = \(try Self.jsonText(endpoint)), lease_owner = NULL, lease_until = NULL WHERE client = \(clientId)",
                logger: self.logger)
            return true
        }
    }
}

extension PostgresRegisterStore: BatchStore {
    static func storedBatch(_ row: PostgresRow) throws -> StoredBatch {
        let (id, client, createdAt, first, last, count, manifest) = try row.decode(
            (String, String, Int64, Int64, Int64, Int64, String).self)
        return StoredBatch(
            id: id, clientId: client, createdAt: Instant(microsecondsSinceEpoch: createdAt), firstSequence: Int(first),
            lastSequence: Int(last),
            recordCount: Int(count), signedManifest: manifest)
    }

    public func createBatch(
        clientId: String, make: @escaping @Sendable (_ notices: [(sequence: Int, body: String)], _ previousAt: Instant?) throws -> NewBatch?
    ) async throws -> StoredBatch? {
        try await transaction { connection in
            // Under the log lock: two instances never write overlapping batches for a client.
            try await self.lockLog(connection)
            let previous = try await Self.rows(
                connection, "SELECT last_seq, created_at FROM batch WHERE client = \(clientId) ORDER BY created_at DESC LIMIT 1",
                self.logger
            ).first.map { try $0.decode((Int64, Int64).self) }
            let after = previous?.0 ?? 0
            let previousAt = previous.map { Instant(microsecondsSinceEpoch: $0.1) }
            let notices = try await Self.rows(
                connection, "SELECT seq, body FROM notice WHERE client = \(clientId) AND seq > \(after) ORDER BY seq", self.logger
            )
            .map { row in
                let (seq, body) = try row.decode((Int64, String).self)
                return (sequence: Int(seq), body: body)
            }
            guard let new = try make(notices, previousAt) else { return nil }
            let b = new.batch
            try await connection.query(
                """
                INSERT INTO batch (id, client, created_at, first_seq, last_seq, count, file, manifest)
                VALUES (\(b.id), \(b.clientId), \(b.createdAt.microsecondsSinceEpoch), \(b.firstSequence), \(b.lastSequence), \(b.recordCount), \(new.file), \(b.signedManifest))
                """, logger: self.logger)
            try await self.appendDisclosures(connection, [new.record])
            return b
        }
    }

    public func batches(clientId: String) async throws -> [StoredBatch] {
        try await read { connection in
            try await Self.rows(
                connection,
                "SELECT id, client, created_at, first_seq, last_seq, count, manifest FROM batch WHERE client = \(clientId) ORDER BY created_at",
                self.logger
            ).map(Self.storedBatch)
        }
    }

    public func batch(id: String, clientId: String) async throws -> (batch: StoredBatch, file: String)? {
        try await read { connection in
            try await Self.rows(
                connection,
                """
                SELECT id, client, created_at, first_seq, last_seq, count, manifest, file FROM batch WHERE id = \(id) AND client = \(clientId)
                """, self.logger
            ).first.map { row in
                (try Self.storedBatch(row), try row.decode((String, String, Int64, Int64, Int64, Int64, String, String).self).7)
            }
        }
    }

    public func clientsWithPendingNotices() async throws -> [(clientId: String, since: Instant)] {
        try await read { connection in
            try await Self.rows(
                connection,
                """
                SELECT n.client, COALESCE((SELECT MAX(created_at) FROM batch b WHERE b.client = n.client), MIN(n.at)) AS since
                FROM notice n GROUP BY n.client
                HAVING MAX(n.seq) > COALESCE((SELECT MAX(last_seq) FROM batch b WHERE b.client = n.client), 0)
                """, self.logger
            ).map { row in
                let (client, since) = try row.decode((String, Int64).self)
                return (client, Instant(microsecondsSinceEpoch: since))
            }
        }
    }
}
