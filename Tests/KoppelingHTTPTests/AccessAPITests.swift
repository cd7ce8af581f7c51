import Foundation
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import KoppelingHTTP
import KoppelingStore
import KoppelingStoreSQLite
import KoppelingTestSupport
import Testing

@Suite("Access: authenticated clients, roles, and the OpenAPI document")
struct AccessAPITests {
    static let today = LocalDate("2026-11-29")!

    /// Written out here, apart from the server's own table, as the issue states it: the public
    /// routes, and for every other route the roles that may use it.
    static let publicRoutes: Set<String> = [
        "GET /health/live", "GET /health/ready", "GET /metrics", "GET /openapi.json", "POST /oauth/token", "GET /v1/protocols",
        "GET /v1/protocols/{id}/versions/{version}", "GET /v1/protocols/{id}/versions/{version}/document",
        "GET /v1/transparency/checkpoint", "GET /v1/transparency/checkpoints", "GET /v1/transparency/key",
        "GET /v1/transparency/proofs/inclusion", "GET /v1/transparency/proofs/consistency",
    ]
    static let allowedRoles: [String: Set<ClientRole>] = [
        "POST /v1/register/events": [.agency],
        "POST /v1/register/imports/kbi": [.agency],
        "POST /v1/register/persons/status": [.agency, .staff],
        "POST /v1/register/persons/dossier": [.agency, .staff],
        "POST /v1/protocols": [.staff],
        "POST /v1/protocols/{id}/versions/{version}/advices": [.staff],
        "POST /v1/protocols/{id}/versions/{version}/signatures": [.staff],
        "POST /v1/protocols/{id}/versions/{version}/publish": [.staff],
        "POST /v1/protocols/{id}/versions/{version}/suspend": [.staff],
        "POST /v1/protocols/{id}/versions/{version}/reinstate": [.staff],
        "POST /v1/protocols/{id}/versions/{version}/revoke": [.staff],
        "POST /v1/exchange/lookups": [.recipient],
        "POST /v1/exchange/lookups/batch": [.recipient],
        "POST /v1/exchange/follows": [.recipient],
        "GET /v1/exchange/follows": [.recipient],
        "POST /v1/exchange/follows/{id}/end": [.recipient],
        "GET /v1/exchange/changes": [.recipient],
        "POST /v1/exchange/webhook/replay": [.recipient],
        "GET /v1/exchange/batches": [.recipient],
        "GET /v1/exchange/batches/{id}": [.recipient],
        "GET /v1/exchange/batches/{id}/manifest": [.recipient],
        "POST /v1/staff/clients/{id}/webhook": [.staff],
        "GET /v1/staff/webhooks": [.staff],
        "GET /v1/transparency/entries": [.staff],
        "POST /v1/audit/disclosures/search": [.staff],
        "POST /v1/citizen/disclosures": [.citizenPortal],
        "GET /v1/enforcement/queues/{queue}": [.enforcement],
        "POST /v1/enforcement/decisions": [.enforcement],
        "GET /v1/enforcement/approvals": [.enforcement],
        "POST /v1/enforcement/approvals/{id}": [.enforcement],
    ]

    /// The routes of the router as `METHOD /path/{param}`.
    /// The API's routes. The console's HTML pages (`/console/…`) are not in the API document, nor
    /// behind client credentials: ConsolePageTests covers them.
    static func routes(_ router: Router<KoppelingRequestContext>) -> [String] {
        router.routes.filter { !$0.path.description.hasPrefix("/console") && !$0.path.description.hasPrefix("console") }.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(
                separator: "/")
            return "\(route.method) /\(path)"
        }
    }

    static func uri(_ route: String) -> (HTTPRequest.Method, String) {
        let parts = route.split(separator: " ", maxSplits: 1)
        let path = String(parts[1]).replacingOccurrences(of: "{id}", with: "kbi-dvz-integration-efforts").replacingOccurrences(
            of: "{version}", with: "1")
        return (HTTPRequest.Method(String(parts[0]))!, path)
    }

    func withApp(_ body: @Sendable (any TestClientProtocol, KoppelingServices, [String]) async throws -> Void) async throws {
        let store = try SQLiteRegisterStore()
        let services = try await KoppelingApp.services(store: store, configuration: .forTests, today: { Self.today })
        let router = KoppelingApp.buildRouter(services: services, today: { Self.today })
        let routes = Self.routes(router)
        try await Application(router: router).test(.router) { client in try await body(client, services, routes) }
    }

    @Test(
        """
        every answer, problems included, carries the request id (the client's if valid, else a new one) and a valid traceparent; a \
        malformed one is dropped
        """
    )
    func requestIdsAndTraceparent() async throws {
        try await withApp { client, _, _ in
            let trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            for uri in ["/health/live", "/v1/exchange/changes"] {
                try await client.execute(uri: uri, method: .get, headers: [.init("X-Request-Id")!: "req-42", .init("traceparent")!: trace])
                { response in
                    #expect(response.headers[.init("X-Request-Id")!] == "req-42", "\(uri)")
                    #expect(response.headers[.init("traceparent")!] == trace, "\(uri)")
                }
            }
            for bad in [
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "bogus",
            ] {
                try await client.execute(
                    uri: "/health/live", method: .get, headers: [.init("X-Request-Id")!: "has space", .init("traceparent")!: bad]
                ) { response in
                    #expect(response.headers[.init("traceparent")!] == nil, "\(bad)")
                    let id = response.headers[.init("X-Request-Id")!]
                    #expect(id != nil && id != "has space" && UUID(uuidString: id ?? "") != nil)
                }
            }
        }
    }

    @Test("every route is public or listed with its roles; without credentials the others answer 401 with WWW-Authenticate")
    func withoutCredentials() async throws {
        try await withApp { client, _, routes in
            #expect(routes.count == Self.publicRoutes.count + Self.allowedRoles.count)
            for route in routes {
                let (method, path) = Self.uri(route)
                try await client.execute(uri: path, method: method, body: ByteBuffer(string: "{}")) { response in
                    if Self.publicRoutes.contains(route) {
                        #expect(response.status != .unauthorized && response.status != .forbidden, "\(route)")
                    } else {
                        #expect(Self.allowedRoles[route] != nil, "\(route) is neither public nor listed")
                        #expect(response.status == .unauthorized, "\(route)")
                        #expect(response.headers[.wwwAuthenticate] == "Bearer", "\(route)")
                        #expect(response.headers[.contentType] == "application/problem+json", "\(route)")
                        #expect(String(buffer: response.body).contains("urn:koppeling:problem:unauthorized"), "\(route)")
                    }
                }
            }
        }
    }

    @Test("a token that is not ours is 401, never 200", arguments: ["not-a-jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])
    func badToken(token: String) async throws {
        try await withApp { client, _, _ in
            try await client.execute(
                uri: "/v1/register/persons/status", method: .post, headers: [.authorization: "Bearer \(token)"],
                body: ByteBuffer(string: #"{"insz":"85073003328"}"#)
            ) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(
                uri: "/v1/register/persons/status", method: .post, headers: [.authorization: "Basic dXNlcjpwYXNz"],
                body: ByteBuffer(string: #"{"insz":"85073003328"}"#)
            ) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test("each role reaches exactly its endpoints; a recipient never reads the register", arguments: ClientRole.allCases)
    func roles(role: ClientRole) async throws {
        try await withApp { client, services, routes in
            let token = try await accessToken(role: role, services: services)
            for route in routes where !Self.publicRoutes.contains(route) {
                let allowed = try #require(Self.allowedRoles[route]).contains(role)
                let (method, path) = Self.uri(route)
                try await client.execute(
                    uri: path, method: method, headers: [.authorization: "Bearer \(token)"], body: ByteBuffer(string: "{}")
                ) { response in
                    if allowed {
                        #expect(
                            response.status != .unauthorized && response.status != .forbidden, "\(role) on \(route): \(response.status)")
                    } else {
                        #expect(response.status == .forbidden, "\(role) on \(route)")
                        #expect(String(buffer: response.body).contains("urn:koppeling:problem:role-not-allowed"), "\(role) on \(route)")
                    }
                }
            }
        }
    }

    @Test("a method a served path does not declare (TRACE, PUT) is answered 405 with Allow naming its methods; an unknown path 404")
    func methodNotAllowed() async throws {
        try await withApp { client, _, routes in
            var methods: [String: Set<String>] = [:]
            for route in routes {
                let (method, path) = Self.uri(route)
                methods[path, default: []].insert(method.rawValue)
            }
            #expect(methods.count > 20)
            for (path, allowed) in methods {
                for method in [HTTPRequest.Method("TRACE")!, .put] where !allowed.contains(method.rawValue) {
                    try await client.execute(uri: path, method: method) { response in
                        #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                        #expect(response.headers[.allow] == allowed.sorted().joined(separator: ", "), "\(path)")
                        #expect(response.headers[.contentType] == "application/problem+json")
                    }
                }
            }
            try await client.execute(uri: "/v1/nothing-here", method: HTTPRequest.Method("TRACE")!) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/health/live", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    @Test("the OpenAPI document is served, is OpenAPI 3.1, and lists exactly the router's routes")
    func openAPI() async throws {
        try await withApp { client, _, routes in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect(document["openapi"] as? String == "3.1.0")
                let paths = try #require(document["paths"] as? [String: [String: Any]])
                var documented: Set<String> = []
                for (path, operations) in paths {
                    for method in operations.keys where ["get", "post", "put", "delete", "patch"].contains(method) {
                        documented.insert("\(method.uppercased()) \(path)")
                    }
                }
                #expect(documented == Set(routes))
                for (path, operations) in paths {
                    for (method, value) in operations {
                        let operation = try #require(value as? [String: Any])
                        let security = operation["security"] as? [Any]
                        let isPublic = Self.publicRoutes.contains("\(method.uppercased()) \(path)")
                        #expect(
                            (security?.isEmpty == true) == isPublic, "\(method) \(path): security must be empty exactly for public routes")
                        let responses = try #require(operation["responses"] as? [String: Any])
                        if !isPublic {
                            #expect(responses["401"] != nil && responses["403"] != nil, "\(method) \(path) documents 401 and 403")
                        }
                    }
                }
            }
        }
    }

    @Test(
        "the served document is the repository's openapi.yaml, and openapi-spec-validator finds it valid OpenAPI 3.1",
        .enabled(
            if: TestEnvironment.pythonWithStdnum != nil || TestEnvironment.requireAll,
            "skipped: no .venv with openapi-spec-validator; scripts/test creates it"))
    func openAPIFile() async throws {
        let python = try #require(TestEnvironment.pythonWithStdnum, "KOPPELING_REQUIRE_ALL=1 but no Python with openapi-spec-validator")
        let served = try TestEnvironment.temporaryFolder().appendingPathComponent("served.json")
        try await withApp { client, _, _ in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                try Data(response.body.readableBytesView).write(to: served)
            }
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [
            TestEnvironment.packageRoot.appendingPathComponent("Tests/oracle/check_openapi.py").path,
            TestEnvironment.packageRoot.appendingPathComponent("openapi.yaml").path, served.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && report == "ok\n", "\(report)")
    }

    @Test("the protocol history names the authenticated staff client as the actor")
    func actorIsTheClient() async throws {
        try await withApp { client, services, _ in
            let token = try await accessToken(role: .staff, services: services)
            let yaml = try String(
                contentsOf: TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml"),
                encoding: .utf8)
            try await client.execute(
                uri: "/v1/protocols", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "application/yaml"],
                body: ByteBuffer(string: yaml)
            ) { response in
                #expect(response.status == .created)
            }
            let record = try #require(try await services.protocols.store.protocolRecord(id: "kbi-dvz-integration-efforts", version: 2))
            #expect(record.history.last?.actor.hasPrefix("test-staff-") == true)
        }
    }
}
