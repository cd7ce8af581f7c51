import Foundation
import GRDB
public import KoppelingCore
public import KoppelingStore

extension SQLiteRegisterStore: TransparencyStore {
    static func registerTransparencyMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-transparency") { db in
            // A node is keyed by the last leaf it covers and its level: the order in which a tree
            // built leaf by leaf completes them, and a direct key for a perfect subtree.
            try db.execute(
                sql: """
                    ALTER TABLE disclosure ADD COLUMN subject TEXT;
                    CREATE INDEX disclosure_by_subject ON disclosure(subject, seq);
                    CREATE TABLE log_node (
                        last_leaf INTEGER NOT NULL,
                        level INTEGER NOT NULL,
                        hash BLOB NOT NULL,
                        PRIMARY KEY (last_leaf, level)
                    ) WITHOUT ROWID;
                    CREATE TABLE log_checkpoint (
                        size INTEGER PRIMARY KEY,
                        at INTEGER NOT NULL,
                        note TEXT NOT NULL
                    );
                    """)
            // Records stored before the log existed become its first entries, in their order.
            var frontier = MerkleFrontier()
            let rows = try Row.fetchCursor(db, sql: "SELECT seq, record FROM disclosure ORDER BY seq")
            var renumber: [(Int64, Int64, String)] = []
            while let row = try rows.next() {
                let seq: Int64 = row[0]
                let text: String = row[1]
                let record = try JSONDecoder().decode(DisclosureRecord.self, from: Data(text.utf8))
                renumber.append((seq, Int64(frontier.size + 1), record.subjectPseudonym))
                try insertNodes(db, LogAppendPlan.nodes(index: frontier.size, entry: Array(text.utf8), frontier: &frontier))
            }
            for (old, new, subject) in renumber {
                try db.execute(sql: "UPDATE disclosure SET seq = ?, subject = ? WHERE seq = ?", arguments: [new, subject, old])
            }
        }
    }

    /// Stores planned log nodes.
    static func insertNodes(_ db: Database, _ nodes: [LogAppendPlan.Node]) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO log_node (last_leaf, level, hash) VALUES (?, ?, ?)")
        for node in nodes {
            try statement.execute(arguments: [node.lastLeaf, node.level, Data(node.hash)])
        }
    }

    /// Adds planned increments to the disclosure counters.
    static func addTallies(_ db: Database, _ increments: [DisclosureTally.Increment]) throws {
        for increment in increments {
            let shared = StoreSQL.addTally(increment)
            try db.cachedStatement(sql: shared.sql).execute(arguments: shared.statementArguments)
        }
    }

    /// The increments that count the records already in the log.
    static func disclosureGroupsByHour(_ db: Database) throws -> [DisclosureTally.Increment] {
        let rows = try Self.rows(db, StoreSQL.disclosureGroupsByHour(purposeExpression: "json_extract(record, '$.purpose')"))
        return DisclosureTally.increments(
            rows.map { row in
                (
                    at: Instant(microsecondsSinceEpoch: row[0]), clientId: row[1], party: row[2], purpose: row[3], outcome: row[4],
                    count: row[5]
                )
            })
    }

    /// The hash of a perfect subtree, read in a transaction.
    static func perfectHash(_ db: Database, level: Int, index: Int) throws -> [UInt8] {
        let lastLeaf = ((index + 1) << level) - 1
        guard
            let data = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT hash FROM log_node WHERE last_leaf = ? AND level = ?"), arguments: [lastLeaf, level])
        else { throw StoreError.corrupt("the log has no node at level \(level) index \(index)") }
        return Array(data)
    }

    static func logSize(_ db: Database) throws -> Int {
        try int(db, StoreSQL.logSize)
    }

    /// The frontier of a tree of `size` entries, from its stored perfect subtrees.
    static func frontier(_ db: Database, size: Int) throws -> MerkleFrontier {
        try MerkleFrontier(size: size) { level, index in try perfectHash(db, level: level, index: index) }
    }

    public func logSize() async throws -> Int {
        try await read { db in try Self.logSize(db) }
    }

    public func logEntries(start: Int, end: Int) async throws -> [LogEntry] {
        try await read { db in
            try Self.rows(db, StoreSQL.logEntries(start: start, end: end)).map { row in
                LogEntry(index: Int(row[0] as Int64) - 1, entry: row[1], leafHash: Array(row[2] as Data))
            }
        }
    }

    public func readTree<T: Sendable>(_ compute: @escaping @Sendable (Int, Merkle.PerfectHash) throws -> T) async throws -> T {
        try await read { db in try compute(try Self.logSize(db)) { level, index in try Self.perfectHash(db, level: level, index: index) } }
    }

    public func issueCheckpoint(
        at: Instant, sign: @escaping @Sendable (_ size: Int, _ root: [UInt8]) throws -> String
    ) async throws -> StoredCheckpoint? {
        try await write { db in
            switch CheckpointPlan(latest: try Self.latestCheckpoint(db), logSize: try Self.logSize(db)) {
            case .current(let latest):
                return latest
            case .issue(let size):
                let root = try Merkle.root(size: size) { level, index in try Self.perfectHash(db, level: level, index: index) }
                let checkpoint = StoredCheckpoint(size: size, at: at, note: try sign(size, root))
                try Self.execute(db, StoreSQL.insertCheckpoint(checkpoint))
                return checkpoint
            }
        }
    }

    static func checkpoint(_ row: Row) -> StoredCheckpoint {
        StoredCheckpoint(size: row[0], at: Instant(microsecondsSinceEpoch: row[1]), note: row[2])
    }

    static func latestCheckpoint(_ db: Database) throws -> StoredCheckpoint? {
        try rows(db, StoreSQL.latestCheckpoint).first.map(checkpoint)
    }

    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        try await read { db in try Self.latestCheckpoint(db) }
    }

    public func checkpoint(size: Int) async throws -> StoredCheckpoint? {
        try await read { db in
            try Self.rows(db, StoreSQL.checkpoint(size: size)).first.map(Self.checkpoint)
        }
    }

    public func checkpoints() async throws -> [StoredCheckpoint] {
        try await read { db in try Self.rows(db, StoreSQL.checkpoints).map(Self.checkpoint) }
    }

    public func disclosures(subject: String) async throws -> [(index: Int, record: DisclosureRecord, entry: String)] {
        try await read { db in
            try Self.rows(db, StoreSQL.disclosures(subject: subject)).map {
                row in
                let text: String = row[1]
                return (Int(row[0] as Int64) - 1, try JSONDecoder().decode(DisclosureRecord.self, from: Data(text.utf8)), text)
            }
        }
    }

    public func latestDisclosures(
        subject: String, limit: Int
    ) async throws -> (total: Int, latest: [(index: Int, record: DisclosureRecord, entry: String)]) {
        try await read { db in
            let total = try Self.rows(db, StoreSQL.disclosureCount(subject: subject)).first.map { Int($0[0] as Int64) } ?? 0
            let latest = try Self.rows(db, StoreSQL.latestDisclosures(subject: subject, limit: limit)).reversed().map {
                row in
                let text: String = row[1]
                return (Int(row[0] as Int64) - 1, try JSONDecoder().decode(DisclosureRecord.self, from: Data(text.utf8)), text)
            }
            return (total, latest)
        }
    }

    public func searchDisclosures(
        _ filter: DisclosureFilter, after: Int?, limit: Int
    ) async throws -> [(index: Int, record: DisclosureRecord)] {
        // The purpose is inside the record.
        let statement = StoreSQL.searchDisclosures(
            filter, after: after, limit: limit, purposeExpression: "json_extract(record, '$.purpose')")
        return try await read { db in
            try Self.rows(db, statement).map { row in
                (Int(row[0] as Int64) - 1, try JSONDecoder().decode(DisclosureRecord.self, from: Data((row[1] as String).utf8)))
            }
        }
    }

    public func disclosureVolumes(_ filter: DisclosureFilter) async throws -> [DisclosureVolume] {
        let statement = StoreSQL.disclosureVolumes(
            filter, monthExpression: "strftime('%Y-%m', at / 1000000, 'unixepoch')", purposeExpression: "json_extract(record, '$.purpose')")
        return try await read { db in
            try Self.rows(db, statement).map { row in
                DisclosureVolume(
                    month: row[0], clientId: row[1], party: row[2], purpose: row[3], outcome: row[4], count: Int(row[5] as Int64))
            }
        }
    }

    public func walkLog(
        _ body: (_ storedIndex: Int, _ entry: UnsafeRawBufferPointer, _ storedNodes: [(level: Int, hash: [UInt8])]) throws -> Bool
    ) async throws {
        try blockingRead { db in
            let entries = try Row.fetchCursor(db, sql: "SELECT seq, record FROM disclosure ORDER BY seq")
            let nodes = try Row.fetchCursor(db, sql: "SELECT last_leaf, level, hash FROM log_node ORDER BY last_leaf, level")
            var pending: (lastLeaf: Int, level: Int, hash: [UInt8])?
            while let row = try entries.next() {
                let index = Int(row[0] as Int64) - 1
                var stored: [(level: Int, hash: [UInt8])] = []
                while true {
                    if pending == nil, let next = try nodes.next() {
                        pending = (Int(next[0] as Int64), Int(next[1] as Int64), Array(next[2] as Data))
                    }
                    guard let node = pending, node.lastLeaf <= index else { break }
                    stored.append((node.level, node.hash))
                    pending = nil
                }
                // The entry's bytes are read in place, without copying them out of SQLite.
                let proceed = try row.withUnsafeData(atIndex: 1) { data in
                    try (data ?? Data()).withUnsafeBytes { try body(index, $0, stored) }
                }
                guard proceed else { return }
            }
        }
    }
}
