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
            guard try Self.int(db, StoreSQL.sweepCount(day: day)) == 0 else { return nil }
            let follows = try Self.strings(db, StoreSQL.followsActive(on: day)).map {
                try JSONDecoder().decode(Follow.self, from: Data($0.utf8))
            }
            let protocols = try Self.protocolRecords(db)
            let events = try Self.events(db, of: Set(follows.map(\.insz)))
            let planned = planner.sweep(follows: follows, events: events, protocols: protocols, on: day, at: at)
            try Self.insertNotices(db, planned)
            try Self.execute(db, StoreSQL.insertSweep(day: day, at: at, notices: planned.count))
            return planned.count
        }
    }

    /// The stored events of persons, by national-number digits.
    static func events(_ db: Database, of persons: some Sequence<String>) throws -> [String: [Event]] {
        var found: [String: [Event]] = [:]
        for digits in persons {
            guard let insz = try? NationalNumber(digits, policy: .stored) else { continue }
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
        var last: [String: Int] = [:]
        for client in NoticeRow.clients(of: planned) {
            last[client] = try int(db, StoreSQL.lastNoticeSequence(client: client))
        }
        let insert = try db.cachedStatement(sql: "INSERT INTO notice (client, seq, follow_id, at, body) VALUES (?, ?, ?, ?, ?)")
        for row in NoticeRow.numbering(planned, after: last) {
            try insert.execute(arguments: [row.client, row.sequence, row.followId, row.at, row.body])
        }
        try appendDisclosures(db, planned.map(\.record))
    }

    public func lastSweptDay() async throws -> LocalDate? {
        try await read { db in try Self.rows(db, StoreSQL.lastSweptDay).first.flatMap { $0[0] as String? }.flatMap { LocalDate($0) } }
    }

    public func lastNoticeSequence(clientId: String) async throws -> Int {
        try await read { db in try Self.int(db, StoreSQL.lastNoticeSequence(client: clientId)) }
    }

    public func notices(clientId: String, after sequence: Int, limit: Int) async throws -> [(sequence: Int, body: String)] {
        try await read { db in try Self.notices(db, StoreSQL.notices(client: clientId, after: sequence, limit: limit)) }
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
            let existing = try Self.strings(db, StoreSQL.webhook(client: clientId)).first.map(Self.decodeWebhook)
            let last = try Self.int(db, StoreSQL.lastNoticeSequence(client: clientId))
            let endpoint = WebhookEndpoint.registering(
                existing, clientId: clientId, url: url, secret: secret, overlapUntil: overlapUntil, lastSequence: last)
            try Self.execute(db, StoreSQL.upsertWebhook(client: clientId, record: try Self.jsonText(endpoint)))
        }
    }

    public func webhook(clientId: String) async throws -> WebhookEndpoint? {
        try await read { db in try Self.strings(db, StoreSQL.webhook(client: clientId)).first.map(Self.decodeWebhook) }
    }

    public func webhooks() async throws -> [WebhookEndpoint] {
        try await read { db in try Self.strings(db, StoreSQL.webhooks).map(Self.decodeWebhook) }
    }

    public func claimDueWebhooks(at now: Instant, owner: String, leaseUntil: Instant, limit: Int) async throws -> [WebhookLease] {
        try await write { db in
            var leases: [WebhookLease] = []
            let free = try Self.strings(db, StoreSQL.claimableWebhooks(owner: owner, now: now))
            for text in free {
                let endpoint = try Self.decodeWebhook(text)
                guard endpoint.isDue(at: now) else { continue }
                let notices = try Self.notices(
                    db, StoreSQL.notices(client: endpoint.clientId, after: endpoint.deliveredSequence, limit: limit))
                guard !notices.isEmpty else { continue }
                try Self.execute(db, StoreSQL.leaseWebhook(client: endpoint.clientId, owner: owner, until: leaseUntil))
                leases.append(WebhookLease(endpoint: endpoint, notices: notices))
            }
            return leases
        }
    }

    public func saveDelivery(_ endpoint: WebhookEndpoint, owner: String, leaseUntil: Instant?) async throws -> Bool {
        try await write { db in
            guard
                let row = try Self.rows(db, StoreSQL.webhookWithLease(client: endpoint.clientId)).first,
                row[1] as String? == owner
            else { return false }
            var stored = try Self.decodeWebhook(row[0])
            stored.takeDeliveryState(of: endpoint)
            try Self.execute(
                db,
                StoreSQL.saveWebhook(client: endpoint.clientId, record: try Self.jsonText(stored), lease: leaseUntil.map { (owner, $0) }))
            return true
        }
    }

    public func replayWebhook(clientId: String, from sequence: Int) async throws -> Bool {
        try await write { db in
            guard let text = try Self.strings(db, StoreSQL.webhook(client: clientId)).first else { return false }
            var endpoint = try Self.decodeWebhook(text)
            endpoint.replay(from: sequence)
            // Breaking the lease stops a dispatcher in the middle of a run from saving over this.
            try Self.execute(db, StoreSQL.saveWebhook(client: clientId, record: try Self.jsonText(endpoint), lease: nil))
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
            let previous = try Self.rows(db, StoreSQL.previousBatch(client: clientId)).first
            let after: Int64 = previous?["last_seq"] ?? 0
            let previousAt = previous.map { Instant(microsecondsSinceEpoch: $0["created_at"]) }
            let notices = try Self.notices(db, StoreSQL.notices(client: clientId, after: Int(after)))
            guard let new = try make(notices, previousAt) else { return nil }
            try Self.execute(db, StoreSQL.insertBatch(new.batch, file: new.file))
            try Self.appendDisclosures(db, [new.record])
            return new.batch
        }
    }

    public func batches(clientId: String) async throws -> [StoredBatch] {
        try await read { db in
            try Self.rows(db, StoreSQL.batches(client: clientId)).map(Self.storedBatch)
        }
    }

    public func batch(id: String, clientId: String) async throws -> (batch: StoredBatch, file: String)? {
        try await read { db in
            try Self.rows(db, StoreSQL.batch(id: id, client: clientId)).first.map { (Self.storedBatch($0), $0["file"] as String) }
        }
    }

    public func clientsWithPendingNotices() async throws -> [(clientId: String, since: Instant)] {
        try await read { db in
            try Self.rows(db, StoreSQL.clientsWithPendingNotices).map { row in (row[0] as String, Instant(microsecondsSinceEpoch: row[1])) }
        }
    }
}
