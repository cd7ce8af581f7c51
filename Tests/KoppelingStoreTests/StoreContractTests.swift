import Crypto
import Foundation
import KoppelingCore
import KoppelingDemoData
import KoppelingKBI
import KoppelingStore
import KoppelingStoreSQLite
import KoppelingTestSupport
import Synchronization
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

    @Test(
        "status projection: rows written with the events equal the engine; a write without it removes them; the refresh recomputes them",
        arguments: TestStores.backends)
    func statusProjection(backend: Backend) async throws {
        struct ArrayBatches: EventBatchSource {
            var events: ArraySlice<Event>
            let size: Int
            init(_ events: [Event], size: Int) { (self.events, self.size) = (events[...], size) }
            mutating func nextBatch() throws -> [Event]? {
                guard !events.isEmpty else { return nil }
                defer { events = events.dropFirst(size) }
                return Array(events.prefix(size))
            }
        }
        let store = try await TestStores.open(backend)
        let day = Mutex(LocalDate("2025-06-01")!)
        let engine = StatusEngine()
        let planner = ChangeNoticePlanner(engine: engine, today: { day.withLock { $0 } })
        let generator = PopulationGenerator(seed: 5, persons: 400)
        let persons = (0..<400).map { (generator.nationalNumber(of: $0), generator.events(ofPerson: $0)) }
        // In batches, as agencies send them; the last persons in one streaming import.
        for start in stride(from: 0, to: 300, by: 50) {
            _ = try await store.append(persons[start..<(start + 50)].flatMap(\.1), provenance: .operator("t"), notices: planner)
        }
        _ = try await store.appendStreaming(
            from: ArrayBatches(persons[300...].flatMap(\.1), size: 97), provenance: .operator("t"), notices: planner)

        func rows() async throws -> [String: ProjectedStatus] {
            var found: [String: ProjectedStatus] = [:]
            var after = ""
            while true {
                let page = try await store.projectedStatuses(status: nil, after: after, limit: 150)
                for row in page { found[row.insz] = row }
                guard let last = page.last, page.count == 150 else { return found }
                after = last.insz
            }
        }
        func expectEqualToEngine(on date: LocalDate) async throws {
            let found = try await rows()
            #expect(found.count == persons.count)
            var statuses = Set<StatusCode>()
            var openInfringements = 0
            for (insz, events) in persons {
                let stored = try await store.events(of: insz)
                let status = engine.status(of: stored, on: date)
                var row = try #require(found[insz.digits])
                #expect(row.holds(on: date) && row.status == status.status && row.since == status.since, "\(row) on \(date)")
                // The work list's columns too, as computed for this day by the same rules.
                let fresh = ProjectedStatus(insz: insz.digits, events: stored, engine: engine, on: date)
                (row.asOf, row.reviewOn) = (fresh.asOf, fresh.reviewOn)
                #expect(row == fresh)
                openInfringements += row.openInfringementSince == nil ? 0 : 1
                #expect(status == engine.status(of: events, on: date))
                statuses.insert(status.status)
            }
            #expect(statuses.count >= 6, "a population of many statuses: \(statuses)")
            #expect(openInfringements > 0)
        }
        try await expectEqualToEngine(on: LocalDate("2025-06-01")!)
        #expect(try await store.refreshProjectedStatuses(planner: planner, batch: 64, complete: true) == 0)
        // Only one status asked for: the rows of that status, in national-number order.
        let overdue = try await store.projectedStatuses(status: .registrationOverdue, after: "", limit: 1_000)
        #expect(overdue.allSatisfy { $0.status == .registrationOverdue } && overdue.map(\.insz) == overdue.map(\.insz).sorted())

        // The work list's queues give the persons the engine places there, in the queue's order.
        let today = LocalDate("2025-06-01")!
        let horizon = today.adding(days: 90)
        var expected: [WorkListQueue: [(key: String, insz: String)]] = [:]
        var kinds: [String: Set<String>] = [:]
        for (insz, events) in persons {
            let status = engine.status(of: events, on: today)
            let facts = engine.enforcementFacts(events, on: today)
            let open = facts.openInfringements
            kinds[insz.digits] = Set(open.map(\.kind.rawValue))
            if status.status == .registrationOverdue {
                expected[.registrationOverdue, default: []].append((status.since!.description, insz.digits))
            }
            if status.status == .nonCompliantFined {
                expected[.finedNotComplying, default: []].append((status.since!.description, insz.digits))
            }
            if let first = open.map(\.establishedOn).min() {
                expected[.openInfringements, default: []].append((first.description, insz.digits))
            }
            if let end = open.map(\.termEndsOn).min(), end <= horizon {
                expected[.termEnding, default: []].append((end.description, insz.digits))
            }
        }
        for queue in [WorkListQueue.registrationOverdue, .finedNotComplying, .openInfringements, .termEnding] {
            let all = (expected[queue] ?? []).sorted { ($0.key, $0.insz) < ($1.key, $1.insz) }.map(\.insz)
            let first = try await store.workList(WorkListQuery(queue: queue, limit: 7), today: today, horizon: horizon)
            let rest = try await store.workList(WorkListQuery(queue: queue, offset: 7, limit: 1_000), today: today, horizon: horizon)
            #expect(first.total == all.count && rest.total == all.count, "\(queue)")
            #expect((first.rows + rest.rows).map(\.insz) == all, "\(queue)")
            let newest = try await store.workList(
                WorkListQuery(queue: queue, newestFirst: true, limit: 1_000), today: today, horizon: horizon)
            #expect(newest.rows.map(\.insz) == all.reversed(), "\(queue) newest first")
        }
        #expect((expected[.registrationOverdue]?.count ?? 0) > 3 && (expected[.openInfringements]?.count ?? 0) > 3)
        // Filters: a province (by the municipality's NIS code), an infringement kind, a minimum age.
        let places = Dictionary(uniqueKeysWithValues: persons.map { ($0.0.digits, engine.enforcementFacts($0.1, on: today).municipality) })
        for province in [Province.antwerpen, .vlaamsBrabant] {
            let found = try await store.workList(
                WorkListQuery(queue: .openInfringements, province: province, limit: 1_000), today: today, horizon: horizon)
            let wanted = (expected[.openInfringements] ?? []).filter { entry in
                places[entry.insz].flatMap { $0 }.flatMap { Province(nisCode: $0) } == province
            }.sorted { ($0.key, $0.insz) < ($1.key, $1.insz) }.map(\.insz)
            #expect(found.rows.map(\.insz) == wanted && found.total == wanted.count, "\(province)")
        }
        #expect(places.values.contains { $0?.hasPrefix("1") == true } && places.values.contains { $0?.hasPrefix("24") == true })
        let lateOnes = try await store.workList(
            WorkListQuery(queue: .openInfringements, kind: .lateRegistration, limit: 1_000), today: today, horizon: horizon)
        #expect(
            lateOnes.rows.map(\.insz)
                == (expected[.openInfringements] ?? []).filter { kinds[$0.insz]!.contains("late_registration") }
                .sorted { ($0.key, $0.insz) < ($1.key, $1.insz) }.map(\.insz))
        let old = try await store.workList(
            WorkListQuery(queue: .registrationOverdue, minimumAgeDays: 365, limit: 1_000), today: today, horizon: horizon)
        #expect(
            old.rows.map(\.insz)
                == (expected[.registrationOverdue] ?? []).filter { $0.key <= "2024-06-01" }
                .sorted { ($0.key, $0.insz) < ($1.key, $1.insz) }.map(\.insz))

        // A write without the engine at hand: the person's row goes, until the refresh.
        let (someone, _) = persons[7]
        let late = Event(
            eventId: EventID(), insz: someone, effectiveDate: LocalDate("2025-05-30")!, source: "agii",
            payload: .registered(.init(kind: .re, agency: "agii")))
        _ = try await store.append([late], provenance: .operator("t"), notices: nil)
        #expect(try await rows()[someone.digits] == nil)
        #expect(try await store.refreshProjectedStatuses(planner: planner, batch: 64, complete: true) == 1)
        let again = try #require(try await rows()[someone.digits])
        #expect(again.status == engine.status(of: try await store.events(of: someone), on: LocalDate("2025-06-01")!).status)

        // Two years on: the rows whose day came are computed again, and all equal the engine.
        day.withLock { $0 = LocalDate("2027-06-01")! }
        let due = try await rows().values.filter { !$0.holds(on: LocalDate("2027-06-01")!) }.count
        #expect(due > 0)
        #expect(try await store.refreshProjectedStatuses(planner: planner, batch: 64, complete: true) == due)
        try await expectEqualToEngine(on: LocalDate("2027-06-01")!)
    }

    @Test("pending decisions: kept, read, listed while pending, settled once", arguments: TestStores.backends)
    func pendingDecisions(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let first = PendingDecision(
            id: UUID(), insz: "85073003328", infringementId: "INB-1", amountEUR: 3_000, proposedBy: "console:a",
            proposedAt: Instant("2026-11-02T10:00:00Z")!, state: .pending, decidedBy: nil)
        var second = first
        (second.id, second.proposedAt, second.amountEUR) = (UUID(), Instant("2026-11-01T10:00:00Z")!, 4_000)
        try await store.addPendingDecision(first)
        try await store.addPendingDecision(second)
        #expect(try await store.pendingDecision(id: first.id) == first)
        #expect(try await store.pendingDecision(id: UUID()) == nil)
        #expect(try await store.pendingDecisions().map(\.id) == [second.id, first.id])
        var approved = first
        (approved.state, approved.decidedBy) = (.approved, "console:b")
        #expect(try await store.settlePendingDecision(approved))
        #expect(try await store.settlePendingDecision(approved) == false)
        #expect(try await store.pendingDecision(id: first.id) == approved)
        #expect(try await store.pendingDecisions().map(\.id) == [second.id])
    }
}
