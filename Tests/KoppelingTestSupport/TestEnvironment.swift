public import Foundation
public import KoppelingCore

/// Where the tests find what lives outside the repository, and whether they may skip it.
public enum TestEnvironment {
    /// Runs a process to its end and returns its status and its standard output and error, waiting
    /// on a thread of its own. A test's tool may run for a minute (a browser, schemathesis); waiting
    /// for it on one of the few threads that run the suite's tasks starved every other test (an
    /// in-process server answered in 34 s, a 300 ms sleep lasted seconds).
    public static func run(_ process: Process) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = output
                    try process.run()
                    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, text))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// The package's root folder.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `KOPPELING_REQUIRE_ALL=1`: nothing may be skipped (CI sets it).
    public static var requireAll: Bool {
        ProcessInfo.processInfo.environment["KOPPELING_REQUIRE_ALL"] == "1"
    }

    /// The folder of the MAGDA KBI fixtures: `KOPPELING_KBI_FIXTURES`, else `../shared/fixtures/magda-kbi`.
    public static var kbiFixtures: URL {
        if let path = ProcessInfo.processInfo.environment["KOPPELING_KBI_FIXTURES"] {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/magda-kbi")
    }

    /// Whether the shared KBI fixtures are present.
    public static var hasKBIFixtures: Bool {
        FileManager.default.fileExists(atPath: kbiFixtures.appendingPathComponent("dossiers").path)
    }

    /// Whether tests needing the shared fixtures run: they are present, or they must (CI), in which
    /// case the test fails on their absence instead of being skipped.
    public static var runKBIFixtureTests: Bool { hasKBIFixtures || requireAll }

    /// The project's own small KBI-format dossiers.
    public static let ownKBIFixtures = packageRoot.appendingPathComponent("Tests/Fixtures/kbi")

    /// The Python of the test virtual environment: `KOPPELING_PYTHON`, else `.venv/bin/python`.
    public static var python: URL? {
        if let path = ProcessInfo.processInfo.environment["KOPPELING_PYTHON"] {
            return URL(fileURLWithPath: path)
        }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python")
        return FileManager.default.isExecutableFile(atPath: venv.path) ? venv : nil
    }

    /// schemathesis from the test environment's `.venv`, if `scripts/test` installed it.
    public static var schemathesis: URL? {
        guard let python else { return nil }
        let tool = python.deletingLastPathComponent().appendingPathComponent("schemathesis")
        return FileManager.default.isExecutableFile(atPath: tool.path) ? tool : nil
    }

    /// The Python of the test environment, if it can import the oracles' packages
    /// (python-stdnum, jsonschema, PyYAML, PyJWT with cryptography, standardwebhooks, openapi-spec-validator, pyotp).
    public static let pythonWithStdnum: URL? = {
        guard let python else { return nil }
        let process = Process()
        process.executableURL = python
        process.arguments = [
            "-c",
            "import stdnum.be.nn, stdnum.be.bis, jsonschema, yaml, jwt, cryptography, standardwebhooks, openapi_spec_validator, pyotp",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? python : nil
    }()

    /// Debian's `chromium` and `chromium-driver`, and Selenium with axe in the test environment's
    /// `.venv`, for the console's browser tests; nil when one is missing.
    public static let browser: URL? = {
        guard let python else { return nil }
        for path in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: path) {
            return nil
        }
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", "import selenium, axe_selenium_python, pyotp"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? python : nil
    }()

    /// Debian's `xmllint` (libxml2-utils), to check answers against the MAGDA schemas.
    public static var xmllint: URL? {
        ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].map(URL.init(fileURLWithPath:)).first {
            FileManager.default.isExecutableFile(atPath: $0.path)
        }
    }

    /// The built `koppeling` executable next to the test bundle.
    public static var koppelingExecutable: URL {
        let fromEnvironment = ProcessInfo.processInfo.environment["KOPPELING_EXECUTABLE"]
        if let fromEnvironment { return URL(fileURLWithPath: fromEnvironment) }
        var folder = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("koppeling")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/koppeling")
    }

    /// A policy that accepts MAGDA test numbers, with the real current year.
    public static let policy = NationalNumber.Policy(
        allowsTestNumbers: true, currentYear: Calendar(identifier: .gregorian).component(.year, from: Date()))

    /// A fresh temporary folder.
    public static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("koppeling-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Builds events for tests with little ceremony.
public struct EventFactory {
    public let insz: NationalNumber
    public var source = "agii"

    public init(insz: String = "85073003328") {
        self.insz = try! NationalNumber(insz, policy: TestEnvironment.policy)
    }

    /// An event with a fresh id.
    public mutating func make(_ date: String, _ payload: EventPayload, recordedAt: Instant? = nil) -> Event {
        return Event(eventId: UUID(), insz: insz, effectiveDate: LocalDate(date)!, recordedAt: recordedAt, source: source, payload: payload)
    }

    /// A date from text.
    public static func day(_ text: String) -> LocalDate { LocalDate(text)! }
}
