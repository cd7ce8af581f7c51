import Foundation
import KoppelingCore
import KoppelingStoreSQLite
import KoppelingTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The console in a real browser: headless Chromium driven by Selenium (Tests/oracle/console_browser.py)
/// against `koppeling serve` on a demo register, with axe on every page and a screenshot of each.
// One test at a time: each runs several Chromium processes, and the rest of the suite runs
// beside them on a 2-core CI machine (a webhook delivery test timed out once under that load).
@Suite(
    "Console in a browser", .serialized,
    .enabled(
        if: TestEnvironment.browser != nil || TestEnvironment.requireAll,
        "skipped: needs Debian's chromium and chromium-driver, and selenium with axe-selenium-python in .venv (scripts/test installs those)"
    ))
struct ConsoleBrowserTests {
    /// The person the browser looks up, and the event of theirs that was retracted.
    static let insz = "85073003328"
    static let retracted = "11111111-1111-4111-8111-111111111105"
    static let retractionReason = "uitgereikt aan de verkeerde persoon"

    /// The person's file (Tests/Fixtures/console/person.ndjson): determined obliged, registered, a
    /// contract, and a certificate that was retracted because it went to the wrong person.
    static let events = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/console/person.ndjson")

    /// The screens each role opens, by their menu titles, and where each screen is: written out
    /// here from the issue, not taken from the code.
    static let screens: [String: [String]] = [
        "case_officer": ["Persoon opzoeken", "KBI-import"], "enforcement_officer": ["Persoon opzoeken", "Handhaving"],
        "dpo": ["Persoon opzoeken", "Protocollen", "Audit"], "protocol_admin": ["Protocollen"], "administrator": ["Beheer"],
    ]
    static let screenPaths = [
        "Persoon opzoeken": "/console/personen", "KBI-import": "/console/kbi-import", "Protocollen": "/console/protocollen",
        "Audit": "/console/audit", "Beheer": "/console/beheer", "Handhaving": "/console/handhaving",
    ]

    @Test(
        """
        users of every role enrol and sign in with password and TOTP; each sees exactly its screens; a person search never puts \
        the number in an address the browser visited or a log line; the timeline marks a retracted event; who saw the dossier \
        is proven; forms without their CSRF token are refused; axe finds no serious violation
        """)
    func console() async throws {
        let python = try #require(TestEnvironment.browser, "KOPPELING_REQUIRE_ALL=1 but chromium, chromedriver or selenium is missing")
        let folder = try TestEnvironment.temporaryFolder()
        #expect(try koppeling(["demo", "--persons", "200", "--no-serve"], in: folder).status == 0)
        try FileManager.default.copyItem(at: Self.events, to: folder.appendingPathComponent("person.ndjson"))
        let imported = try koppeling(
            ["import", "events", "person.ndjson", "--database", "koppeling-demo.sqlite"], in: folder)
        #expect(imported.status == 0, "\(imported.err)")
        let roles = [
            ("dossier", "case_officer"), ("handhaver", "enforcement_officer"), ("fgb", "dpo"), ("protocollen", "protocol_admin"),
            ("beheer", "administrator"),
        ]
        var users: [String: Any] = [:]
        for (name, role) in roles {
            let added = try koppeling(["user", "add", "--database", "koppeling-demo.sqlite", "--name", name, "--role", role], in: folder)
            let link = try #require(added.out.split(separator: "\n").first { $0.contains("/console/inschrijven?token=") }, "\(added.out)")
            users[name] = ["link": String(link), "roles": [role]]
        }
        let setup: [String: Any] = [
            "users": users, "insz": Self.insz, "retracted": Self.retracted, "retractionReason": Self.retractionReason,
            "caseOfficer": "dossier", "dpo": "fgb", "administrator": "beheer", "enforcementOfficer": "handhaver", "screens": Self.screens,
            "screenPaths": Self.screenPaths,
            "kbiFiles": ["obliged-certificate.xml", "malformed.xml"].map { TestEnvironment.ownKBIFixtures.appendingPathComponent($0).path },
        ]
        try JSONSerialization.data(withJSONObject: setup).write(to: folder.appendingPathComponent("setup.json"))
        let log = folder.appendingPathComponent("server.log")
        let (server, base) = try await startServer(
            in: folder, arguments: ["--database", "koppeling-demo.sqlite", "--allow-test-numbers"], log: log)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let report = try await Self.browse(python: python, base: base, setup: folder.appendingPathComponent("setup.json"))
        #expect(report.status == 0, "the browser scenarios:\n\(report.output)")
        #expect(report.output.split(separator: "\n").filter { $0.hasPrefix("ok: ") }.count == 11, "\(report.output)")
        FileHandle.standardError.write(Data("console browser scenarios:\n\(report.output)".utf8))

        // The server's log names the pages visited and never the number, in any of its forms.
        let lines = try String(contentsOf: log, encoding: .utf8)
        #expect(lines.contains("\"route\":\"/console/persoon\""), "the log has the result page's requests")
        for form in [Self.insz, "85.07.30-033.28", "85.07.30", "85073003328".prefix(6) + "-"] {
            #expect(!lines.contains(form), "the server's log holds \(form)")
        }
        // Every view of the person is a record in the transparency log: the user, the reason, the reference.
        let store = try SQLiteRegisterStore(path: folder.appendingPathComponent("koppeling-demo.sqlite").path)
        let views = try await store.disclosures(client: "console:dossier")
        #expect(views.count >= 2 && views.allSatisfy { $0.channel == .console && $0.outcome == .read })
        // Each record names the request the server logged it for.
        #expect(views.allSatisfy { lines.contains("\"request_id\":\"\($0.requestId)\"") }, "\(views.map(\.requestId))")
        #expect(
            views.allSatisfy { $0.purpose == "TRAJECTORY_GUIDANCE" && $0.caseReference == "DOS-2026-0042" && !$0.subjectPseudonym.isEmpty })
        #expect(try await store.disclosures(client: "console:beheer").isEmpty, "the administrator saw no person")
        let client = try #require(try await store.client(id: "dvz-console-test"))
        #expect(
            client.disabledAt != nil && client.history?.last?.by == "console:beheer" && client.history?.last?.reason == "test beëindigd")
        #expect(try await store.consoleUser(name: "handhaver")?.state == .disabled)
        #expect(try await store.consoleUser(name: "nieuwe.collega")?.roles == [.caseOfficer])
    }

    @Test(
        """
        the enforcement work list through the browser: an overdue person appears masked; open infringements with their notice \
        of default, filtered by kind; a fine recorded on the person page makes the status non_compliant_fined at once; a fine \
        above the approval amount waits until a second officer approves it; every person opened is an access for enforcement
        """)
    func workList() async throws {
        let python = try #require(TestEnvironment.browser, "KOPPELING_REQUIRE_ALL=1 but chromium, chromedriver or selenium is missing")
        let folder = try TestEnvironment.temporaryFolder()
        #expect(try koppeling(["demo", "--persons", "1", "--no-serve"], in: folder).status == 0)
        try FileManager.default.copyItem(
            at: TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/console/enforcement.ndjson"),
            to: folder.appendingPathComponent("enforcement.ndjson"))
        let imported = try koppeling(["import", "events", "enforcement.ndjson", "--database", "koppeling-demo.sqlite"], in: folder)
        #expect(imported.status == 0, "\(imported.err)")
        var users: [String: Any] = [:]
        for name in ["handhaver.een", "handhaver.twee"] {
            let added = try koppeling(
                ["user", "add", "--database", "koppeling-demo.sqlite", "--name", name, "--role", "enforcement_officer"], in: folder)
            let link = try #require(added.out.split(separator: "\n").first { $0.contains("/console/inschrijven?token=") }, "\(added.out)")
            users[name] = ["link": String(link), "roles": ["enforcement_officer"]]
        }
        // The fixture's persons, written out here: one overdue (obliged on 5 January 2026, never
        // registered), two with an open infringement for late registration (INB-T1, INB-T2).
        let setup: [String: Any] = [
            "users": users, "officers": ["handhaver.een", "handhaver.twee"], "overdue": "90020112305",
            "infringed": ["88111504572", "79060708944"],
        ]
        try JSONSerialization.data(withJSONObject: setup).write(to: folder.appendingPathComponent("setup.json"))
        let log = folder.appendingPathComponent("server.log")
        let (server, base) = try await startServer(in: folder, arguments: ["--database", "koppeling-demo.sqlite"], log: log)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let report = try await Self.browse(python: python, base: base, setup: folder.appendingPathComponent("setup.json"), part: "worklist")
        #expect(report.status == 0, "the browser scenarios:\n\(report.output)")
        #expect(report.output.split(separator: "\n").filter { $0.hasPrefix("ok: ") }.count == 5, "\(report.output)")
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()

        // The register agrees: both fined, the second by the approving officer, with the proposal's id.
        for insz in ["88111504572", "79060708944"] {
            let status = try koppeling(["status", "--insz", insz, "--database", "koppeling-demo.sqlite", "--json"], in: folder)
            #expect(status.out.contains("\"non_compliant_fined\""), "\(status.out)")
        }
        let store = try SQLiteRegisterStore(path: folder.appendingPathComponent("koppeling-demo.sqlite").path)
        let second = try await store.events(of: try NationalNumber("79060708944", policy: .stored))
        #expect(second.last?.provenance?.recordedBy == "console:handhaver.twee")
        #expect(try await store.pendingDecisions().isEmpty)
        // Each person opened is an access for enforcement, with the queue as reference; the server's log holds no number.
        let views = try await store.disclosures(client: "console:handhaver.een")
        #expect(views.count >= 2 && views.allSatisfy { $0.purpose == "ENFORCEMENT" && $0.caseReference == "werklijst open_infringements" })
        let lines = try String(contentsOf: log, encoding: .utf8)
        for number in ["90020112305", "88111504572", "79060708944"] { #expect(!lines.contains(number)) }
    }

    /// Runs console_browser.py; its exit status and what it printed. Screenshots go to
    /// `.build/screenshots/console`.
    static func browse(python: URL, base: URL, setup: URL, part: String = "main") async throws -> (status: Int32, output: String) {
        try await run(
            python, script: "console_browser.py",
            ["--base", base.absoluteString, "--setup", setup.path, "--screenshots", screenshots.path, "--part", part])
    }

    /// Runs a script of Tests/oracle with the test environment's Python (on a thread of its own:
    /// ``TestEnvironment/run(_:)``).
    static func run(_ python: URL, script: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = python
        process.arguments = [TestEnvironment.packageRoot.appendingPathComponent("Tests/oracle/\(script)").path] + arguments
        return try await TestEnvironment.run(process)
    }

    static let screenshots = TestEnvironment.packageRoot.appendingPathComponent(".build/screenshots/console")

    @Test(
        """
        the protocol workflow through the browser: a protocol administrator submits version 3, each party's DPO advises with a \
        statement signed offline, the controllers' signatures are registered, the version is published, the former superseded, \
        and the difference shows the changed line; each role is offered only its steps
        """)
    func protocolWorkflow() async throws {
        let python = try #require(TestEnvironment.browser, "KOPPELING_REQUIRE_ALL=1 but chromium, chromedriver or selenium is missing")
        let folder = try TestEnvironment.temporaryFolder()
        let shipped = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml")
        #expect(try koppeling(["demo", "--persons", "20", "--no-serve", "--protocol-file", shipped.path], in: folder).status == 0)
        let text = try String(contentsOf: shipped, encoding: .utf8)
        let changedFrom = "ten hoogste tien jaar na de laatste beslissing"
        let changedTo = "ten hoogste vijf jaar na de laatste beslissing"
        #expect(text.contains("\nversion: 2\n") && text.contains(changedFrom), "the shipped protocol is version 2 with its retention")
        let next = text.replacingOccurrences(of: "\nversion: 2\n", with: "\nversion: 3\n").replacingOccurrences(
            of: changedFrom, with: changedTo)
        try next.write(to: folder.appendingPathComponent("v3.yaml"), atomically: true, encoding: .utf8)
        var users: [String: Any] = [:]
        for (name, role) in [("protocollen", "protocol_admin"), ("fgb", "dpo")] {
            let added = try koppeling(["user", "add", "--database", "koppeling-demo.sqlite", "--name", name, "--role", role], in: folder)
            let link = try #require(added.out.split(separator: "\n").first { $0.contains("/console/inschrijven?token=") }, "\(added.out)")
            users[name] = ["link": String(link), "roles": [role]]
        }
        let setup: [String: Any] = [
            "users": users, "protocolAdmin": "protocollen", "dpo": "fgb", "protocolId": "kbi-dvz-integration-efforts", "newVersion": 3,
            "parties": ["agii", "dvz"], "keys": folder.appendingPathComponent("koppeling-demo/keys").path,
            "document": folder.appendingPathComponent("v3.yaml").path, "changedFrom": changedFrom, "changedTo": changedTo,
        ]
        try JSONSerialization.data(withJSONObject: setup).write(to: folder.appendingPathComponent("setup.json"))
        let (server, base) = try await startServer(in: folder, arguments: ["--database", "koppeling-demo.sqlite"])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let report = try await Self.browse(
            python: python, base: base, setup: folder.appendingPathComponent("setup.json"), part: "protocols")
        #expect(report.status == 0, "the protocol scenarios:\n\(report.output)")
        #expect(report.output.split(separator: "\n").filter { $0.hasPrefix("ok: ") }.count == 4, "\(report.output)")
        // What the browser did is in the register, by the users who did it.
        let store = try SQLiteRegisterStore(path: folder.appendingPathComponent("koppeling-demo.sqlite").path)
        let record = try #require(try await store.protocolRecord(id: "kbi-dvz-integration-efforts", version: 3))
        #expect(record.state == .published && record.advices.count == 2 && record.signatures.count == 2)
        #expect(record.advices.allSatisfy { $0.author == "fgb" })
        #expect(Set(record.history.map(\.actor)) == ["console:protocollen", "console:fgb"])
        #expect(try await store.protocolRecord(id: "kbi-dvz-integration-efforts", version: 2)?.state == .superseded)
    }

    @Test("a console session without a request for longer than the idle limit (a server set to 8 s) has ended")
    func idleSession() async throws {
        let python = try #require(TestEnvironment.browser, "KOPPELING_REQUIRE_ALL=1 but chromium, chromedriver or selenium is missing")
        let folder = try TestEnvironment.temporaryFolder()
        #expect(try koppeling(["demo", "--persons", "20", "--no-serve"], in: folder).status == 0)
        let added = try koppeling(["user", "add", "--database", "koppeling-demo.sqlite", "--name", "slaper", "--role", "dpo"], in: folder)
        let link = try #require(added.out.split(separator: "\n").first { $0.contains("/console/inschrijven?token=") }, "\(added.out)")
        let setup: [String: Any] = ["users": ["slaper": ["link": String(link), "roles": ["dpo"]]], "idleSeconds": 8]
        try JSONSerialization.data(withJSONObject: setup).write(to: folder.appendingPathComponent("setup.json"))
        let (server, base) = try await startServer(
            in: folder, arguments: ["--database", "koppeling-demo.sqlite"], environment: ["KOPPELING_CONSOLE_IDLE_SECONDS": "8"])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let report = try await Self.browse(python: python, base: base, setup: folder.appendingPathComponent("setup.json"), part: "idle")
        #expect(report.status == 0 && report.output.contains("ok: a session idle"), "\(report.output)")
    }

    @Test(
        """
        sign-in through a real OpenID Connect provider (oidc-provider-mock, nonce required): the provider's role claim maps to \
        roles; a claim that maps to none, or a made-up return, signs no one in
        """)
    func providerSignIn() async throws {
        let python = try #require(TestEnvironment.browser, "KOPPELING_REQUIRE_ALL=1 but chromium, chromedriver or selenium is missing")
        let folder = try TestEnvironment.temporaryFolder()
        #expect(try koppeling(["demo", "--persons", "20", "--no-serve"], in: folder).status == 0)
        let tool = python.deletingLastPathComponent().appendingPathComponent("oidc-provider-mock")
        var started: (Process, URL)?
        for _ in 0..<5 where started == nil {
            let port = Int.random(in: 40_001...50_000)
            let provider = Process()
            provider.executableURL = tool
            provider.arguments = [
                "--port", String(port), "--require-nonce", "--user-claims", #"{"sub":"an.peeters","roles":["KBI_DPO","ANDERS"]}"#,
                "--user-claims", #"{"sub":"zonder.rol","roles":["ANDERS"]}"#,
            ]
            provider.standardOutput = FileHandle.nullDevice
            provider.standardError = FileHandle.nullDevice
            try provider.run()
            let address = URL(string: "http://127.0.0.1:\(port)")!
            for _ in 0..<100 where provider.isRunning && started == nil {
                if let (_, response) = try? await URLSession.shared.data(
                    from: address.appendingPathComponent(".well-known/openid-configuration")),
                    (response as? HTTPURLResponse)?.statusCode == 200
                {
                    started = (provider, address)
                }
                if started == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            if started == nil, provider.isRunning { kill(provider.processIdentifier, SIGKILL) }
        }
        let (provider, issuer) = try #require(started, "oidc-provider-mock did not start")
        defer { if provider.isRunning { kill(provider.processIdentifier, SIGKILL) } }
        let (server, base) = try await startServer(
            in: folder, arguments: ["--database", "koppeling-demo.sqlite"],
            environment: [
                "KOPPELING_OIDC_ISSUER": issuer.absoluteString, "KOPPELING_OIDC_CLIENT_ID": "koppeling-console",
                "KOPPELING_OIDC_CLIENT_SECRET": "een geheim met + en :", "KOPPELING_OIDC_ROLES": "KBI_DOSSIER:case_officer,KBI_DPO:dpo",
            ])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let (status, report) = try await Self.run(
            python, script: "console_oidc.py",
            ["--base", base.absoluteString, "--provider", issuer.absoluteString, "--screenshots", Self.screenshots.path])
        #expect(status == 0, "the provider scenarios:\n\(report)")
        #expect(report.split(separator: "\n").filter { $0.hasPrefix("ok: ") }.count == 3, "\(report)")
        let store = try SQLiteRegisterStore(path: folder.appendingPathComponent("koppeling-demo.sqlite").path)
        let user = try #require(try await store.consoleUser(name: "oidc.an.peeters"))
        #expect(user.roles == [.dpo] && user.state == .active && user.passwordHash == nil && user.totpSecret == nil)
        #expect(try await store.consoleUser(name: "oidc.zonder.rol") == nil)
    }
}
