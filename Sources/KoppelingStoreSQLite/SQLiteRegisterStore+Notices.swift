import Foundation
import GRDB
public import KoppelingCore
public import KoppelingStore

extension SQLiteRegisterStore {
    static func registerNoticeMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-notices") { db in
            try db.execute(
                sql: """
                    CREATE TABLE notice (
                        client TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        follow_id TEXT NOT NULL,
                        at INTEGER NOT NULL,
                        body TEXT NOT NULL,
                        PRIMARY KEY (client, seq)
                    ) WITHOUT ROWID;
                    CREATE TABLE notice_sweep (
                        day TEXT PRIMARY KEY,
                        at INTEGER NOT NULL,
                        notices INTEGER NOT NULL
                    );
                    """)
        }
    }

    public func sweepNotices(on day: LocalDate, planner: ChangeNoticePlanner, at: Instant) async throws -> Int? {
        try await write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notice_sweep WHERE day = ?", arguments: [day.description]) == 0 else {
                return nil
            }
            let follows = try String.fetchAll(
                db, sql: "SELECT record FROM follow WHERE ended_at IS NULL AND until >= ?", arguments: [day.description]
            )
            .map { try JSONDecoder().decode(Follow.self, from: Data($0.utf8)) }
            let protocols = try Self.protocolRecords(db)
            let events = try Self.events(db, of: Set(follows.map(\.insz)))
            let planned = planner.sweep(follows: follows, events: events, protocols: protocols, on: day, at: at)
            try Self.insertNotices(db, planned)
            try db.execute(
                sql: "INSERT INTO notice_sweep (day, at, notices) VALUES (?, ?, ?)",
                arguments: [day.description, at.microsecondsSinceEpoch, planned.count])
            return planned.count
        }
    }

    /// The stored events of persons, by national-number digits.
    static func events(_ db: Database, of persons: some Sequence<String>) throws -> [String: [Event]] {
        var found: [String: [Event]] = [:]
        for digits in persons {
            guard let insz = try? NationalNumber(digits, policy: EventRow.storedNumberPolicy) else { continue }
            found[digits] = try fetchEvents(of: insz, db: db)
        }
        return found
    }

    static func hasActiveFollows(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM follow WHERE ended_at IS NULL)") ?? false
    }

    /// The active follows of persons, by national-number digits.
    static func activeFollows(_ db: Database, of persons: some Collection<String>) throws -> [String: [Follow]] {
        var found: [String: [Follow]] = [:]
        let list = Array(persons)
        for start in stride(from: 0, to: list.count, by: 500) {
            let chunk = Array(list[start..<min(start + 500, list.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for text in try String.fetchAll(
                db, sql: "SELECT record FROM follow WHERE ended_at IS NULL AND insz IN (\(marks))", arguments: StatementArguments(chunk))
            {
                let follow = try JSONDecoder().decode(Follow.self, from: Data(text.utf8))
                found[follow.insz, default: []].append(follow)
            }
        }
        return found
    }

    /// Drops the persons nobody follows from what a streaming import keeps.
    static func keepFollowed(_ db: Database, _ stored: inout NewEvents) throws {
        guard stored.tracking, !stored.byPerson.isEmpty else { return }
        let followed = try activeFollows(db, of: stored.byPerson.keys)
        stored.byPerson = stored.byPerson.filter { followed[$0.key] != nil }
    }

    /// Plans and stores the change notices of a transaction's new events, with their disclosure
    /// records, inside that transaction; each client's sequence numbers continue without gaps.
    static func storeNotices(_ db: Database, planner: ChangeNoticePlanner, stored: NewEvents, recordedAt: Instant) throws {
        guard stored.tracking, !stored.byPerson.isEmpty else { return }
        let followed = try activeFollows(db, of: stored.byPerson.keys)
        guard !followed.isEmpty else { return }
        let protocols = try protocolRecords(db)
        let events = try Self.events(db, of: ChangeNoticePlanner.persons(new: stored, followed: followed))
        let planned = planner.plan(new: stored, followed: followed, events: events, protocols: protocols, recordedAt: recordedAt)
        try insertNotices(db, planned)
    }

    /// Stores planned notices with the next sequence numbers of their clients, and their records.
    static func insertNotices(_ db: Database, _ planned: [PlannedNotice]) throws {
        guard !planned.isEmpty else { return }
        var next: [String: Int] = [:]
        let insert = try db.cachedStatement(sql: "INSERT INTO notice (client, seq, follow_id, at, body) VALUES (?, ?, ?, ?, ?)")
        for notice in planned {
            let client = notice.follow.clientId
            let sequence =
                try next[client]
                ?? ((Int.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM notice WHERE client = ?", arguments: [client]) ?? 0) + 1)
            next[client] = sequence + 1
            try insert.execute(arguments: [
                client, sequence, notice.follow.id.lowercasedString, notice.recordedAt.microsecondsSinceEpoch,
                notice.body(sequence: sequence),
            ])
        }
        try appendDisclosures(db, planned.map(\.record))
    }

    public func lastSweptDay() async throws -> LocalDate? {
        try await read { db in try String.fetchOne(db, sql: "SELECT MAX(day) FROM notice_sweep").flatMap { LocalDate($0) } }
    }

    public func lastNoticeSequence(clientId: String) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM notice WHERE client = ?", arguments: [clientId]) ?? 0
        }
    }

    public func notices(clientId: String, after sequence: Int, limit: Int) async throws -> [(sequence: Int, body: String)] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, body FROM notice WHERE client = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [clientId, sequence, limit]
            )
            .map { (Int($0[0] as Int64), $0[1] as String) }
        }
    }
}

extension SQLiteRegisterStore: WebhookStore {
    static func registerWebhookMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-webhooks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE webhook (
                        client TEXT PRIMARY KEY,
                        record TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v9-webhook-leases") { db in
            try db.execute(sql: "ALTER TABLE webhook ADD COLUMN lease_owner TEXT; ALTER TABLE webhook ADD COLUMN lease_until INTEGER")
        }
    }

    static func decodeWebhook(_ text: String) throws -> WebhookEndpoint {
        try JSONDecoder().decode(WebhookEndpoint.self, from: Data(text.utf8))
    }

    public func setWebhook(clientId: String, url: String, secret: String, overlapUntil: Instant?) async throws {
        try await write { db in
            var endpoint: WebhookEndpoint
            if let text = try String.fetchOne(db, sql: "SELECT record FROM webhook WHERE client = ?", arguments: [clientId]) {
                endpoint = try Self.decodeWebhook(text)
                endpoint.url = url
                let keep =
                    overlapUntil.map { until in endpoint.secrets.map { WebhookEndpoint.Secret(secret: $0.secret, validUntil: until) } }
                    ?? []
                endpoint.secrets = [.init(secret: secret, validUntil: nil)] + keep
                endpoint.disabled = false
                endpoint.nextAttemptAt = nil
            } else {
                // A new endpoint receives the notices from now on; older ones stay in the feed.
                let last =
                    try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM notice WHERE client = ?", arguments: [clientId]) ?? 0
                endpoint = WebhookEndpoint(
                    clientId: clientId, url: url, secrets: [.init(secret: secret, validUntil: nil)], deliveredSequence: last)
            }
            try db.execute(
                sql: """
                    INSERT INTO webhook (client, record) VALUES (?, ?)
                    ON CONFLICT(client) DO UPDATE SET record = excluded.record, lease_owner = NULL, lease_until = NULL
                    """,
                arguments: [clientId, try Self.jsonText(endpoint)])
        }
    }

    public func webhook(clientId: String) async throws -> WebhookEndpoint? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT record FROM webhook WHERE client = ?", arguments: [clientId]).map(Self.decodeWebhook)
        }
    }

    public func webhooks() async throws -> [WebhookEndpoint] {
        try await read { db in try String.fetchAll(db, sql: "SELECT record FROM webhook ORDER BY client").map(Self.decodeWebhook) }
    }

    public func claimDueWebhooks(at now: Instant, owner: String, leaseUntil: Instant, limit: Int) async throws -> [WebhookLease] {
        try await write { db in
            var leases: [WebhookLease] = []
            let free = try String.fetchAll(
                db, sql: "SELECT record FROM webhook WHERE lease_owner IS NULL OR lease_owner = ? OR lease_until <= ? ORDER BY client",
                arguments: [owner, now.microsecondsSinceEpoch])
            for text in free {
                let endpoint = try Self.decodeWebhook(text)
                guard !endpoint.disabled, endpoint.nextAttemptAt.map({ $0 <= now }) ?? true else { continue }
                let notices = try Row.fetchAll(
                    db, sql: "SELECT seq, body FROM notice WHERE client = ? AND seq > ? ORDER BY seq LIMIT ?",
                    arguments: [endpoint.clientId, endpoint.deliveredSequence, limit]
                ).map { (sequence: Int($0[0] as Int64), body: $0[1] as String) }
                guard !notices.isEmpty else { continue }
                try db.execute(
                    sql: "UPDATE webhook SET lease_owner = ?, lease_until = ? WHERE client = ?",
                    arguments: [owner, leaseUntil.microsecondsSinceEpoch, endpoint.clientId])
                leases.append(WebhookLease(endpoint: endpoint, notices: notices))
            }
            return leases
        }
    }

    public func saveDelivery(_ endpoint: WebhookEndpoint, owner: String, leaseUntil: Instant?) async throws -> Bool {
        try await write { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT record, lease_owner FROM webhook WHERE client = ?", arguments: [endpoint.clientId]),
                row[1] as String? == owner
            else { return false }
            var stored = try Self.decodeWebhook(row[0])
            stored.takeDeliveryState(of: endpoint)
            try db.execute(
                sql: "UPDATE webhook SET record = ?, lease_owner = ?, lease_until = ? WHERE client = ?",
                arguments: [
                    try Self.jsonText(stored), leaseUntil == nil ? nil : owner, leaseUntil?.microsecondsSinceEpoch, endpoint.clientId,
                ])
            return true
        }
    }

    public func replayWebhook(clientId: String, from sequence: Int) async throws -> Bool {
        try await write { db in
            guard let text = try String.fetchOne(db, sql: "SELECT record FROM webhook WHERE client = ?", arguments: [clientId]) else {
                return false
            }
            var endpoint = try Self.decodeWebhook(text)
            endpoint.deliveredSequence = max(0, sequence - 1)
            endpoint.disabled = false
            endpoint.attempts = 0
            endpoint.nextAttemptAt = nil
            endpoint.failingSince = nil
            // Breaking the lease stops a dispatcher in the middle of a run from saving over this.
            try db.execute(
                sql: "UPDATE webhook SET record = ?, lease_owner = NULL, lease_until = NULL WHERE client = ?",
                arguments: [try Self.jsonText(endpoint), clientId])
            return true
        }
    }
}

extension SQLiteRegisterStore: BatchStore {
    static func registerBatchMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-batches") { db in
            try db.execute(
                sql: """
                    CREATE TABLE batch (
                        id TEXT PRIMARY KEY,
                        client TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        first_seq INTEGER NOT NULL,
                        last_seq INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        file TEXT NOT NULL,
                        manifest TEXT NOT NULL
                    );
                    CREATE INDEX batch_by_client ON batch(client, created_at);
                    """)
        }
    }

    static func storedBatch(_ row: Row) -> StoredBatch {
        StoredBatch(
            id: row["id"], clientId: row["client"], createdAt: Instant(microsecondsSinceEpoch: row["created_at"]),
            firstSequence: row["first_seq"],
            lastSequence: row["last_seq"], recordCount: row["count"], signedManifest: row["manifest"])
    }

    public func createBatch(
        clientId: String, make: @escaping @Sendable (_ notices: [(sequence: Int, body: String)], _ previousAt: Instant?) throws -> NewBatch?
    ) async throws -> StoredBatch? {
        try await write { db in
            let previous = try Row.fetchOne(
                db, sql: "SELECT last_seq, created_at FROM batch WHERE client = ? ORDER BY created_at DESC LIMIT 1", arguments: [clientId])
            let after: Int64 = previous?["last_seq"] ?? 0
            let previousAt = previous.map { Instant(microsecondsSinceEpoch: $0["created_at"]) }
            let notices = try Row.fetchAll(
                db, sql: "SELECT seq, body FROM notice WHERE client = ? AND seq > ? ORDER BY seq", arguments: [clientId, after]
            )
            .map { (sequence: Int($0[0] as Int64), body: $0[1] as String) }
            guard let new = try make(notices, previousAt) else { return nil }
            let b = new.batch
            try db.execute(
                sql:
                    "INSERT INTO batch (id, client, created_at, first_seq, last_seq, count, file, manifest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    b.id, b.clientId, b.createdAt.microsecondsSinceEpoch, b.firstSequence, b.lastSequence, b.recordCount, new.file,
                    b.signedManifest,
                ])
            try Self.appendDisclosures(db, [new.record])
            return b
        }
    }

    public func batches(clientId: String) async throws -> [StoredBatch] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, client, created_at, first_seq, last_seq, count, manifest FROM batch WHERE client = ? ORDER BY created_at",
                arguments: [clientId]
            )
            .map(Self.storedBatch)
        }
    }

    public func batch(id: String, clientId: String) async throws -> (batch: StoredBatch, file: String)? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT id, client, created_at, first_seq, last_seq, count, manifest, file FROM batch WHERE id = ? AND client = ?",
                arguments: [id, clientId]
            )
            .map { (Self.storedBatch($0), $0["file"] as String) }
        }
    }

    public func clientsWithPendingNotices() async throws -> [(clientId: String, since: Instant)] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT n.client, COALESCE((SELECT MAX(created_at) FROM batch b WHERE b.client = n.client), MIN(n.at)) AS since
                    FROM notice n GROUP BY n.client
                    HAVING MAX(n.seq) > COALESCE((SELECT MAX(last_seq) FROM batch b WHERE b.client = n.client), 0)
                    """
            ).map { row in (row[0] as String, Instant(microsecondsSinceEpoch: row[1])) }
        }
    }
}
