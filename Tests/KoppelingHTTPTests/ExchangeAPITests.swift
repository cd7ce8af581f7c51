import Crypto
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import KoppelingHTTP
import KoppelingStore
import KoppelingStorePostgres
import KoppelingStoreSQLite
import KoppelingTestSupport
import Logging
import Synchronization
import Testing

@Suite("Exchange: private_key_jwt tokens and lookups")
struct ExchangeAPITests {
    static let today = LocalDate("2026-11-29")!
    static let audience = "https://koppeling.test/oauth/token"
    static let purpose = "ART_1_2_INTEGRATION_EFFORTS"

    struct Fixture {
        let services: KoppelingServices
        let store: any KoppelingStorage
        let backend: Backend
        let clientKey: Curve25519.Signing.PrivateKey
        /// The parties' keys, when the protocol was published.
        var parties: TestParties?
    }

    /// A register with one person, the shipped protocol published, and a DVZ recipient client, on
    /// `backend` (SQLite in memory, or the file at `path`; PostgreSQL in a new database). The tests
    /// take the backend as their argument, from `TestStores.backends`.
    func withApp(
        backend: Backend = .sqlite, publish: Bool = true, fieldsOverride: [DisclosureField]? = nil, path: String? = nil,
        _ body: @Sendable (any TestClientProtocol, Fixture) async throws -> Void
    ) async throws {
        let store: any KoppelingStorage
        if let path { store = try SQLiteRegisterStore(path: path) } else { store = try await TestStores.open(backend) }
        try await withApp(store: store, backend: path == nil ? backend : .sqlite, publish: publish, fieldsOverride: fieldsOverride, body)
    }

    func withApp(
        store: any KoppelingStorage, backend: Backend, publish: Bool, fieldsOverride: [DisclosureField]?,
        _ body: @Sendable (any TestClientProtocol, Fixture) async throws -> Void
    ) async throws {
        // The budgets' clock stands still: a slow run gives no token back between a test's requests.
        let start = ContinuousClock.now
        let services = try await KoppelingApp.services(
            store: store, configuration: .forTests, today: { Self.today }, limiter: RateLimiter(now: { start }))
        let clientKey = Curve25519.Signing.PrivateKey()
        try await store.registerClient(
            .init(
                id: "dvz-residence", party: "dvz", name: "DVZ residence files", role: .recipient,
                assertionKey: clientKey.publicKey.rawRepresentation.base64EncodedString(), certificateFingerprint: nil, ratePerMinute: 600))
        try await store.registerClient(
            .init(
                id: "dvz-slow", party: "dvz", name: "DVZ slow", role: .recipient,
                assertionKey: clientKey.publicKey.rawRepresentation.base64EncodedString(), certificateFingerprint: nil, ratePerMinute: 2))
        try await store.registerClient(
            .init(
                id: "agii-system", party: "agii", name: "AgII", role: .agency,
                assertionKey: clientKey.publicKey.rawRepresentation.base64EncodedString(), certificateFingerprint: nil, ratePerMinute: 600))
        var f = EventFactory()
        _ = try await services.register.store.append([
            f.make(
                "2024-01-01",
                .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate("2024-01-01"), periodEnd: nil))),
            f.make("2024-01-20", .registered(.init(kind: .first, agency: "agii"))),
            f.make("2024-02-01", .contractSigned(.init(agency: "agii", components: [.socialOrientation, .dutch]))),
        ])
        var parties: TestParties?
        if publish {
            let yaml = try String(
                contentsOf: TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml"),
                encoding: .utf8)
            parties = try await Self.publish(
                try ProtocolDocument.parse(yaml: fieldsOverride.map { Self.replacingFields(in: yaml, with: $0) } ?? yaml),
                services: services)
        }
        let app = Application(router: KoppelingApp.buildRouter(services: services, today: { Self.today }))
        try await app.test(.router) { [parties] client in
            try await body(client, Fixture(services: services, store: store, backend: backend, clientKey: clientKey, parties: parties))
        }
    }

    /// Takes a protocol document through signed DPO advice and signatures of both parties to
    /// published; the parties' keys, for later steps.
    @discardableResult
    static func publish(_ document: ProtocolDocument, services: KoppelingServices) async throws -> TestParties {
        let parties = try await TestParties.register(in: services.protocols.store)
        _ = try await services.protocols.submit(document, actor: "test")
        for party in ["agii", "dvz"] {
            _ = try await services.protocols.advise(
                id: document.id, version: document.version, advice: parties.advice(party, for: document, date: today), actor: "dpo")
        }
        for party in ["agii", "dvz"] {
            let key = parties.controllers[party]!
            _ = try await services.protocols.sign(
                id: document.id, version: document.version, party: party, publicKey: key.publicKey,
                signature: key.signature(for: Data(document.digest)), actor: party)
        }
        _ = try await services.protocols.publish(id: document.id, version: document.version, on: today, actor: "test")
        return parties
    }

    /// The shipped protocol's text with another list of fields.
    static func replacingFields(in yaml: String, with fields: [DisclosureField]) -> String {
        var lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = lines.firstIndex(of: "fields:")! + 1
        var end = start
        while end < lines.count, lines[end].hasPrefix("  - ") { end += 1 }
        lines.replaceSubrange(start..<end, with: fields.map { "  - \($0.rawValue)" })
        // Notes may only speak of listed fields.
        if let notes = lines.firstIndex(of: "fieldNotes:") {
            var index = notes + 1
            while index < lines.count, lines[index].hasPrefix("  ") {
                let name = lines[index].dropFirst(2).prefix { $0 != ":" }
                if fields.contains(where: { $0.rawValue == name }) { index += 1 } else { lines.remove(at: index) }
            }
            if index == notes + 1 { lines.remove(at: notes) }
        }
        return lines.joined(separator: "\n")
    }

    static func assertion(
        _ key: Curve25519.Signing.PrivateKey, client: String = "dvz-residence", audience: String = ExchangeAPITests.audience,
        expiresIn: TimeInterval = 60, jti: String = UUID().uuidString
    ) async throws -> String {
        try await ClientAssertion.sign(key: key, clientId: client, audience: audience, lifetime: Int(expiresIn), jti: jti)
    }

    static func requestToken(_ client: some TestClientProtocol, _ assertion: String) async throws -> (Int, [String: Any]) {
        let form =
            """
            grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&clien\
            t_assertion=\(assertion)
            """
        return try await client.execute(
            uri: "/oauth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: form)
        ) { response in
            (
                Int(response.status.code),
                (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:]
            )
        }
    }

    static func lookup(
        _ client: some TestClientProtocol, token: String?, insz: String = "85073003328", referenceDate: String = "2026-11-01"
    ) async throws -> (Int, [String: Any], String) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let body = #"{"insz":"\#(insz)","purpose":"\#(purpose)","caseReference":"DVZ-2026-0001","referenceDate":"\#(referenceDate)"}"#
        return try await client.execute(uri: "/v1/exchange/lookups", method: .post, headers: headers, body: ByteBuffer(string: body)) {
            response in
            let text = String(buffer: response.body)
            return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:], text)
        }
    }

    @Test(
        "a good assertion gets a token; the lookup answers only the protocol's fields and is recorded with a pseudonym",
        arguments: TestStores.backends)
    func goodFlow(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let (status, answer) = try await Self.requestToken(client, try await Self.assertion(fixture.clientKey))
            #expect(status == 200)
            #expect(answer["token_type"] as? String == "Bearer")
            let token = try #require(answer["access_token"] as? String)
            let (lookupStatus, body, text) = try await Self.lookup(client, token: token)
            #expect(lookupStatus == 200)
            #expect((body["protocol"] as? [String: Any])?["id"] as? String == "kbi-dvz-integration-efforts")
            let result = try #require(body["result"] as? [String: Any])
            #expect(Set(result.keys) == Set(DisclosureField.allCases.map(\.rawValue)))
            #expect(result["status"] as? String == "in_trajectory")
            #expect(result["contractSignedOn"] as? String == "2024-02-01")
            #expect(!text.contains("\"agency\":\"agii\",\"components\""))
            let (_, unknown, _) = try await Self.lookup(client, token: token, insz: "17073003384")
            let unknownResult = try #require(unknown["result"] as? [String: Any])
            #expect(unknownResult["status"] as? String == "unknown")
            // Nothing is said of a person without a file: every other item is null, never false or 0.
            #expect(unknownResult.count == DisclosureField.allCases.count)
            for (name, value) in unknownResult where name != "insz" && name != "status" {
                #expect(value is NSNull, "\(name)")
            }
            // Today is allowed; a day after today is refused before any decision, and not recorded.
            #expect(try await Self.lookup(client, token: token, referenceDate: Self.today.description).0 == 200)
            let (future, problem, _) = try await Self.lookup(client, token: token, referenceDate: Self.today.adding(days: 1).description)
            #expect(future == 422)
            #expect(problem["type"] as? String == "urn:koppeling:problem:reference-date-in-future")
            let records = try await fixture.store.disclosures(client: "dvz-residence")
            #expect(records.count == 3)
            #expect(records.allSatisfy { $0.outcome == .allowed && $0.subjectPseudonym.count == 64 && $0.caseReference == "DVZ-2026-0001" })
            let stored = try JSONEncoder().encode(records)
            #expect(!String(decoding: stored, as: UTF8.self).contains("85073003328"))
            #expect(records[0].subjectPseudonym != records[1].subjectPseudonym)
        }
    }

    @Test("assertions are refused: wrong audience, expired, replayed jti, unknown key, unknown client", arguments: TestStores.backends)
    func refusedAssertions(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            #expect(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey, audience: "https://elsewhere/oauth/token"))
                    .0 == 401)
            #expect(try await Self.requestToken(client, try await Self.assertion(fixture.clientKey, expiresIn: -30)).0 == 401)
            #expect(try await Self.requestToken(client, try await Self.assertion(fixture.clientKey, expiresIn: 3600)).0 == 401)
            let once = try await Self.assertion(fixture.clientKey, jti: "jti-1")
            #expect(try await Self.requestToken(client, once).0 == 200)
            let replay = try await Self.requestToken(client, once)
            #expect(replay.0 == 401)
            #expect(replay.1["type"] as? String == "urn:koppeling:problem:unauthorized")
            #expect(try await Self.requestToken(client, try await Self.assertion(Curve25519.Signing.PrivateKey())).0 == 401)
            #expect(try await Self.requestToken(client, try await Self.assertion(fixture.clientKey, client: "nobody")).0 == 401)
        }
    }

    @Test(
        """
        lookups are refused: 401 without or with a forged token, 403 for another role or without a protocol in force, 422 for a bad \
        number
        """,
        arguments: TestStores.backends)
    func refusedLookups(backend: Backend) async throws {
        try await withApp(backend: backend, publish: false) { client, fixture in
            #expect(try await Self.lookup(client, token: nil).0 == 401)
            #expect(try await Self.lookup(client, token: "not.a.token").0 == 401)
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            let (status, body, text) = try await Self.lookup(client, token: token)
            // No protocol was ever published: the purpose names none, so the refusal leaves no record.
            #expect(status == 403)
            #expect(body["type"] as? String == "urn:koppeling:problem:unknown-purpose")
            #expect(!text.contains("85073003328"))
            #expect(try await fixture.store.disclosures(client: "dvz-residence").isEmpty)
            #expect(try await Self.lookup(client, token: token, insz: "85073003329").0 == 422)
            let agencyToken = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey, client: "agii-system")).1["access_token"]
                    as? String)
            #expect(try await Self.lookup(client, token: agencyToken).0 == 403)
        }
    }

    @Test("above its rate a client gets 429 with Retry-After", arguments: TestStores.backends)
    func rateLimit(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey, client: "dvz-slow")).1["access_token"]
                    as? String)
            #expect(try await Self.lookup(client, token: token).0 == 200)
            #expect(try await Self.lookup(client, token: token).0 == 200)
            var headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(token)"]
            headers[.init("X-Request-Id")!] = "r-1"
            let body = #"{"insz":"85073003328","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"C","referenceDate":"2026-11-01"}"#
            try await client.execute(uri: "/v1/exchange/lookups", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            #expect(try await fixture.store.disclosures(client: "dvz-slow").count == 2)
        }
    }

    @Test("a batch answers each lookup as a single one would, and records each decision", arguments: TestStores.backends)
    func batch(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            let body =
                #"""
                {"lookups":[{"insz":"85073003328","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"B-1",\#
                "referenceDate":"2026-11-01"},{"insz":"85073003329","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"B-2"},\#
                {"insz":"17073003384","purpose":"OTHER","caseReference":"B-3"}]}
                """#
            try await client.execute(
                uri: "/v1/exchange/lookups/batch", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(token)"], body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .ok)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                let answers = try #require(object["answers"] as? [[String: Any]])
                #expect(answers.map { $0["status"] as? Int } == [200, 422, 403])
                #expect((answers[2]["body"] as? [String: Any])?["type"] as? String == "urn:koppeling:problem:unknown-purpose")
                #expect(((answers[0]["body"] as? [String: Any])?["result"] as? [String: Any])?["status"] as? String == "in_trajectory")
                #expect(!String(buffer: response.body).contains("17073003384"))
            }
            #expect(try await fixture.store.disclosures(client: "dvz-residence").map(\.outcome.rawValue) == ["allowed"])
        }
    }

    @Test("if the disclosure record cannot be stored, the lookup fails with 503 and discloses nothing")
    func recordNotStored() async throws {
        let path = try TestEnvironment.temporaryFolder().appendingPathComponent("register.sqlite").path
        try await withApp(path: path) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            #expect(try await Self.lookup(client, token: token).0 == 200)
            // A real failure of the real database: another connection makes every insert of a record fail.
            let other = try DatabaseQueue(path: path)
            try await other.write {
                try $0.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON disclosure BEGIN SELECT RAISE(ABORT, 'disk full'); END")
            }
            let (status, body, text) = try await Self.lookup(client, token: token)
            #expect(status == 503)
            #expect(body["type"] as? String == "urn:koppeling:problem:disclosure-not-recorded")
            #expect(body["result"] == nil && !text.contains("in_trajectory") && !text.contains("contractSignedOn"))
            let batch = #"{"lookups":[{"insz":"85073003328","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"B-1"}]}"#
            try await client.execute(
                uri: "/v1/exchange/lookups/batch", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(token)"], body: ByteBuffer(string: batch)
            ) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(!String(buffer: response.body).contains("in_trajectory"))
            }
            try await other.write { try $0.execute(sql: "DROP TRIGGER refuse") }
            #expect(try await Self.lookup(client, token: token).0 == 200)
            #expect(try await fixture.store.disclosures(client: "dvz-residence").count == 2)
        }
    }

    @Test("200 concurrent lookups: each acknowledged one is recorded exactly once", arguments: TestStores.backends)
    func concurrentLookups(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<200 { group.addTask { try await Self.lookup(client, token: token).0 } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            let answered = statuses.filter { $0 == 200 }.count
            // The client's budget (600 a minute) may turn some away, never all, and nothing else is answered.
            #expect(answered > 0)
            #expect(answered + statuses.filter { $0 == 429 }.count == 200)
            let records = try await fixture.store.disclosures(client: "dvz-residence")
            #expect(records.count == answered)
            #expect(Set(records.map(\.disclosureId)).count == records.count)
        }
    }

    @Test(
        "a protocol that lists fewer fields yields exactly those fields over HTTP, and the record names them",
        arguments: TestStores.backends)
    func fieldFiltering(backend: Backend) async throws {
        try await withApp(backend: backend, fieldsOverride: [.insz, .status, .contractSignedOn]) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            let (status, body, _) = try await Self.lookup(client, token: token)
            #expect(status == 200)
            let result = try #require(body["result"] as? [String: Any])
            #expect(Set(result.keys) == ["insz", "status", "contractSignedOn"])
            #expect(result["contractSignedOn"] as? String == "2024-02-01")
            #expect(try await fixture.store.disclosures(client: "dvz-residence").first?.fields == [.insz, .status, .contractSignedOn])
        }
    }

    static func send(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String, body: String = ""
    ) async throws -> (Int, [String: Any], String) {
        try await client.execute(
            uri: uri, method: method, headers: [.contentType: "application/json", .authorization: "Bearer \(token)"],
            body: ByteBuffer(string: body)
        ) { response in
            let text = String(buffer: response.body)
            return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:], text)
        }
    }

    @Test(
        "follow list: enrol, list, end; refusals for too long, another client's follow, a second end; enrolment and ending are log entries",
        arguments: TestStores.backends)
    func follows(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            let enrol = #"{"insz":"85073003328","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"F-1","until":"2027-06-30"}"#
            let (status, created, text) = try await Self.send(client, .post, "/v1/exchange/follows", token: token, body: enrol)
            #expect(status == 201)
            #expect(created["state"] as? String == "active")
            #expect(!text.contains("85073003328"))
            let id = try #require(created["id"] as? String)
            let tooLong = try await Self.send(
                client, .post, "/v1/exchange/follows", token: token, body: enrol.replacingOccurrences(of: "2027-06-30", with: "2029-01-01"))
            #expect(tooLong.0 == 422 && tooLong.1["type"] as? String == "urn:koppeling:problem:follow-too-long")
            let past = try await Self.send(
                client, .post, "/v1/exchange/follows", token: token, body: enrol.replacingOccurrences(of: "2027-06-30", with: "2026-11-28"))
            #expect(past.0 == 422)
            let (_, listed, listedText) = try await Self.send(client, .get, "/v1/exchange/follows", token: token)
            let follows = try #require(listed["follows"] as? [[String: Any]])
            #expect(follows.map { $0["id"] as? String } == [id])
            #expect(follows.first?["subject"] as? String == created["subject"] as? String)
            #expect(!listedText.contains("85073003328"))
            // Another client of the same party sees none of it and cannot end it.
            let other = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey, client: "dvz-slow")).1["access_token"]
                    as? String)
            #expect((try await Self.send(client, .get, "/v1/exchange/follows", token: other).1["follows"] as? [Any])?.isEmpty == true)
            #expect(try await Self.send(client, .post, "/v1/exchange/follows/\(id)/end", token: other).0 == 404)
            let ended = try await Self.send(client, .post, "/v1/exchange/follows/\(id)/end", token: token)
            #expect(ended.0 == 200 && ended.1["state"] as? String == "ended")
            #expect(try await Self.send(client, .post, "/v1/exchange/follows/\(id)/end", token: token).0 == 409)
            let records = try await fixture.store.disclosures(client: "dvz-residence")
            #expect(records.map(\.outcome.rawValue) == ["enrolled", "ended"])
            #expect(records.allSatisfy { $0.channel == .follow && $0.caseReference == "F-1" && $0.fields.isEmpty })
        }
    }

    @Test(
        """
        a follow under a suspended protocol produces nothing: listed as protocol_not_in_force, and new enrolments are refused and \
        recorded
        """,
        arguments: TestStores.backends)
    func followUnderSuspendedProtocol(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            let enrol = #"{"insz":"85073003328","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"F-2","until":"2027-01-31"}"#
            #expect(try await Self.send(client, .post, "/v1/exchange/follows", token: token, body: enrol).0 == 201)
            _ = try await fixture.services.protocols.suspend(id: "kbi-dvz-integration-efforts", version: 2, reason: "audit", actor: "test")
            let (_, listed, _) = try await Self.send(client, .get, "/v1/exchange/follows", token: token)
            #expect((listed["follows"] as? [[String: Any]])?.first?["state"] as? String == "protocol_not_in_force")
            let refused = try await Self.send(client, .post, "/v1/exchange/follows", token: token, body: enrol)
            #expect(refused.0 == 403)
            #expect((refused.1["detail"] as? String)?.hasPrefix("suspended") == true)
            #expect(try await fixture.store.disclosures(client: "dvz-residence").map(\.outcome.rawValue) == ["enrolled", "suspended"])
        }
    }

    struct Batches: EventBatchSource {
        var batches: [[Event]]
        mutating func nextBatch() throws -> [Event]? { batches.isEmpty ? nil : batches.removeFirst() }
    }

    @Test(
        """
        change notices: stored events that change a followed person's allowed fields notify the follower, in gapless sequence, by \
        every ingestion path
        """,
        arguments: TestStores.backends)
    func changeNotices(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            let enrol = #"{"insz":"85073003328","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"N-1","until":"2027-06-30"}"#
            let (_, follow, _) = try await Self.send(client, .post, "/v1/exchange/follows", token: token, body: enrol)
            var person = EventFactory()
            var stranger = EventFactory(insz: "17073003384")
            let register = fixture.services.register
            // A certificate through the API path: status and certificate date change.
            let certificate = person.make("2026-11-20", .certificateIssued(.init(kind: .integrationCertificate, documentId: "IA-1")))
            _ = try await register.append([certificate, stranger.make("2026-11-01", .registered(.init(kind: .first, agency: "agii")))])
            // Stored again: nothing new, no notice. A stranger's event: no notice.
            _ = try await register.append([certificate])
            _ = try await register.append([stranger.make("2026-11-02", .contractSigned(.init(agency: "agii", components: [.dutch])))])
            // A retraction of the certificate through the streaming path: the status falls back.
            let retraction = person.make("2026-11-25", .eventRetracted(.init(retractedEventId: certificate.eventId, reason: "error")))
            _ = try await register.appendStreaming(from: Batches(batches: [[retraction]]))
            let (status, feed, text) = try await Self.send(client, .get, "/v1/exchange/changes?after=0", token: token)
            #expect(status == 200)
            let notices = try #require(feed["notices"] as? [[String: Any]])
            #expect(notices.map { $0["sequence"] as? Int } == [1, 2])
            #expect(notices.allSatisfy { $0["followId"] as? String == follow["id"] as? String && $0["caseReference"] as? String == "N-1" })
            #expect(Set(try #require(notices[0]["changed"] as? [String])).isSuperset(of: ["status", "certificateIssuedOn"]))
            #expect((notices[0]["current"] as? [String: Any])?["status"] as? String == "fulfilled_certificate")
            #expect((notices[1]["current"] as? [String: Any])?["status"] as? String == "in_trajectory")
            // The current fields are exactly those the protocol allows (the shipped one allows them all, insz included).
            #expect(Set(((notices[0]["current"] as? [String: Any]) ?? [:]).keys) == Set(DisclosureField.allCases.map(\.rawValue)))
            #expect(text.components(separatedBy: "85073003328").count - 1 == 2, "the national number only as the allowed insz field")
            #expect(feed["last"] as? Int == 2)
            let resumed = try await Self.send(client, .get, "/v1/exchange/changes?after=1", token: token)
            #expect((resumed.1["notices"] as? [[String: Any]])?.map { $0["sequence"] as? Int } == [2])
            // Each notice is a disclosure record, so a log entry; so is each pull that handed notices out.
            let records = try await fixture.store.disclosures(client: "dvz-residence")
            #expect(records.map(\.outcome.rawValue) == ["enrolled", "notice", "notice", "delivered", "delivered"])
            #expect(records.suffix(2).map(\.caseReference) == ["changes:1-2", "changes:2-2"])
            // After the follow ends, changes produce nothing.
            _ = try await Self.send(client, .post, "/v1/exchange/follows/\(follow["id"] as? String ?? "")/end", token: token)
            _ = try await register.append([
                person.make("2026-11-26", .certificateIssued(.init(kind: .integrationCertificate, documentId: "IA-2")))
            ])
            #expect(
                (try await Self.send(client, .get, "/v1/exchange/changes?after=2", token: token).1["notices"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(
        "the daily sweep notifies when time alone changes the allowed fields (a registration window closes), once per day",
        arguments: TestStores.backends)
    func sweep(backend: Backend) async throws {
        try await withApp(backend: backend, publish: true) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            var newcomer = EventFactory(insz: "17073003384")
            _ = try await fixture.services.register.append([
                newcomer.make(
                    "2026-10-01",
                    .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate("2026-10-01"), periodEnd: nil))),
                newcomer.make("2026-10-01", .residenceChanged(.init(region: .flanders, nisCode: "44021"))),
            ])
            let enrol = #"{"insz":"17073003384","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"S-1","until":"2027-06-30"}"#
            #expect(try await Self.send(client, .post, "/v1/exchange/follows", token: token, body: enrol).0 == 201)
            let register = fixture.services.register
            let engine = register.engine
            let events = try await register.store.events(of: newcomer.insz)
            // The first day the status is no longer registration_window_open, found from the engine itself.
            var day = LocalDate("2026-12-01")!
            while engine.status(of: events, on: day).status == .registrationWindowOpen { day = day.adding(days: 1) }
            #expect(
                try await register.store.sweepNotices(
                    on: day.adding(days: -1), planner: register.notices, at: Instant(microsecondsSinceEpoch: 1)) == 0)
            #expect(try await register.store.sweepNotices(on: day, planner: register.notices, at: Instant(microsecondsSinceEpoch: 2)) == 1)
            #expect(
                try await register.store.sweepNotices(on: day, planner: register.notices, at: Instant(microsecondsSinceEpoch: 3)) == nil)
            let notices = try #require(
                try await Self.send(client, .get, "/v1/exchange/changes", token: token).1["notices"] as? [[String: Any]])
            #expect(notices.count == 1)
            #expect(
                (notices.first?["current"] as? [String: Any])?["status"] as? String == engine.status(of: events, on: day).status.rawValue)
            #expect((notices.first?["changed"] as? [String])?.contains("status") == true)
        }
    }

    @Test(
        "8: days the sweep missed are caught up, each once: the notice of a day the server was down still goes out",
        arguments: TestStores.backends)
    func sweepCatchesUp(backend: Backend) async throws {
        try await withApp(backend: backend, publish: true) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            var newcomer = EventFactory(insz: "17073003384")
            _ = try await fixture.services.register.append([
                newcomer.make(
                    "2026-10-01",
                    .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate("2026-10-01"), periodEnd: nil)))
            ])
            let enrol = #"{"insz":"17073003384","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"S-1","until":"2027-06-30"}"#
            #expect(try await Self.send(client, .post, "/v1/exchange/follows", token: token, body: enrol).0 == 201)
            let register = fixture.services.register
            let events = try await register.store.events(of: newcomer.insz)
            var closes = LocalDate("2026-12-01")!
            while register.engine.status(of: events, on: closes).status == .registrationWindowOpen { closes = closes.adding(days: 1) }
            // The last sweep was three days before the window closed; the server was down since.
            #expect(
                try await register.store.sweepNotices(
                    on: closes.adding(days: -3), planner: register.notices, at: Instant(microsecondsSinceEpoch: 1)) == 0)
            #expect(try await register.store.lastSweptDay() == closes.adding(days: -3))
            let swept = try await register.sweepMissedDays(through: closes.adding(days: 2), at: Instant(microsecondsSinceEpoch: 2))
            #expect(swept.map(\.day) == (-2...2).map { closes.adding(days: $0) })
            #expect(swept.map(\.notices) == [0, 0, 1, 0, 0])
            #expect(try await register.sweepMissedDays(through: closes.adding(days: 2), at: Instant(microsecondsSinceEpoch: 3)).isEmpty)
            let notices = try #require(
                try await Self.send(client, .get, "/v1/exchange/changes", token: token).1["notices"] as? [[String: Any]])
            #expect(notices.count == 1)
        }
    }

    @Test("the days to sweep: after the last one up to today; today alone before the first; none when up to date")
    func daysToSweep() {
        let today = LocalDate("2026-03-02")!
        #expect(ChangeNoticePlanner.daysToSweep(lastSwept: nil, today: today) == [today])
        #expect(ChangeNoticePlanner.daysToSweep(lastSwept: today, today: today).isEmpty)
        #expect(
            ChangeNoticePlanner.daysToSweep(lastSwept: LocalDate("2026-02-27")!, today: today).map(\.description) == [
                "2026-02-28", "2026-03-01", "2026-03-02",
            ])
    }

    @Test(
        """
        staff register a recipient's webhook (secret shown once, rotation keeps the old one for the overlap) and see every endpoint's \
        state
        """,
        arguments: TestStores.backends)
    func staffWebhooks(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let staff = try await accessToken(role: .staff, services: fixture.services)
            let (status, created, _) = try await Self.send(
                client, .post, "/v1/staff/clients/dvz-residence/webhook", token: staff, body: #"{"url":"https://dvz.example/hook"}"#)
            #expect(status == 201)
            let first = try #require(created["secret"] as? String)
            #expect(first.hasPrefix("whsec_") && created["previousSecretValidUntil"] is NSNull)
            let rotated = try await Self.send(
                client, .post, "/v1/staff/clients/dvz-residence/webhook", token: staff,
                body: #"{"url":"https://dvz.example/hook2","overlapHours":2}"#)
            #expect(rotated.0 == 201 && rotated.1["previousSecretValidUntil"] is String)
            let endpoint = try #require(try await fixture.store.webhook(clientId: "dvz-residence"))
            let now = Instant.systemNow()
            #expect(endpoint.validSecrets(at: now) == [rotated.1["secret"] as? String, first])
            #expect(
                endpoint.validSecrets(at: Instant(microsecondsSinceEpoch: now.microsecondsSinceEpoch + 3 * 3_600_000_000)) == [
                    rotated.1["secret"] as? String
                ])
            #expect(
                try await Self.send(
                    client, .post, "/v1/staff/clients/agii-system/webhook", token: staff, body: #"{"url":"https://x.example"}"#
                ).0 == 404)
            #expect(
                try await Self.send(
                    client, .post, "/v1/staff/clients/dvz-residence/webhook", token: staff, body: #"{"url":"ftp://x.example"}"#
                ).0 == 422)
            let (_, listed, _) = try await Self.send(client, .get, "/v1/staff/webhooks", token: staff)
            #expect((listed["webhooks"] as? [[String: Any]])?.map { $0["url"] as? String } == ["https://dvz.example/hook2"])
        }
    }

    final class Received: Sendable {
        let ids = Mutex<[String]>([])
    }

    final class FakeClock: Sendable {
        let micros = Mutex(Int64(1_795_900_000_000_000))
        var instant: Instant { Instant(microsecondsSinceEpoch: micros.withLock { $0 }) }
        func set(_ instant: Instant) { micros.withLock { $0 = instant.microsecondsSinceEpoch } }
    }

    @Test(
        "two dispatchers (as two instances run them) deliver every notice once, in order: leases keep them off each other's endpoint",
        arguments: TestStores.backends)
    func twoDispatchers(backend: Backend) async throws {
        try await withApp(backend: backend) { _, fixture in
            let services = fixture.services
            let dvz = try #require(try await fixture.store.client(id: "dvz-residence"))
            var person = EventFactory()
            _ = try await services.exchange.enrol(
                insz: person.insz, purpose: Self.purpose, caseReference: "D-1", until: LocalDate("2027-06-30")!, client: dvz,
                requestId: "r", traceparent: nil)
            // Registered before the notices: a new endpoint starts after the notices already stored.
            try await fixture.store.setWebhook(
                clientId: "dvz-residence", url: "https://dvz.example/hook", secret: StandardWebhooks.newSecret(), overlapUntil: nil)
            try await fixture.store.setWebhook(
                clientId: "dvz-residence", url: "https://dvz.example/hook", secret: StandardWebhooks.newSecret(), overlapUntil: nil)
            // Certificates issued and retracted in turn: every event changes the status, so each is a notice.
            for round in 0..<15 {
                let certificate = person.make(
                    "2026-11-\(10 + round / 2)", .certificateIssued(.init(kind: .integrationCertificate, documentId: "D-\(round)")))
                _ = try await services.register.append([certificate])
                _ = try await services.register.append([
                    person.make("2026-11-\(10 + round / 2)", .eventRetracted(.init(retractedEventId: certificate.eventId, reason: "test")))
                ])
            }
            let count = try await fixture.store.notices(clientId: "dvz-residence", after: 0, limit: 1000).count
            #expect(count == 30)
            let received = Received()
            var dispatchers: [WebhookDispatcher] = []
            for owner in ["instance-a", "instance-b"] {
                var dispatcher = WebhookDispatcher(store: fixture.store, owner: owner, clock: Instant.systemNow) { _, headers, _ in
                    received.ids.withLock { $0.append(headers["webhook-id"] ?? "") }
                    try await Task.sleep(for: .milliseconds(2))
                    return 200
                }
                dispatcher.batchSize = 4
                dispatchers.append(dispatcher)
            }
            // Bounded: a dispatcher that stops delivering fails the test below instead of hanging it.
            let deadline = ContinuousClock.now + .seconds(60)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for dispatcher in dispatchers {
                    group.addTask {
                        while received.ids.withLock({ $0.count }) < count, ContinuousClock.now < deadline {
                            if try await dispatcher.deliverDue() == 0 { try await Task.sleep(for: .milliseconds(5)) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(received.ids.withLock { $0 } == (1...count).map { "notice-dvz-residence-\($0)" })
            #expect(try await fixture.store.webhook(clientId: "dvz-residence")?.deliveredSequence == count)
        }
    }

    @Test(
        """
        /health/ready names its checks; /metrics counts requests by route pattern and disclosures by party and purpose, shows the log \
        and the webhook backlog, and no national number
        """,
        arguments: TestStores.backends)
    func readinessAndMetrics(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let ready = try await client.execute(uri: "/health/ready", method: .get) { ($0.status.code, String(buffer: $0.body)) }
            #expect(ready.0 == 200)
            #expect(ready.1.contains(#""database":"reachable"#) && ready.1.contains(#""protocols":"#) && ready.1.contains(#""keys":"#))
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            #expect(try await Self.lookup(client, token: token).0 == 200)
            #expect(try await Self.lookup(client, token: token, insz: "85073003329").0 == 422)
            // A webhook with a notice waiting: the backlog is one.
            let dvz = try #require(try await fixture.store.client(id: "dvz-residence"))
            var person = EventFactory()
            _ = try await fixture.services.exchange.enrol(
                insz: person.insz, purpose: Self.purpose, caseReference: "M-1", until: LocalDate("2027-06-30")!, client: dvz,
                requestId: "r", traceparent: nil)
            try await fixture.store.setWebhook(
                clientId: "dvz-residence", url: "https://dvz.example/hook", secret: StandardWebhooks.newSecret(), overlapUntil: nil)
            _ = try await fixture.services.register.append([
                person.make("2026-11-20", .certificateIssued(.init(kind: .integrationCertificate, documentId: "M")))
            ])
            _ = try await fixture.services.transparency.issueCheckpoint()
            let (status, text) = try await client.execute(uri: "/metrics", method: .get) { ($0.status.code, String(buffer: $0.body)) }
            #expect(status == 200)
            #expect(text.contains(#"koppeling_http_requests_total{route="/v1/exchange/lookups",method="POST",status="200"} 1"#))
            #expect(text.contains(#"koppeling_http_requests_total{route="/v1/exchange/lookups",method="POST",status="422"} 1"#))
            #expect(
                text.contains(
                    #"koppeling_disclosures_total{party="dvz",purpose="ART_1_2_INTEGRATION_EFFORTS",channel="lookup",outcome="allowed"} 1"#)
            )
            #expect(
                text.contains(
                    #"koppeling_disclosures_total{party="dvz",purpose="ART_1_2_INTEGRATION_EFFORTS",channel="follow",outcome="enrolled"} 1"#
                ))
            #expect(text.contains("koppeling_log_size 3"))
            #expect(text.contains(#"koppeling_webhook_outbox_depth{client="dvz-residence"} 1"#))
            #expect(text.contains(#"koppeling_http_request_duration_seconds_count{route="/v1/exchange/lookups",method="POST"} 2"#))
            #expect(!text.contains("85073003328") && !text.contains("8507300332"))
            // A log signed with another key than the one loaded: not ready, and the check is named.
            let other = TransparencyLog(
                store: fixture.store, origin: "koppeling.test/log", key: Curve25519.Signing.PrivateKey(), clock: Instant.systemNow)
            _ = try await fixture.store.appendDisclosures(
                [try #require(try await fixture.store.disclosures(client: "dvz-residence").first)].map {
                    var record = $0
                    record.disclosureId = UUID()
                    return record
                })
            _ = try await other.issueCheckpoint()
            let notReady = try await client.execute(uri: "/health/ready", method: .get) { ($0.status.code, String(buffer: $0.body)) }
            #expect(notReady.0 == 503)
            #expect(notReady.1.contains("urn:koppeling:problem:not-ready") && notReady.1.contains("keys: the log key does not verify"))
        }
    }

    @Test(
        """
        rotating the log and batch keys: what the retired keys signed still verifies and they are published; a key never published \
        still fails
        """,
        arguments: TestStores.backends)
    func keyRotation(backend: Backend) async throws {
        try await withApp(backend: backend) { _, fixture in
            let services = fixture.services
            let dvz = try #require(try await fixture.store.client(id: "dvz-residence"))
            var person = EventFactory()
            _ = try await services.exchange.enrol(
                insz: person.insz, purpose: Self.purpose, caseReference: "K-1", until: LocalDate("2027-06-30")!, client: dvz,
                requestId: "r", traceparent: nil)
            let certificate = person.make("2026-11-20", .certificateIssued(.init(kind: .integrationCertificate, documentId: "K")))
            _ = try await services.register.append([certificate])
            let firstCheckpoint = try #require(try await services.transparency.issueCheckpoint())
            let firstBatch = try #require(try await services.batches.run(client: dvz))
            let oldLogVerifier = services.transparency.verifier
            let oldBatchKey = services.batches.publicKey
            _ = try await SigningKey.log.rotate(in: fixture.store)
            _ = try await SigningKey.batch.rotate(in: fixture.store)
            // A restart takes the new keys and keeps the retired ones for verification.
            let restarted = try await KoppelingApp.services(store: fixture.store, configuration: .forTests, today: { Self.today })
            #expect(restarted.transparency.verifier != oldLogVerifier)
            #expect(restarted.transparency.retiredVerifiers == [oldLogVerifier])
            #expect(restarted.batches.publicKey.rawRepresentation != oldBatchKey.rawRepresentation)
            #expect(restarted.batches.retiredKeys.map(\.rawRepresentation) == [oldBatchKey.rawRepresentation])
            _ = try await restarted.register.append([
                person.make("2026-11-25", .eventRetracted(.init(retractedEventId: certificate.eventId, reason: "error")))
            ])
            let secondCheckpoint = try #require(try await restarted.transparency.issueCheckpoint())
            #expect(secondCheckpoint.size > firstCheckpoint.size)
            #expect(
                restarted.transparency.verifier.open(secondCheckpoint.note) != nil
                    && restarted.transparency.verifier.open(firstCheckpoint.note) == nil)
            let verification = try await restarted.transparency.verify()
            #expect(verification.problem == nil && verification.checkpoints == 2)
            // A log that knows neither the old key nor the new one names the first checkpoint.
            let stranger = TransparencyLog(
                store: fixture.store, origin: restarted.transparency.origin, key: Curve25519.Signing.PrivateKey(), clock: Instant.systemNow)
            #expect(try await stranger.verify().problem?.index == firstCheckpoint.size - 1)
            // The retired keys are published: the log's key lines and the batch listing; the old
            // manifest verifies with the retired batch key, and not with the new one.
            let file = try #require(try await fixture.store.batch(id: firstBatch.id, clientId: dvz.id)).file
            #expect(throws: Never.self) {
                try BatchManifest.verify(signedManifest: firstBatch.signedManifest, file: Array(file.utf8), key: oldBatchKey)
            }
            #expect(throws: (any Error).self) {
                try BatchManifest.verify(
                    signedManifest: firstBatch.signedManifest, file: Array(file.utf8), key: restarted.batches.publicKey)
            }
            let clientKey = fixture.clientKey
            try await Application(router: KoppelingApp.buildRouter(services: restarted, today: { Self.today })).test(.router) { client in
                let token = try #require(
                    try await Self.requestToken(client, try await Self.assertion(clientKey)).1["access_token"] as? String)
                let keys = try await client.execute(uri: "/v1/transparency/key", method: .get) { String(buffer: $0.body) }
                #expect(keys == restarted.transparency.verifier.verifierKey + "\n" + oldLogVerifier.verifierKey + "\n")
                let listing = try await Self.send(client, .get, "/v1/exchange/batches", token: token).1
                #expect(listing["retiredManifestKeys"] as? [String] == [oldBatchKey.rawRepresentation.base64EncodedString()])
                let ready = try await client.execute(uri: "/health/ready", method: .get) { $0.status.code }
                #expect(ready == 200)
            }
        }
    }

    @Test(
        """
        copy: a SQLite register with every kind of record moves to PostgreSQL as it is; the copy's log verifies with the source's \
        root; a non-empty target is refused
        """,
        .enabled(
            if: TestStores.postgresURL != nil || TestEnvironment.requireAll, "skipped: no PostgreSQL server (KOPPELING_TEST_POSTGRES_URL)"))
    func copyToPostgres() async throws {
        let path = try TestEnvironment.temporaryFolder().appendingPathComponent("source.sqlite").path
        try await withApp(path: path) { client, fixture in
            let services = fixture.services
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            #expect(try await Self.lookup(client, token: token).0 == 200)
            let enrol = #"{"insz":"85073003328","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"C-1","until":"2027-06-30"}"#
            #expect(try await Self.send(client, .post, "/v1/exchange/follows", token: token, body: enrol).0 == 201)
            try await fixture.store.setWebhook(
                clientId: "dvz-residence", url: "https://dvz.example/hook", secret: StandardWebhooks.newSecret(), overlapUntil: nil)
            var person = EventFactory()
            _ = try await services.register.append([
                person.make("2026-11-20", .certificateIssued(.init(kind: .integrationCertificate, documentId: "C")))
            ])
            let dvz = try #require(try await fixture.store.client(id: "dvz-residence"))
            _ = try await services.batches.run(client: dvz)
            _ = try await services.transparency.issueCheckpoint()
            _ = try await SigningKey.log.rotate(in: fixture.store)
            _ = try await services.register.store.sweepNotices(
                on: Self.today, planner: services.register.notices, at: services.exchange.clock())

            let target = try await TestStores.newPostgresDatabase()
            let report = try await KoppelingApp.copy(from: "sqlite:" + path, to: target, configuration: .forTests)
            let source = fixture.store
            #expect(report.verification.problem == nil && report.sameRoot)
            #expect(report.logSize == (try await source.logSize()) && report.logSize >= 4)
            let copy = try await PostgresRegisterStore(url: target)
            #expect(try await copy.protocolRecords() == source.protocolRecords())
            #expect(try await copy.party(id: "dvz") == source.party(id: "dvz"))
            for id in ["dvz-residence", "dvz-slow", "agii-system"] { #expect(try await copy.client(id: id) == source.client(id: id)) }
            #expect(try await copy.events(of: person.insz) == source.events(of: person.insz))
            #expect(try await copy.disclosures(client: "dvz-residence") == source.disclosures(client: "dvz-residence"))
            #expect(try await copy.checkpoints() == source.checkpoints())
            #expect(
                try await copy.follows(clientId: "dvz-residence", after: nil, limit: 10).map(\.follow)
                    == source.follows(clientId: "dvz-residence", after: nil, limit: 10).map(\.follow))
            #expect(
                try await copy.notices(clientId: "dvz-residence", after: 0, limit: 10).map(\.body)
                    == source.notices(clientId: "dvz-residence", after: 0, limit: 10).map(\.body))
            #expect(try await copy.webhooks() == source.webhooks())
            #expect(try await copy.batches(clientId: "dvz-residence") == source.batches(clientId: "dvz-residence"))
            for name in ["pseudonym-key", "token-signing-key", "log-signing-key", "batch-signing-key"] {
                #expect(try await copy.serverSecret(named: name) == source.serverSecret(named: name))
            }
            #expect(try await copy.retiredPublicKeys(named: "log-signing-key") == source.retiredPublicKeys(named: "log-signing-key"))
            // The copy takes new writes where the source left off.
            _ = try await copy.append([person.make("2026-11-26", .exemptionWithdrawn)])
            #expect(try await copy.events(of: person.insz).count == (try await source.events(of: person.insz).count) + 1)
            // A second copy into the same, no longer empty, database is refused and changes nothing.
            await #expect(throws: StoreError.self) {
                _ = try await KoppelingApp.copy(from: "sqlite:" + path, to: target, configuration: .forTests)
            }
            #expect(try await copy.logSize() == report.logSize)
        }
    }

    @Test(
        """
        shutdown during a delivery: the request in flight is not counted as a failure, what was delivered is saved, and the lease is \
        released at once
        """,
        arguments: TestStores.backends)
    func shutdownReleasesDeliveries(backend: Backend) async throws {
        try await withApp(backend: backend) { _, fixture in
            let services = fixture.services
            let dvz = try #require(try await fixture.store.client(id: "dvz-residence"))
            var person = EventFactory()
            _ = try await services.exchange.enrol(
                insz: person.insz, purpose: Self.purpose, caseReference: "S-1", until: LocalDate("2027-06-30")!, client: dvz,
                requestId: "r", traceparent: nil)
            try await fixture.store.setWebhook(
                clientId: "dvz-residence", url: "https://dvz.example/hook", secret: StandardWebhooks.newSecret(), overlapUntil: nil)
            for round in 0..<3 {
                let certificate = person.make(
                    "2026-11-1\(round)", .certificateIssued(.init(kind: .integrationCertificate, documentId: "S-\(round)")))
                _ = try await services.register.append([certificate])
                _ = try await services.register.append([
                    person.make("2026-11-1\(round)", .eventRetracted(.init(retractedEventId: certificate.eventId, reason: "test")))
                ])
            }
            // The receiver answers the first two at once and holds the third until shutdown.
            let received = Received()
            let dispatcher = WebhookDispatcher(store: fixture.store, owner: "instance-a", clock: Instant.systemNow) { _, headers, _ in
                let count = received.ids.withLock { ids in
                    ids.append(headers["webhook-id"] ?? "")
                    return ids.count
                }
                if count >= 3 { try await Task.sleep(for: .seconds(60)) }
                return 200
            }
            let running = Task { await dispatcher.run(logger: Logger(label: "test")) }
            for _ in 0..<200 where received.ids.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(10)) }
            running.cancel()
            await running.value
            let endpoint = try #require(try await fixture.store.webhook(clientId: "dvz-residence"))
            #expect(endpoint.deliveredSequence == 2)
            #expect(endpoint.attempts == 0 && endpoint.lastError == nil && endpoint.nextAttemptAt == nil)
            // Released: another instance takes the endpoint now, from the third notice, not in five minutes.
            let leases = try await fixture.store.claimDueWebhooks(
                at: Instant.systemNow(), owner: "instance-b", leaseUntil: Instant.systemNow().adding(seconds: 300), limit: 10)
            #expect(leases.map(\.endpoint.clientId) == ["dvz-residence"])
            #expect(leases.first?.notices.first?.sequence == 3)
        }
    }

    @Test(
        """
        webhook delivery backs off exponentially with jitter while the endpoint fails, then disables it after three days with its \
        last error
        """,
        arguments: TestStores.backends)
    func webhookBackOff(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let services = fixture.services
            let dvz = try #require(try await fixture.store.client(id: "dvz-residence"))
            var person = EventFactory()
            _ = try await services.exchange.enrol(
                insz: person.insz, purpose: Self.purpose, caseReference: "B-1", until: LocalDate("2027-06-30")!, client: dvz,
                requestId: "r", traceparent: nil)
            // A new endpoint receives the notices from its registration on.
            try await fixture.store.setWebhook(
                clientId: "dvz-residence", url: "https://dvz.example/hook", secret: StandardWebhooks.newSecret(), overlapUntil: nil)
            _ = try await services.register.append([
                person.make("2026-11-20", .certificateIssued(.init(kind: .integrationCertificate, documentId: "X")))
            ])
            let clock = FakeClock()
            let sent = Mutex(0)
            let dispatcher = WebhookDispatcher(store: fixture.store, clock: { clock.instant }) { _, headers, _ in
                #expect(headers["webhook-id"] == "notice-dvz-residence-1")
                sent.withLock { $0 += 1 }
                return 500
            }
            let start = clock.instant
            var delays: [Double] = []
            var disabled = false
            // Three days of back-off capped at an hour is under 100 attempts; 500 bounds a loop that would not end.
            for _ in 0..<500 {
                #expect(try await dispatcher.deliverDue() == 0)
                let endpoint = try #require(try await fixture.store.webhook(clientId: "dvz-residence"))
                guard let next = endpoint.nextAttemptAt else {
                    #expect(endpoint.disabled)
                    #expect(endpoint.lastError == "http_5xx")
                    #expect(endpoint.deliveredSequence == 0)
                    disabled = true
                    break
                }
                delays.append(Double(next.microsecondsSinceEpoch - clock.instant.microsecondsSinceEpoch) / 1e6)
                // Before the retry time nothing is sent.
                let before = sent.withLock { $0 }
                #expect(try await dispatcher.deliverDue() == 0)
                #expect(sent.withLock { $0 } == before)
                clock.set(next)
            }
            #expect(disabled, "the endpoint was disabled after three days of failures")
            #expect(clock.instant.microsecondsSinceEpoch - start.microsecondsSinceEpoch >= 3 * 86_400 * 1_000_000)
            // Each delay lies between half and all of 1 s doubling, capped at an hour.
            for (attempt, delay) in delays.enumerated() {
                let base = min(3600, pow(2, Double(attempt)))
                #expect(delay >= base * 0.5 - 0.001 && delay <= base + 0.001, "attempt \(attempt + 1): \(delay) s")
            }
            // A replay enables it again.
            _ = client
            #expect(try await fixture.store.replayWebhook(clientId: "dvz-residence", from: 1))
            #expect(try await fixture.store.webhook(clientId: "dvz-residence")?.disabled == false)
        }
    }

    @Test(
        """
        batch files: the notices since the previous batch, served with a signed manifest that verifies; a changed byte does not; each \
        batch is a log entry
        """,
        arguments: TestStores.backends)
    func batches(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            let services = fixture.services
            let dvz = try #require(try await fixture.store.client(id: "dvz-residence"))
            var person = EventFactory()
            _ = try await services.exchange.enrol(
                insz: person.insz, purpose: Self.purpose, caseReference: "BF-1", until: LocalDate("2027-06-30")!, client: dvz,
                requestId: "r", traceparent: nil)
            let certificate = person.make("2026-11-20", .certificateIssued(.init(kind: .integrationCertificate, documentId: "X")))
            _ = try await services.register.append([certificate])
            _ = try await services.register.append([
                person.make("2026-11-25", .eventRetracted(.init(retractedEventId: certificate.eventId, reason: "error")))
            ])
            // The daily pass leaves notices younger than a day for tomorrow's batch; with no wait it writes one now.
            let clients = fixture.store
            // The shipped protocol says "dagelijks": the notices are minutes old, so no batch is due.
            let policy = try await services.protocols.policy()
            #expect(policy.batchIntervalDays(party: "dvz", on: Self.today) == 1)
            #expect(policy.batchIntervalDays(party: "agii", on: Self.today) == nil)
            let schedule: @Sendable (RegisteredClient) async throws -> Int? = { policy.batchIntervalDays(party: $0.party, on: Self.today) }
            #expect(try await services.batches.runDue(clients: { try await clients.client(id: $0) }, intervalDays: schedule) == 0)
            #expect(try await services.batches.runDue(clients: { try await clients.client(id: $0) }, intervalDays: { _ in 0 }) == 1)
            let first = try #require(try await services.batches.store.batches(clientId: "dvz-residence").first)
            #expect(first.firstSequence == 1 && first.lastSequence == 2 && first.recordCount == 2)
            #expect(try await services.batches.run(client: dvz) == nil)
            let (_, listed, _) = try await Self.send(client, .get, "/v1/exchange/batches", token: token)
            let key = try Curve25519.Signing.PublicKey(
                rawRepresentation: Data(base64Encoded: try #require(listed["manifestKey"] as? String))!)
            #expect((listed["batches"] as? [[String: Any]])?.map { $0["id"] as? String } == [first.id])
            let file = try await client.execute(
                uri: "/v1/exchange/batches/\(first.id)", method: .get, headers: [.authorization: "Bearer \(token)"]
            ) { response in
                #expect(response.headers[.contentType] == "application/x-ndjson")
                return Array(response.body.readableBytesView)
            }
            let manifest = try await client.execute(
                uri: "/v1/exchange/batches/\(first.id)/manifest", method: .get, headers: [.authorization: "Bearer \(token)"]
            ) { String(buffer: $0.body) }
            let members = try BatchManifest.verify(signedManifest: manifest, file: file, key: key)
            #expect(members["recordCount"] == .integer(2) && members["clientId"] == .string("dvz-residence"))
            var changed = file
            changed[10] ^= 1
            #expect(throws: BatchManifest.VerificationError.self) {
                try BatchManifest.verify(signedManifest: manifest, file: changed, key: key)
            }
            #expect(throws: BatchManifest.VerificationError.self) {
                try BatchManifest.verify(signedManifest: manifest, file: file, key: Curve25519.Signing.PrivateKey().publicKey)
            }
            #expect(try await Self.send(client, .get, "/v1/exchange/batches/\(UUID().uuidString.lowercased())", token: token).0 == 404)
            // The batch is a log entry, and so is its one download.
            #expect(
                try await fixture.store.disclosures(client: "dvz-residence").map(\.outcome.rawValue) == [
                    "enrolled", "notice", "notice", "batch", "delivered",
                ])
        }
    }

    @Test(
        """
        4: every delivery path checks the protocol at that moment: suspended, the feed holds back, the webhook waits without failing, \
        no batch is written or handed out; reinstated, all goes out; revoked, what is pending is passed over
        """,
        arguments: TestStores.backends)
    func deliveryChecksProtocol(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let token = try #require(
                try await Self.requestToken(client, try await Self.assertion(fixture.clientKey)).1["access_token"] as? String)
            let services = fixture.services
            let dvz = try #require(try await fixture.store.client(id: "dvz-residence"))
            var person = EventFactory()
            _ = try await services.exchange.enrol(
                insz: person.insz, purpose: Self.purpose, caseReference: "D-1", until: LocalDate("2027-06-30")!, client: dvz,
                requestId: "r", traceparent: nil)
            // Registered before the notices: a new endpoint starts after the notices already stored.
            try await fixture.store.setWebhook(
                clientId: "dvz-residence", url: "https://dvz.example/hook", secret: StandardWebhooks.newSecret(), overlapUntil: nil)
            let certificate = person.make("2026-11-20", .certificateIssued(.init(kind: .integrationCertificate, documentId: "D")))
            _ = try await services.register.append([certificate])
            _ = try await services.register.append([
                person.make("2026-11-21", .eventRetracted(.init(retractedEventId: certificate.eventId, reason: "error")))
            ])
            let batch = try #require(try await services.batches.run(client: dvz))
            let received = Received()
            var dispatcher = WebhookDispatcher(store: fixture.store, clock: Instant.systemNow) { _, headers, _ in
                received.ids.withLock { $0.append(headers["webhook-id"] ?? "") }
                return 200
            }
            dispatcher.screen = services.exchange.noticeScreen
            // Held notices are looked at again at once here (a minute in the server).
            dispatcher.heldRetrySeconds = 0
            let id = "kbi-dvz-integration-efforts"

            _ = try await services.protocols.suspend(id: id, version: 2, reason: "DPO inquiry", actor: "test")
            let (status, held, _) = try await Self.send(client, .get, "/v1/exchange/changes?after=0", token: token)
            #expect(status == 200)
            #expect((held["notices"] as? [Any])?.isEmpty == true)
            #expect((held["held"] as? [String: Any])?["reason"] as? String == "suspended")
            #expect((held["held"] as? [String: Any])?["sequence"] as? Int == 1)
            #expect(try await Self.send(client, .get, "/v1/exchange/batches/\(batch.id)", token: token).0 == 403)
            #expect(try await dispatcher.deliverDue() == 0)
            let waiting = try #require(try await fixture.store.webhook(clientId: "dvz-residence"))
            #expect(waiting.deliveredSequence == 0 && waiting.attempts == 0 && waiting.lastError == nil && waiting.nextAttemptAt != nil)
            #expect(received.ids.withLock { $0.isEmpty })
            // Nothing went out, so no pull is recorded.
            #expect(!(try await fixture.store.disclosures(client: "dvz-residence").contains { $0.outcome == .delivered }))

            // Staff alone cannot reinstate: both parties sign, as for publishing.
            await #expect(throws: ProtocolTransitionError.self) {
                _ = try await services.protocols.reinstate(id: id, version: 2, reason: "inquiry closed", signatures: [], actor: "test")
            }
            try await #require(fixture.parties).reinstate(id: id, version: 2, reason: "inquiry closed", in: services.protocols)
            let resumed = try await Self.send(client, .get, "/v1/exchange/changes?after=0", token: token)
            #expect((resumed.1["notices"] as? [[String: Any]])?.map { $0["sequence"] as? Int } == [1, 2])
            #expect(resumed.1["held"] == nil)
            #expect(try await Self.send(client, .get, "/v1/exchange/batches/\(batch.id)", token: token).0 == 200)
            #expect(try await dispatcher.deliverDue() == 2)

            // Pending when the protocol is revoked: passed over everywhere, never handed out.
            _ = try await services.register.append([
                person.make("2026-11-22", .certificateIssued(.init(kind: .integrationCertificate, documentId: "E")))
            ])
            _ = try await services.protocols.revoke(id: id, version: 2, reason: "ended", actor: "test")
            let passed = try await Self.send(client, .get, "/v1/exchange/changes?after=2", token: token)
            #expect((passed.1["notices"] as? [Any])?.isEmpty == true)
            #expect(passed.1["last"] as? Int == 3 && passed.1["held"] == nil)
            #expect(try await dispatcher.deliverDue() == 0)
            #expect(try await fixture.store.webhook(clientId: "dvz-residence")?.deliveredSequence == 3)
            #expect(received.ids.withLock { $0.count } == 2)
            #expect(try await Self.send(client, .get, "/v1/exchange/batches/\(batch.id)", token: token).0 == 403)
            #expect(try await services.batches.run(client: dvz) == nil)
        }
    }

    @Test("a follow past its until, or under a suspended protocol, produces no notice", arguments: TestStores.backends)
    func noNoticeAfterUntilOrSuspension(backend: Backend) async throws {
        try await withApp(backend: backend) { client, fixture in
            let services = fixture.services
            let dvz = try #require(try await fixture.store.client(id: "dvz-residence"))
            var person = EventFactory()
            _ = try await services.exchange.enrol(
                insz: person.insz, purpose: Self.purpose, caseReference: "U-1", until: LocalDate("2026-11-29")!, client: dvz,
                requestId: "r", traceparent: nil)
            // The follow runs today (its last day): a change notifies.
            let certificate = person.make("2026-11-20", .certificateIssued(.init(kind: .integrationCertificate, documentId: "A")))
            _ = try await services.register.append([certificate])
            #expect(try await fixture.store.notices(clientId: "dvz-residence", after: 0, limit: 10).count == 1)
            // Past its until (the planner and the sweep of the next day): a retraction that changes the status notifies nobody.
            let tomorrow = ChangeNoticePlanner(engine: StatusEngine(), today: { LocalDate("2026-11-30")! })
            _ = try await fixture.store.append(
                [person.make("2026-11-21", .eventRetracted(.init(retractedEventId: certificate.eventId, reason: "error")))],
                provenance: .tests, notices: tomorrow)
            #expect(
                try await fixture.store.sweepNotices(
                    on: LocalDate("2026-11-30")!, planner: tomorrow, at: Instant(microsecondsSinceEpoch: 1)) == 0)
            #expect(try await fixture.store.notices(clientId: "dvz-residence", after: 0, limit: 10).count == 1)
            // Under a suspended protocol: nothing, for a follow that is otherwise active.
            var other = EventFactory(insz: "17073003384")
            _ = try await services.exchange.enrol(
                insz: other.insz, purpose: Self.purpose, caseReference: "U-2", until: LocalDate("2027-06-30")!, client: dvz, requestId: "r",
                traceparent: nil)
            _ = try await services.protocols.suspend(id: "kbi-dvz-integration-efforts", version: 2, reason: "audit", actor: "test")
            _ = try await services.register.append([
                other.make(
                    "2026-10-01",
                    .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate("2026-10-01"), periodEnd: nil)))
            ])
            #expect(try await fixture.store.notices(clientId: "dvz-residence", after: 0, limit: 10).count == 1)
            _ = client
        }
    }
}
