import Foundation
import KoppelingCore
import KoppelingDemoData
import KoppelingStore
import KoppelingTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The crash matrix of issue 13: the real `koppeling` process is killed with SIGKILL in the middle
/// of each kind of write, and afterwards nothing acknowledged is lost, nothing is doubled, and the
/// transparency log verifies. OPERATIONS.md lists each case with its test.
@Suite("Crash matrix (kill -9)", .serialized)
struct CrashMatrixTests {
    /// Starts `koppeling ARGUMENTS` in `folder`, its output discarded.
    static func launch(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = TestEnvironment.koppelingExecutable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Starts a command and kills it with SIGKILL after `delay` unless it ended first; whether it ended by itself.
    static func killed(
        _ arguments: [String], in folder: URL, after delay: Duration, environment: [String: String] = [:]
    ) async throws -> Bool {
        let process = try launch(arguments, in: folder, environment: environment)
        let milliseconds = delay.components.seconds * 1_000 + delay.components.attoseconds / 1_000_000_000_000_000
        let endedByItself = await onThread {
            usleep(UInt32(milliseconds) * 1_000)
            guard process.isRunning else { return true }
            kill(process.processIdentifier, SIGKILL)
            return false
        }
        process.waitUntilExit()
        return endedByItself
    }

    /// Runs `work` on a thread of its own and waits for its result without holding a thread of
    /// the cooperative pool, for a watcher whose timing matters.
    static func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }

    static func verifies(_ database: String, in folder: URL) throws -> Bool {
        let run = try koppeling(["log", "verify", "--database", database], in: folder)
        return run.status == 0 && run.out.hasPrefix("OK ")
    }

    @Test("a lookup burst: every acknowledged lookup is recorded exactly once after kill -9, and the log verifies")
    func lookupBurst() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        let file = TestEnvironment.packageRoot.appendingPathComponent("protocols/kbi-dvz-integration-efforts.yaml").path
        #expect(
            try koppeling(["demo", "--persons", "40", "--no-serve", "--tls-port", "0", "--protocol-file", file], in: folder).status == 0)
        let environment = ["KOPPELING_TOKEN_AUDIENCE": "http://127.0.0.1:8080/oauth/token", "KOPPELING_ALLOW_TEST_NUMBERS": "1"]
        let (server, base) = try await startServer(
            in: folder, arguments: ["--database", "koppeling-demo.sqlite"], environment: environment)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let assertion = try koppeling(["client", "assertion", "--credentials", "koppeling-demo/credentials"], in: folder).out
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var tokenRequest = URLRequest(url: base.appendingPathComponent("oauth/token"))
        tokenRequest.httpMethod = "POST"
        tokenRequest.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "content-type")
        tokenRequest.httpBody = Data(
            """
            grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&clien\
            t_assertion=\(assertion)
            """
            .utf8)
        let token = try #require(
            (try JSONSerialization.jsonObject(with: try await URLSession.shared.data(for: tokenRequest).0) as? [String: Any])?[
                "access_token"] as? String)
        let generator = PopulationGenerator(seed: 1, persons: 40)
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        let session = URLSession(configuration: .ephemeral)
        defer { session.invalidateAndCancel() }
        // 400 lookups, 16 at a time; the server is killed while they run.
        let killer = Task {
            try await Task.sleep(for: .milliseconds(400))
            kill(server.processIdentifier, SIGKILL)
        }
        let acknowledged = await withTaskGroup(of: String?.self) { group in
            var answered: [String] = []
            for index in 0..<400 {
                if index >= 16, let result = await group.next() { if let id = result { answered.append(id) } }
                group.addTask {
                    var request = URLRequest(url: base.appendingPathComponent("v1/exchange/lookups"))
                    request.httpMethod = "POST"
                    request.timeoutInterval = 5
                    request.setValue("application/json", forHTTPHeaderField: "content-type")
                    request.setValue("Bearer \(token)", forHTTPHeaderField: "authorization")
                    request.setValue("burst-\(index)", forHTTPHeaderField: "x-request-id")
                    let insz = generator.nationalNumber(of: index % 40).digits
                    request.httpBody = Data(
                        #"""
                        {"insz":"\#(insz)","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"K-\#(index)",\#
                        "referenceDate":"\#(today)"}
                        """#
                        .utf8)
                    guard let (_, response) = try? await session.data(for: request), (response as? HTTPURLResponse)?.statusCode == 200
                    else { return nil }
                    return "burst-\(index)"
                }
            }
            for await result in group { if let id = result { answered.append(id) } }
            return answered
        }
        _ = try? await killer.value
        server.waitUntilExit()
        #expect(!acknowledged.isEmpty, "some lookups were answered before the kill")
        #expect(acknowledged.count < 400, "the kill came while lookups were running")
        #expect(try Self.verifies("koppeling-demo.sqlite", in: folder))
        let export = try koppeling(["audit", "export", "--database", "koppeling-demo.sqlite"], in: folder).out
        var recorded: [String: Int] = [:]
        for line in export.split(separator: "\r\n") {
            if let id = line.split(separator: ",").last.map(String.init), id.hasPrefix("burst-") { recorded[id, default: 0] += 1 }
        }
        #expect(acknowledged.allSatisfy { recorded[$0] == 1 }, "every acknowledged lookup is recorded once")
        #expect(recorded.values.allSatisfy { $0 == 1 }, "no record is doubled")
    }

    @Test("checkpoints and key rotations: killed at any moment, the log verifies and a new checkpoint is consistent with the old")
    func checkpointsAndKeyRotations() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        let db = ["--database", "r.sqlite"]
        var sizes: Set<Int> = []
        for round in 0..<8 {
            // Appends in batches of 10,000 (a commit about every 2 s in a debug build) and a
            // checkpoint, killed after 0.3 to 5.2 s: before, between and after the commits.
            _ = try await Self.killed(
                ["log", "synthesize", "--entries", "20000"] + db, in: folder, after: .milliseconds(300 + round * 700))
            let size = try koppeling(["log", "verify"] + db, in: folder).out
            sizes.insert(Int(size.split(separator: " ").dropFirst().first ?? "") ?? -1)
            #expect(try Self.verifies("r.sqlite", in: folder), "after the kill in round \(round)")
            _ = try await Self.killed(["keys", "rotate", "log"] + db, in: folder, after: .milliseconds(5 + round * 10))
            #expect(try Self.verifies("r.sqlite", in: folder), "after the key rotation killed in round \(round)")
        }
        #expect(sizes.allSatisfy { $0 >= 0 && $0 % 10_000 == 0 }, "a batch is appended whole or not at all: \(sizes.sorted())")
        #expect(sizes.count > 1, "kills came at different points of the appends: \(sizes.sorted())")
        let checkpoint = try koppeling(["log", "checkpoint"] + db, in: folder)
        #expect(checkpoint.status == 0, "\(checkpoint.err)")
        let run = try koppeling(["log", "verify"] + db, in: folder)
        #expect(run.status == 0, "\(run.out)\(run.err)")
    }

    @Test("a backup killed half-way leaves no file that looks like a backup; the next one is complete and verifies")
    func backup() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        #expect(try koppeling(["log", "synthesize", "--entries", "50000", "--database", "r.sqlite"], in: folder).status == 0)
        let backupFile = folder.appendingPathComponent("b.sqlite").path
        let partialFile = backupFile + ".partial"
        var killedWhileWriting = 0
        // Each round kills the backup once its partial file has appeared, then 0 to 60 ms later:
        // while the copy is written, whatever the machine's load makes the start-up take. The
        // watching runs on a thread of its own: on the cooperative pool, other tests that wait for
        // a process can hold every thread past the copy's few hundred milliseconds (seen in CI).
        for extra in [0, 5, 20, 60] {
            let process = try Self.launch(["backup", "--database", "r.sqlite", "--to", "b.sqlite"], in: folder)
            let killed = await Self.onThread {
                let deadline = ContinuousClock.now + .seconds(30)
                while process.isRunning, !FileManager.default.fileExists(atPath: partialFile), ContinuousClock.now < deadline {
                    usleep(200)
                }
                usleep(UInt32(extra) * 1_000)
                guard process.isRunning else { return false }
                kill(process.processIdentifier, SIGKILL)
                return true
            }
            process.waitUntilExit()
            let exists = FileManager.default.fileExists(atPath: backupFile)
            if killed {
                if FileManager.default.fileExists(atPath: partialFile), !exists { killedWhileWriting += 1 }
                // Killed before the link: nothing at the backup's name; after it, a complete backup.
                if exists { #expect(try Self.verifies("b.sqlite", in: folder)) }
            }
            if exists { try FileManager.default.removeItem(atPath: backupFile) }
            #expect(try Self.verifies("r.sqlite", in: folder))
        }
        #expect(killedWhileWriting > 0, "a kill came while the backup was being written")
        let complete = try koppeling(["backup", "--database", "r.sqlite", "--to", "b.sqlite"], in: folder)
        #expect(complete.status == 0, "\(complete.err)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("b.sqlite.partial").path))
        #expect(try Self.verifies("b.sqlite", in: folder))
    }

    @Test(
        "a copy to PostgreSQL killed half-way leaves the target empty; run again, it completes and verifies",
        .enabled(
            if: TestStores.postgresURL != nil || TestEnvironment.requireAll,
            "skipped: no PostgreSQL server (KOPPELING_TEST_POSTGRES_URL); scripts/test starts one"))
    func copy() async throws {
        let folder = try TestEnvironment.temporaryFolder()
        #expect(try koppeling(["log", "synthesize", "--entries", "30000", "--database", "r.sqlite"], in: folder).status == 0)
        let target = try await TestStores.newPostgresDatabase()
        var interrupted = 0
        var committed = false
        for delay in [200, 1_000, 4_000] where !committed {
            if try await Self.killed(["copy", "--from", "r.sqlite", "--to", target], in: folder, after: .milliseconds(delay)) {
                committed = true
                break
            }
            interrupted += 1
            // All or nothing: the target holds the whole log (the kill came after the commit) or
            // none of it, and no other table has a row. Read through the store, not a command that
            // would initialise the register's secrets.
            let store = try await StoreAddress(.postgres, at: target).open()
            let size = try await store.logSize()
            let counts = try await store.counts()
            #expect(size == 0 || size == 30_000, "\(size) entries after a kill")
            if size == 0 { #expect(counts.events == 0) }
            committed = size == 30_000
        }
        #expect(interrupted > 0, "a kill came while the copy ran")
        if !committed {
            let run = try koppeling(["copy", "--from", "r.sqlite", "--to", target], in: folder)
            #expect(run.status == 0, "\(run.out)\(run.err)")
            #expect(run.out.contains("30000 log entries"))
        }
        let verified = try koppeling(["log", "verify", "--database", target], in: folder).out
        #expect(verified.hasPrefix("OK 30000 entries"), "\(verified)")
    }
}
