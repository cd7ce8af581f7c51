import Crypto
import Foundation
import KoppelingCore
import KoppelingDemoData
import KoppelingStore
import KoppelingStoreSQLite
import KoppelingTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Runs the real `koppeling` executable, as a user would.
struct CLIRun {
    var status: Int32
    var out: String
    var err: String
}

func koppeling(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> CLIRun {
    let process = Process()
    process.executableURL = TestEnvironment.koppelingExecutable
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { $1 }
    process.environment = env
    let outFile = folder.appendingPathComponent("stdout-\(UUID().uuidString)")
    let errFile = folder.appendingPathComponent("stderr-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: outFile.path, contents: nil)
    FileManager.default.createFile(atPath: errFile.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: outFile)
    process.standardError = try FileHandle(forWritingTo: errFile)
    try process.run()
    process.waitUntilExit()
    return CLIRun(
        status: process.terminationStatus, out: try String(contentsOf: outFile, encoding: .utf8),
        err: try String(contentsOf: errFile, encoding: .utf8))
}

/// Runs a shell script in a folder and returns its standard output; throws on a non-zero exit.
@discardableResult
func shell(_ script: String, in folder: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.currentDirectoryURL = folder
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    return String(decoding: data, as: UTF8.self)
}

/// Starts `koppeling serve` on a free port in a folder and waits until it answers; its standard
/// output (the log) goes to `log` when given (a file, never a pipe the test could stop reading).
func startServer(in folder: URL, arguments: [String], log: URL? = nil, environment: [String: String] = [:]) async throws -> (Process, URL) {
    for _ in 0..<5 {
        let port = Int.random(in: 20_000...40_000)
        let server = Process()
        server.executableURL = TestEnvironment.koppelingExecutable
        server.arguments = ["serve", "--port", "\(port)"] + arguments
        server.currentDirectoryURL = folder
        server.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let log {
            FileManager.default.createFile(atPath: log.path, contents: nil)
            server.standardOutput = try FileHandle(forWritingTo: log)
        } else {
            server.standardOutput = FileHandle.nullDevice
        }
        server.standardError = FileHandle.nullDevice
        try server.run()
        let base = URL(string: "http://127.0.0.1:\(port)")!
        for _ in 0..<100 where server.isRunning {
            if let (_, response) = try? await URLSession.shared.data(from: base.appendingPathComponent("health/live")),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return (server, base)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        if server.isRunning { kill(server.processIdentifier, SIGKILL) }
    }
    throw CancellationError()
}

/// Starts `koppeling serve ARGUMENTS --port P` with TLS and waits until `curl` with `curlOptions`
/// (the CA, and a client certificate where one is required) gets `/health/live`; the server and its https URL.
func startTLSServer(
    in folder: URL, arguments: [String], curlOptions: String, environment: [String: String] = [:]
) async throws -> (Process, String) {
    let port = Int.random(in: 20_000...40_000)
    let server = Process()
    server.executableURL = TestEnvironment.koppelingExecutable
    server.arguments = ["serve", "--port", "\(port)"] + arguments
    server.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    server.currentDirectoryURL = folder
    server.standardOutput = FileHandle.nullDevice
    server.standardError = FileHandle.nullDevice
    try server.run()
    let url = "https://127.0.0.1:\(port)"
    for _ in 0..<100 where server.isRunning {
        if (try? shell("curl -sf \(curlOptions) \(url)/health/live", in: folder)) != nil { return (server, url) }
        try await Task.sleep(for: .milliseconds(100))
    }
    if server.isRunning { kill(server.processIdentifier, SIGKILL) }
    throw CancellationError()
}

/// An access token for a registered client: an assertion made by `koppeling client assertion`,
/// exchanged at the server's token endpoint.
func accessToken(base: URL, client: String, key: String, in folder: URL) async throws -> String {
    let tokenURL = base.appendingPathComponent("oauth/token")
    let assertion = try koppeling(
        ["client", "assertion", "--client", client, "--key", key, "--audience", tokenURL.absoluteString], in: folder)
    guard assertion.status == 0 else { throw CocoaError(.executableLoad) }
    var request = URLRequest(url: tokenURL)
    request.httpMethod = "POST"
    request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "content-type")
    request.httpBody = Data(
        ("""
        grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_as\
        sertion=
        """
            + assertion.out.trimmingCharacters(in: .whitespacesAndNewlines)).utf8)
    let (data, _) = try await URLSession.shared.data(for: request)
    let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    guard let token = answer?["access_token"] as? String else { throw CocoaError(.coderValueNotFound) }
    return token
}

@Suite("The koppeling command", .serialized)
struct CommandLineTests {
    @Test(
        """
        user add prints a one-time enrolment link on the server's address and stores only its digest; a taken name, a bad role \
        or name exits non-zero; reset gives a new link; disable shows in the list
        """)
    func consoleUsers() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let database = ["--database", "register.sqlite"]
        let audience = ["KOPPELING_TOKEN_AUDIENCE": "https://koppeling.example/oauth/token"]
        let added = try koppeling(
            ["user", "add", "--name", "jan.peeters", "--role", "dpo", "--role", "case_officer"] + database, in: folder,
            environment: audience)
        #expect(added.status == 0, "\(added.err)")
        #expect(added.out.contains("user jan.peeters added with roles case_officer, dpo"))
        let link = try #require(added.out.split(separator: "\n").first { $0.hasPrefix("https://") }.map(String.init))
        #expect(link.hasPrefix("https://koppeling.example/console/inschrijven?token="))
        let token = String(link.split(separator: "=").last ?? "")
        #expect(token.count == 43)
        // Only the token's digest is kept.
        var stored = Data()
        for file in ["register.sqlite", "register.sqlite-wal"] {
            if let bytes = FileManager.default.contents(atPath: folder.appendingPathComponent(file).path) { stored.append(bytes) }
        }
        #expect(stored.range(of: Data(token.utf8)) == nil)
        #expect(stored.range(of: Data(ConsoleUserAdministration.digest(token).utf8)) != nil)
        #expect(try koppeling(["user", "add", "--name", "jan.peeters", "--role", "dpo"] + database, in: folder).status == 1)
        #expect(try koppeling(["user", "add", "--name", "An", "--role", "dpo"] + database, in: folder).status != 0)
        #expect(try koppeling(["user", "add", "--name", "an", "--role", "chef"] + database, in: folder).status != 0)
        let reset = try koppeling(["user", "reset", "--name", "jan.peeters", "--reason", "lost phone"] + database, in: folder)
        #expect(reset.status == 0)
        let newLink = try #require(reset.out.split(separator: "\n").first { $0.contains("/console/inschrijven?token=") })
        #expect(!newLink.hasSuffix(token))
        #expect(try koppeling(["user", "disable", "--name", "jan.peeters", "--reason", "left"] + database, in: folder).status == 0)
        #expect(try koppeling(["user", "disable", "--name", "nobody", "--reason", "x"] + database, in: folder).status == 1)
        let list = try koppeling(["user", "list"] + database, in: folder)
        #expect(list.out == "jan.peeters: disabled, roles case_officer,dpo\n")
        // The demo makes one user per role with a link, and a new link for one still to enrol.
        for _ in 0..<2 {
            let demo = try koppeling(["demo", "--persons", "20", "--no-serve", "--database", "demo.sqlite"], in: folder)
            let links = demo.out.split(separator: "\n").filter { $0.contains("/console/inschrijven?token=") }
            #expect(links.count == ConsoleUser.Role.allCases.count, "\(demo.out)")
            #expect(ConsoleUser.Role.allCases.allSatisfy { role in links.contains { $0.contains("(\(role.rawValue))") } })
        }
    }

    @Test("national-number prints one line per number and exits 1 when any is invalid")
    func nationalNumber() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let valid = try koppeling(["national-number", "85073003328", "98.47.28-997.65"], in: folder)
        #expect(valid.status == 0)
        #expect(valid.out == "85073003328 valid national 1985-07-30 M\n98.47.28-997.65 valid bis 1998-07-28 M\n")
        let mixed = try koppeling(["national-number", "85073003328", "85073003329", "8507300332"], in: folder)
        #expect(mixed.status == 1)
        let lines = mixed.out.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("85073003329 invalid check-digits"))
        #expect(lines[2].hasPrefix("8507300332 invalid length"))
        let testNumber = "856730033" + String(NationalNumber.checkDigits(firstNine: 856_730_033, bornIn2000s: false))
        let refused = try koppeling(["national-number", testNumber], in: folder)
        #expect(refused.status == 1)
        #expect(refused.out.hasPrefix("\(testNumber) invalid test-number-not-allowed"))
        let test = try koppeling(["national-number", "--allow-test-numbers", testNumber], in: folder)
        #expect(test.status == 0)
        #expect(test.out == "\(testNumber) valid magda-test 1985-07-30 M\n")
    }

    @Test("generate is deterministic and writes valid events")
    func generate() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let a = try koppeling(["generate", "--persons", "300", "--seed", "9"], in: folder)
        let b = try koppeling(["generate", "--persons", "300", "--seed", "9", "--out", "b.ndjson"], in: folder)
        let c = try koppeling(["generate", "--persons", "300", "--seed", "10"], in: folder)
        #expect(a.status == 0 && b.status == 0)
        #expect(a.out == (try String(contentsOf: folder.appendingPathComponent("b.ndjson"), encoding: .utf8)))
        #expect(a.out != c.out)
        var persons = Set<String>()
        for line in a.out.split(separator: "\n") {
            var text = String(line)
            let event = try text.withUTF8 { try Event.parse(json: $0, policy: TestEnvironment.policy) }
            persons.insert(event.insz.digits)
        }
        #expect(persons.count == 300)
    }

    @Test("populations of two seeds import into one register: every event of both is stored")
    func twoSeeds() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        var lines = 0
        for seed in ["1", "2"] {
            #expect(try koppeling(["generate", "--persons", "500", "--seed", seed, "--out", "\(seed).ndjson"], in: folder).status == 0)
            lines += try String(contentsOf: folder.appendingPathComponent("\(seed).ndjson"), encoding: .utf8).split(separator: "\n").count
        }
        for seed in ["1", "2"] {
            let run = try koppeling(["import", "events", "\(seed).ndjson", "--database", "r.sqlite"], in: folder)
            #expect(run.status == 0, "\(run.err)")
        }
        let store = try SQLiteRegisterStore(path: folder.appendingPathComponent("r.sqlite").path)
        #expect(try await store.counts().events == lines)
    }

    @Test("import events: an invalid line stores nothing and is named; a rerun after the fix completes without duplicates")
    func importEvents() throws {
        let folder = try TestEnvironment.temporaryFolder()
        _ = try koppeling(["generate", "--persons", "50", "--out", "good.ndjson"], in: folder)
        var lines = try String(contentsOf: folder.appendingPathComponent("good.ndjson"), encoding: .utf8).split(separator: "\n").map(
            String.init)
        let original = lines[17]
        lines[17] = original.replacingOccurrences(of: "\"effectiveDate\":\"", with: "\"effectiveDate\":\"x")
        try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("bad.ndjson"), atomically: true, encoding: .utf8)
        let bad = try koppeling(["import", "events", "--database", "r.sqlite", "bad.ndjson"], in: folder)
        #expect(bad.status == 1)
        #expect(bad.err.contains("line 18: effectiveDate: expected a date YYYY-MM-DD"))
        #expect(bad.err.contains("nothing was stored"))
        let counts = try koppeling(["status", "--all", "--database", "r.sqlite"], in: folder)
        #expect(counts.err.hasPrefix("0 persons, 0 events"))

        let good = try koppeling(["import", "events", "--database", "r.sqlite", "good.ndjson"], in: folder)
        #expect(good.status == 0)
        #expect(good.out.contains("\(lines.count) events, \(lines.count) stored, 0 already present"))
        let again = try koppeling(["import", "events", "--database", "r.sqlite", "good.ndjson"], in: folder)
        #expect(again.out.contains("\(lines.count) events, 0 stored, \(lines.count) already present"))
    }

    @Test("import residence: a National Register file sets the region; a bad line stores nothing and is named; a rerun adds nothing")
    func importResidence() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let obliged =
            #"""
            {"eventId":"7d2c1e5a-0000-4000-8000-000000000001","insz":"85073003328","type":"target_group_determined",\#
            "effectiveDate":"2025-01-06","source":"agii","data":{"code":"JA","targetType":"PLICHT","periodStart":"2025-01-06",\#
            "periodEnd":null}}
            """#
        try (obliged + "\n").write(to: folder.appendingPathComponent("obliged.ndjson"), atomically: true, encoding: .utf8)
        #expect(try koppeling(["import", "events", "--database", "r.sqlite", "obliged.ndjson"], in: folder).status == 0)
        // Pajottegem (merged in 2025) in Flanders, then Brussels.
        try "insz;date;place\n85073003328;2025-01-06;23106\n85073003328;2025-02-01;21004\n".write(
            to: folder.appendingPathComponent("rr.csv"), atomically: true, encoding: .utf8)
        try "insz;date;place\n85073003328;2025-03-01;82003\n85073003328;2025-03-01;20001\n".write(
            to: folder.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try koppeling(["import", "residence", "--database", "r.sqlite", "bad.csv"], in: folder)
        #expect(bad.status == 1)
        #expect(bad.err.contains("line 3: \"20001\" is not the five-digit NIS code of a Belgian municipality"))
        #expect(bad.err.contains("nothing was stored"))
        let good = try koppeling(["import", "residence", "--database", "r.sqlite", "rr.csv"], in: folder)
        #expect(good.status == 0)
        #expect(good.out.contains("2 residences, 2 stored, 0 already present"))
        #expect(
            try koppeling(["import", "residence", "--database", "r.sqlite", "rr.csv"], in: folder).out.contains(
                "2 residences, 0 stored, 2 already present"))
        func status(_ date: String) throws -> [String: Any] {
            let run = try koppeling(["status", "--database", "r.sqlite", "--insz", "85073003328", "--as-of", date, "--json"], in: folder)
            return try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        }
        #expect(try status("2025-01-20")["status"] as? String == "registration_window_open")
        let brussels = try status("2025-03-01")
        #expect(brussels["status"] as? String == "outside_flemish_obligation")
        #expect((brussels["reasons"] as? [[String: Any]])?.last?["code"] as? String == "brussels_resident")
        let text = try #require((brussels["reasons"] as? [[String: Any]])?.last?["text"] as? [String: String])
        #expect(text["nl"]?.contains("Brussels Hoofdstedelijk Gewest") == true && text["fr"]?.contains("Bruxelles-Capitale") == true)
        let dossier = try koppeling(["status", "--database", "r.sqlite", "--insz", "85073003328", "--as-of", "2025-03-01"], in: folder)
        #expect(dossier.out.contains("buiten Vlaamse inburgeringsplicht"))
    }

    @Test("status --json: a person without events is unknown with exit code 0, in the HTTP answer's shape")
    func statusJSON() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let run = try koppeling(
            ["status", "--database", "r.sqlite", "--insz", "85073003328", "--as-of", "2026-01-01", "--json"], in: folder)
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["insz", "referenceDate", "status", "statusTerm", "since", "reasons", "flags"])
        #expect(object["status"] as? String == "unknown")
        #expect((object["statusTerm"] as? [String: String]) == ["nl": "niet gekend", "fr": "inconnu"])
        #expect((object["flags"] as? [String: Any])?.values.allSatisfy { $0 is NSNull } == true)
        #expect(object["referenceDate"] as? String == "2026-01-01")
        let invalid = try koppeling(["status", "--database", "r.sqlite", "--insz", "85073003329"], in: folder)
        #expect(invalid.status != 0)
        #expect(invalid.err.contains("check-digits"))
        let badDate = try koppeling(["status", "--database", "r.sqlite", "--insz", "85073003328", "--as-of", "01/01/2026"], in: folder)
        #expect(badDate.status != 0)
    }

    @Test("kill -9 during an import stores nothing; the rerun completes it")
    func crashDuringImport() throws {
        let folder = try TestEnvironment.temporaryFolder()
        _ = try koppeling(["generate", "--persons", "10000", "--out", "big.ndjson"], in: folder)
        let expected = try String(contentsOf: folder.appendingPathComponent("big.ndjson"), encoding: .utf8).split(separator: "\n").count
        let process = Process()
        process.executableURL = TestEnvironment.koppelingExecutable
        process.arguments = ["import", "events", "--database", "r.sqlite", "big.ndjson"]
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 0.5)
        // The import of 10,000 persons takes seconds; the kill must come while it runs, or the test tests nothing.
        #expect(process.isRunning, "the import was still running when killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let after = try koppeling(["status", "--all", "--database", "r.sqlite"], in: folder)
        #expect(after.err.hasPrefix("0 persons, 0 events"), "a killed import must leave nothing behind")
        let rerun = try koppeling(["import", "events", "--database", "r.sqlite", "big.ndjson"], in: folder)
        #expect(rerun.status == 0)
        let total = try koppeling(["status", "--all", "--database", "r.sqlite"], in: folder)
        #expect(total.err.hasPrefix("10000 persons, \(expected) events"))
    }

    @Test("an event acknowledged over HTTP survives kill -9 of the server")
    func crashAfterAcknowledgement() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        #expect(try koppeling(["keys", "generate", "--out", "agency.key"], in: folder).status == 0)
        #expect(
            try koppeling(
                [
                    "client", "register", "--database", "r.sqlite", "--party", "agii", "--name", "system", "--role", "agency", "--sources",
                    PopulationGenerator.agencies.joined(separator: ","), "--key", "agency.key.pub",
                ],
                in: folder
            ).status == 0)
        let (server, base) = try await startServer(in: folder, arguments: ["--database", "r.sqlite"])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let token = try await accessToken(base: base, client: "agii-system", key: "agency.key", in: folder)
        let generator = PopulationGenerator(seed: 77, persons: 1)
        let events = generator.events(ofPerson: 0)
        var request = URLRequest(url: base.appendingPathComponent("v1/register/events"))
        request.httpMethod = "POST"
        request.setValue("application/x-ndjson", forHTTPHeaderField: "content-type")
        request.httpBody = Data(events.map(\.jsonLine).joined(separator: "\n").utf8)
        let (_, unauthenticated) = try await URLSession.shared.data(for: request)
        #expect((unauthenticated as? HTTPURLResponse)?.statusCode == 401)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        let run = try koppeling(["status", "--all", "--database", "r.sqlite"], in: folder)
        #expect(run.err.hasPrefix("1 persons, \(events.count) events"))
    }

    @Test("the protocol workflow on the command line: refusals name the state and what is allowed")
    func protocolWorkflow() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let file = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml").path
        let db = ["--database", "p.sqlite"]
        #expect(try koppeling(["protocol", "validate", file], in: folder).status == 0)
        let broken = folder.appendingPathComponent("broken.yaml")
        try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "version: 2", with: "version: one")
            .write(to: broken, atomically: true, encoding: .utf8)
        let invalid = try koppeling(["protocol", "validate", broken.path], in: folder)
        #expect(invalid.status == 1)
        #expect(invalid.err.contains("line 8, column 10: version: expected a whole number [type]"))
        for party in ["agii", "dvz"] {
            let generated = try koppeling(["keys", "generate", "--out", "keys/\(party).key"], in: folder)
            #expect(generated.status == 0)
            #expect(try koppeling(["keys", "generate", "--out", "keys/\(party)-dpo.key"], in: folder).status == 0)
            // One key, one role.
            #expect(
                try koppeling(
                    ["party", "register"] + db + [
                        "--id", party, "--name", party, "--key", "keys/\(party).key.pub", "--dpo-key", "keys/\(party).key.pub",
                    ], in: folder
                ).status != 0)
            #expect(
                try koppeling(
                    ["party", "register"] + db + [
                        "--id", party, "--name", party, "--key", "keys/\(party).key.pub", "--dpo-key", "keys/\(party)-dpo.key.pub",
                    ], in: folder
                ).status == 0)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("keys/agii.key").path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try koppeling(["protocol", "submit"] + db + [file], in: folder).out.contains("in_review"))
        let early = try koppeling(["protocol", "publish"] + db + ["kbi-dvz-integration-efforts", "2"], in: folder)
        #expect(early.status == 1)
        #expect(early.err.contains("the protocol is in_review; allowed: advise"))
        // An advice signed with the controller's key, not the DPO's, is refused.
        let forged = try koppeling(
            ["protocol", "advise"] + db + [
                "kbi-dvz-integration-efforts", "2", "--party", "agii", "--opinion", "favourable", "--text", "Gunstig", "--author",
                "DPO AgII", "--key", "keys/agii.key",
            ], in: folder)
        #expect(forged.status == 1 && forged.err.contains("not signed with a DPO key registered for agii"))
        _ = try koppeling(
            ["protocol", "advise"] + db + [
                "kbi-dvz-integration-efforts", "2", "--party", "agii", "--opinion", "favourable", "--text", "Gunstig", "--author",
                "DPO AgII", "--key", "keys/agii-dpo.key",
            ], in: folder)
        let blocked = try koppeling(
            ["protocol", "advise"] + db + [
                "kbi-dvz-integration-efforts", "2", "--party", "dvz", "--opinion", "unfavourable", "--text", "Te ruim", "--author",
                "DPO DVZ", "--key", "keys/dvz-dpo.key",
            ], in: folder)
        #expect(blocked.out.contains("advised; next: none"))
        let refused = try koppeling(
            ["protocol", "sign"] + db + ["kbi-dvz-integration-efforts", "2", "--party", "agii", "--key", "keys/agii.key"], in: folder)
        #expect(refused.status == 1)
        #expect(refused.err.contains("unfavourable advice blocks signing"))
        let shown = try koppeling(["protocol", "show"] + db + ["kbi-dvz-integration-efforts", "2"], in: folder)
        #expect(shown.out.contains("advice dvz: unfavourable"))
    }

    @Test("the demo sets the shipped protocol up to published and in force, with demo keys")
    func demoProtocol() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let file = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml").path
        let run = try koppeling(["demo", "--persons", "200", "--no-serve", "--protocol-file", file], in: folder)
        #expect(run.status == 0)
        #expect(run.out.contains("Sample statuses"))
        #expect(run.out.contains("kbi-dvz-integration-efforts version 2 is published"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("koppeling-demo/keys/dvz.key").path))
        let again = try koppeling(["demo", "--persons", "200", "--no-serve", "--protocol-file", file], in: folder)
        #expect(again.out.contains("Reusing the demo register"))
        #expect(again.out.contains("is published"))
        // Suspended, it is reinstated only with both controllers' signatures (hole 10).
        let db = ["--database", "koppeling-demo.sqlite"]
        let version = ["kbi-dvz-integration-efforts", "2"]
        #expect(try koppeling(["protocol", "suspend"] + db + version + ["--reason", "DPO inquiry"], in: folder).status == 0)
        let alone = try koppeling(
            ["protocol", "reinstate"] + db + version + ["--reason", "closed", "--key", "koppeling-demo/keys/dvz.key"], in: folder)
        #expect(alone.status == 1 && alone.err.contains("no valid signature of agii"))
        let dpoKey = try koppeling(
            ["protocol", "reinstate"] + db + version + ["--reason", "closed", "--key", "koppeling-demo/keys/dvz-dpo.key"], in: folder)
        #expect(dpoKey.status != 0)
        let both = try koppeling(
            ["protocol", "reinstate"] + db + version + [
                "--reason", "closed", "--key", "koppeling-demo/keys/dvz.key", "--key", "koppeling-demo/keys/agii.key",
            ], in: folder)
        #expect(both.status == 0, "\(both.err)")
        #expect(try koppeling(["protocol", "show"] + db + version, in: folder).out.contains("published"))
    }

    @Test(
        "an independent client (PyJWT) gets a token with private_key_jwt and makes a lookup; its refusals are refused",
        .enabled(if: NationalNumberOracleTests_oracleAvailable, "skipped: no Python with PyJWT (.venv/bin/python); scripts/test creates it")
    )
    func pyjwtClient() async throws {
        let python = try #require(TestEnvironment.pythonWithStdnum, "KOPPELING_REQUIRE_ALL=1 but no Python with PyJWT")
        let folder = try TestEnvironment.temporaryFolder()
        let file = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml").path
        #expect(try koppeling(["demo", "--persons", "20", "--no-serve", "--protocol-file", file], in: folder).status == 0)
        #expect(try koppeling(["keys", "generate", "--out", "client.key"], in: folder).status == 0)
        let registered = try koppeling(
            [
                "client", "register", "--database", "koppeling-demo.sqlite", "--party", "dvz", "--name", "residence", "--role", "recipient",
                "--key", "client.key.pub",
            ],
            in: folder)
        #expect(registered.out.contains("client dvz-residence registered"))
        let log = folder.appendingPathComponent("server.log")
        let (server, base) = try await startServer(
            in: folder, arguments: ["--database", "koppeling-demo.sqlite", "--allow-test-numbers"], log: log)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let insz = PopulationGenerator(seed: 1, persons: 20).nationalNumber(of: 3).digits
        let process = Process()
        process.executableURL = python
        process.arguments = [
            TestEnvironment.packageRoot.appendingPathComponent("Tests/oracle/pyjwt_client.py").path, base.absoluteString, "dvz-residence",
            folder.appendingPathComponent("client.key").path, insz,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.first == "token 200 Bearer")
        #expect(lines.contains { $0.hasPrefix("lookup 200 ") && $0.hasSuffix(" 18") })
        #expect(lines.contains("no-token 401"))
        #expect(lines.contains("wrong-audience 401"))
        #expect(lines.contains("expired 401"))
        #expect(lines.contains("first-use 200"))
        #expect(lines.contains("replay 401"))
        #expect(lines.contains("unknown-key 401"))
        // The log: one JSON object per line, a line per request with its id and route pattern, and
        // neither the national number nor a token (an assertion or access token starts "eyJ").
        let logLines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let objects = logLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == logLines.count && !objects.isEmpty, "every log line is a JSON object")
        #expect(
            objects.contains {
                $0["route"] as? String == "/v1/exchange/lookups" && $0["status"] as? String == "200"
                    && ($0["request_id"] as? String)?.isEmpty == false
            })
        #expect(objects.contains { $0["route"] as? String == "/oauth/token" && $0["status"] as? String == "401" })
        let logText = logLines.joined(separator: "\n")
        #expect(!logText.contains(insz) && !logText.contains("eyJ") && !logText.lowercased().contains("bearer"))
        // The record of the acknowledged lookup survives kill -9 of the server.
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        let store = try SQLiteRegisterStore(path: folder.appendingPathComponent("koppeling-demo.sqlite").path)
        let records = try await store.disclosures(client: "dvz-residence")
        #expect(records.map(\.outcome.rawValue) == ["allowed"])
        #expect(records.first?.caseReference == "PY-1")
        // koppeling backup: a verified copy with the same records; it never overwrites a file.
        let backup = try koppeling(["backup", "--database", "koppeling-demo.sqlite", "--to", "copy.sqlite"], in: folder)
        #expect(backup.status == 0 && backup.out.contains("its log verifies (1 entries"))
        let copy = try SQLiteRegisterStore(path: folder.appendingPathComponent("copy.sqlite").path)
        #expect(try await copy.disclosures(client: "dvz-residence") == records)
        #expect(try koppeling(["backup", "--database", "koppeling-demo.sqlite", "--to", "copy.sqlite"], in: folder).status != 0)
    }

    @Test(
        "mutual TLS: a registered client certificate is accepted; one from an unknown CA or none is refused (curl, openssl)",
        .enabled(if: CommandLineTests.hasTLSTools || TestEnvironment.requireAll, "skipped: curl or openssl is missing"))
    func mutualTLS() async throws {
        try #require(Self.hasTLSTools, "KOPPELING_REQUIRE_ALL=1 but curl or openssl is missing")
        let folder = try TestEnvironment.temporaryFolder()
        let script = """
            set -e
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Test CA"
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
            printf "subjectAltName=IP:127.0.0.1\\n" > san.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr -subj "/CN=dvz-client"
            openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rogue.key -out rogue.pem -days 2 -subj \
            "/CN=dvz-client"
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout renewed.key -out renewed.csr -subj "/CN=dvz-client"
            openssl x509 -req -in renewed.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out renewed.pem -days 2
            openssl x509 -in renewed.pem -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr A-F a-f > renewed.fingerprint
            openssl x509 -in client.pem -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr A-F a-f
            """
        let fingerprint = try shell(script, in: folder).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(fingerprint.count == 64)
        let renewed = try String(contentsOf: folder.appendingPathComponent("renewed.fingerprint"), encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let file = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml").path
        #expect(try koppeling(["demo", "--persons", "20", "--no-serve", "--protocol-file", file], in: folder).status == 0)
        #expect(
            try koppeling(
                [
                    "client", "register", "--database", "koppeling-demo.sqlite", "--party", "dvz", "--name", "mtls", "--role", "recipient",
                    "--certificate-fingerprint", fingerprint,
                ], in: folder
            ).status == 0)
        let (server, url) = try await startTLSServer(
            in: folder,
            arguments: [
                "--database", "koppeling-demo.sqlite", "--tls-cert", "server.pem", "--tls-key", "server.key", "--client-ca", "ca.pem",
                "--allow-test-numbers",
            ],
            curlOptions: "--cacert ca.pem --cert client.pem --key client.key")
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let body = #"{"insz":"85073003328","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"M-1","referenceDate":"2026-11-01"}"#
        let lookup =
            """
            curl -s -o answer.json -w '%{http_code}' --cacert ca.pem -H 'content-type: application/json' -d '\(body)' \
            \(url)/v1/exchange/lookups
            """
        #expect(try shell(lookup + " --cert client.pem --key client.key", in: folder) == "200")
        let answer = try String(contentsOf: folder.appendingPathComponent("answer.json"), encoding: .utf8)
        #expect(answer.contains("\"protocol\":{\"id\":\"kbi-dvz-integration-efforts\""))
        // A certificate from another CA, and no certificate at all, end in a failed handshake.
        #expect(throws: (any Error).self) { try shell(lookup + " --cert rogue.pem --key rogue.key", in: folder) }
        #expect(throws: (any Error).self) { try shell(lookup, in: folder) }

        // Hole 9: the certificate is renewed and later the client disabled, while the server runs.
        let db = ["--database", "koppeling-demo.sqlite"]
        let rotated = try koppeling(
            ["client", "rotate-certificate"] + db + ["--client", "dvz-mtls", "--certificate-fingerprint", renewed, "--reason", "renewal"],
            in: folder)
        #expect(rotated.status == 0, "\(rotated.err)")
        try await Task.sleep(for: .milliseconds(1200))
        #expect(try shell(lookup + " --cert client.pem --key client.key", in: folder) == "401")
        #expect(try shell(lookup + " --cert renewed.pem --key renewed.key", in: folder) == "200")
        #expect(
            try koppeling(["client", "disable"] + db + ["--client", "dvz-mtls", "--reason", "contract ended"], in: folder).status == 0)
        try await Task.sleep(for: .milliseconds(1200))
        #expect(try shell(lookup + " --cert renewed.pem --key renewed.key", in: folder) == "401")
        let list = try koppeling(["client", "list", "--history"] + db, in: folder)
        #expect(list.out.contains("dvz-mtls: role recipient, party dvz, disabled since"))
        #expect(
            list.out.contains("rotate-certificate by operator:") && list.out.contains("disable by operator:")
                && list.out.contains(": contract ended"))
        #expect(try koppeling(["client", "disable"] + db + ["--client", "nobody", "--reason", "x"], in: folder).status == 1)
    }

    @Test(
        "the demo's printed curl examples work as printed: a lookup over mutual TLS and one with a private_key_jwt token",
        .enabled(if: CommandLineTests.hasTLSTools || TestEnvironment.requireAll, "skipped: curl or openssl is missing"))
    func demoCredentials() async throws {
        try #require(Self.hasTLSTools, "KOPPELING_REQUIRE_ALL=1 but curl or openssl is missing")
        let folder = try TestEnvironment.temporaryFolder()
        let file = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml").path
        let port = Int.random(in: 20_000...30_000)
        let tlsPort = port + 10_000
        let demo = Process()
        demo.executableURL = TestEnvironment.koppelingExecutable
        demo.arguments = ["demo", "--persons", "50", "--port", "\(port)", "--tls-port", "\(tlsPort)", "--protocol-file", file]
        demo.currentDirectoryURL = folder
        let outFile = folder.appendingPathComponent("demo.out")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        demo.standardOutput = try FileHandle(forWritingTo: outFile)
        demo.standardError = FileHandle.nullDevice
        try demo.run()
        defer { if demo.isRunning { kill(demo.processIdentifier, SIGKILL) } }
        var ready = false
        for _ in 0..<300 where !ready && demo.isRunning {
            ready =
                (try? shell(
                    "curl -sf http://127.0.0.1:\(port)/health/live && curl -sf --cacert koppeling-demo/credentials/ca.pem "
                        + """
                        --cert koppeling-demo/credentials/client.pem --key koppeling-demo/credentials/client-key.pem \
                        https://127.0.0.1:\(tlsPort)/health/live
                        """,
                    in: folder)) != nil
            if !ready { try await Task.sleep(for: .milliseconds(100)) }
        }
        try #require(ready, "the demo did not start both listeners")
        let printed = try String(contentsOf: outFile, encoding: .utf8)
        let client = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: folder.appendingPathComponent("koppeling-demo/credentials/client.json"))) as? [String: Any])
        #expect(client["clientId"] as? String == "demo-dvz-residence")
        #expect(client["tokenUrl"] as? String == "http://127.0.0.1:\(port)/oauth/token")
        // The two examples, cut from what the demo printed, run as printed (the token example with
        // this build's executable instead of `swift run`).
        let lines = printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let mtlsStart = try #require(lines.firstIndex { $0.contains("Try a lookup with mutual TLS") }) + 1
        let tokenStart = try #require(lines.firstIndex { $0.contains("or with an access token") }) + 1
        let tokenEnd = try #require(lines.firstIndex { $0.contains("The OpenAPI document") })
        let mtlsExample = lines[mtlsStart..<(tokenStart - 1)].joined(separator: "\n")
        let tokenExample = lines[tokenStart..<tokenEnd].joined(separator: "\n")
            .replacingOccurrences(of: "swift run -q koppeling", with: TestEnvironment.koppelingExecutable.path)
        for example in [mtlsExample, tokenExample] {
            let answer = try shell(example, in: folder)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], "\(answer)")
            #expect((parsed["protocol"] as? [String: Any])?["id"] as? String == "kbi-dvz-integration-efforts")
            #expect((parsed["result"] as? [String: Any])?["status"] is String)
        }
        let store = try SQLiteRegisterStore(path: folder.appendingPathComponent("koppeling-demo.sqlite").path)
        #expect(try await store.disclosures(client: "demo-dvz-residence").map(\.outcome.rawValue) == ["allowed", "allowed"])
    }

    @Test("keys sign signs base64 bytes offline with a key file; the signature verifies with the public key, bad input is refused")
    func keysSign() throws {
        let folder = try TestEnvironment.temporaryFolder()
        #expect(try koppeling(["keys", "generate", "--out", "dpo.key"], in: folder).status == 0)
        let message = Data("the statement a DPO signs".utf8)
        let signed = try koppeling(["keys", "sign", "--key", "dpo.key", message.base64EncodedString()], in: folder)
        #expect(signed.status == 0, "\(signed.err)")
        let lines = signed.out.split(separator: "\n")
        let signature = try #require(lines.first { $0.hasPrefix("signature ") }.flatMap { Data(base64Encoded: String($0.dropFirst(10))) })
        let publicText = try String(contentsOf: folder.appendingPathComponent("dpo.key.pub"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(lines.contains("public key \(publicText)"))
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: publicText)))
        #expect(key.isValidSignature(signature, for: message) && !key.isValidSignature(signature, for: Data("other".utf8)))
        #expect(try koppeling(["keys", "sign", "--key", "dpo.key", "not base64!"], in: folder).status == 1)
        #expect(try koppeling(["keys", "sign", "--key", "missing.key", message.base64EncodedString()], in: folder).status != 0)
    }

    @Test(
        """
        schemathesis with every check, positive and negative data and the stateful phase, against a server on a demo database: \
        the server keeps the OpenAPI document and the document states what the server enforces
        """,
        .enabled(
            if: TestEnvironment.schemathesis != nil || TestEnvironment.requireAll,
            "skipped: no .venv/bin/schemathesis; scripts/test installs it"))
    func schemathesis() async throws {
        let tool = try #require(TestEnvironment.schemathesis, "KOPPELING_REQUIRE_ALL=1 but schemathesis is not installed")
        let folder = try TestEnvironment.temporaryFolder()
        let file = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml").path
        #expect(try koppeling(["demo", "--persons", "200", "--no-serve", "--protocol-file", file], in: folder).status == 0)
        for role in ["agency", "staff", "recipient", "citizen-portal"] {
            #expect(try koppeling(["keys", "generate", "--out", "\(role).key"], in: folder).status == 0)
            #expect(
                try koppeling(
                    [
                        "client", "register", "--database", "koppeling-demo.sqlite", "--party", "dvz", "--name", "schemathesis-\(role)",
                        "--role", role,
                        "--key", "\(role).key.pub", "--rate-per-minute", "100000",
                    ] + (role == "agency" ? ["--sources", "agii,kbi"] : []), in: folder
                ).status == 0)
        }
        // schemathesis sends hundreds of requests a minute per client: budgets far above it.
        let budgets = Dictionary(
            uniqueKeysWithValues: ["RECIPIENT", "AGENCY", "STAFF", "CITIZEN_PORTAL"].map {
                ("KOPPELING_REQUESTS_PER_MINUTE_\($0)", "100000")
            })
        let (server, base) = try await startServer(
            in: folder, arguments: ["--database", "koppeling-demo.sqlite", "--allow-test-numbers"], environment: budgets)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        // Each tag of the document is run with a client whose role may use it (a fresh token per
        // run, well inside its 300 s), the public operations without credentials, two runs at a
        // time; the protocol workflow runs last and alone, because it suspends and revokes the
        // protocol the other tags' lookups and follows need. `--max-examples` is per operation:
        // each tag's is chosen so that the tag gets at least 1,000 generated cases, which the test
        // counts from schemathesis' report; a tag whose one operation needs more runs twice with
        // different seeds. The public operations take no parameters and give only a few dozen
        // distinct cases. Tests/oracle/schemathesis.toml says which statuses the document's
        // division between 400 and 422 allows.
        let runs: [(tag: String, role: String?, examples: Int, seeds: [Int])] = [
            ("operations", nil, 100, [1]), ("register", "agency", 75, [1]), ("exchange", "recipient", 50, [1]),
            ("transparency", nil, 340, [1]), ("transparency-staff", "staff", 470, [1]), ("citizen", "citizen-portal", 520, [1, 2]),
            ("staff", "staff", 150, [1]), ("protocols", "staff", 40, [1]),
        ]
        let jobs = runs.flatMap { run in run.seeds.map { (run.tag, run.role, run.examples, $0) } }
        let results = try await withThrowingTaskGroup(of: (String, Int32, String).self) { group in
            var results: [(String, Int32, String)] = []
            for (index, job) in jobs.enumerated() {
                let (tag, role, examples, seed) = job
                let running = index == jobs.count - 1 ? 0 : 1
                while index - results.count > running, let result = try await group.next() { results.append(result) }
                var arguments = [
                    "--config-file", TestEnvironment.packageRoot.appendingPathComponent("Tests/oracle/schemathesis.toml").path,
                    "run", base.appendingPathComponent("openapi.json").absoluteString, "--include-tag", tag,
                    "--max-examples", String(examples), "--seed", String(seed), "--checks", "all", "--mode", "all",
                ]
                // The stateful phase follows links; schemathesis counts a tag without any as an error.
                if ["operations", "transparency", "transparency-staff", "citizen"].contains(tag) {
                    arguments += ["--phases", "examples,coverage,fuzzing"]
                }
                if let role {
                    let token = try await accessToken(base: base, client: "dvz-schemathesis-\(role)", key: "\(role).key", in: folder)
                    arguments += ["--header", "Authorization: Bearer \(token)"]
                }
                group.addTask {
                    let process = Process()
                    process.executableURL = tool
                    process.arguments = arguments
                    process.currentDirectoryURL = folder
                    let (status, report) = try await TestEnvironment.run(process)
                    return (tag, status, report)
                }
            }
            for try await result in group { results.append(result) }
            return results
        }
        var generated: [String: Int] = [:]
        for (tag, status, report) in results {
            #expect(status == 0, "schemathesis on the \(tag) operations:\n\(report)")
            let count = report.firstMatch(of: /(\d+) generated/).flatMap { Int($0.1) }
            #expect(count != nil, "\(tag): no count of generated cases in\n\(report)")
            generated[tag, default: 0] += count ?? 0
            // The stateful phase followed the document's links where they lead: a follow made is
            // ended, a protocol version submitted is read back.
            if tag == "exchange" || tag == "protocols" {
                let links = report.firstMatch(of: /API Links:\s+(\d+) covered/).flatMap { Int($0.1) }
                #expect((links ?? 0) >= 1, "\(tag): the stateful phase covered no link:\n\(report)")
            }
        }
        for run in runs where run.tag != "operations" {
            #expect(generated[run.tag, default: 0] >= 1_000, "\(run.tag): \(generated[run.tag, default: 0]) generated cases")
        }
        #expect(generated["operations", default: 0] >= 20)
        FileHandle.standardError.write(Data("schemathesis generated cases per tag: \(generated.sorted { $0.key < $1.key })\n".utf8))
        #expect(server.isRunning, "the server survived the run")
    }

    @Test(
        """
        the transparency log end to end: an independent Python verifier, log verify local and remote, the citizen's view, the DPO's \
        export
        """,
        .enabled(
            if: NationalNumberOracleTests_oracleAvailable,
            "skipped: no Python with cryptography (.venv/bin/python); scripts/test creates it"))
    func transparencyLog() async throws {
        let python = try #require(TestEnvironment.pythonWithStdnum, "KOPPELING_REQUIRE_ALL=1 but no Python with cryptography")
        let folder = try TestEnvironment.temporaryFolder()
        let file = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml").path
        #expect(try koppeling(["demo", "--persons", "50", "--no-serve", "--protocol-file", file], in: folder).status == 0)
        for role in ["staff", "citizen-portal"] {
            #expect(try koppeling(["keys", "generate", "--out", "\(role).key"], in: folder).status == 0)
            #expect(
                try koppeling(
                    [
                        "client", "register", "--database", "koppeling-demo.sqlite", "--party", "abb", "--name", role, "--role", role,
                        "--key", "\(role).key.pub",
                    ], in: folder
                ).status == 0)
        }
        let (server, base) = try await startServer(in: folder, arguments: ["--database", "koppeling-demo.sqlite", "--allow-test-numbers"])
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let recipient = try await accessToken(
            base: base, client: "demo-dvz-residence", key: "koppeling-demo/credentials/client-assertion-key.pem", in: folder)
        let generator = PopulationGenerator(seed: 1, persons: 50)
        func lookups(_ range: Range<Int>) async throws {
            for n in range {
                var request = URLRequest(url: base.appendingPathComponent("v1/exchange/lookups"))
                request.httpMethod = "POST"
                request.setValue("Bearer \(recipient)", forHTTPHeaderField: "authorization")
                // Every purpose is a protocol's (a purpose no protocol names leaves no record).
                request.httpBody = Data(
                    #"""
                    {"insz":"\#(generator.nationalNumber(of: n % 5).digits)","purpose":"ART_1_2_INTEGRATION_EFFORTS",\#
                    "caseReference":"T-\#(n)"}
                    """#
                    .utf8)
                _ = try await URLSession.shared.data(for: request)
            }
        }
        func checkpoint(size: Int) async throws -> String {
            for _ in 0..<100 {
                let (data, response) = try await URLSession.shared.data(from: base.appendingPathComponent("v1/transparency/checkpoint"))
                let text = String(decoding: data, as: UTF8.self)
                if (response as? HTTPURLResponse)?.statusCode == 200, text.split(separator: "\n").dropFirst().first == "\(size)"[...] {
                    return text
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw CancellationError()
        }
        try await lookups(0..<30)
        try await checkpoint(size: 30).write(to: folder.appendingPathComponent("held.txt"), atomically: true, encoding: .utf8)
        try await lookups(30..<40)
        _ = try await checkpoint(size: 40)

        // An independent verifier, written without our code.
        let staff = try await accessToken(base: base, client: "abb-staff", key: "staff.key", in: folder)
        let process = Process()
        process.executableURL = python
        process.arguments = [
            TestEnvironment.packageRoot.appendingPathComponent("Tests/oracle/tlog_verifier.py").path, base.absoluteString, staff,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(report)")
        #expect(report.contains("ok recomputed root of 40 entries equals the checkpoint's"))
        #expect(report.contains("ok consistency proof"))

        let remote = try koppeling(["log", "verify", "--remote", base.absoluteString, "--checkpoint", "held.txt"], in: folder)
        #expect(remote.status == 0, "\(remote.out)\(remote.err)")
        #expect(remote.out.contains("consistent with the held one of size 30"))

        // The person concerned sees every disclosure about them and nothing else.
        let portal = try await accessToken(base: base, client: "abb-citizen-portal", key: "citizen-portal.key", in: folder)
        var request = URLRequest(url: base.appendingPathComponent("v1/citizen/disclosures"))
        request.httpMethod = "POST"
        request.setValue("Bearer \(portal)", forHTTPHeaderField: "authorization")
        request.httpBody = Data(#"{"insz":"\#(generator.nationalNumber(of: 2).digits)"}"#.utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        let answer = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let disclosures = try #require(answer["disclosures"] as? [[String: Any]])
        #expect(disclosures.count == 8)
        #expect(Set(disclosures.compactMap { $0["caseReference"] as? String }) == Set(stride(from: 2, to: 40, by: 5).map { "T-\($0)" }))
        // The report is itself recorded before it is answered: the checkpoint covers it.
        #expect(answer["treeSize"] as? Int == 41)
        #expect(!String(decoding: data, as: UTF8.self).contains(generator.nationalNumber(of: 2).digits))
        var html = request
        html.url = URL(string: base.appendingPathComponent("v1/citizen/disclosures").absoluteString + "?format=html")
        let (page, _) = try await URLSession.shared.data(for: html)
        #expect(String(decoding: page, as: UTF8.self).contains("Wie heeft uw inburgeringsgegevens ontvangen?"))
        html.setValue("fr", forHTTPHeaderField: "Accept-Language")
        let (french, frenchResponse) = try await URLSession.shared.data(for: html)
        #expect(String(decoding: french, as: UTF8.self).contains("Qui a reçu vos données d'intégration civique ?"))
        #expect((frenchResponse as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Language") == "fr")

        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        let local = try koppeling(["log", "verify", "--database", "koppeling-demo.sqlite"], in: folder)
        #expect(local.status == 0)
        // 40 lookups and the three reports (JSON, Dutch page, French page).
        #expect(local.out.hasPrefix("OK 43 entries"))
        let csv = try koppeling(["audit", "export", "--database", "koppeling-demo.sqlite"], in: folder)
        #expect(csv.out.split(separator: "\r\n").count == 44)
        #expect(csv.out.split(separator: "\r\n").filter { $0.contains(",citizen,") }.count == 3)
        // Change one stored entry behind the register's back: log verify names it and fails.
        try shell(
            """
            python3 -c \"import sqlite3; c = sqlite3.connect('koppeling-demo.sqlite'); c.execute(\\\"UPDATE disclosure SET record = \
            replace(record, 'T-7', 'T-8') WHERE seq = 8\\\"); c.commit()\"
            """,
            in: folder)
        let tampered = try koppeling(["log", "verify", "--database", "koppeling-demo.sqlite"], in: folder)
        #expect(tampered.status == 1)
        #expect(tampered.out.hasPrefix("FAIL at index 7"), "\(tampered.out)")
    }

    @Test("notices sweep runs a day once")
    func noticesSweep() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let first = try koppeling(["notices", "sweep", "--database", "n.sqlite", "--as-of", "2026-12-01"], in: folder)
        #expect(first.status == 0 && first.out == "2026-12-01: 0 change notice(s) stored\n")
        let again = try koppeling(["notices", "sweep", "--database", "n.sqlite", "--as-of", "2026-12-01"], in: folder)
        #expect(again.out == "2026-12-01 was swept already\n")
        #expect(try koppeling(["notices", "sweep", "--database", "n.sqlite", "--as-of", "1.12.2026"], in: folder).status != 0)
    }

    @Test(
        """
        webhooks: a standardwebhooks receiver verifies every delivery; 500, 500, then 200 delivers once; after kill -9 mid-delivery \
        every notice arrives
        """,
        .enabled(if: NationalNumberOracleTests_oracleAvailable, "skipped: no .venv with standardwebhooks; scripts/test creates it"))
    func webhooks() async throws {
        let python = try #require(TestEnvironment.pythonWithStdnum, "KOPPELING_REQUIRE_ALL=1 but no Python with standardwebhooks")
        let folder = try TestEnvironment.temporaryFolder()
        let file = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml").path
        #expect(try koppeling(["demo", "--persons", "20", "--no-serve", "--protocol-file", file], in: folder).status == 0)
        #expect(try koppeling(["keys", "generate", "--out", "agency.key"], in: folder).status == 0)
        #expect(
            try koppeling(
                [
                    "client", "register", "--database", "koppeling-demo.sqlite", "--party", "agii", "--name", "system", "--role", "agency",
                    "--sources", "agii,kbi", "--key", "agency.key.pub",
                ], in: folder
            ).status == 0)
        let receiverPort = Int.random(in: 41_000...45_000)
        // The receiver runs on this machine: plain http to loopback needs the setting.
        let local = ["KOPPELING_WEBHOOK_ALLOW_LOCAL": "1"]
        #expect(
            try koppeling(
                [
                    "client", "webhook", "--database", "koppeling-demo.sqlite", "--client", "demo-dvz-residence", "--url",
                    "http://127.0.0.1:\(receiverPort)/hook",
                ], in: folder
            ).status != 0)
        let registered = try koppeling(
            [
                "client", "webhook", "--database", "koppeling-demo.sqlite", "--client", "demo-dvz-residence", "--url",
                "http://127.0.0.1:\(receiverPort)/hook",
            ], in: folder,
            environment: local)
        let secret = try #require(
            registered.out.split(separator: "\n").first { $0.hasPrefix("signing secret") }?.split(separator: " ").last.map(String.init))
        #expect(secret.hasPrefix("whsec_"))
        let log = folder.appendingPathComponent("receiver.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let receiver = Process()
        receiver.executableURL = python
        receiver.arguments = [
            TestEnvironment.packageRoot.appendingPathComponent("Tests/oracle/webhook_receiver.py").path, "\(receiverPort)", secret,
            log.path, "2",
        ]
        receiver.standardOutput = FileHandle.nullDevice
        receiver.standardError = FileHandle.nullDevice
        try receiver.run()
        defer { kill(receiver.processIdentifier, SIGKILL) }
        var (server, base) = try await startServer(
            in: folder, arguments: ["--database", "koppeling-demo.sqlite", "--allow-test-numbers"], environment: local)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let recipient = try await accessToken(
            base: base, client: "demo-dvz-residence", key: "koppeling-demo/credentials/client-assertion-key.pem", in: folder)
        let agency = try await accessToken(base: base, client: "agii-system", key: "agency.key", in: folder)
        func post(_ path: String, _ token: String, _ body: String) async throws -> Int {
            var request = URLRequest(url: base.appendingPathComponent(path))
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "authorization")
            request.setValue("application/json", forHTTPHeaderField: "content-type")
            request.httpBody = Data(body.utf8)
            return (try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode ?? 0
        }
        func handled() throws -> [String] {
            try String(contentsOf: log, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("handled ") }.map(String.init)
        }
        func waitFor(_ count: Int) async throws {
            for _ in 0..<200 where try handled().count < count { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(
            try await post(
                "v1/exchange/follows", recipient,
                #"{"insz":"85073003328","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"W-1","until":"2027-06-30"}"#) == 201)
        let first =
            #"""
            [{"eventId":"11111111-1111-4111-8111-111111111111","insz":"85073003328","type":"target_group_determined",\#
            "effectiveDate":"2026-10-01","source":"agii","data":{"code":"JA","targetType":"PLICHT","periodStart":"2026-10-01",\#
            "periodEnd":null}},{"eventId":"22222222-2222-4222-8222-222222222222","insz":"85073003328","type":"residence_changed",\#
            "effectiveDate":"2026-10-01","source":"agii","data":{"region":"flanders","nisCode":"44021"}}]
            """#
        #expect(try await post("v1/register/events", agency, first) == 200)
        try await waitFor(1)
        #expect(try handled() == ["handled notice-demo-dvz-residence-1 1"])
        // The second notice: the server is killed while the receiver still refuses it, then restarted.
        let second =
            #"""
            [{"eventId":"33333333-3333-4333-8333-333333333333","insz":"85073003328","type":"registered","effectiveDate":"2026-11-02",\#
            "source":"agii","data":{"kind":"first","agency":"agii"}}]
            """#
        #expect(try await post("v1/register/events", agency, second) == 200)
        try await Task.sleep(for: .milliseconds(300))
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        #expect(try handled().count == 1)
        (server, base) = try await startServer(
            in: folder, arguments: ["--database", "koppeling-demo.sqlite", "--allow-test-numbers"], environment: local)
        try await waitFor(2)
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(try handled() == ["handled notice-demo-dvz-residence-1 1", "handled notice-demo-dvz-residence-2 2"])
        #expect(
            lines.filter { $0.hasPrefix("attempt notice-demo-dvz-residence-1 ") } == [
                "attempt notice-demo-dvz-residence-1 500 True", "attempt notice-demo-dvz-residence-1 500 True",
                "attempt notice-demo-dvz-residence-1 200 True",
            ])
        #expect(
            lines.filter { $0.hasPrefix("attempt") }.allSatisfy { $0.hasSuffix(" True") },
            "every request verified with the standardwebhooks library")

        // The same notices as a batch file with a signed manifest, checked offline.
        let batch = try koppeling(
            ["batch", "run", "--database", "koppeling-demo.sqlite", "--client", "demo-dvz-residence", "--out", "batches"], in: folder)
        #expect(batch.status == 0 && batch.out.contains("2 notice(s), sequence 1 to 2"), "\(batch.out)\(batch.err)")
        let key = try koppeling(["batch", "key", "--database", "koppeling-demo.sqlite"], in: folder).out.trimmingCharacters(
            in: .whitespacesAndNewlines)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("batches").path).sorted()
        let ndjson = try #require(files.first { $0.hasSuffix(".ndjson") })
        let manifest = try #require(files.first { $0.hasSuffix(".manifest.json") })
        let verified = try koppeling(["batch", "verify", "batches/\(ndjson)", "batches/\(manifest)", "--key", key], in: folder)
        #expect(verified.status == 0 && verified.out.hasPrefix("OK "), "\(verified.out)\(verified.err)")
        let tampered = try String(contentsOf: folder.appendingPathComponent("batches/\(ndjson)"), encoding: .utf8).replacingOccurrences(
            of: "W-1", with: "W-2")
        try tampered.write(to: folder.appendingPathComponent("batches/\(ndjson)"), atomically: true, encoding: .utf8)
        let refused = try koppeling(["batch", "verify", "batches/\(ndjson)", "batches/\(manifest)", "--key", key], in: folder)
        #expect(refused.status == 1 && refused.out.contains("SHA-256"))
        #expect(
            try koppeling(["batch", "run", "--database", "koppeling-demo.sqlite", "--client", "demo-dvz-residence"], in: folder).out
                .hasPrefix("no change notices"))
    }

    static var hasTLSTools: Bool {
        ["/usr/bin/curl", "/usr/bin/openssl"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }
    @Test(
        """
        two koppeling serve processes on one PostgreSQL database answer lookups under concurrent load, deliver every change notice \
        once between them, and keep one log: log verify passes after both stop
        """,
        .enabled(
            if: (TestStores.postgresURL != nil && TestEnvironment.pythonWithStdnum != nil) || TestEnvironment.requireAll,
            "skipped: no PostgreSQL server (KOPPELING_TEST_POSTGRES_URL) or no Python with standardwebhooks"))
    func twoInstances() async throws {
        let python = try #require(TestEnvironment.pythonWithStdnum, "KOPPELING_REQUIRE_ALL=1 but no Python with standardwebhooks")
        let database = try await TestStores.newPostgresDatabase()
        let folder = try TestEnvironment.temporaryFolder()
        let file = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml").path
        #expect(
            try koppeling(
                ["demo", "--database", database, "--persons", "40", "--no-serve", "--tls-port", "0", "--protocol-file", file], in: folder
            ).status == 0)
        // A receiver that is not ours, for the webhook both instances deliver to.
        let receiverPort = Int.random(in: 41_000...45_000)
        let registered = try koppeling(
            [
                "client", "webhook", "--database", database, "--client", "demo-dvz-residence", "--url",
                "http://127.0.0.1:\(receiverPort)/hook",
            ], in: folder,
            environment: ["KOPPELING_WEBHOOK_ALLOW_LOCAL": "1"])
        let secret = try #require(
            registered.out.split(separator: "\n").first { $0.hasPrefix("signing secret") }?.split(separator: " ").last.map(String.init))
        let receiverLog = folder.appendingPathComponent("receiver.log")
        FileManager.default.createFile(atPath: receiverLog.path, contents: nil)
        let receiver = Process()
        receiver.executableURL = python
        receiver.arguments = [
            TestEnvironment.packageRoot.appendingPathComponent("Tests/oracle/webhook_receiver.py").path, "\(receiverPort)", secret,
            receiverLog.path, "0",
        ]
        receiver.standardOutput = FileHandle.nullDevice
        receiver.standardError = FileHandle.nullDevice
        try receiver.run()
        defer { kill(receiver.processIdentifier, SIGKILL) }
        // Both instances accept assertions for the demo's token URL, as behind a load balancer.
        let environment = [
            "KOPPELING_TOKEN_AUDIENCE": "http://127.0.0.1:8080/oauth/token", "KOPPELING_ALLOW_TEST_NUMBERS": "1",
            "KOPPELING_WEBHOOK_ALLOW_LOCAL": "1",
        ]
        let (first, firstBase) = try await startServer(in: folder, arguments: ["--database", database], environment: environment)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        let (second, secondBase) = try await startServer(in: folder, arguments: ["--database", database], environment: environment)
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        let assertion = try koppeling(["client", "assertion", "--credentials", "koppeling-demo/credentials"], in: folder).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var tokenRequest = URLRequest(url: firstBase.appendingPathComponent("oauth/token"))
        tokenRequest.httpMethod = "POST"
        tokenRequest.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "content-type")
        tokenRequest.httpBody = Data(
            """
            grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&clien\
            t_assertion=\(assertion)
            """
            .utf8)
        let tokenAnswer = try JSONSerialization.jsonObject(with: try await URLSession.shared.data(for: tokenRequest).0) as? [String: Any]
        let token = try #require(tokenAnswer?["access_token"] as? String)
        let generator = PopulationGenerator(seed: 1, persons: 40)
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        // 120 lookups, 12 at a time, alternating between the instances; a token from one is valid at the other.
        let answered = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<12 {
                group.addTask {
                    var ok = 0
                    for round in 0..<10 {
                        let index = worker * 10 + round
                        var request = URLRequest(
                            url: (index % 2 == 0 ? firstBase : secondBase).appendingPathComponent("v1/exchange/lookups"))
                        request.httpMethod = "POST"
                        request.setValue("application/json", forHTTPHeaderField: "content-type")
                        request.setValue("Bearer \(token)", forHTTPHeaderField: "authorization")
                        let insz = generator.nationalNumber(of: index % 40).digits
                        request.httpBody = Data(
                            #"""
                            {"insz":"\#(insz)","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"TWO-\#(index)",\#
                            "referenceDate":"\#(today)"}
                            """#
                            .utf8)
                        let (_, response) = try await URLSession.shared.data(for: request)
                        if (response as? HTTPURLResponse)?.statusCode == 200 { ok += 1 }
                    }
                    return ok
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(answered == 120)
        // Every person followed, then a certificate for each imported: the notices are delivered
        // by whichever instance holds the endpoint's lease, each exactly once.
        var enrolled = 0
        for index in 0..<40 {
            var request = URLRequest(url: (index % 2 == 0 ? firstBase : secondBase).appendingPathComponent("v1/exchange/follows"))
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "content-type")
            request.setValue("Bearer \(token)", forHTTPHeaderField: "authorization")
            let insz = generator.nationalNumber(of: index).digits
            request.httpBody = Data(
                #"{"insz":"\#(insz)","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"F-\#(index)","until":"2027-06-30"}"#.utf8)
            if (try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode == 201 { enrolled += 1 }
        }
        #expect(enrolled == 40)
        let certificates = (0..<40).map { index in
            #"""
            {"eventId":"\#(UUID().uuidString.lowercased())","insz":"\#(generator.nationalNumber(of: index).digits)",\#
            "type":"certificate_issued","effectiveDate":"\#(today)","source":"test","data":{"kind":"integration_certificate",\#
            "documentId":"T-\#(index)"}}
            """#
        }
        try certificates.joined(separator: "\n").write(
            to: folder.appendingPathComponent("certificates.ndjson"), atomically: true, encoding: .utf8)
        #expect(
            try koppeling(["import", "events", "--database", database, "--allow-test-numbers", "certificates.ndjson"], in: folder).status
                == 0)
        var feed = URLRequest(url: secondBase.appendingPathComponent("v1/exchange/changes"))
        feed.setValue("Bearer \(token)", forHTTPHeaderField: "authorization")
        let feedAnswer = try JSONSerialization.jsonObject(with: try await URLSession.shared.data(for: feed).0) as? [String: Any]
        let notices = try #require(feedAnswer?["last"] as? Int)
        #expect(notices > 0)
        func receiverLines() throws -> [Substring] { try String(contentsOf: receiverLog, encoding: .utf8).split(separator: "\n") }
        for _ in 0..<300 where try receiverLines().filter({ $0.hasPrefix("handled ") }).count < notices {
            try await Task.sleep(for: .milliseconds(100))
        }
        let lines = try receiverLines()
        #expect(lines.filter { $0.hasPrefix("handled ") }.count == notices)
        #expect(lines.filter { $0.hasPrefix("attempt ") }.count == notices, "no notice was sent twice")
        #expect(lines.filter { $0.hasPrefix("attempt ") }.allSatisfy { $0.hasSuffix(" 200 True") })
        // SIGTERM: each instance finishes, issues its last checkpoint and exits.
        for server in [first, second] {
            kill(server.processIdentifier, SIGTERM)
            server.waitUntilExit()
        }
        let verified = try koppeling(["log", "verify", "--database", database], in: folder)
        #expect(verified.status == 0, "\(verified.out)\(verified.err)")
        // 120 lookups, 40 enrolments, the notices, the webhook's registration and the one feed pull are the log's entries.
        #expect(verified.out.hasPrefix("OK \(120 + 40 + notices + 2) entries"), "\(verified.out)")
        let checkpoints = Int(verified.out.split(separator: " ").dropFirst(3).first ?? "") ?? 0
        #expect(checkpoints >= 1, "\(verified.out)")
    }
}

let NationalNumberOracleTests_oracleAvailable = TestEnvironment.pythonWithStdnum != nil || TestEnvironment.requireAll
