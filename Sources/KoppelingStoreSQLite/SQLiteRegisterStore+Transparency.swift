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
                try insertNodes(db, index: frontier.size, entry: Array(text.utf8), frontier: &frontier)
            }
            for (old, new, subject) in renumber {
                try db.execute(sql: "UPDATE disclosure SET seq = ?, subject = ? WHERE seq = ?", arguments: [new, subject, old])
            }
        }
    }

    /// Stores the leaf hash of entry `index` and every perfect subtree it completes.
    static func insertNodes(_ db: Database, index: Int, entry: [UInt8], frontier: inout MerkleFrontier) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO log_node (last_leaf, level, hash) VALUES (?, ?, ?)")
        let leaf = Merkle.leafHash(entry)
        try statement.execute(arguments: [index, 0, Data(leaf)])
        for node in frontier.append(leafHash: leaf) {
            try statement.execute(arguments: [index, node.level, Data(node.hash)])
        }
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
        try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM disclosure") ?? 0
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
            try Row.fetchAll(
                db,
                sql:
                    "SELECT d.seq, d.record, n.hash FROM disclosure d JOIN log_node n ON n.last_leaf = d.seq - 1 AND n.level = 0 WHERE d.seq > ? AND d.seq <= ? ORDER BY d.seq",
                arguments: [start, end]
            ).map { row in LogEntry(index: Int(row[0] as Int64) - 1, entry: row[1], leafHash: Array(row[2] as Data)) }
        }
    }

    /// Runs a computation over the stored tree, refusing sizes beyond the log.
    private func withTree<T: Sendable>(size: Int, _ body: @escaping @Sendable (Database, Merkle.PerfectHash) throws -> T) async throws -> T
    {
        try await read { db in
            guard size <= (try Self.logSize(db)) else { throw StoreError.notFound("the log has fewer than \(size) entries") }
            return try body(db) { level, index in try Self.perfectHash(db, level: level, index: index) }
        }
    }

    public func logRoot(size: Int) async throws -> [UInt8] {
        try await withTree(size: size) { _, perfect in try Merkle.root(size: size, perfect: perfect) }
    }

    public func inclusionProof(index: Int, size: Int) async throws -> [[UInt8]] {
        guard index >= 0, index < size else { throw StoreError.notFound("index \(index) is not in a tree of \(size) entries") }
        return try await withTree(size: size) { _, perfect in try Merkle.inclusionProof(index: index, size: size, perfect: perfect) }
    }

    public func consistencyProof(from: Int, to: Int) async throws -> [[UInt8]] {
        guard from >= 0, from <= to else { throw StoreError.notFound("no consistency proof from \(from) to \(to)") }
        return try await withTree(size: to) { _, perfect in try Merkle.consistencyProof(from: from, to: to, perfect: perfect) }
    }

    public func issueCheckpoint(
        at: Instant, sign: @escaping @Sendable (_ size: Int, _ root: [UInt8]) throws -> String
    ) async throws -> StoredCheckpoint? {
        try await write { db in
            let size = try Self.logSize(db)
            if let latest = try Self.latestCheckpoint(db), latest.size >= size { return latest }
            guard size > 0 else { return nil }
            let root = try Merkle.root(size: size) { level, index in try Self.perfectHash(db, level: level, index: index) }
            let note = try sign(size, root)
            try db.execute(
                sql: "INSERT INTO log_checkpoint (size, at, note) VALUES (?, ?, ?)", arguments: [size, at.microsecondsSinceEpoch, note])
            return StoredCheckpoint(size: size, at: at, note: note)
        }
    }

    static func checkpoint(_ row: Row) -> StoredCheckpoint {
        StoredCheckpoint(size: row[0], at: Instant(microsecondsSinceEpoch: row[1]), note: row[2])
    }

    static func latestCheckpoint(_ db: Database) throws -> StoredCheckpoint? {
        try Row.fetchOne(db, sql: "SELECT size, at, note FROM log_checkpoint ORDER BY size DESC LIMIT 1").map(checkpoint)
    }

    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        try await read { db in try Self.latestCheckpoint(db) }
    }

    public func checkpoint(size: Int) async throws -> StoredCheckpoint? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT size, at, note FROM log_checkpoint WHERE size = ?", arguments: [size]).map(Self.checkpoint)
        }
    }

    public func checkpoints() async throws -> [StoredCheckpoint] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT size, at, note FROM log_checkpoint ORDER BY size").map(Self.checkpoint) }
    }

    public func disclosures(subject: String) async throws -> [(index: Int, record: DisclosureRecord, entry: String)] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT seq, record FROM disclosure WHERE subject = ? ORDER BY seq", arguments: [subject]).map {
                row in
                let text: String = row[1]
                return (Int(row[0] as Int64) - 1, try JSONDecoder().decode(DisclosureRecord.self, from: Data(text.utf8)), text)
            }
        }
    }

    public func searchDisclosures(
        _ filter: DisclosureFilter, after: Int?, limit: Int
    ) async throws -> [(index: Int, record: DisclosureRecord)] {
        var conditions = ["seq > ?"]
        var arguments: [any DatabaseValueConvertible] = [DisclosureFilter.sequence(after: after)]
        if let value = filter.clientId {
            conditions.append("client = ?")
            arguments.append(value)
        }
        if let value = filter.party {
            conditions.append("party = ?")
            arguments.append(value)
        }
        if let value = filter.outcome {
            conditions.append("outcome = ?")
            arguments.append(value)
        }
        if let value = filter.from {
            conditions.append("at >= ?")
            arguments.append(value.microsecondsSinceEpoch)
        }
        if let value = filter.to {
            conditions.append("at < ?")
            arguments.append(value.microsecondsSinceEpoch)
        }
        // The purpose is inside the record.
        if let value = filter.purpose {
            conditions.append("json_extract(record, '$.purpose') = ?")
            arguments.append(value)
        }
        arguments.append(limit)
        let sql = "SELECT seq, record FROM disclosure WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq LIMIT ?"
        let statementArguments = StatementArguments(arguments.map { $0 as (any DatabaseValueConvertible)? })
        return try await read { db in
            try Row.fetchAll(db, sql: sql, arguments: statementArguments).map { row in
                (Int(row[0] as Int64) - 1, try JSONDecoder().decode(DisclosureRecord.self, from: Data((row[1] as String).utf8)))
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
