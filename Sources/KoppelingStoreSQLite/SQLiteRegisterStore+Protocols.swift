import Foundation
import GRDB
public import KoppelingCore
public import KoppelingStore

extension SQLiteRegisterStore: ProtocolStore {
    static func registerProtocolMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-protocols") { db in
            try db.execute(
                sql: """
                    CREATE TABLE protocol_version (
                        id TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        record TEXT NOT NULL,
                        PRIMARY KEY (id, version)
                    );
                    CREATE TABLE party (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL
                    );
                    CREATE TABLE party_key (
                        party TEXT NOT NULL REFERENCES party(id),
                        public_key TEXT NOT NULL,
                        PRIMARY KEY (party, public_key)
                    );
                    """)
        }
    }

    private static func decode(_ text: String) throws -> ProtocolRecord {
        try JSONDecoder().decode(ProtocolRecord.self, from: Data(text.utf8))
    }

    public func insertProtocol(_ record: ProtocolRecord) async throws {
        let text = try Self.jsonText(record)
        try await write { db in
            let exists =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM protocol_version WHERE id = ? AND version = ?",
                    arguments: [record.document.id, record.document.version]) ?? 0
            guard exists == 0 else { throw ProtocolStoreError.versionExists(id: record.document.id, version: record.document.version) }
            try db.execute(
                sql: "INSERT INTO protocol_version (id, version, state, record) VALUES (?, ?, ?, ?)",
                arguments: [record.document.id, record.document.version, record.state.rawValue, text])
        }
    }

    public func protocolRecord(id: String, version: Int) async throws -> ProtocolRecord? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT record FROM protocol_version WHERE id = ? AND version = ?", arguments: [id, version])
                .map(Self.decode)
        }
    }

    /// Every protocol version, read within a transaction.
    static func protocolRecords(_ db: Database) throws -> [ProtocolRecord] {
        try String.fetchAll(db, sql: "SELECT record FROM protocol_version ORDER BY id, version").map(Self.decode)
    }

    public func protocolRecords() async throws -> [ProtocolRecord] {
        try await read { db in try Self.protocolRecords(db) }
    }

    public func updateProtocol(
        id: String, version: Int, _ transition: @escaping @Sendable (ProtocolRecord) throws -> ProtocolRecord
    ) async throws -> ProtocolRecord {
        try await write { db in
            guard
                let text = try String.fetchOne(
                    db, sql: "SELECT record FROM protocol_version WHERE id = ? AND version = ?", arguments: [id, version])
            else {
                throw ProtocolStoreError.notFound(id: id, version: version)
            }
            let next = try Self.decode(text).applying(transition)
            try db.execute(
                sql: "UPDATE protocol_version SET state = ?, record = ? WHERE id = ? AND version = ?",
                arguments: [next.state.rawValue, try Self.jsonText(next), id, version])
            return next
        }
    }

    public func registerParty(_ party: RegisteredParty) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO party (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name",
                arguments: [party.id, party.name])
            for (keys, kind) in [(party.publicKeys, "controller"), (party.dpoKeys, "dpo")] {
                for key in keys {
                    try db.execute(
                        sql: "INSERT OR IGNORE INTO party_key (party, public_key, kind) VALUES (?, ?, ?)", arguments: [party.id, key, kind])
                }
            }
        }
    }

    public func party(id: String) async throws -> RegisteredParty? {
        try await read { db in
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM party WHERE id = ?", arguments: [id]) else { return nil }
            let keys = try String.fetchAll(
                db, sql: "SELECT public_key FROM party_key WHERE party = ? AND kind = 'controller' ORDER BY rowid", arguments: [id])
            let dpoKeys = try String.fetchAll(
                db, sql: "SELECT public_key FROM party_key WHERE party = ? AND kind = 'dpo' ORDER BY rowid", arguments: [id])
            return RegisteredParty(id: id, name: name, publicKeys: keys, dpoKeys: dpoKeys)
        }
    }
}
