import Crypto
import Foundation
import KoppelingCore
import KoppelingDemoData
import KoppelingKBI
import KoppelingStore
import KoppelingStoreSQLite
import KoppelingTestSupport
import Testing

/// The storage contract, on every backend: SQLite (in memory, a file where durability matters)
/// and PostgreSQL (a new database per test) when a server is available (always in CI).
@Suite("Storage contract (SQLite and PostgreSQL)")
struct StoreContractTests {
    var f = EventFactory()

    static let obliged = EventPayload.targetGroupDetermined(
        .init(code: .ja, targetType: .obliged, periodStart: LocalDate("2024-01-01"), periodEnd: nil))

    @Test("append stores, a repeat with the same content changes nothing", arguments: TestStores.backends)
    mutating func idempotentAppend(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let events = [f.make("2024-01-01", Self.obliged), f.make("2024-01-20", .registered(.init(kind: .first, agency: "agii")))]
        let first = try await store.append(events)
        #expect(first.stored == 2 && first.alreadyPresent == 0)
        let again = try await store.append(events)
        #expect(again.stored == 0 && again.alreadyPresent == 2)
        let stored = try await store.events(of: f.insz)
        #expect(stored.count == 2)
        #expect(stored.allSatisfy { $0.recordedAt == first.recordedAt })
        #expect(zip(stored, events).allSatisfy { $0.hasSameContent(as: $1) })
    }

    @Test("a batch with a conflicting id is refused whole: nothing of it is stored", arguments: TestStores.backends)
    mutating func conflictRollsBack(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let original = f.make("2024-01-01", Self.obliged)
        _ = try await store.append([original])
        var changed = original
        changed.effectiveDate = LocalDate("2024-02-01")!
        let fresh = f.make("2024-03-01", .registered(.init(kind: .first, agency: "agii")))
        await #expect {
            _ = try await store.append([fresh, changed])
        } throws: { error in
            (error as? StoreError)?.conflict?.index == 1
        }
        let stored = try await store.events(of: f.insz)
        #expect(stored.map(\.eventId) == [original.eventId])
    }

    @Test("a streaming import that fails halfway stores nothing", arguments: TestStores.backends)
    mutating func streamingIsAtomic(backend: Backend) async throws {
        struct Failing: EventBatchSource {
            var batches: [[Event]]
            mutating func nextBatch() throws -> [Event]? {
                if batches.isEmpty { throw CancellationError() }
                return batches.removeFirst()
            }
        }
        let store = try await TestStores.open(backend)
        let source = Failing(batches: [[f.make("2024-01-01", Self.obliged)], [f.make("2024-02-01", .exemptionWithdrawn)]])
        await #expect(throws: CancellationError.self) { try await store.appendStreaming(from: source) }
        #expect(try await store.counts().events == 0)
    }

    @Test("an acknowledged write is durable: a new connection to the database reads it", arguments: TestStores.backends)
    mutating func durable(backend: Backend) async throws {
        let address = try await StoreAddress(backend)
        let event = f.make("2024-01-01", Self.obliged)
        do {
            let store = try await address.open()
            _ = try await store.append([event])
        }
        let reopened = try await address.open()
        #expect(try await reopened.events(of: f.insz).map(\.eventId) == [event.eventId])
    }

    @Test("persons are visited one at a time with their events in recording order", arguments: TestStores.backends)
    func forEachPerson(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let generator = PopulationGenerator(seed: 5, persons: 200)
        var all: [Event] = []
        for index in 0..<200 { all += generator.events(ofPerson: index) }
        _ = try await store.append(all)
        var visited: [String: [EventID]] = [:]
        try await store.forEachPerson { insz, events in
            #expect(visited[insz.digits] == nil)
            visited[insz.digits] = events.map(\.eventId)
        }
        #expect(visited.count == 200)
        for index in [0, 57, 199] {
            #expect(visited[generator.nationalNumber(of: index).digits] == generator.events(ofPerson: index).map(\.eventId))
        }
    }

    @Test("a KBI answer imported twice adds nothing; a changed answer retracts what disappeared", arguments: TestStores.backends)
    func kbiReimportAndReconciliation(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let register = Register(store: store, engine: StatusEngine(), allowsTestNumbers: true, today: { LocalDate("2026-11-29")! })
        let url = TestEnvironment.ownKBIFixtures.appendingPathComponent("obliged-certificate.xml")
        let data = try Data(contentsOf: url)
        let first = try await register.importKBI(data)
        // Eight events: the target group, two certificates, contract, registration, social orientation,
        // the route to work (TO_OB_LLO) and the Dutch level.
        #expect(first.summary.stored == 8)
        let second = try await register.importKBI(data)
        #expect(second.summary.stored == 0)
        #expect(try await store.counts().events == 8)
        let insz = first.insz
        #expect(try await register.status(of: insz, on: LocalDate("2024-06-30")!).status == .fulfilledCertificate)
        let beforeCorrection = try #require(first.summary.recordedAt)

        // The agency corrects the dossier: the certificate and the decision disappear.
        var text = String(decoding: data, as: UTF8.self)
        text = text.replacingOccurrences(of: "<Type>AI023</Type>", with: "<Type>XX999</Type>")
            .replacingOccurrences(of: "<Code>JA_IB</Code>", with: "<Code>NEE</Code>")
        let corrected = try await register.importKBI(Data(text.utf8))
        #expect(corrected.summary.stored == 2)
        let events = try await store.events(of: insz)
        #expect(events.filter { $0.type == .eventRetracted }.count == 2)
        #expect(try await register.status(of: insz, on: LocalDate("2024-06-30")!).status == .inTrajectory)
        // What was known before the correction is still answerable.
        #expect(
            try await register.status(of: insz, on: LocalDate("2024-06-30")!, knownAt: beforeCorrection).status == .fulfilledCertificate)
        // And importing the corrected answer again adds nothing.
        #expect(try await register.importKBI(Data(text.utf8)).summary.stored == 0)
    }

    @Test(
        "every stored row names its writer, and an import its file's SHA-256; a repeat keeps the first writer",
        arguments: TestStores.backends)
    mutating func provenance(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let register = Register(store: store, engine: StatusEngine(), allowsTestNumbers: true, today: { LocalDate("2026-11-29")! })
        let event = f.make("2024-01-01", Self.obliged)
        _ = try await register.append([event], by: .client("agii-intake"))
        _ = try await register.append([event], by: .client("someone-else"))
        let stored = try await store.events(of: f.insz)
        #expect(stored.map(\.provenance) == [WriteProvenance(recordedBy: "client:agii-intake")])
        #expect(stored[0].jsonLine.contains(#""recordedBy":"client:agii-intake""#))

        let data = try Data(contentsOf: TestEnvironment.ownKBIFixtures.appendingPathComponent("obliged-certificate.xml"))
        let report = try await register.importKBI(data, by: .operator("importer"))
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let imported = try await store.events(of: report.insz).filter { $0.source == "kbi" }
        #expect(imported.count == 8)
        #expect(imported.allSatisfy { $0.provenance == WriteProvenance(recordedBy: "operator:importer", importDigest: digest) })
        // A dossier line read back as an event parses again; what it says of its writer is ignored.
        var reread = try Event(json: try JSONValue.parse(imported[0].jsonLine), policy: TestEnvironment.policy)
        #expect(reread.provenance == nil && reread.hasSameContent(as: imported[0]))
        reread.provenance = imported[0].provenance
    }

    @Test(
        "the import history: the latest files with who imported them, when, their new events and persons; direct writes are not files",
        arguments: TestStores.backends)
    mutating func importHistory(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let register = Register(store: store, engine: StatusEngine(), allowsTestNumbers: true, today: { LocalDate("2026-11-29")! })
        _ = try await register.append([f.make("2024-01-01", Self.obliged)], by: .client("agii-intake"))
        #expect(try await store.recentImports(files: 10, scanning: 100).isEmpty)
        let first = try Data(contentsOf: TestEnvironment.ownKBIFixtures.appendingPathComponent("obliged-certificate.xml"))
        _ = try await register.importKBI(first, by: WriteProvenance(recordedBy: "console:dossier"))
        var other = EventFactory(insz: "93051822361")
        let file = Data("two events of another person".utf8)
        _ = try await register.append(
            [other.make("2024-02-01", Self.obliged), other.make("2024-03-01", Self.obliged)],
            by: WriteProvenance.operator("importer").importing(file))
        let files = try await store.recentImports(files: 10, scanning: 100)
        #expect(files.map(\.recordedBy) == ["operator:importer", "console:dossier"], "newest first")
        #expect(files.map(\.events) == [2, 8] && files.map(\.persons.count) == [1, 1])
        #expect(files[0].digest == WriteProvenance.digest(of: file) && files[1].digest == WriteProvenance.digest(of: first))
        #expect(try await store.recentImports(files: 1, scanning: 100).map(\.recordedBy) == ["operator:importer"])
        // Scanning fewer rows sees only the newest file's events.
        #expect(try await store.recentImports(files: 10, scanning: 2).map(\.events) == [2])
    }

    @Test("a failed KBI file stores nothing", arguments: TestStores.backends)
    func failedKBIFileStoresNothing(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let register = Register(store: store, engine: StatusEngine(), allowsTestNumbers: true, today: { LocalDate("2026-11-29")! })
        for name in ["malformed.xml", "bad-date.xml"] {
            let data = try Data(contentsOf: TestEnvironment.ownKBIFixtures.appendingPathComponent(name))
            await #expect(throws: KBIImportError.self) { _ = try await register.importKBI(data) }
        }
        #expect(try await store.counts().events == 0)
    }

    @Test(
        """
        two instances on one database keep one log: concurrent appends and checkpoints, every checkpoint consistent with the one \
        before, log verify passes
        """,
        arguments: TestStores.backends)
    func twoInstancesOneLog(backend: Backend) async throws {
        let address = try await StoreAddress(backend)
        let key = Curve25519.Signing.PrivateKey()
        let instances = try await [address.open(), address.open()]
        let logs = instances.map { TransparencyLog(store: $0, origin: "koppeling.test/log", key: key, clock: Instant.systemNow) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (number, store) in instances.enumerated() {
                for worker in 0..<8 {
                    group.addTask {
                        for round in 0..<10 {
                            let records = (0..<(round % 3 + 1)).map {
                                TransparencyLogTests.record(number * 10_000 + worker * 100 + round * 5 + $0)
                            }
                            try await store.appendDisclosures(records)
                        }
                    }
                }
                group.addTask {
                    for _ in 0..<15 { try await logs[number].issueCheckpoint() }
                }
            }
            try await group.waitForAll()
        }
        try await logs[0].issueCheckpoint()
        let expected = 2 * 8 * (4 * 1 + 3 * 2 + 3 * 3)
        #expect(try await instances[1].logSize() == expected)
        let result = try await logs[1].verify()
        #expect(result.problem == nil)
        #expect(result.entries == expected)
        let checkpoints = try await instances[0].checkpoints()
        #expect(checkpoints.last?.size == expected)
        for (earlier, later) in zip(checkpoints, checkpoints.dropFirst()) {
            let firstText = try #require(logs[0].verifier.open(earlier.note))
            let secondText = try #require(logs[0].verifier.open(later.note))
            let first = try #require(Checkpoint(text: firstText))
            let second = try #require(Checkpoint(text: secondText))
            #expect(first.size < second.size)
            let proof = try await instances[1].consistencyProof(from: first.size, to: second.size)
            #expect(
                Merkle.verifyConsistency(from: first.size, to: second.size, proof: proof, firstRoot: first.root, secondRoot: second.root))
        }
    }

    @Test(
        "each backend's live schema is the one description (StoreSchema): its tables, columns, kinds, nullability and primary keys",
        arguments: TestStores.backends)
    func schema(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let live = try await #require(store as? any SchemaDescribing).describeSchema()
        #expect(live.map(\.name).sorted() == StoreSchema.tables.map(\.name).sorted())
        for table in StoreSchema.tables {
            let found = try #require(live.first { $0.name == table.name }, "\(table.name)")
            // A row number is the backend's own: SQLite's rowid (a column only where it is the key), PostgreSQL's identity.
            #expect(Set(found.columns.filter { $0.name != table.rowNumber }) == Set(table.columns), "\(table.name)")
            #expect(found.columns.filter { $0.name == table.rowNumber }.allSatisfy { $0.kind == .integer && !$0.nullable })
            #expect(found.primaryKey == table.primaryKey, "\(table.name)")
        }
    }

    @Test("rotating a server secret replaces it and keeps the retired public keys in order", arguments: TestStores.backends)
    func secretRotation(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let first = try await store.serverSecret(named: "log-signing-key")
        #expect(try await store.retiredPublicKeys(named: "log-signing-key").isEmpty)
        let second = try await store.rotateServerSecret(named: "log-signing-key", retiredPublicKey: [1, 2, 3])
        let third = try await store.rotateServerSecret(named: "log-signing-key", retiredPublicKey: [4, 5])
        #expect(first != second && second != third && third.count == 32)
        #expect(try await store.serverSecret(named: "log-signing-key") == third)
        #expect(try await store.retiredPublicKeys(named: "log-signing-key") == [[1, 2, 3], [4, 5]])
        // Another secret's rotations are its own, even with a name that LIKE would match.
        #expect(try await store.retiredPublicKeys(named: "log_signing-key").isEmpty)
        #expect(try await store.retiredPublicKeys(named: "batch-signing-key").isEmpty)
    }
}
