import Foundation
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import KoppelingDemoData
import KoppelingStore
import KoppelingStoreSQLite
import KoppelingTestSupport
import Testing

@Suite("Register HTTP API")
struct RegisterAPITests {
    static let today = LocalDate("2026-11-29")!

    func withApp(_ body: @Sendable (any TestClientProtocol, SQLiteRegisterStore) async throws -> Void) async throws {
        let store = try SQLiteRegisterStore()
        let services = try await KoppelingApp.services(store: store, configuration: .forTests, today: { Self.today })
        let router = KoppelingApp.buildRouter(services: services, today: { Self.today })
        let token = try await accessToken(role: .agency, services: services)
        let app = Application(router: router)
        try await app.test(.router) { client in try await body(AuthorizedTestClient(base: client, token: token), store) }
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    static let events = """
        [{"eventId":"11111111-1111-4111-8111-111111111111","insz":"85073003328","type":"target_group_determined",\
        "effectiveDate":"2026-10-01","source":"agii","data":{"code":"JA","targetType":"PLICHT","periodStart":"2026-10-01",\
        "periodEnd":null}},
         {"eventId":"22222222-2222-4222-8222-222222222222","insz":"85073003328","type":"residence_changed","effectiveDate":"2026-10-01",\
        "source":"agii","data":{"region":"flanders","nisCode":"44021"}}]
        """

    @Test("events in, status and dossier out; national numbers only in bodies")
    func roundTrip() async throws {
        try await withApp { client, _ in
            try await client.execute(
                uri: "/v1/register/events", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: Self.events)
            ) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                #expect(body["stored"] as? Int == 2)
            }
            try await client.execute(
                uri: "/v1/register/events", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: Self.events)
            ) { response in
                let parsed = try Self.json(response.body)
                #expect(parsed["alreadyPresent"] as? Int == 2)
            }
            try await client.execute(
                uri: "/v1/register/persons/status", method: .post,
                body: ByteBuffer(string: #"{"insz":"85073003328","purpose":"TRAJECTORY_GUIDANCE","caseReference":"AGII-1"}"#)
            ) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                #expect(body["status"] as? String == "registration_window_open")
                #expect(body["referenceDate"] as? String == "2026-11-29")
                #expect(body["since"] as? String == "2026-10-01")
                #expect((body["reasons"] as? [[String: Any]])?.first?["legalReference"] is String)
                #expect((body["flags"] as? [String: Any])?["finesDecided"] as? Int == 0)
            }
            try await client.execute(
                uri: "/v1/register/persons/status", method: .post,
                body: ByteBuffer(
                    string: #"{"insz":"85073003328","purpose":"TRAJECTORY_GUIDANCE","caseReference":"AGII-1","referenceDate":"2027-01-02"}"#
                )
            ) { response in
                let parsed = try Self.json(response.body)
                #expect(parsed["status"] as? String == "registration_overdue")
            }
            try await client.execute(
                uri: "/v1/register/persons/status", method: .post,
                body: ByteBuffer(
                    string: #"{"insz":"85073003328","purpose":"DATA_QUALITY","caseReference":"AGII-1","knownAt":"2000-01-01T00:00:00Z"}"#)
            ) { response in
                let parsed = try Self.json(response.body)
                #expect(parsed["status"] as? String == "unknown")
            }
            try await client.execute(
                uri: "/v1/register/persons/dossier", method: .post,
                body: ByteBuffer(string: #"{"insz":"85073003328","purpose":"TRAJECTORY_GUIDANCE","caseReference":"AGII-1"}"#)
            ) { response in
                let events = try #require(try Self.json(response.body)["events"] as? [[String: Any]])
                #expect(events.count == 2)
                #expect(events.allSatisfy { $0["recordedAt"] is String })
            }
        }
    }

    @Test("NDJSON is accepted, and a bad line refuses the whole batch naming the line")
    func ndjson() async throws {
        try await withApp { client, store in
            let generator = PopulationGenerator(seed: 3, persons: 2)
            let lines = generator.events(ofPerson: 0).map(\.jsonLine)
            var bad = lines
            bad.insert(
                #"""
                {"eventId":"33333333-3333-4333-8333-333333333333","insz":"85073003328","type":"registered",\#
                "effectiveDate":"2026-10-05","source":"agii","data":{"kind":"third","agency":"agii"}}
                """#,
                at: 1)
            try await client.execute(
                uri: "/v1/register/events", method: .post, headers: [.contentType: "application/x-ndjson"],
                body: ByteBuffer(string: bad.joined(separator: "\n"))
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try Self.json(response.body)
                #expect(body["type"] as? String == "urn:koppeling:problem:invalid-events")
                let errors = try #require(body["errors"] as? [[String: Any]])
                #expect(errors.count == 1)
                #expect(errors[0]["line"] as? Int == 2)
                #expect(errors[0]["pointer"] as? String == "data.kind")
                #expect(!String(buffer: response.body).contains("85073003328"))
            }
            #expect(try await store.counts().events == 0)
            try await client.execute(
                uri: "/v1/register/events", method: .post, headers: [.contentType: "application/x-ndjson"],
                body: ByteBuffer(string: lines.joined(separator: "\n") + "\n")
            ) { response in
                #expect(response.status == .ok)
                let parsed = try Self.json(response.body)
                #expect(parsed["stored"] as? Int == lines.count)
            }
        }
    }

    @Test("a conflicting id answers 409 and stores nothing of the batch")
    func conflict() async throws {
        try await withApp { client, store in
            try await client.execute(uri: "/v1/register/events", method: .post, body: ByteBuffer(string: Self.events)) { response in
                #expect(response.status == .ok)
                _ = response
            }
            let changed = Self.events.replacingOccurrences(of: "44021", with: "11002")
                .replacingOccurrences(of: "11111111-1111-4111-8111-111111111111", with: "44444444-4444-4444-8444-444444444444")
            try await client.execute(uri: "/v1/register/events", method: .post, body: ByteBuffer(string: changed)) { response in
                #expect(response.status == .conflict)
                let body = try Self.json(response.body)
                #expect(body["type"] as? String == "urn:koppeling:problem:event-conflict")
                #expect((body["errors"] as? [[String: Any]])?.first?["index"] as? Int == 1)
            }
            #expect(try await store.counts().events == 2)
        }
    }

    @Test("more than 1,000 events in one request are refused")
    func tooMany() async throws {
        try await withApp { client, _ in
            let generator = PopulationGenerator(seed: 1, persons: 400)
            var lines: [String] = []
            var index = 0
            while lines.count <= 1000 {
                lines += generator.events(ofPerson: index).map(\.jsonLine)
                index += 1
            }
            try await client.execute(
                uri: "/v1/register/events", method: .post, body: ByteBuffer(string: "[" + lines.joined(separator: ",") + "]")
            ) { response in
                #expect(response.status == .contentTooLarge)
                let parsed = try Self.json(response.body)
                #expect(parsed["type"] as? String == "urn:koppeling:problem:batch-too-large")
            }
        }
    }

    @Test(
        "errors are problem documents with stable types",
        arguments: [
            (
                "/v1/register/persons/status", #"{"insz":"85073003329","purpose":"ENFORCEMENT","caseReference":"c"}"#, 422,
                "invalid-national-number"
            ),
            (
                "/v1/register/persons/status",
                #"{"insz":"85073003328","purpose":"ENFORCEMENT","caseReference":"c","referenceDate":"29/11/2026"}"#, 400, "invalid-request"
            ),
            ("/v1/register/persons/status", #"{"insz":"85073003328"}"#, 400, "invalid-request"),
            ("/v1/register/persons/status", #"{"insz":"85073003328","purpose":"CURIOSITY","caseReference":"c"}"#, 400, "invalid-request"),
            ("/v1/register/persons/dossier", #"{"insz":"85073003328","purpose":"ENFORCEMENT","caseReference":""}"#, 400, "invalid-request"),
            ("/v1/register/persons/status", #"not json"#, 400, "invalid-request"),
            ("/v1/register/events", #"{"not":"an array"}"#, 400, "invalid-request"),
            ("/v1/register/imports/kbi", "<unclosed>", 422, "kbi-malformed-xml"),
            ("/v1/register/nowhere", "", 404, "not-found"),
        ])
    func problems(path: String, body: String, status: Int, type: String) async throws {
        try await withApp { client, _ in
            try await client.execute(uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
            { response in
                #expect(Int(response.status.code) == status)
                #expect(response.headers[.contentType] == "application/problem+json")
                let document = try Self.json(response.body)
                #expect(document["type"] as? String == "urn:koppeling:problem:\(type)")
                #expect(document["status"] as? Int == status)
                #expect(!String(buffer: response.body).contains("8507300332"))
            }
        }
    }

    @Test("a KBI answer is imported over HTTP with its report; a repeat adds nothing")
    func kbiImport() async throws {
        try await withApp { client, store in
            let data = try Data(contentsOf: TestEnvironment.ownKBIFixtures.appendingPathComponent("infringement.xml"))
            for expected in [3, 0] {
                try await client.execute(
                    uri: "/v1/register/imports/kbi", method: .post, headers: [.contentType: "application/xml"],
                    body: ByteBuffer(bytes: data)
                ) { response in
                    #expect(response.status == .ok)
                    let body = try Self.json(response.body)
                    #expect(body["stored"] as? Int == expected)
                    #expect((body["unmapped"] as? [[String: Any]])?.first?["value"] as? String == "1")
                }
            }
            #expect(try await store.counts().events == 3)
        }
    }

    @Test("a KBI answer with a non-UTF-8 byte in a comment is refused with its position, and the server answers on (found by fuzzing)")
    func kbiInvalidUTF8() async throws {
        let crash = TestEnvironment.packageRoot.appendingPathComponent("Fuzz/crashes/kbi-invalid-utf8-in-comment")
        try await withApp { client, store in
            try await client.execute(
                uri: "/v1/register/imports/kbi", method: .post, headers: [.contentType: "application/xml"],
                body: ByteBuffer(bytes: try Data(contentsOf: crash))
            ) { response in
                #expect(response.status == .unprocessableContent)
                let body = try Self.json(response.body)
                #expect(body["type"] as? String == "urn:koppeling:problem:kbi-malformed-xml")
                #expect((body["detail"] as? String)?.contains("line 4") == true, "\(body)")
            }
            try await client.execute(uri: "/health/live", method: .get) { response in #expect(response.status == .ok) }
            #expect(try await store.counts().events == 0)
        }
    }

    @Test("health")
    func health() async throws {
        try await withApp { client, _ in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
                _ = response
            }
        }
    }
}
