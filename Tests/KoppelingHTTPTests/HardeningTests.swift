import Crypto
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import KoppelingHTTP
import KoppelingStore
import KoppelingStoreSQLite
import KoppelingStorePostgres
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
            disclosureId: UUID(), at: Instant(microsecondsSinceEpoch: 1_790_000_000_000_000 + Int64(n)), clientId: "c", party: "dvz", purpose: purpose,
            channel: .lookup, caseReference: "C-\(n)", protocolId: nil, protocolVersion: nil, fields: [], outcome: .denied(.noProtocol),
            referenceDate: LocalDate("2026-11-01")!, subjectPseudonym: String(repeating: "a", count: 64), requestId: "r-\(n)", traceparent: nil)
    }

    @Test("6: an audit search after the largest index answers an empty page instead of killing the server; the purpose filter fills a page", arguments: TestStores.backends)
    func searchBounds(backend: Backend) async throws {
        try await withApp(backend: backend) { client, services in
            let records = (0..<30).map { Self.record($0, purpose: $0 % 3 == 0 ? "A" : "B") }
            _ = try await services.exchange.store.appendDisclosures(records)
            let token = try await accessToken(role: .staff, services: services)
            func search(_ body: String) async throws -> (Int, [String: Any]) {
                try await client.execute(uri: "/v1/audit/disclosures/search", method: .post, headers: [.authorization: "Bearer \(token)"], body: ByteBuffer(string: body)) {
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
            try await services.exchange.store.registerClient(.init(
                id: "dvz-known", party: "dvz", name: "known", role: .recipient, assertionKey: key.publicKey.rawRepresentation.base64EncodedString(),
                certificateFingerprint: nil, ratePerMinute: 60))
            func detail(_ assertion: String) async throws -> (Int, String?) {
                let body = "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=\(assertion)"
                return try await client.execute(uri: "/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)) {
                    ($0.status.code, (try? JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any])?["detail"] as? String)
                }
            }
            let audience = KoppelingConfiguration.forTests.tokenAudience
            let unknown = try await detail(try await ClientAssertion.sign(key: key, clientId: "dvz-nobody", audience: audience))
            let wrongKey = try await detail(try await ClientAssertion.sign(key: Curve25519.Signing.PrivateKey(), clientId: "dvz-known", audience: audience))
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
                uri: "/v1/register/events", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/x-ndjson"],
                body: ByteBuffer(string: lines.joined(separator: "\n"))) { ($0.status.code, String(buffer: $0.body)) }
            #expect(status == 413)
            #expect(text.contains("got \(lines.count)"))
            #expect(try await services.register.store.counts().events == 0)
        }
    }

    @Test("11: the audit export neutralises what a spreadsheet would run", arguments: [
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("a,b", "\"a,b\""), ("plain", "plain"), ("DVZ-2026-1", "DVZ-2026-1"), ("line\r\nbreak", "\"line\r\nbreak\""),
    ])
    func csvInjection(value: String, field: String) {
        #expect(CSV.field(value) == field)
    }

    @Test("11: protocol YAML nested too deep, too large or with aliases is refused before parsing, naming the line")
    func yamlShape() throws {
        let shipped = try String(contentsOf: TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml"), encoding: .utf8)
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
