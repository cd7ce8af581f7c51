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
            guard try await Self.int(connection, StoreSQL.sweepCount(day: day).query, self.logger) == 0 else { return nil }
            let follows = try await Self.strings(connection, StoreSQL.followsActive(on: day).query, self.logger).map {
                try Self.decode(Follow.self, $0)
            }
            let protocols = try await self.protocolRecords(connection)
            let events = try await self.events(connection, of: Set(follows.map(\.insz)))
            let planned = planner.sweep(follows: follows, events: events, protocols: protocols, on: day, at: at)
            try await self.insertNotices(connection, planned)
            try await connection.query(StoreSQL.insertSweep(day: day, at: at, notices: planned.count).query, logger: self.logger)
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
        var last: [String: Int] = [:]
        for client in NoticeRow.clients(of: planned) {
            last[client] = try await Self.int(connection, StoreSQL.lastNoticeSequence(client: client).query, logger)
        }
        let rows = NoticeRow.numbering(planned, after: last)
        try await connection.query(
            """
            INSERT INTO notice (client, seq, follow_id, at, body)
            SELECT * FROM unnest(\(rows.map(\.client))::text[], \(rows.map { Int64($0.sequence) })::bigint[],
                                 \(rows.map(\.followId))::text[], \(rows.map(\.at))::bigint[], \(rows.map(\.body))::text[])
            """, logger: logger)
        try await appendDisclosures(connection, planned.map(\.record))
    }

    public func lastSweptDay() async throws -> LocalDate? {
        try await read { connection in
            try await Self.rows(connection, StoreSQL.lastSweptDay.query, self.logger).first
                .flatMap { try $0.decode(String?.self) }.flatMap { LocalDate($0) }
        }
    }

    public func lastNoticeSequence(clientId: String) async throws -> Int {
        try await read { connection in try await Self.int(connection, StoreSQL.lastNoticeSequence(client: clientId).query, self.logger) }
    }

    public func notices(clientId: String, after sequence: Int, limit: Int) async throws -> [(sequence: Int, body: String)] {
        try await read { connection in
            try await Self.notices(connection, StoreSQL.notices(client: clientId, after: sequence, limit: limit), self.logger)
        }
    }
}

extension PostgresRegisterStore: WebhookStore {
    public func setWebhook(clientId: String, url: String, secret: String, overlapUntil: Instant?) async throws {
        try await transaction { connection in
            let existing = try await Self.strings(connection, StoreSQL.webhook(client: clientId).appending("FOR UPDATE").query, self.logger)
                .first.map { try Self.decode(WebhookEndpoint.self, $0) }
            let last = try await Self.int(connection, StoreSQL.lastNoticeSequence(client: clientId).query, self.logger)
            let endpoint = WebhookEndpoint.registering(
                existing, clientId: clientId, url: url, secret: secret, overlapUntil: overlapUntil, lastSequence: last)
            try await connection.query(
                StoreSQL.upsertWebhook(client: clientId, record: try Self.jsonText(endpoint)).query, logger: self.logger)
        }
    }

    public func webhook(clientId: String) async throws -> WebhookEndpoint? {
        try await read { connection in
            try await Self.strings(connection, StoreSQL.webhook(client: clientId).query, self.logger).first.map {
                try Self.decode(WebhookEndpoint.self, $0)
            }
        }
    }

    public func webhooks() async throws -> [WebhookEndpoint] {
        try await read { connection in
            try await Self.strings(connection, StoreSQL.webhooks.query, self.logger).map {
                try Self.decode(WebhookEndpoint.self, $0)
            }
        }
    }

    public func claimDueWebhooks(at now: Instant, owner: String, leaseUntil: Instant, limit: Int) async throws -> [WebhookLease] {
        try await transaction { connection in
            // Rows another instance is claiming right now are skipped, not waited for.
            let records = try await Self.strings(
                connection, StoreSQL.claimableWebhooks(owner: owner, now: now).appending("FOR UPDATE SKIP LOCKED").query, self.logger)
            var leases: [WebhookLease] = []
            for record in records {
                let endpoint = try Self.decode(WebhookEndpoint.self, record)
                guard endpoint.isDue(at: now) else { continue }
                let notices = try await Self.notices(
                    connection, StoreSQL.notices(client: endpoint.clientId, after: endpoint.deliveredSequence, limit: limit), self.logger)
                guard !notices.isEmpty else { continue }
                try await connection.query(
                    StoreSQL.leaseWebhook(client: endpoint.clientId, owner: owner, until: leaseUntil).query, logger: self.logger)
                leases.append(WebhookLease(endpoint: endpoint, notices: notices))
            }
            return leases
        }
    }

    public func saveDelivery(_ endpoint: WebhookEndpoint, owner: String, leaseUntil: Instant?) async throws -> Bool {
        try await transaction { connection in
            guard
                let row = try await Self.rows(
                    connection, StoreSQL.webhookWithLease(client: endpoint.clientId).appending("FOR UPDATE").query, self.logger
                ).first
            else { return false }
            let (text, holder) = try row.decode((String, String?).self)
            guard holder == owner else { return false }
            var stored = try Self.decode(WebhookEndpoint.self, text)
            stored.takeDeliveryState(of: endpoint)
            try await connection.query(
                StoreSQL.saveWebhook(client: endpoint.clientId, record: try Self.jsonText(stored), lease: leaseUntil.map { (owner, $0) })
                    .query,
                logger: self.logger)
            return true
        }
    }

    public func replayWebhook(clientId: String, from sequence: Int) async throws -> Bool {
        try await transaction { connection in
            guard
                let text = try await Self.strings(
                    connection, StoreSQL.webhook(client: clientId).appending("FOR UPDATE").query, self.logger
                ).first
            else { return false }
            var endpoint = try Self.decode(WebhookEndpoint.self, text)
            endpoint.replay(from: sequence)
            // Breaking the lease stops a dispatcher in the middle of a run from saving over this.
            try await connection.query(
                StoreSQL.saveWebhook(client: clientId, record: try Self.jsonText(endpoint), lease: nil).query, logger: self.logger)
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
            let previous = try await Self.rows(connection, StoreSQL.previousBatch(client: clientId).query, self.logger).first.map {
                try $0.decode((Int64, Int64).self)
            }
            let after = previous?.0 ?? 0
            let previousAt = previous.map { Instant(microsecondsSinceEpoch: $0.1) }
            let notices = try await Self.notices(connection, StoreSQL.notices(client: clientId, after: Int(after)), self.logger)
            guard let new = try make(notices, previousAt) else { return nil }
            try await connection.query(StoreSQL.insertBatch(new.batch, file: new.file).query, logger: self.logger)
            try await self.appendDisclosures(connection, [new.record])
            return new.batch
        }
    }

    public func batches(clientId: String) async throws -> [StoredBatch] {
        try await read { connection in
            try await Self.rows(connection, StoreSQL.batches(client: clientId).query, self.logger).map(Self.storedBatch)
        }
    }

    public func batch(id: String, clientId: String) async throws -> (batch: StoredBatch, file: String)? {
        try await read { connection in
            try await Self.rows(connection, StoreSQL.batch(id: id, client: clientId).query, self.logger).first.map { row in
                (try Self.storedBatch(row), try row.decode((String, String, Int64, Int64, Int64, Int64, String, String).self).7)
            }
        }
    }

    public func clientsWithPendingNotices() async throws -> [(clientId: String, since: Instant)] {
        try await read { connection in
            try await Self.rows(connection, StoreSQL.clientsWithPendingNotices.query, self.logger).map { row in
                let (client, since) = try row.decode((String, Int64).self)
                return (client, Instant(microsecondsSinceEpoch: since))
            }
        }
    }
}
