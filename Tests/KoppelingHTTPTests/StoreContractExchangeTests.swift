import Crypto
import Foundation
import GRDB
import KoppelingApp
import KoppelingCore
import KoppelingStore
import KoppelingTestSupport
import Testing

/// The storage contract for what the exchange stores, on every backend: follows, change notices
/// and the daily sweep, webhook endpoints and their leases, batches, the DPO's search, protocol
/// versions, clients and token ids, and the provenance of events. Each test is run with the
/// backend as its argument; the shipped protocol is published through the services first, and
/// everything after is asked of the store itself.
@Suite("Storage contract: exchange state (SQLite and PostgreSQL)")
struct StoreContractExchangeTests {
    static let purpose = ExchangeAPITests.purpose
    static let today = ExchangeAPITests.today

    /// A follow of the fixture's person by `dvz-residence`.
    static func follow(
        _ fixture: ExchangeAPITests.Fixture, case reference: String, insz: NationalNumber = EventFactory().insz
    )
        async throws -> Follow
    {
        let dvz = try #require(try await fixture.store.client(id: "dvz-residence"))
        let enrolment = try await fixture.services.exchange.enrol(
            insz: insz, purpose: purpose, caseReference: reference, until: LocalDate("2027-06-30")!, client: dvz, requestId: "r",
            traceparent: nil)
        guard case .enrolled(let follow, _) = enrolment else { throw StoreError.notFound("not enrolled: \(enrolment)") }
        return follow
    }

    /// A disclosure record on a channel at an instant (what the services would store with a write).
    static func record(_ channel: DisclosureChannel, at micros: Int64) -> DisclosureRecord {
        DisclosureRecord(
            disclosureId: UUID(), at: Instant(microsecondsSinceEpoch: micros), clientId: "dvz-residence", party: "dvz", purpose: purpose,
            channel: channel, caseReference: "U-1", protocolId: "kbi-dvz-integration-efforts", protocolVersion: 1, fields: [],
            outcome: .allowed, referenceDate: today, subjectPseudonym: String(repeating: "0", count: 64), requestId: "r", traceparent: nil)
    }

    /// Three changes of the fixture's person's status: a certificate, its retraction, another.
    @discardableResult
    static func threeChanges(_ fixture: ExchangeAPITests.Fixture) async throws -> Event {
        var person = EventFactory()
        let certificate = person.make("2026-11-20", .certificateIssued(.init(kind: .integrationCertificate, documentId: "A")))
        _ = try await fixture.services.register.append([certificate])
        _ = try await fixture.services.register.append([
            person.make("2026-11-21", .eventRetracted(.init(retractedEventId: certificate.eventId, reason: "error")))
        ])
        let last = person.make("2026-11-22", .certificateIssued(.init(kind: .integrationCertificate, documentId: "B")))
        _ = try await fixture.services.register.append([last])
        return last
    }

    @Test("follows: stored with a position, found only by their own client, paged, ended once", arguments: TestStores.backends)
    func follows(backend: Backend) async throws {
        try await ExchangeAPITests().withApp(backend: backend) { _, fixture in
            let store = fixture.store
            let first = try await Self.follow(fixture, case: "U-1")
            let second = try await Self.follow(fixture, case: "U-2")
            #expect(try await store.follow(id: first.id, clientId: "dvz-residence") == first)
            #expect(try await store.follow(id: first.id, clientId: "dvz-slow") == nil)
            let all = try await store.follows(clientId: "dvz-residence", after: nil, limit: 10)
            #expect(all.map(\.follow.id) == [first.id, second.id])
            #expect(all[0].position < all[1].position)
            let page = try await store.follows(clientId: "dvz-residence", after: all[0].position, limit: 10)
            #expect(page.map(\.follow.id) == [second.id])
            #expect(try await store.follows(clientId: "dvz-residence", after: nil, limit: 1).count == 1)
            #expect(try await store.follows(clientId: "dvz-slow", after: nil, limit: 10).isEmpty)
            let size = try await store.logSize()
            let record = Self.record(.follow, at: 1_800_000_000_000_000)
            let ended = try #require(try await store.endFollow(id: first.id, clientId: "dvz-residence", at: record.at, record: record))
            #expect(ended.ended && ended.follow.endedAt == record.at)
            #expect(try await store.logSize() == size + 1, "ending is a log record")
            let again = try #require(try await store.endFollow(id: first.id, clientId: "dvz-residence", at: record.at, record: record))
            #expect(!again.ended && again.follow.endedAt == record.at)
            #expect(try await store.endFollow(id: second.id, clientId: "dvz-slow", at: record.at, record: record) == nil)
        }
    }

    @Test("notices: numbered without gaps per client, paged, and each a log record; a day is swept once", arguments: TestStores.backends)
    func notices(backend: Backend) async throws {
        try await ExchangeAPITests().withApp(backend: backend) { _, fixture in
            let store = fixture.store
            _ = try await Self.follow(fixture, case: "U-1")
            #expect(try await store.lastNoticeSequence(clientId: "dvz-residence") == 0)
            let size = try await store.logSize()
            try await Self.threeChanges(fixture)
            let notices = try await store.notices(clientId: "dvz-residence", after: 0, limit: 10)
            #expect(notices.map(\.sequence) == [1, 2, 3])
            #expect(try await store.lastNoticeSequence(clientId: "dvz-residence") == 3)
            #expect(try await store.notices(clientId: "dvz-residence", after: 1, limit: 1).map(\.sequence) == [2])
            #expect(try await store.notices(clientId: "dvz-slow", after: 0, limit: 10).isEmpty)
            for (sequence, body) in notices {
                guard case .object(let members) = try JSONValue.parse(body) else { throw StoreError.corrupt("not an object") }
                #expect(members["sequence"] == .integer(Int64(sequence)))
            }
            #expect(try await store.logSize() == size + 3, "each notice is a disclosure record")
            let planner = ChangeNoticePlanner(engine: StatusEngine(), today: { Self.today })
            let day = LocalDate("2026-11-30")!
            #expect(try await store.lastSweptDay() == nil)
            #expect(try await store.sweepNotices(on: day, planner: planner, at: Instant(microsecondsSinceEpoch: 1)) != nil)
            #expect(try await store.sweepNotices(on: day, planner: planner, at: Instant(microsecondsSinceEpoch: 2)) == nil)
            #expect(try await store.lastSweptDay() == day)
        }
    }

    @Test(
        "webhooks: a new endpoint starts after the last notice; leases exclude other owners; only the owner saves; replay breaks the lease",
        arguments: TestStores.backends)
    func webhooks(backend: Backend) async throws {
        try await ExchangeAPITests().withApp(backend: backend) { _, fixture in
            let store = fixture.store
            _ = try await Self.follow(fixture, case: "U-1")
            try await Self.threeChanges(fixture)
            let now = Instant(microsecondsSinceEpoch: 1_800_000_000_000_000)
            try await store.setWebhook(clientId: "dvz-residence", url: "https://a.example/hook", secret: "whsec_AAAA", overlapUntil: nil)
            let endpoint = try #require(try await store.webhook(clientId: "dvz-residence"))
            #expect(endpoint.deliveredSequence == 3 && endpoint.secrets.count == 1)
            #expect(try await store.claimDueWebhooks(at: now, owner: "a", leaseUntil: now.adding(seconds: 60), limit: 10).isEmpty)
            // Rotation keeps the old secret until the overlap ends; delivery continues where it was.
            let until = now.adding(seconds: 3600)
            try await store.setWebhook(clientId: "dvz-residence", url: "https://b.example/hook", secret: "whsec_BBBB", overlapUntil: until)
            let rotated = try #require(try await store.webhook(clientId: "dvz-residence"))
            #expect(rotated.url == "https://b.example/hook" && rotated.deliveredSequence == 3)
            #expect(rotated.secrets == [.init(secret: "whsec_BBBB", validUntil: nil), .init(secret: "whsec_AAAA", validUntil: until)])
            #expect(try await store.webhooks().map(\.clientId) == ["dvz-residence"])
            // Replay from 2: notices 2 and 3 are due, leased to one owner at a time.
            #expect(try await store.replayWebhook(clientId: "dvz-residence", from: 2))
            #expect(try await !store.replayWebhook(clientId: "dvz-slow", from: 1))
            let leases = try await store.claimDueWebhooks(at: now, owner: "a", leaseUntil: now.adding(seconds: 60), limit: 10)
            #expect(leases.map { $0.notices.map(\.sequence) } == [[2, 3]])
            #expect(try await store.claimDueWebhooks(at: now, owner: "b", leaseUntil: now.adding(seconds: 60), limit: 10).isEmpty)
            #expect(
                try await store.claimDueWebhooks(at: now.adding(seconds: 61), owner: "b", leaseUntil: now.adding(seconds: 120), limit: 1)
                    .map { $0.notices.map(\.sequence) } == [[2]], "a lapsed lease is taken over")
            var delivered = try #require(leases.first).endpoint
            delivered.delivered(2)
            #expect(try await !store.saveDelivery(delivered, owner: "a", leaseUntil: nil), "a's lease was taken over")
            #expect(try await store.saveDelivery(delivered, owner: "b", leaseUntil: nil))
            #expect(try await store.webhook(clientId: "dvz-residence")?.deliveredSequence == 2)
            #expect(try await store.webhook(clientId: "dvz-residence")?.url == "https://b.example/hook", "a save keeps URL and secrets")
            // A replay breaks the lease: the owner of a run in progress can no longer save over it.
            _ = try await store.claimDueWebhooks(at: now, owner: "b", leaseUntil: now.adding(seconds: 60), limit: 10)
            #expect(try await store.replayWebhook(clientId: "dvz-residence", from: 1))
            #expect(try await !store.saveDelivery(delivered, owner: "b", leaseUntil: nil))
            #expect(try await store.webhook(clientId: "dvz-residence")?.deliveredSequence == 0)
        }
    }

    @Test("batches: each starts after the previous one, is a log record, and is found only by its client", arguments: TestStores.backends)
    func batches(backend: Backend) async throws {
        try await ExchangeAPITests().withApp(backend: backend) { _, fixture in
            let store = fixture.store
            _ = try await Self.follow(fixture, case: "U-1")
            let certificate = try await Self.threeChanges(fixture)
            #expect(try await store.clientsWithPendingNotices().map(\.clientId) == ["dvz-residence"])
            let size = try await store.logSize()
            @Sendable func make(_ id: String, at micros: Int64) -> @Sendable ([(sequence: Int, body: String)], Instant?) throws -> NewBatch?
            {
                { notices, _ in
                    guard let first = notices.first, let last = notices.last else { return nil }
                    let batch = StoredBatch(
                        id: id, clientId: "dvz-residence", createdAt: Instant(microsecondsSinceEpoch: micros),
                        firstSequence: first.sequence,
                        lastSequence: last.sequence, recordCount: notices.count, signedManifest: "manifest-\(id)")
                    return NewBatch(
                        batch: batch, file: notices.map(\.body).joined(separator: "\n"),
                        record: Self.record(.batch, at: micros))
                }
            }
            let first = try #require(try await store.createBatch(clientId: "dvz-residence", make: make("b1", at: 1_800_000_000_000_000)))
            #expect(first.firstSequence == 1 && first.lastSequence == 3 && first.recordCount == 3)
            #expect(try await store.logSize() == size + 1)
            #expect(try await store.clientsWithPendingNotices().isEmpty)
            #expect(try await store.createBatch(clientId: "dvz-residence", make: make("b2", at: 1_800_000_100_000_000)) == nil)
            #expect(try await store.logSize() == size + 1, "nothing to send stores nothing")
            var person = EventFactory()
            _ = try await fixture.services.register.append([
                person.make("2026-11-23", .eventRetracted(.init(retractedEventId: certificate.eventId, reason: "error")))
            ])
            let pending = try await store.clientsWithPendingNotices()
            #expect(pending.map(\.clientId) == ["dvz-residence"] && pending.first?.since == first.createdAt)
            let second = try #require(try await store.createBatch(clientId: "dvz-residence", make: make("b2", at: 1_800_000_200_000_000)))
            #expect(second.firstSequence == 4 && second.lastSequence == 4)
            #expect(try await store.batches(clientId: "dvz-residence").map(\.id) == ["b1", "b2"])
            #expect(try await store.batches(clientId: "dvz-slow").isEmpty)
            let stored = try #require(try await store.batch(id: "b1", clientId: "dvz-residence"))
            #expect(stored.batch == first && stored.file.split(separator: "\n").count == 3)
            #expect(try await store.batch(id: "b1", clientId: "dvz-slow") == nil)
        }
    }

    @Test("search: every filter field, pages after an index, a limit, and an index beyond any log", arguments: TestStores.backends)
    func search(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let base = 1_790_000_000_000_000 as Int64
        let records = (0..<12).map { n in
            DisclosureRecord(
                disclosureId: UUID(), at: Instant(microsecondsSinceEpoch: base + Int64(n) * 1_000_000),
                clientId: n % 2 == 0 ? "dvz-residence" : "dvz-other", party: n % 3 == 0 ? "dvz" : "agii",
                purpose: n % 4 == 0 ? "ART_1_2_INTEGRATION_EFFORTS" : "OTHER", channel: .lookup, caseReference: "C-\(n)",
                protocolId: "p", protocolVersion: 1, fields: [.status], outcome: n == 5 ? .denied(.noProtocol) : .allowed,
                referenceDate: LocalDate("2026-11-01")!, subjectPseudonym: String(format: "%064x", n % 3), requestId: "r-\(n)",
                traceparent: nil)
        }
        try await store.appendDisclosures(records)
        func found(_ filter: DisclosureFilter, after: Int? = nil, limit: Int = 100) async throws -> [Int] {
            try await store.searchDisclosures(filter, after: after, limit: limit).map(\.index)
        }
        #expect(try await found(DisclosureFilter()) == Array(0..<12))
        #expect(try await found(DisclosureFilter(clientId: "dvz-other")) == [1, 3, 5, 7, 9, 11])
        #expect(try await found(DisclosureFilter(party: "dvz")) == [0, 3, 6, 9])
        #expect(try await found(DisclosureFilter(purpose: "ART_1_2_INTEGRATION_EFFORTS")) == [0, 4, 8])
        #expect(try await found(DisclosureFilter(outcome: records[5].outcome.rawValue)) == [5])
        let from = Instant(microsecondsSinceEpoch: base + 3_000_000)
        let to = Instant(microsecondsSinceEpoch: base + 6_000_000)
        #expect(try await found(DisclosureFilter(from: from, to: to)) == [3, 4, 5])
        #expect(try await found(DisclosureFilter(clientId: "dvz-residence", party: "dvz", purpose: "ART_1_2_INTEGRATION_EFFORTS")) == [0])
        #expect(try await found(DisclosureFilter(), after: 9) == [10, 11])
        #expect(try await found(DisclosureFilter(), after: 2, limit: 2) == [3, 4])
        #expect(try await found(DisclosureFilter(), after: Int.max).isEmpty)
        #expect(try await found(DisclosureFilter(), after: -5, limit: 1) == [0])
        #expect(try await store.disclosures(subject: String(format: "%064x", 1)).map(\.index) == [1, 4, 7, 10])
        let latest = try await store.latestDisclosures(subject: String(format: "%064x", 1), limit: 2)
        #expect(latest.total == 4 && latest.latest.map(\.index) == [7, 10])
        #expect(try await store.latestDisclosures(subject: "nobody", limit: 2).total == 0)
    }

    @Test(
        "volumes: records counted per UTC month, client, party, purpose and outcome, under the same filters", arguments: TestStores.backends
    )
    func volumes(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        // 2026-10-31T23:30Z, then every 12 hours: 4 records in October's last half day and
        // November, counted by hand below.
        let base = Instant("2026-10-31T23:30:00Z")!.microsecondsSinceEpoch
        func record(_ n: Int, client: String, purpose: String, outcome: DisclosureOutcome) -> DisclosureRecord {
            DisclosureRecord(
                disclosureId: UUID(), at: Instant(microsecondsSinceEpoch: base + Int64(n) * 43_200_000_000), clientId: client,
                party: "dvz", purpose: purpose, channel: .lookup, caseReference: "C", protocolId: nil, protocolVersion: nil, fields: [],
                outcome: outcome, referenceDate: LocalDate("2026-11-01")!, subjectPseudonym: "s", requestId: "r", traceparent: nil)
        }
        try await store.appendDisclosures([
            record(0, client: "a", purpose: "P", outcome: .allowed), record(1, client: "a", purpose: "P", outcome: .allowed),
            record(2, client: "a", purpose: "P", outcome: .denied(.suspended)), record(3, client: "b", purpose: "Q", outcome: .allowed),
        ])
        let all = try await store.disclosureVolumes(DisclosureFilter())
        #expect(
            all == [
                DisclosureVolume(month: "2026-10", clientId: "a", party: "dvz", purpose: "P", outcome: "allowed", count: 1),
                DisclosureVolume(month: "2026-11", clientId: "a", party: "dvz", purpose: "P", outcome: "allowed", count: 1),
                DisclosureVolume(month: "2026-11", clientId: "a", party: "dvz", purpose: "P", outcome: "suspended", count: 1),
                DisclosureVolume(month: "2026-11", clientId: "b", party: "dvz", purpose: "Q", outcome: "allowed", count: 1),
            ])
        #expect(try await store.disclosureVolumes(DisclosureFilter(purpose: "Q")).map(\.clientId) == ["b"])
        let from = Instant("2026-11-01T00:00:00Z")!
        #expect(try await store.disclosureVolumes(DisclosureFilter(clientId: "a", from: from)).map(\.count) == [1, 1])
        #expect(try await store.disclosureVolumes(DisclosureFilter(outcome: "nothing")).isEmpty)
    }

    @Test(
        "volumes from the counters kept with each append equal the records counted by hand, for any period on whole hours",
        arguments: TestStores.backends)
    func volumesFromCounters(backend: Backend) async throws {
        let address = try await StoreAddress(backend)
        var store = try await address.open()
        // 600 records over five months, 5 h 7 min apart, from three clients, two purposes and
        // three outcomes, appended in uneven groups as concurrent lookups would be.
        let start = Instant("2026-07-30T21:00:00Z")!.microsecondsSinceEpoch
        var generator = SystemRandomNumberGenerator()
        let outcomes: [DisclosureOutcome] = [.allowed, .denied(.suspended), .denied(.noProtocol)]
        let records = (0..<600).map { n in
            DisclosureRecord(
                disclosureId: UUID(), at: Instant(microsecondsSinceEpoch: start + Int64(n) * 18_420_000_000),
                clientId: ["a", "b", "c"].randomElement(using: &generator)!, party: n % 4 == 0 ? "abb" : "dvz",
                purpose: ["P", "Q"].randomElement(using: &generator)!, channel: .lookup, caseReference: "C", protocolId: nil,
                protocolVersion: nil, fields: [], outcome: outcomes.randomElement(using: &generator)!,
                referenceDate: LocalDate("2026-11-01")!, subjectPseudonym: "s", requestId: "r", traceparent: nil)
        }
        var offset = 0
        while offset < records.count {
            let count = Int.random(in: 1...40, using: &generator)
            try await store.appendDisclosures(Array(records[offset..<min(records.count, offset + count)]))
            offset += count
        }
        // The expected volumes, counted here with Foundation's UTC calendar.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func expected(_ filter: DisclosureFilter) -> [DisclosureVolume] {
            let matching = records.filter { record in
                (filter.clientId.map { $0 == record.clientId } ?? true) && (filter.purpose.map { $0 == record.purpose } ?? true)
                    && (filter.party.map { $0 == record.party } ?? true) && (filter.outcome.map { $0 == record.outcome.rawValue } ?? true)
                    && (filter.from.map { record.at >= $0 } ?? true) && (filter.to.map { record.at < $0 } ?? true)
            }
            let grouped = Dictionary(grouping: matching) { record in
                let date = Date(timeIntervalSince1970: Double(record.at.microsecondsSinceEpoch) / 1_000_000)
                let parts = calendar.dateComponents([.year, .month], from: date)
                let month = String(format: "%04d-%02d", parts.year!, parts.month!)
                return [month, record.clientId, record.party, record.purpose, record.outcome.rawValue]
            }
            return grouped.map { key, value in
                DisclosureVolume(month: key[0], clientId: key[1], party: key[2], purpose: key[3], outcome: key[4], count: value.count)
            }.sorted {
                ($0.month, $0.clientId, $0.party, $0.purpose, $0.outcome) < ($1.month, $1.clientId, $1.party, $1.purpose, $1.outcome)
            }
        }
        func instant(_ text: String) -> Instant { Instant(text)! }
        let filters = [
            DisclosureFilter(),
            DisclosureFilter(clientId: "a"),
            DisclosureFilter(purpose: "Q", outcome: "suspended"),
            DisclosureFilter(party: "abb", from: instant("2026-08-15T22:00:00Z")),
            // Brussels days: from 14 September to 3 November 2026, local midnights.
            DisclosureFilter(from: instant("2026-09-13T22:00:00Z"), to: instant("2026-11-03T23:00:00Z")),
            DisclosureFilter(clientId: "b", from: instant("2026-10-01T00:00:00Z"), to: instant("2026-11-01T00:00:00Z")),
            DisclosureFilter(from: instant("2026-10-05T13:00:00Z"), to: instant("2026-10-07T02:00:00Z")),
            DisclosureFilter(to: instant("2026-09-02T05:00:00Z")),
            // Not on whole hours: counted from the log.
            DisclosureFilter(from: instant("2026-10-05T13:30:00Z"), to: instant("2026-10-27T02:00:00.5Z")),
        ]
        for filter in filters {
            let volumes = try await store.disclosureVolumes(filter)
            #expect(volumes == expected(filter), "\(filter)")
            #expect(volumes.reduce(0) { $0 + $1.count } > 0, "\(filter)")
        }
        // A register whose log was written before the counters existed gets them counted from its
        // records when it is migrated.
        try await Self.forgetCounters(address)
        store = try await address.open()
        for filter in filters {
            #expect(try await store.disclosureVolumes(filter) == expected(filter), "after migrating: \(filter)")
        }
    }

    /// Drops the counters and forgets their migration, as a register from before them.
    static func forgetCounters(_ address: StoreAddress) async throws {
        switch address.backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: address.address)
            try await queue.write { db in
                try db.execute(sql: "DROP TABLE disclosure_tally; DELETE FROM grdb_migrations WHERE identifier = 'v13-disclosure-tally'")
            }
        case .postgres:
            // psql, beside the PostgreSQL server the tests run against.
            let psql = try #require(
                (["/usr/bin/psql"]
                    + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).map {
                        "/usr/lib/postgresql/\($0)/bin/psql"
                    }).first { FileManager.default.isExecutableFile(atPath: $0) })
            let process = Process()
            process.executableURL = URL(fileURLWithPath: psql)
            process.arguments = [
                address.address, "-v", "ON_ERROR_STOP=1", "-qc",
                "DROP TABLE disclosure_tally; DELETE FROM koppeling_migration WHERE id = 'v5-disclosure-tally'",
            ]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
    }

    @Test(
        "protocols: a version is stored once and never replaced; transitions apply in one place; parties keep their keys",
        arguments: TestStores.backends)
    func protocols(backend: Backend) async throws {
        try await ExchangeAPITests().withApp(backend: backend) { _, fixture in
            let store = fixture.store
            let records = try await store.protocolRecords()
            let record = try #require(records.first)
            #expect(records.count == 1 && record.state == .published)
            await #expect(throws: ProtocolStoreError.versionExists(id: record.document.id, version: record.document.version)) {
                try await store.insertProtocol(record)
            }
            let suspended = try await store.updateProtocol(id: record.document.id, version: record.document.version) { current in
                var next = current
                next.state = .suspended
                return next
            }
            #expect(suspended.state == .suspended)
            #expect(try await store.protocolRecord(id: record.document.id, version: record.document.version) == suspended)
            await #expect(throws: ProtocolStoreError.notFound(id: record.document.id, version: 99)) {
                _ = try await store.updateProtocol(id: record.document.id, version: 99) { $0 }
            }
            // A failing transition changes nothing.
            await #expect(throws: StoreError.self) {
                _ = try await store.updateProtocol(id: record.document.id, version: record.document.version) { _ in
                    throw StoreError.notFound("refused")
                }
            }
            #expect(try await store.protocolRecord(id: record.document.id, version: record.document.version) == suspended)
            let party = try #require(try await store.party(id: "dvz"))
            #expect(!party.publicKeys.isEmpty && !party.dpoKeys.isEmpty)
            #expect(try await store.party(id: "nobody") == nil)
        }
    }

    @Test("clients: registered, found by id and certificate, updated whole; a token id is used once", arguments: TestStores.backends)
    func clients(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        var client = RegisteredClient(
            id: "c-1", party: "dvz", name: "One", role: .recipient, assertionKey: nil, certificateFingerprint: "ab12", ratePerMinute: 60)
        try await store.registerClient(client)
        #expect(try await store.client(id: "c-1") == client)
        #expect(try await store.client(certificateFingerprint: "ab12") == client)
        #expect(try await store.client(certificateFingerprint: "ffff") == nil)
        client.disabledAt = Instant(microsecondsSinceEpoch: 1_800_000_000_000_000)
        client.sources = ["agii"]
        try await store.updateClient(client)
        #expect(try await store.client(id: "c-1") == client)
        #expect(try await store.clients().map(\.id) == ["c-1"])
        let expires = Instant(microsecondsSinceEpoch: 1_800_000_000_000_000)
        #expect(try await store.useTokenId("jti-1", client: "c-1", expiresAt: expires))
        #expect(try await !store.useTokenId("jti-1", client: "c-1", expiresAt: expires))
        #expect(try await store.useTokenId("jti-2", client: "c-1", expiresAt: expires))
    }

    @Test("provenance: each event keeps its writer and the imported file's digest", arguments: TestStores.backends)
    func provenance(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        var person = EventFactory()
        let first = person.make(
            "2024-01-01",
            .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate("2024-01-01"), periodEnd: nil)))
        let second = person.make("2024-01-20", .registered(.init(kind: .first, agency: "agii")))
        _ = try await store.append([first], provenance: .client("agii-system"), notices: nil)
        let file = Data("<answer/>".utf8)
        _ = try await store.append([second], provenance: .operator("ops").importing(file), notices: nil)
        let stored = try await store.events(of: person.insz)
        #expect(stored.map(\.provenance) == [.client("agii-system"), .operator("ops").importing(file)])
        #expect(stored[1].provenance?.importDigest == WriteProvenance.digest(of: file))
    }
}
