import Foundation
public import KoppelingCore
public import KoppelingStore
import Logging
import NIOCore
import PostgresNIO

extension PostgresRegisterStore: TransparencyStore {
    /// Appends records as the next log entries, with the node hashes they complete, in the
    /// caller's transaction, under the log lock: one sequence of entries across instances.
    func appendDisclosures(_ connection: PostgresConnection, _ records: [DisclosureRecord]) async throws {
        guard !records.isEmpty else { return }
        try await lockLog(connection)
        let size = try await logSize(connection)
        var frontier = try await withNodes(connection) { perfect in try MerkleFrontier(size: size, perfect: perfect) }
        let texts = records.map(\.canonicalJSON)
        var lastLeaves: [Int64] = []
        var levels: [Int64] = []
        var hashes: [ByteBuffer] = []
        for (offset, text) in texts.enumerated() {
            let index = Int64(size + offset)
            let leaf = Merkle.leafHash(Array(text.utf8))
            lastLeaves.append(index)
            levels.append(0)
            hashes.append(ByteBuffer(bytes: leaf))
            for node in frontier.append(leafHash: leaf) {
                lastLeaves.append(index)
                levels.append(Int64(node.level))
                hashes.append(ByteBuffer(bytes: node.hash))
            }
        }
        let seqs = records.indices.map { Int64(size + $0 + 1) }
        try await connection.query(
            """
            INSERT INTO disclosure (seq, disclosure_id, at, client, party, outcome, subject, record)
            SELECT * FROM unnest(\(seqs)::bigint[], \(records.map { $0.disclosureId.lowercasedString })::text[],
                                 \(records.map { $0.at.microsecondsSinceEpoch })::bigint[], \(records.map(\.clientId))::text[],
                                 \(records.map(\.party))::text[], \(records.map(\.outcome.rawValue))::text[], \(records.map(\.subjectPseudonym))::text[],
                                 \(texts)::text[])
            """, logger: logger)
        try await connection.query(
            "INSERT INTO log_node (last_leaf, level, hash) SELECT * FROM unnest(\(lastLeaves)::bigint[], \(levels)::int8[], \(hashes)::bytea[])",
            logger: logger)
    }

    func logSize(_ connection: PostgresConnection) async throws -> Int {
        try await Self.int(connection, "SELECT MAX(seq) FROM disclosure", logger)
    }

    /// Runs a Merkle computation over stored perfect subtrees with one query: the nodes a
    /// computation reads depend only on sizes and indexes, so a first run with placeholder hashes
    /// names them, and the second runs on the stored ones.
    func withNodes<T>(_ connection: PostgresConnection, _ compute: (Merkle.PerfectHash) throws -> T) async throws -> T {
        var wanted: [(level: Int, index: Int)] = []
        _ = try compute { level, index in
            wanted.append((level, index))
            return [UInt8](repeating: 0, count: 32)
        }
        guard !wanted.isEmpty else { return try compute { _, _ in [] } }
        let lastLeaves = wanted.map { Int64((($0.index + 1) << $0.level) - 1) }
        let levels = wanted.map { Int64($0.level) }
        var found: [Int64: [Int: [UInt8]]] = [:]
        for row in try await Self.rows(
            connection,
            """
            SELECT n.last_leaf, n.level, n.hash FROM log_node n
            JOIN unnest(\(lastLeaves)::bigint[], \(levels)::int8[]) AS w(last_leaf, level) ON n.last_leaf = w.last_leaf AND n.level = w.level
            """, logger)
        {
            let (lastLeaf, level, hash) = try row.decode((Int64, Int, ByteBuffer).self)
            found[lastLeaf, default: [:]][level] = Self.bytes(hash)
        }
        return try compute { level, index in
            guard let hash = found[Int64(((index + 1) << level) - 1)]?[level] else {
                throw StoreError.corrupt("the log has no node at level \(level) index \(index)")
            }
            return hash
        }
    }

    public func logSize() async throws -> Int {
        try await read { connection in try await self.logSize(connection) }
    }

    public func logEntries(start: Int, end: Int) async throws -> [LogEntry] {
        try await read { connection in
            try await Self.rows(
                connection,
                """
                SELECT d.seq, d.record, n.hash FROM disclosure d JOIN log_node n ON n.last_leaf = d.seq - 1 AND n.level = 0
                WHERE d.seq > \(start) AND d.seq <= \(end) ORDER BY d.seq
                """, self.logger
            ).map { row in
                let (seq, entry, hash) = try row.decode((Int64, String, ByteBuffer).self)
                return LogEntry(index: Int(seq) - 1, entry: entry, leafHash: Self.bytes(hash))
            }
        }
    }

    /// Runs a computation over the stored tree, refusing sizes beyond the log.
    private func withTree<T: Sendable>(size: Int, _ compute: @escaping @Sendable (Merkle.PerfectHash) throws -> T) async throws -> T {
        try await read { connection in
            guard size <= (try await self.logSize(connection)) else { throw StoreError.notFound("the log has fewer than \(size) entries") }
            return try await self.withNodes(connection, compute)
        }
    }

    public func logRoot(size: Int) async throws -> [UInt8] {
        try await withTree(size: size) { perfect in try Merkle.root(size: size, perfect: perfect) }
    }

    public func inclusionProof(index: Int, size: Int) async throws -> [[UInt8]] {
        guard index >= 0, index < size else { throw StoreError.notFound("index \(index) is not in a tree of \(size) entries") }
        return try await withTree(size: size) { perfect in try Merkle.inclusionProof(index: index, size: size, perfect: perfect) }
    }

    public func consistencyProof(from: Int, to: Int) async throws -> [[UInt8]] {
        guard from >= 0, from <= to else { throw StoreError.notFound("no consistency proof from \(from) to \(to)") }
        return try await withTree(size: to) { perfect in try Merkle.consistencyProof(from: from, to: to, perfect: perfect) }
    }

    public func issueCheckpoint(
        at: Instant, sign: @escaping @Sendable (_ size: Int, _ root: [UInt8]) throws -> String
    ) async throws -> StoredCheckpoint? {
        try await transaction { connection in
            // Under the log lock: instances issue checkpoints of one log, each at least as large
            // as the one before.
            try await self.lockLog(connection)
            let size = try await self.logSize(connection)
            if let latest = try await self.latestCheckpoint(connection), latest.size >= size { return latest }
            guard size > 0 else { return nil }
            let root = try await self.withNodes(connection) { perfect in try Merkle.root(size: size, perfect: perfect) }
            let note = try sign(size, root)
            try await connection.query(
                "INSERT INTO log_checkpoint (size, at, note) VALUES (\(size), \(at.microsecondsSinceEpoch), \(note))", logger: self.logger)
            return StoredCheckpoint(size: size, at: at, note: note)
        }
    }

    static func checkpoint(_ row: PostgresRow) throws -> StoredCheckpoint {
        let (size, at, note) = try row.decode((Int64, Int64, String).self)
        return StoredCheckpoint(size: Int(size), at: Instant(microsecondsSinceEpoch: at), note: note)
    }

    func latestCheckpoint(_ connection: PostgresConnection) async throws -> StoredCheckpoint? {
        try await Self.rows(connection, "SELECT size, at, note FROM log_checkpoint ORDER BY size DESC LIMIT 1", logger).first.map(
            Self.checkpoint)
    }

    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        try await read { connection in try await self.latestCheckpoint(connection) }
    }

    public func checkpoint(size: Int) async throws -> StoredCheckpoint? {
        try await read { connection in
            try await Self.rows(connection, "SELECT size, at, note FROM log_checkpoint WHERE size = \(size)", self.logger).first.map(
                Self.checkpoint)
        }
    }

    public func checkpoints() async throws -> [StoredCheckpoint] {
        try await read { connection in
            try await Self.rows(connection, "SELECT size, at, note FROM log_checkpoint ORDER BY size", self.logger).map(Self.checkpoint)
        }
    }

    public func disclosures(subject: String) async throws -> [(index: Int, record: DisclosureRecord, entry: String)] {
        try await read { connection in
            try await Self.rows(connection, "SELECT seq, record FROM disclosure WHERE subject = \(subject) ORDER BY seq", self.logger).map {
                row in
                let (seq, text) = try row.decode((Int64, String).self)
                return (Int(seq) - 1, try Self.decode(DisclosureRecord.self, text), text)
            }
        }
    }

    public func searchDisclosures(
        _ filter: DisclosureFilter, after: Int?, limit: Int
    ) async throws -> [(index: Int, record: DisclosureRecord)] {
        var bindings = PostgresBindings()
        var conditions: [String] = []
        func condition(_ sql: String, _ value: some PostgresNonThrowingEncodable) {
            bindings.append(value)
            conditions.append("\(sql) $\(bindings.count)")
        }
        condition("seq >", DisclosureFilter.sequence(after: after))
        if let value = filter.clientId { condition("client =", value) }
        if let value = filter.party { condition("party =", value) }
        if let value = filter.outcome { condition("outcome =", value) }
        if let value = filter.from { condition("at >=", value.microsecondsSinceEpoch) }
        if let value = filter.to { condition("at <", value.microsecondsSinceEpoch) }
        // The purpose is inside the record.
        if let value = filter.purpose { condition("(record::jsonb ->> 'purpose') =", value) }
        bindings.append(Int64(limit))
        let query = PostgresQuery(
            unsafeSQL:
                "SELECT seq, record FROM disclosure WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq LIMIT $\(bindings.count)",
            binds: bindings)
        return try await read { connection in
            var found: [(index: Int, record: DisclosureRecord)] = []
            for try await row in try await connection.query(query, logger: self.logger) {
                let (seq, text) = try row.decode((Int64, String).self)
                found.append((Int(seq) - 1, try Self.decode(DisclosureRecord.self, text)))
            }
            return found
        }
    }

    public func walkLog(
        _ body: (_ storedIndex: Int, _ entry: UnsafeRawBufferPointer, _ storedNodes: [(level: Int, hash: [UInt8])]) throws -> Bool
    ) async throws {
        // Pages of entries with the nodes they complete, in one snapshot of the database.
        try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            var after: Int64 = 0
            let page: Int64 = 10_000
            while true {
                let entries = try await Self.rows(
                    connection, "SELECT seq, record FROM disclosure WHERE seq > \(after) ORDER BY seq LIMIT \(page)", logger)
                guard let lastRow = entries.last else { return }
                let last = try lastRow.decode((Int64, ByteBuffer).self).0
                var nodes: [Int64: [(level: Int, hash: [UInt8])]] = [:]
                for row in try await Self.rows(
                    connection,
                    """
                    SELECT last_leaf, level, hash FROM log_node WHERE last_leaf >= \(after) AND last_leaf < \(last) ORDER BY last_leaf, level
                    """, logger)
                {
                    let (lastLeaf, level, hash) = try row.decode((Int64, Int, ByteBuffer).self)
                    nodes[lastLeaf, default: []].append((level, Self.bytes(hash)))
                }
                for row in entries {
                    let (seq, entry) = try row.decode((Int64, ByteBuffer).self)
                    guard try entry.withUnsafeReadableBytes({ try body(Int(seq) - 1, $0, nodes[seq - 1] ?? []) }) else { return }
                }
                after = last
            }
        }
    }
}
