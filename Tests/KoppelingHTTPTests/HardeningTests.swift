import Crypto
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import KoppelingDemoData
import KoppelingHTTP
import KoppelingStore
import KoppelingStorePostgres
import KoppelingStoreSQLite
import KoppelingTestSupport
import Testing

/// The holes of issue 13, each with the test that shows it closed.
@Suite("Hardening (issue 13)")
struct HardeningTests {
    static let today = LocalDate("2026-11-29")!

    func withApp(
        store: (any KoppelingStorage)? = nil, backend: Backend = .sqlite,
        _ body: @Sendable (any TestClientProtocol, KoppelingServices) async throws -> Void
    ) async throws {
        let opened: any KoppelingStorage
        if let store { opened = store } else { opened = try await TestStores.open(backend) }
        let services = try await KoppelingApp.services(store: opened, configuration: .forTests, today: { Self.today })
        let router = KoppelingApp.buildRouter(services: services, today: { Self.today })
        try await Application(router: router).test(.router) { client in try await body(client, services) }
    }

    static func record(_ n: Int, purpose: String) -> DisclosureRecord {
        DisclosureRecord(
            disclosureId: UUID(), at: Instant(microsecondsSinceEpoch: 1_790_000_000_000_000 + Int64(n)), clientId: "c", party: "dvz",
            purpose: purpose,
            channel: .lookup, caseReference: "C-\(n)", protocolId: nil, protocolVersion: nil, fields: [], outcome: .denied(.noProtocol),
            referenceDate: LocalDate("2026-11-01")!, subjectPseudonym: String(repeating: "a", count: 64), requestId: "r-\(n)",
            traceparent: nil)
    }

    @Test(
        "6: an audit search after the largest index answers an empty page instead of killing the server; the purpose filter fills a page",
        arguments: TestStores.backends)
    func searchBounds(backend: Backend) async throws {
        try await withApp(backend: backend) { client, services in
            let records = (0..<30).map { Self.record($0, purpose: $0 % 3 == 0 ? "A" : "B") }
            _ = try await services.exchange.store.appendDisclosures(records)
            let token = try await accessToken(role: .staff, services: services)
            func search(_ body: String) async throws -> (Int, [String: Any]) {
                try await client.execute(
                    uri: "/v1/audit/disclosures/search", method: .post, headers: [.authorization: "Bearer \(token)"],
                    body: ByteBuffer(string: body)
                ) {
                    ($0.status.code, (try? JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any]) ?? [:])
                }
            }
            let last = try await search(#"{"after":9223372036854775807}"#)
            #expect(last.0 == 200)
            #expect((last.1["disclosures"] as? [Any])?.isEmpty == true)
            #expect(try await search(#"{"after":-1}"#).0 == 400)
            // Ten records of purpose A, in pages of four, in order.
            let first = try await search(#"{"purpose":"A","limit":4}"#)
            let page = try #require(first.1["disclosures"] as? [[String: Any]])
            #expect(page.compactMap { $0["index"] as? Int } == [0, 3, 6, 9])
            #expect(first.1["next"] as? Int == 9)
            let second = try #require(try await search(#"{"purpose":"A","limit":4,"after":9}"#).1["disclosures"] as? [[String: Any]])
            #expect(second.compactMap { $0["index"] as? Int } == [12, 15, 18, 21])
        }
    }

    @Test("11: the token endpoint does not tell whether a client id exists")
    func tokenErrorsTellNothing() async throws {
        try await withApp { client, services in
            let key = Curve25519.Signing.PrivateKey()
            try await services.exchange.store.registerClient(
                .init(
                    id: "dvz-known", party: "dvz", name: "known", role: .recipient,
                    assertionKey: key.publicKey.rawRepresentation.base64EncodedString(),
                    certificateFingerprint: nil, ratePerMinute: 60))
            func detail(_ assertion: String) async throws -> (Int, String?) {
                let body =
                    """
                    grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bear\
                    er&client_assertion=\(assertion)
                    """
                return try await client.execute(
                    uri: "/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: body)
                ) {
                    (
                        $0.status.code,
                        (try? JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any])?["detail"]
                            as? String
                    )
                }
            }
            let audience = KoppelingConfiguration.forTests.tokenAudience
            let unknown = try await detail(try await ClientAssertion.sign(key: key, clientId: "dvz-nobody", audience: audience))
            let wrongKey = try await detail(
                try await ClientAssertion.sign(key: Curve25519.Signing.PrivateKey(), clientId: "dvz-known", audience: audience))
            #expect(unknown.0 == 401 && wrongKey.0 == 401)
            #expect(unknown.1 != nil && unknown.1 == wrongKey.1)
            #expect(try await detail(try await ClientAssertion.sign(key: key, clientId: "dvz-known", audience: audience)).0 == 200)
        }
    }

    @Test("11: /health/ready names the failed check, never the driver's words")
    func readinessWithoutDriverText() async throws {
        let path = try TestEnvironment.temporaryFolder().appendingPathComponent("r.sqlite").path
        let store = try SQLiteRegisterStore(path: path)
        try await withApp(store: store) { client, _ in
            #expect(try await client.execute(uri: "/health/ready", method: .get) { $0.status.code } == 200)
            let other = try DatabaseQueue(path: path)
            try await other.write { db in try db.execute(sql: "DROP TABLE disclosure") }
            let (status, text) = try await client.execute(uri: "/health/ready", method: .get) { ($0.status.code, String(buffer: $0.body)) }
            #expect(status == 503)
            #expect(text.contains("database: the database did not answer"))
            #expect(!text.contains("no such table") && !text.contains("SQLite"))
        }
    }

    @Test("11: a register file and its backup are readable by their owner only")
    func privateFiles() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        let path = folder.appendingPathComponent("r.sqlite").path
        let store = try SQLiteRegisterStore(path: path)
        try store.backup(to: folder.appendingPathComponent("b.sqlite").path)
        for name in ["r.sqlite", "b.sqlite"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(name)")
        }
    }

    @Test("11: NDJSON beyond 1,000 events is refused whole, each line counted, and nothing is stored")
    func ndjsonLimit() async throws {
        try await withApp { client, services in
            let token = try await accessToken(role: .agency, services: services)
            let generator = PopulationGenerator(seed: 5, persons: 400)
            var lines: [String] = []
            var person = 0
            while lines.count <= 1500 {
                lines += generator.events(ofPerson: person).map(\.jsonLine)
                person += 1
            }
            // A broken line far past the limit does not matter: those lines are not parsed.
            lines.append("{not json")
            let (status, text) = try await client.execute(
                uri: "/v1/register/events", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/x-ndjson"],
                body: ByteBuffer(string: lines.joined(separator: "\n"))
            ) { ($0.status.code, String(buffer: $0.body)) }
            #expect(status == 413)
            #expect(text.contains("got \(lines.count)"))
            #expect(try await services.register.store.counts().events == 0)
        }
    }

    @Test(
        "11: the audit export neutralises what a spreadsheet would run",
        arguments: [
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"), ("a,b", "\"a,b\""), ("plain", "plain"), ("DVZ-2026-1", "DVZ-2026-1"), ("line\r\nbreak", "\"line\r\nbreak\""),
        ])
    func csvInjection(value: String, field: String) {
        #expect(CSV.field(value) == field)
    }

    @Test("11: protocol YAML nested too deep, too large or with aliases is refused before parsing, naming the line")
    func yamlShape() throws {
        let shipped = try String(
            contentsOf: TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml"), encoding: .utf8)
        #expect(throws: Never.self) { try ProtocolDocument.parse(yaml: shipped) }
        func rule(_ text: String) -> String? {
            do {
                _ = try ProtocolDocument.parse(yaml: text)
                return nil
            } catch {
                return error.issues.first?.rule
            }
        }
        #expect(rule(shipped + "\nextra: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)) == "nesting")
        #expect(rule(shipped + "\n" + String(repeating: " ", count: 200) + "deep: 1") == "nesting")
        #expect(rule("a: &x [1, 2]\nb: *x\n") == "anchors")
        #expect(rule(shipped + "\n# " + String(repeating: "x", count: 300_000)) == "size")
        // Text with an ampersand or an asterisk is no anchor.
        #expect(ProtocolDocument.shapeIssue("title: Integratie & inburgering * sterren\n") == nil)
        #expect(ProtocolDocument.shapeIssue("title: \"[[[[[[[[[[[[[[[[[[[[\"\n") == nil)
    }

    @Test("11: the citizen report labels every outcome from the typed set: a change notice is not refused")
    func typedOutcomes() throws {
        for outcome in DisclosureOutcome.allCases {
            #expect(DisclosureOutcome(rawValue: outcome.rawValue) == outcome)
            if case .denied = outcome {
                #expect(outcome.label.nl.hasPrefix("geweigerd") && outcome.label.fr.hasPrefix("refusé"))
            } else {
                #expect(!outcome.label.nl.hasPrefix("geweigerd"), "\(outcome)")
            }
        }
        #expect(DisclosureOutcome.notice.label.nl == "wijzigingsbericht verstrekt")
        #expect(DisclosureOutcome.denied(.suspended).label.nl == "geweigerd (suspended)")
        #expect(DisclosureOutcome(rawValue: "made-up") == nil)
        let record = Self.record(1, purpose: "P")
        #expect(try JSONDecoder().decode(DisclosureRecord.self, from: Data(record.canonicalJSON.utf8)) == record)
    }

    @Test("11: PostgreSQL requires TLS by default, except on the loopback")
    func postgresTLS() {
        #expect(PostgresRegisterStore.sslMode(url: "postgres://u:p@db.internal/k") == "require")
        #expect(PostgresRegisterStore.sslMode(url: "postgres://u:p@10.1.2.3:5432/k") == "require")
        #expect(PostgresRegisterStore.sslMode(url: "postgres://u:p@127.0.0.1:5432/k") == "prefer")
        #expect(PostgresRegisterStore.sslMode(url: "postgres://u:p@localhost/k") == "prefer")
        #expect(PostgresRegisterStore.sslMode(url: "postgres://u:p@db.internal/k?sslmode=disable") == "disable")
    }
}

extension HardeningTests {
    /// Publishes a version of the shipped protocol with the fields given.
    static func publish(version: Int, fields: [DisclosureField], services: KoppelingServices, keys: TestParties) async throws {
        var document = try ProtocolDocument.parse(
            yaml: String(
                contentsOf: TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml"),
                encoding: .utf8))
        document.version = version
        document.fields = fields
        document.fieldNotes = document.fieldNotes?.filter { note in fields.contains { $0.rawValue == note.key } }
        _ = try await services.protocols.submit(document, actor: "test")
        for party in ["agii", "dvz"] {
            _ = try await services.protocols.advise(
                id: document.id, version: version, advice: keys.advice(party, for: document, date: today), actor: "dpo")
        }
        for party in ["agii", "dvz"] {
            let key = keys.controllers[party]!
            _ = try await services.protocols.sign(
                id: document.id, version: version, party: party, publicKey: key.publicKey,
                signature: key.signature(for: Data(document.digest)), actor: party)
        }
        _ = try await services.protocols.publish(id: document.id, version: version, on: today, actor: "test")
    }

    static func registerParties(_ services: KoppelingServices) async throws -> TestParties {
        try await TestParties.register(in: services.protocols.store)
    }

    static func lookup(
        _ client: some TestClientProtocol, token: String, purpose: String = "ART_1_2_INTEGRATION_EFFORTS"
    ) async throws -> (Int, [String: Any]) {
        let body = #"{"insz":"85073003328","purpose":"\#(purpose)","caseReference":"DVZ-1","referenceDate":"2026-11-01"}"#
        return try await client.execute(
            uri: "/v1/exchange/lookups", method: .post, headers: [.authorization: "Bearer \(token)"], body: ByteBuffer(string: body)
        ) {
            (Int($0.status.code), (try? JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any]) ?? [:])
        }
    }

    @Test(
        "4: a newer version supersedes the older; suspending the newer never revives the older, with its wider fields",
        arguments: TestStores.backends)
    func newestVersionGoverns(backend: Backend) async throws {
        try await withApp(backend: backend) { client, services in
            let keys = try await Self.registerParties(services)
            try await Self.publish(version: 1, fields: DisclosureField.allCases, services: services, keys: keys)
            let token = try await accessToken(role: .recipient, services: services, party: "dvz")
            #expect((try await Self.lookup(client, token: token).1["result"] as? [String: Any])?.count == DisclosureField.allCases.count)
            try await Self.publish(version: 2, fields: [.insz, .status], services: services, keys: keys)
            let v1 = try #require(try await services.protocols.store.protocolRecord(id: "kbi-dvz-integration-efforts", version: 1))
            #expect(v1.state == .superseded)
            #expect(v1.history.last?.reason == "superseded by version 2")
            let narrow = try await Self.lookup(client, token: token)
            #expect(narrow.0 == 200)
            #expect((narrow.1["result"] as? [String: Any]).map { Set($0.keys) } == ["insz", "status"])
            _ = try await services.protocols.suspend(id: "kbi-dvz-integration-efforts", version: 2, reason: "audit", actor: "test")
            let suspended = try await Self.lookup(client, token: token)
            #expect(suspended.0 == 403)
            #expect((suspended.1["detail"] as? String)?.hasPrefix("suspended") == true)
            _ = try await services.protocols.revoke(id: "kbi-dvz-integration-efforts", version: 2, reason: "ended", actor: "test")
            #expect(try await Self.lookup(client, token: token).0 == 403)
        }
    }

    @Test(
        "2: a purpose no protocol names is refused without a log entry, counted by party only; an oversized one is a bad request",
        arguments: TestStores.backends)
    func unknownPurposes(backend: Backend) async throws {
        try await withApp(backend: backend) { client, services in
            let keys = try await Self.registerParties(services)
            try await Self.publish(version: 1, fields: [.insz, .status], services: services, keys: keys)
            let token = try await accessToken(role: .recipient, services: services, party: "dvz")
            let before = try await services.transparency.store.logSize()
            let unknown = try await Self.lookup(client, token: token, purpose: "NOT_A_PURPOSE")
            #expect(unknown.0 == 403)
            #expect(unknown.1["type"] as? String == "urn:koppeling:problem:unknown-purpose")
            let huge = try await Self.lookup(client, token: token, purpose: String(repeating: "A", count: 60_000))
            #expect(huge.0 == 400)
            let lowercase = try await Self.lookup(client, token: token, purpose: "art_1_2")
            #expect(lowercase.0 == 400)
            let follow = #"{"insz":"85073003328","purpose":"NOT_A_PURPOSE","caseReference":"DVZ-1","until":"2027-01-01"}"#
            #expect(
                try await client.execute(
                    uri: "/v1/exchange/follows", method: .post, headers: [.authorization: "Bearer \(token)"],
                    body: ByteBuffer(string: follow)
                ) { $0.status } == .forbidden)
            let batch =
                #"""
                {"lookups":[{"insz":"85073003328","purpose":"NOT_A_PURPOSE","caseReference":"DVZ-1"},{"insz":"85073003328",\#
                "purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"DVZ-2"}]}
                """#
            let statuses = try await client.execute(
                uri: "/v1/exchange/lookups/batch", method: .post, headers: [.authorization: "Bearer \(token)"],
                body: ByteBuffer(string: batch)
            ) {
                ((try? JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any])?["answers"]
                    as? [[String: Any]])?.compactMap { $0["status"] as? Int }
            }
            #expect(statuses == [403, 200])
            // A known purpose asked by a party no protocol names is a refusal on record.
            let other = try await accessToken(role: .recipient, services: services, party: "ibz")
            let refused = try await Self.lookup(client, token: other)
            #expect(refused.0 == 403)
            #expect(refused.1["type"] as? String == "urn:koppeling:problem:no-protocol-authorises")
            // Only the allowed lookup of the batch and that refusal were recorded.
            #expect(try await services.transparency.store.logSize() == before + 2)
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"koppeling_unknown_purpose_requests_total{party="dvz"} 3"#))
            #expect(!metrics.contains("NOT_A_PURPOSE") && !metrics.contains("AAAAAAAAAA"))
        }
    }

    @Test("2 and 7: every client route has a budget per client by role; the citizen route too")
    func requestBudgets() async throws {
        var configuration = KoppelingConfiguration.forTests
        configuration.requestsPerMinute[.citizenPortal] = 2
        // The budget's clock stands still, so that no token comes back while the test runs, however slowly.
        let start = ContinuousClock.now
        let services = try await KoppelingApp.services(
            store: try SQLiteRegisterStore(), configuration: configuration, today: { Self.today }, limiter: RateLimiter(now: { start }))
        let router = KoppelingApp.buildRouter(services: services, today: { Self.today })
        try await Application(router: router).test(.router) { client in
            let portal = try await accessToken(role: .citizenPortal, services: services)
            let other = try await accessToken(role: .citizenPortal, services: services)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 {
                statuses.append(
                    try await client.execute(
                        uri: "/v1/citizen/disclosures", method: .post, headers: [.authorization: "Bearer \(portal)"],
                        body: ByteBuffer(string: #"{"insz":"85073003328"}"#)
                    ) { response in
                        if response.status == .tooManyRequests { #expect(response.headers[.retryAfter] != nil) }
                        return response.status
                    })
            }
            #expect(statuses == [.ok, .ok, .tooManyRequests])
            // Another client has its own budget.
            #expect(
                try await client.execute(
                    uri: "/v1/citizen/disclosures", method: .post, headers: [.authorization: "Bearer \(other)"],
                    body: ByteBuffer(string: #"{"insz":"85073003328"}"#)
                ) { $0.status } == .ok)
        }
    }

    @Test(
        """
        1 and 7: a register read and a citizen report are each a record in the log, named in the person's report; a read without a \
        purpose reveals nothing
        """,
        arguments: TestStores.backends)
    func readsAreRecorded(backend: Backend) async throws {
        try await withApp(backend: backend) { client, services in
            let agency = try await accessToken(role: .agency, services: services, party: "agii")
            let portal = try await accessToken(role: .citizenPortal, services: services, party: "vlaanderen")
            let subject = services.exchange.pseudonymizer.pseudonym(of: try NationalNumber("85073003328", policy: services.register.policy))
            func read(_ path: String, _ body: String) async throws -> Int {
                try await client.execute(
                    uri: path, method: .post, headers: [.authorization: "Bearer \(agency)"], body: ByteBuffer(string: body)
                ) { response in Int(response.status.code) }
            }
            // Refused before anything is read: no purpose, a purpose outside the list.
            #expect(try await read("/v1/register/persons/status", #"{"insz":"85073003328"}"#) == 400)
            #expect(
                try await read("/v1/register/persons/status", #"{"insz":"85073003328","purpose":"CURIOSITY","caseReference":"x"}"#) == 400)
            #expect(try await services.transparency.store.disclosures(subject: subject).isEmpty)
            #expect(
                try await read(
                    "/v1/register/persons/status", #"{"insz":"85073003328","purpose":"ENFORCEMENT","caseReference":"ABB-2026-7"}"#) == 200)
            #expect(
                try await read(
                    "/v1/register/persons/dossier", #"{"insz":"85073003328","purpose":"DATA_QUALITY","caseReference":"ABB-2026-7"}"#) == 200
            )
            let reads = try await services.transparency.store.disclosures(subject: subject).map(\.record)
            #expect(reads.map(\.channel) == [.register, .register])
            #expect(reads.map(\.purpose) == ["ENFORCEMENT", "DATA_QUALITY"])
            #expect(
                reads.allSatisfy {
                    $0.outcome == .read && $0.party == "agii" && $0.clientId.hasPrefix("test-agency") && $0.caseReference == "ABB-2026-7"
                })
            // The person's own report lists both reads, and is itself recorded.
            let report = try await client.execute(
                uri: "/v1/citizen/disclosures", method: .post, headers: [.authorization: "Bearer \(portal)"],
                body: ByteBuffer(string: #"{"insz":"85073003328","reference":"session-9"}"#)
            ) { response in
                #expect(response.status == .ok)
                return try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            }
            let listed = try #require(report["disclosures"] as? [[String: Any]])
            #expect(listed.count == 2)
            let all = try await services.transparency.store.disclosures(subject: subject).map(\.record)
            #expect(all.count == 3)
            #expect(all.last?.channel == .citizen && all.last?.caseReference == "session-9" && all.last?.party == "vlaanderen")
            let html = try await client.execute(
                uri: "/v1/citizen/disclosures?format=html", method: .post, headers: [.authorization: "Bearer \(portal)"],
                body: ByteBuffer(string: #"{"insz":"85073003328"}"#)
            ) { String(buffer: $0.body) }
            #expect(html.contains("ingezien") && !html.contains("geweigerd"))
            #expect(try await services.transparency.store.disclosures(subject: subject).count == 4)
        }
    }

    @Test(
        """
        1: an agency client writes only the sources it is registered for, KBI answers only with kbi; every stored row names the \
        client, an import its file's SHA-256
        """,
        arguments: TestStores.backends)
    func provenanceAndSources(backend: Backend) async throws {
        try await withApp(backend: backend) { client, services in
            let intake = try await accessToken(role: .agency, services: services, party: "agii", sources: ["agii"])
            func post(_ path: String, _ token: String, _ body: String) async throws -> (Int, [String: Any]) {
                try await client.execute(
                    uri: path, method: .post, headers: [.authorization: "Bearer \(token)"], body: ByteBuffer(string: body)
                ) { response in
                    (
                        Int(response.status.code),
                        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:]
                    )
                }
            }
            let agii =
                #"""
                {"eventId":"11111111-1111-4111-8111-111111111111","insz":"85073003328","type":"registered",\#
                "effectiveDate":"2026-10-01","source":"agii","data":{"kind":"first","agency":"agii"}}
                """#
            let forged =
                #"""
                {"eventId":"22222222-2222-4222-8222-222222222222","insz":"85073003328","type":"registered",\#
                "effectiveDate":"2026-10-02","source":"kbi","data":{"kind":"first","agency":"agii"}}
                """#
            // A batch with one event of a source the client may not write is refused whole.
            let refused = try await post("/v1/register/events", intake, "[\(agii),\(forged)]")
            #expect(refused.0 == 403)
            #expect(refused.1["type"] as? String == "urn:koppeling:problem:source-not-allowed")
            #expect((refused.1["errors"] as? [[String: Any]])?.compactMap { $0["index"] as? Int } == [1])
            #expect(try await services.register.store.counts().events == 0)
            // A hand-made KBI answer from a client without the source kbi changes nothing.
            let kbi = try Data(contentsOf: TestEnvironment.ownKBIFixtures.appendingPathComponent("obliged-certificate.xml"))
            let refusedImport = try await post("/v1/register/imports/kbi", intake, String(decoding: kbi, as: UTF8.self))
            #expect(refusedImport.0 == 403 && refusedImport.1["type"] as? String == "urn:koppeling:problem:source-not-allowed")
            #expect(try await services.register.store.counts().events == 0)

            #expect(try await post("/v1/register/events", intake, "[\(agii)]").0 == 200)
            let dossier = try await post(
                "/v1/register/persons/dossier", intake, #"{"insz":"85073003328","purpose":"DATA_QUALITY","caseReference":"t"}"#)
            let events = try #require(dossier.1["events"] as? [[String: Any]])
            let writer = try #require(events.first?["recordedBy"] as? String)
            #expect(writer.hasPrefix("client:test-agency-"))
            #expect(events.first?["importDigest"] == nil)

            let importer = try await accessToken(role: .agency, services: services, party: "agii", sources: ["kbi"])
            let imported = try await post("/v1/register/imports/kbi", importer, String(decoding: kbi, as: UTF8.self))
            #expect(imported.0 == 200)
            let insz = try NationalNumber("85073003328", policy: services.register.policy)
            let stored = try await services.register.store.events(of: insz)
            let digest = SHA256.hash(data: kbi).map { String(format: "%02x", $0) }.joined()
            let fromImport = stored.filter { $0.source == "kbi" }
            #expect(fromImport.count == 8)
            #expect(
                fromImport.allSatisfy {
                    $0.provenance?.importDigest == digest && $0.provenance?.recordedBy.hasPrefix("client:test-agency-") == true
                })
            #expect(fromImport.allSatisfy { $0.provenance?.recordedBy != writer })
            #expect(stored.count == 9)
        }
    }

    @Test("5: a webhook is registered only for https to a public address; each registration is a log record")
    func webhookRegistration() async throws {
        try await withApp { client, services in
            let staff = try await accessToken(role: .staff, services: services, party: "abb")
            try await services.exchange.store.registerClient(
                .init(
                    id: "dvz-files", party: "dvz", name: "DVZ", role: .recipient, assertionKey: nil, certificateFingerprint: nil,
                    ratePerMinute: 60))
            func register(_ url: String) async throws -> (Int, String) {
                try await client.execute(
                    uri: "/v1/staff/clients/dvz-files/webhook", method: .post, headers: [.authorization: "Bearer \(staff)"],
                    body: ByteBuffer(string: #"{"url":"\#(url)"}"#)
                ) { (Int($0.status.code), String(buffer: $0.body)) }
            }
            for url in [
                "http://dvz.example/hook", "https://127.0.0.1/hook", "https://169.254.169.254/latest", "https://[::1]/hook",
                "https://localhost/hook",
            ] {
                let (status, body) = try await register(url)
                #expect(status == 422, "\(url)")
                #expect(body.contains("urn:koppeling:problem:invalid-webhook-url"), "\(url)")
            }
            #expect(try await services.webhooks.store.webhook(clientId: "dvz-files") == nil)
            #expect(try await register("https://hooks.dvz.example/notices").0 == 201)
            #expect(try await register("https://hooks2.dvz.example/notices").0 == 201)
            let records = try await services.exchange.store.disclosures(
                client: try #require(try await services.exchange.store.clients().first { $0.role == .staff }?.id))
            #expect(records.map(\.outcome) == [.webhookSet, .webhookSet])
            #expect(records.allSatisfy { $0.channel == .administration && $0.caseReference == "webhook:dvz-files" && $0.party == "abb" })
        }
    }
}
