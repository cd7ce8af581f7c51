import Crypto
public import Foundation
import GRDB
public import KoppelingCore
public import KoppelingStore

extension SQLiteRegisterStore: ExchangeStore {
    static func registerExchangeMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-exchange") { db in
            try db.execute(
                sql: """
                    CREATE TABLE client (
                        id TEXT PRIMARY KEY,
                        party TEXT NOT NULL,
                        record TEXT NOT NULL
                    );
                    CREATE TABLE used_token_id (
                        jti TEXT PRIMARY KEY,
                        client TEXT NOT NULL,
                        expires_at INTEGER NOT NULL
                    );
                    CREATE TABLE disclosure (
                        seq INTEGER PRIMARY KEY,
                        disclosure_id TEXT NOT NULL UNIQUE,
                        at INTEGER NOT NULL,
                        client TEXT NOT NULL,
                        party TEXT NOT NULL,
                        outcome TEXT NOT NULL,
                        record TEXT NOT NULL
                    );
                    CREATE INDEX disclosure_by_client ON disclosure(client, seq);
                    CREATE TABLE server_secret (
                        name TEXT PRIMARY KEY,
                        secret BLOB NOT NULL
                    );
                    """)
        }
    }

    public func registerClient(_ client: RegisteredClient) async throws {
        let text = try Self.jsonText(client)
        try await write { db in
            try db.execute(sql: "INSERT INTO client (id, party, record) VALUES (?, ?, ?)", arguments: [client.id, client.party, text])
        }
    }

    public func updateClient(_ client: RegisteredClient) async throws {
        let text = try Self.jsonText(client)
        try await write { db in
            try db.execute(sql: "UPDATE client SET party = ?, record = ? WHERE id = ?", arguments: [client.party, text, client.id])
        }
    }

    public func client(id: String) async throws -> RegisteredClient? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT record FROM client WHERE id = ?", arguments: [id])
                .map { try JSONDecoder().decode(RegisteredClient.self, from: Data($0.utf8)) }
        }
    }

    public func clients() async throws -> [RegisteredClient] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT record FROM client ORDER BY id").map {
                try JSONDecoder().decode(RegisteredClient.self, from: Data($0.utf8))
            }
        }
    }

    public func client(certificateFingerprint: String) async throws -> RegisteredClient? {
        let wanted = certificateFingerprint.lowercased()
        return try await read { db in
            try String.fetchAll(db, sql: "SELECT record FROM client")
                .map { try JSONDecoder().decode(RegisteredClient.self, from: Data($0.utf8)) }
                .first { $0.certificateFingerprint == wanted }
        }
    }

    public func useTokenId(_ jti: String, client: String, expiresAt: Instant) async throws -> Bool {
        let horizon = UsedTokenIds.forgottenBefore(clock())
        return try await write { db in
            try db.execute(sql: "DELETE FROM used_token_id WHERE expires_at < ?", arguments: [horizon])
            try db.execute(
                sql: "INSERT INTO used_token_id (jti, client, expires_at) VALUES (?, ?, ?) ON CONFLICT(jti) DO NOTHING",
                arguments: [jti, client, expiresAt.microsecondsSinceEpoch])
            return db.changesCount == 1
        }
    }

    /// Stores records as the next entries of the transparency log, with the node hashes they
    /// complete, in one transaction.
    public func appendDisclosures(_ records: [DisclosureRecord]) async throws {
        try await write { db in try Self.appendDisclosures(db, records) }
    }

    /// Appends records to the log within a transaction.
    static let insertDisclosureSQL =
        "INSERT INTO disclosure (seq, disclosure_id, at, client, party, outcome, subject, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"

    static func appendDisclosures(_ db: Database, _ records: [DisclosureRecord]) throws {
        let size = try Self.logSize(db)
        var frontier = try Self.frontier(db, size: size)
        let plan = LogAppendPlan(appending: records, toSize: size, frontier: &frontier)
        let statement = try db.cachedStatement(sql: Self.insertDisclosureSQL)
        for entry in plan.entries {
            let record = entry.record
            try statement.execute(arguments: [
                entry.sequence, record.disclosureId.lowercasedString, record.at.microsecondsSinceEpoch, record.clientId, record.party,
                record.outcome.rawValue, record.subjectPseudonym, entry.text,
            ])
        }
        try insertNodes(db, plan.nodes)
        try addTallies(db, plan.tallies)
    }

    static func registerFollowMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-follows") { db in
            try db.execute(
                sql: """
                    CREATE TABLE follow (
                        position INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        client TEXT NOT NULL,
                        insz TEXT NOT NULL,
                        until TEXT NOT NULL,
                        ended_at INTEGER,
                        record TEXT NOT NULL
                    );
                    CREATE INDEX follow_by_client ON follow(client, position);
                    CREATE INDEX follow_by_person ON follow(insz) WHERE ended_at IS NULL;
                    """)
        }
    }

    public func disclosures(client: String) async throws -> [DisclosureRecord] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT record FROM disclosure WHERE client = ? ORDER BY seq", arguments: [client])
                .map { try JSONDecoder().decode(DisclosureRecord.self, from: Data($0.utf8)) }
        }
    }

    public func serverSecret(named name: String) async throws -> [UInt8] {
        try await write { db in
            if let existing = try Data.fetchOne(db, sql: "SELECT secret FROM server_secret WHERE name = ?", arguments: [name]) {
                return Array(existing)
            }
            let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            try db.execute(sql: "INSERT INTO server_secret (name, secret) VALUES (?, ?)", arguments: [name, Data(secret)])
            return secret
        }
    }
}

extension SQLiteRegisterStore {
    public func rotateServerSecret(named name: String, retiredPublicKey: [UInt8]) async throws -> [UInt8] {
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        return try await write { db in
            let retired =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM server_secret WHERE name LIKE ? ESCAPE '\\'",
                    arguments: [ServerSecretNames.retiredPattern(name)]) ?? 0
            try db.execute(
                sql: "INSERT INTO server_secret (name, secret) VALUES (?, ?)",
                arguments: [ServerSecretNames.retiredName(name, retired + 1), Data(retiredPublicKey)])
            try db.execute(
                sql: "INSERT INTO server_secret (name, secret) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET secret = excluded.secret",
                arguments: [name, Data(secret)])
            return secret
        }
    }

    public func retiredPublicKeys(named name: String) async throws -> [[UInt8]] {
        try await read { db in
            try Data.fetchAll(
                db, sql: "SELECT secret FROM server_secret WHERE name LIKE ? ESCAPE '\\' ORDER BY name",
                arguments: [ServerSecretNames.retiredPattern(name)]
            ).map { Array($0) }
        }
    }
}

extension SQLiteRegisterStore: FollowStore {
    public func insertFollow(_ follow: Follow, record: DisclosureRecord) async throws {
        try await insertFollows([(follow, record)])
    }

    public func insertFollows(_ follows: [(follow: Follow, record: DisclosureRecord)]) async throws {
        let texts = try follows.map { try Self.jsonText($0.follow) }
        try await write { db in
            let statement = try db.cachedStatement(sql: "INSERT INTO follow (id, client, insz, until, record) VALUES (?, ?, ?, ?, ?)")
            for ((follow, _), text) in zip(follows, texts) {
                try statement.execute(arguments: [follow.id.lowercasedString, follow.clientId, follow.insz, follow.until.description, text])
            }
            try Self.appendDisclosures(db, follows.map(\.record))
        }
    }

    public func endFollow(id: UUID, clientId: String, at: Instant, record: DisclosureRecord) async throws -> (follow: Follow, ended: Bool)?
    {
        try await write { db in
            guard
                let text = try String.fetchOne(
                    db, sql: "SELECT record FROM follow WHERE id = ? AND client = ?", arguments: [id.lowercasedString, clientId])
            else {
                return nil
            }
            let current = try JSONDecoder().decode(Follow.self, from: Data(text.utf8))
            guard let follow = current.ending(at: at) else { return (current, false) }
            try db.execute(
                sql: "UPDATE follow SET ended_at = ?, record = ? WHERE id = ?",
                arguments: [at.microsecondsSinceEpoch, try Self.jsonText(follow), id.lowercasedString])
            try Self.appendDisclosures(db, [record])
            return (follow, true)
        }
    }

    public func follow(id: UUID, clientId: String) async throws -> Follow? {
        try await read { db in
            try String.fetchOne(
                db, sql: "SELECT record FROM follow WHERE id = ? AND client = ?", arguments: [id.lowercasedString, clientId]
            )
            .map { try JSONDecoder().decode(Follow.self, from: Data($0.utf8)) }
        }
    }

    public func follows(clientId: String, after cursor: Int?, limit: Int) async throws -> [(position: Int, follow: Follow)] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT position, record FROM follow WHERE client = ? AND position > ? ORDER BY position LIMIT ?",
                arguments: [clientId, cursor ?? 0, limit]
            ).map { row in (Int(row[0] as Int64), try JSONDecoder().decode(Follow.self, from: Data((row[1] as String).utf8))) }
        }
    }
}
