import Crypto
import Foundation
import GRDB
import KoppelingCore
import KoppelingStore
import KoppelingStoreSQLite
import KoppelingTestSupport
import Testing

@Suite("Transparency log on SQLite")
struct TransparencyLogTests {
    static func record(_ n: Int) -> DisclosureRecord {
        DisclosureRecord(
            disclosureId: UUID(), at: Instant(microsecondsSinceEpoch: 1_790_000_000_000_000 + Int64(n) * 1_000_000),
            clientId: "dvz-residence",
            party: "dvz", purpose: "ART_1_2_INTEGRATION_EFFORTS", channel: .lookup, caseReference: "C-\(n)",
            protocolId: "kbi-dvz-integration-efforts",
            protocolVersion: 1, fields: [.insz, .status], outcome: n % 5 == 0 ? .denied(.noProtocol) : .allowed,
            referenceDate: LocalDate("2026-11-01")!,
            subjectPseudonym: String(format: "%064x", n % 7), requestId: "r-\(n)", traceparent: nil)
    }

    /// A log of `count` entries appended in batches of varying size, with checkpoints along the way.
    static func makeLog(path: String, count: Int) async throws -> (SQLiteRegisterStore, TransparencyLog) {
        let store = try SQLiteRegisterStore(path: path)
        let log = TransparencyLog(
            store: store, origin: "koppeling.test/log", key: Curve25519.Signing.PrivateKey(), clock: Instant.systemNow)
        var n = 0
        var batch = 1
        while n < count {
            let size = min(batch, count - n)
            try await store.appendDisclosures((n..<(n + size)).map(record))
            n += size
            batch = batch % 7 + 1
            if n % 10 < size { try await log.issueCheckpoint() }
        }
        try await log.issueCheckpoint()
        return (store, log)
    }

    @Test("entries, roots, proofs and checkpoints agree with an independent in-memory tree; log verify passes")
    func agreement() async throws {
        let path = try TestEnvironment.temporaryFolder().appendingPathComponent("log.sqlite").path
        let (store, log) = try await Self.makeLog(path: path, count: 57)
        #expect(try await store.logSize() == 57)
        let entries = try await store.logEntries(start: 0, end: 57)
        #expect(entries.map(\.index) == Array(0..<57))
        var frontier = MerkleFrontier()
        for (index, entry) in entries.enumerated() {
            #expect(entry.leafHash == Merkle.leafHash(Array(entry.entry.utf8)))
            #expect(try JSONDecoder().decode(DisclosureRecord.self, from: Data(entry.entry.utf8)).caseReference == "C-\(index)")
            frontier.append(leafHash: entry.leafHash)
            #expect(try await store.logRoot(size: index + 1) == frontier.root)
        }
        let checkpoints = try await store.checkpoints()
        #expect(checkpoints.count > 3 && checkpoints.last?.size == 57)
        for checkpoint in checkpoints {
            let text = try #require(log.verifier.open(checkpoint.note))
            let parsed = try #require(Checkpoint(text: text))
            #expect(parsed.origin == "koppeling.test/log" && parsed.size == checkpoint.size)
            for index in stride(from: 0, to: checkpoint.size, by: 3) {
                let proof = try await store.inclusionProof(index: index, size: checkpoint.size)
                #expect(
                    Merkle.verifyInclusion(
                        leafHash: entries[index].leafHash, index: index, size: checkpoint.size, proof: proof, root: parsed.root))
            }
            let latestText = try #require(log.verifier.open(checkpoints.last!.note))
            let latest = try #require(Checkpoint(text: latestText))
            let consistency = try await store.consistencyProof(from: checkpoint.size, to: latest.size)
            #expect(
                Merkle.verifyConsistency(
                    from: checkpoint.size, to: latest.size, proof: consistency, firstRoot: parsed.root, secondRoot: latest.root))
        }
        let result = try await log.verify()
        #expect(result.problem == nil)
        #expect(result.entries == 57 && result.checkpoints == checkpoints.count)
        // Beyond the log: refused, never a wrong proof.
        await #expect(throws: StoreError.self) { try await store.inclusionProof(index: 3, size: 58) }
    }

    enum Tamper: String, CaseIterable {
        case change, delete, reorder, node
    }

    @Test("a changed, deleted or reordered stored row, or a changed node, is named by log verify", arguments: Tamper.allCases)
    func tamper(_ kind: Tamper) async throws {
        let path = try TestEnvironment.temporaryFolder().appendingPathComponent("log.sqlite").path
        let (_, log) = try await Self.makeLog(path: path, count: 40)
        #expect(try await log.verify().problem == nil)
        let database = try DatabaseQueue(path: path)
        try await database.write { db in
            switch kind {
            case .change:
                try db.execute(sql: "UPDATE disclosure SET record = replace(record, 'C-17', 'C-18') WHERE seq = 18")
            case .delete:
                try db.execute(sql: "DELETE FROM disclosure WHERE seq = 18")
            case .reorder:
                let a = try String.fetchOne(db, sql: "SELECT record FROM disclosure WHERE seq = 18")!
                let b = try String.fetchOne(db, sql: "SELECT record FROM disclosure WHERE seq = 19")!
                try db.execute(sql: "UPDATE disclosure SET record = ? WHERE seq = 18", arguments: [b])
                try db.execute(sql: "UPDATE disclosure SET record = ? WHERE seq = 19", arguments: [a])
            case .node:
                try db.execute(sql: "UPDATE log_node SET hash = zeroblob(32) WHERE last_leaf = 19 AND level = 2")
            }
        }
        let result = try await log.verify()
        let problem = try #require(result.problem, "\(kind) was not found")
        #expect(problem.index == (kind == .node ? 19 : 17), "\(kind): \(problem.message)")
        #expect(result.entries == problem.index)
    }
}
