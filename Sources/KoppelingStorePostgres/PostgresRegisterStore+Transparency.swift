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
        let plan = LogAppendPlan(appending: records, toSize: size, frontier: &frontier)
        let entries = plan.entries
        try await connection.query(
            """
            INSERT INTO disclosure (seq, disclosure_id, at, client, party, outcome, subject, record)
            SELECT * FROM unnest(\(entries.map(\.sequence))::bigint[], \(entries.map { $0.record.disclosureId.lowercasedString })::text[],
                                 \(entries.map { $0.record.at.microsecondsSinceEpoch })::bigint[], \
            \(entries.map(\.record.clientId))::text[],
                                 \(entries.map(\.record.party))::text[], \(entries.map(\.record.outcome.rawValue))::text[],
                                 \(entries.map(\.record.subjectPseudonym))::text[], \(entries.map(\.text))::text[])
            """, logger: logger)
        let nodes = plan.nodes
        try await connection.query(
            """
            INSERT INTO log_node (last_leaf, level, hash)
            SELECT * FROM unnest(\(nodes.map(\.lastLeaf))::bigint[], \(nodes.map(\.level))::int8[], \
            \(nodes.map { ByteBuffer(bytes: $0.hash) })::bytea[])
            """, logger: logger)
        try await addTallies(connection, plan.tallies)
    }

    /// Adds planned increments to the disclosure counters, in one statement.
    func addTallies(_ connection: PostgresConnection, _ increments: [DisclosureTally.Increment]) async throws {
        guard !increments.isEmpty else { return }
        let keys = increments.map(\.key)
        try await connection.query(
            """
            INSERT INTO disclosure_tally (grain, period, client, party, purpose, outcome, count)
            SELECT * FROM unnest(\(keys.map(\.grain.rawValue))::text[], \(keys.map(\.period))::text[], \(keys.map(\.clientId))::text[],
                                 \(keys.map(\.party))::text[], \(keys.map(\.purpose))::text[], \(keys.map(\.outcome))::text[],
                                 \(increments.map(\.count))::bigint[]) \(unescaped: StoreSQL.tallyConflict)
            """, logger: logger)
    }

    /// Counts the records already in the log, when the counters are new.
    func addTalliesForLog(_ connection: PostgresConnection) async throws {
        let groups = StoreSQL.disclosureGroupsByHour(purposeExpression: "(record::jsonb ->> 'purpose')").query
        var found: [(at: Instant, clientId: String, party: String, purpose: String, outcome: String, count: Int64)] = []
        for row in try await Self.rows(connection, groups, logger) {
            let (at, client, party, purpose, outcome, count) = try row.decode((Int64, String, String, String, String, Int64).self)
            found.append((Instant(microsecondsSinceEpoch: at), client, party, purpose, outcome, count))
        }
        try await addTallies(connection, DisclosureTally.increments(found))
    }

    func logSize(_ connection: PostgresConnection) async throws -> Int {
        try await Self.int(connection, StoreSQL.logSize.query, logger)
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
            JOIN unnest(\(lastLeaves)::bigint[], \(levels)::int8[]) AS w(last_leaf, level) ON n.last_leaf = w.last_leaf AND n.level = \
            w.level
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
            try await Self.rows(connection, StoreSQL.logEntries(start: start, end: end).query, self.logger).map { row in
                let (seq, entry, hash) = try row.decode((Int64, String, ByteBuffer).self)
                return LogEntry(index: Int(seq) - 1, entry: entry, leafHash: Self.bytes(hash))
            }
        }
    }

    public func readTree<T: Sendable>(_ compute: @escaping @Sendable (Int, Merkle.PerfectHash) throws -> T) async throws -> T {
        try await read { connection in
            let size = try await self.logSize(connection)
            return try await self.withNodes(connection) { perfect in try compute(size, perfect) }
        }
    }

    public func issueCheckpoint(
        at: Instant, sign: @escaping @Sendable (_ size: Int, _ root: [UInt8]) throws -> String
    ) async throws -> StoredCheckpoint? {
        try await transaction { connection in
            // Under the log lock: instances issue checkpoints of one log, each at least as large
            // as the one before.
            try await self.lockLog(connection)
            let size = try await self.logSize(connection)
            switch CheckpointPlan(latest: try await self.latestCheckpoint(connection), logSize: size) {
            case .current(let latest):
                return latest
            case .issue(let size):
                let root = try await self.withNodes(connection) { perfect in try Merkle.root(size: size, perfect: perfect) }
                let checkpoint = StoredCheckpoint(size: size, at: at, note: try sign(size, root))
                try await connection.query(StoreSQL.insertCheckpoint(checkpoint).query, logger: self.logger)
                return checkpoint
            }
        }
    }

    static func checkpoint(_ row: PostgresRow) throws -> StoredCheckpoint {
        let (size, at, note) = try row.decode((Int64, Int64, String).self)
        return StoredCheckpoint(size: Int(size), at: Instant(microsecondsSinceEpoch: at), note: note)
    }

    func latestCheckpoint(_ connection: PostgresConnection) async throws -> StoredCheckpoint? {
        try await Self.rows(connection, StoreSQL.latestCheckpoint.query, logger).first.map(Self.checkpoint)
    }

    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        try await read { connection in try await self.latestCheckpoint(connection) }
    }

    public func checkpoint(size: Int) async throws -> StoredCheckpoint? {
        try await read { connection in
            try await Self.rows(connection, StoreSQL.checkpoint(size: size).query, self.logger).first.map(Self.checkpoint)
        }
    }

    public func checkpoints() async throws -> [StoredCheckpoint] {
        try await read { connection in
            try await Self.rows(connection, StoreSQL.checkpoints.query, self.logger).map(Self.checkpoint)
        }
    }

    public func disclosures(subject: String) async throws -> [(index: Int, record: DisclosureRecord, entry: String)] {
        try await read { connection in
            try await Self.rows(connection, StoreSQL.disclosures(subject: subject).query, self.logger).map {
                row in
                let (seq, text) = try row.decode((Int64, String).self)
                return (Int(seq) - 1, try Self.decode(DisclosureRecord.self, text), text)
            }
        }
    }

    public func latestDisclosures(
        subject: String, limit: Int
    ) async throws -> (total: Int, latest: [(index: Int, record: DisclosureRecord, entry: String)]) {
        try await read { connection in
            let total =
                try await Self.rows(connection, StoreSQL.disclosureCount(subject: subject).query, self.logger).first
                .map { Int(try $0.decode(Int64.self)) } ?? 0
            let latest = try await Self.rows(connection, StoreSQL.latestDisclosures(subject: subject, limit: limit).query, self.logger)
                .reversed().map { row in
                    let (seq, text) = try row.decode((Int64, String).self)
                    return (Int(seq) - 1, try Self.decode(DisclosureRecord.self, text), text)
                }
            return (total, latest)
        }
    }

    public func searchDisclosures(
        _ filter: DisclosureFilter, after: Int?, limit: Int
    ) async throws -> [(index: Int, record: DisclosureRecord)] {
        // The purpose is inside the record.
        let query = StoreSQL.searchDisclosures(filter, after: after, limit: limit, purposeExpression: "(record::jsonb ->> 'purpose')").query
        return try await read { connection in
            var found: [(index: Int, record: DisclosureRecord)] = []
            for try await row in try await connection.query(query, logger: self.logger) {
                let (seq, text) = try row.decode((Int64, String).self)
                found.append((Int(seq) - 1, try Self.decode(DisclosureRecord.self, text)))
            }
            return found
        }
    }

    public func disclosureVolumes(_ filter: DisclosureFilter) async throws -> [DisclosureVolume] {
        let query = StoreSQL.disclosureVolumes(
            filter, monthExpression: "to_char(to_timestamp(at / 1000000) AT TIME ZONE 'UTC', 'YYYY-MM')",
            purposeExpression: "(record::jsonb ->> 'purpose')"
        ).query
        return try await read { connection in
            var found: [DisclosureVolume] = []
            for try await row in try await connection.query(query, logger: self.logger) {
                let (month, client, party, purpose, outcome, count) = try row.decode((String, String, String, String, String, Int64).self)
                found.append(
                    DisclosureVolume(month: month, clientId: client, party: party, purpose: purpose, outcome: outcome, count: Int(count)))
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
                    SELECT last_leaf, level, hash FROM log_node WHERE last_leaf >= \(after) AND last_leaf < \(last) ORDER BY last_leaf, \
                    level
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
