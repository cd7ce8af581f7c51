import Foundation
import KoppelingConsole
import KoppelingCore
import KoppelingStore
import KoppelingTestSupport
import Synchronization
import Testing

/// Enrolment, sign-in and sessions of the console, on both backends, with TOTP codes computed by
/// an independent implementation (pyotp).
@Suite(
    "Console sign-in: password and TOTP (pyotp as the authenticator app), sessions",
    .enabled(
        if: TestEnvironment.pythonWithStdnum != nil || TestEnvironment.requireAll,
        "skipped: no .venv with pyotp; scripts/test creates it"))
struct ConsoleAuthenticatorTests {
    static let t0 = Instant(microsecondsSinceEpoch: 1_800_000_000_000_000)

    /// A clock the test moves.
    final class TestClock: Sendable {
        let now = Mutex(ConsoleAuthenticatorTests.t0)

        func advance(seconds: Int64) {
            now.withLock { $0 = Instant(microsecondsSinceEpoch: $0.microsecondsSinceEpoch + seconds * 1_000_000) }
        }

        var read: @Sendable () -> Instant { { self.now.withLock { $0 } } }
    }

    /// The code an authenticator app shows at `at` for a secret, computed by pyotp from the key the
    /// enrolment page shows (``ConsoleAuthenticator/appKey(secret:)``), as an app is given it. The
    /// key must be the base 32 of the secret's bytes, which the server keys its HMAC with.
    static func code(secret: String, at: Instant) throws -> String {
        let python = try #require(TestEnvironment.pythonWithStdnum, "KOPPELING_REQUIRE_ALL=1 but no Python with pyotp")
        let process = Process()
        process.executableURL = python
        process.arguments = [
            "-c",
            "import pyotp, sys; print(pyotp.TOTP(sys.argv[1]).at(int(sys.argv[2])))",
            ConsoleAuthenticator.appKey(secret: secret), String(at.microsecondsSinceEpoch / 1_000_000),
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A register on `backend`, a clock the test moves, and the console's services over both
    /// (bcrypt at its cheapest cost, 4, so that the tests stay fast).
    static func fixture(
        _ backend: Backend
    ) async throws -> (any KoppelingStorage, TestClock, ConsoleUserAdministration, ConsoleAuthenticator) {
        let store = try await TestStores.open(backend)
        let clock = TestClock()
        return (
            store, clock, ConsoleUserAdministration(store: store, clock: clock.read),
            ConsoleAuthenticator(store: store, clock: clock.read, bcryptCost: 4)
        )
    }

    static let password = "correct horse battery"

    /// Adds jan.peeters and enrols him with ``password`` and the current code; his TOTP secret.
    static func enrolJan(users: ConsoleUserAdministration, authenticator: ConsoleAuthenticator, clock: TestClock) async throws -> String {
        let added = try await users.add(name: "jan.peeters", roles: [.dpo])
        let secret = ConsoleAuthenticator.newTOTPSecret()
        _ = try await authenticator.enrol(
            token: added.token, password: password, totpSecret: secret, code: try code(secret: secret, at: clock.read()))
        return secret
    }

    /// jan.peeters signs in with ``password`` and the code his app shows now.
    static func signInJan(
        _ authenticator: ConsoleAuthenticator, secret: String, clock: TestClock
    ) async throws -> (token: String, session: ConsoleSession) {
        try await authenticator.signIn(name: "jan.peeters", password: password, code: try code(secret: secret, at: clock.read()))
    }

    @Test(
        """
        enrolment sets a bcrypt hash and the TOTP secret whose current code was typed, once; a weak password, a wrong code or a \
        spent link is refused
        """,
        arguments: TestStores.backends)
    func enrolment(backend: Backend) async throws {
        let (_, clock, users, authenticator) = try await Self.fixture(backend)
        let added = try await users.add(name: "jan.peeters", roles: [.caseOfficer])
        let secret = ConsoleAuthenticator.newTOTPSecret()
        #expect(secret.count == 22 && secret.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        // What the app is given: the secret's 22 bytes in base 32, without padding.
        let key = ConsoleAuthenticator.appKey(secret: secret)
        #expect(key.count == 36 && key.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
        #expect(
            ConsoleAuthenticator.authenticatorURL(secret: secret, user: "jan.peeters").hasPrefix(
                "otpauth://totp/Koppeling:jan.peeters?secret="))
        #expect(try await authenticator.enrolling(token: added.token)?.name == "jan.peeters")
        #expect(try await authenticator.enrolling(token: "not-a-link") == nil)
        let code = try Self.code(secret: secret, at: clock.read())
        await #expect(throws: ConsoleAuthenticator.Refusal.enrolmentLinkNotValid) {
            try await authenticator.enrol(token: "not-a-link", password: "correct horse battery", totpSecret: secret, code: code)
        }
        for weak in ["short", String(repeating: " ", count: 20), String(repeating: "é", count: 37)] {
            await #expect(throws: ConsoleAuthenticator.Refusal.passwordNotAllowed) {
                try await authenticator.enrol(token: added.token, password: weak, totpSecret: secret, code: code)
            }
        }
        let wrong = String(format: "%06d", (Int(code)! + 1) % 1_000_000)
        await #expect(throws: ConsoleAuthenticator.Refusal.codeNotValid) {
            try await authenticator.enrol(token: added.token, password: "correct horse battery", totpSecret: secret, code: wrong)
        }
        let enrolled = try await authenticator.enrol(token: added.token, password: "correct horse battery", totpSecret: secret, code: code)
        #expect(enrolled.state == .active && enrolled.totpSecret == secret)
        #expect(enrolled.passwordHash?.hasPrefix("$2b$04$") == true && enrolled.passwordHash?.contains("correct") == false)
        await #expect(throws: ConsoleAuthenticator.Refusal.enrolmentLinkNotValid) {
            try await authenticator.enrol(token: added.token, password: "correct horse battery", totpSecret: secret, code: code)
        }
        // A link expires after its 72 hours.
        let late = try await users.add(name: "an", roles: [.dpo])
        clock.advance(seconds: 72 * 3600)
        #expect(try await authenticator.enrolling(token: late.token) == nil)
    }

    @Test(
        """
        sign-in needs the name, the password and a current code, each code once; a session lasts until 15 idle minutes or 8 \
        hours; sign-out, disabling and sign-out everywhere end sessions
        """,
        arguments: TestStores.backends)
    func signIn(backend: Backend) async throws {
        let (store, clock, users, authenticator) = try await Self.fixture(backend)
        let secret = try await Self.enrolJan(users: users, authenticator: authenticator, clock: clock)
        // The code used to enrol is spent; the next step's code works.
        clock.advance(seconds: 30)
        let code = try Self.code(secret: secret, at: clock.read())
        for (name, password, given) in [
            ("jan.peeters", "wrong password here", code), ("nobody", "correct horse battery", code),
            ("jan.peeters", "correct horse battery", "12345"),
        ] {
            await #expect(throws: ConsoleAuthenticator.Refusal.signInRefused) {
                try await authenticator.signIn(name: name, password: password, code: given)
            }
        }
        let (token, session) = try await authenticator.signIn(name: "jan.peeters", password: "correct horse battery", code: code)
        #expect(session.user == "jan.peeters" && session.csrfToken.count == 43 && token != session.csrfToken)
        #expect(session.digest == ConsoleUserAdministration.digest(token))
        await #expect(throws: ConsoleAuthenticator.Refusal.signInRefused, "a code is good once") {
            try await authenticator.signIn(name: "jan.peeters", password: "correct horse battery", code: code)
        }
        #expect(try await authenticator.session(token: token)?.user.name == "jan.peeters")
        #expect(try await authenticator.session(token: "unknown") == nil)

        // Activity keeps it; 15 idle minutes end it.
        clock.advance(seconds: 14 * 60)
        #expect(try await authenticator.session(token: token) != nil)
        clock.advance(seconds: 14 * 60)
        #expect(try await authenticator.session(token: token) != nil)
        clock.advance(seconds: 15 * 60)
        #expect(try await authenticator.session(token: token) == nil)
        #expect(try await store.consoleSession(digest: session.digest) == nil, "an ended session is gone")

        // However active, 8 hours end it.
        let second = try await Self.signInJan(authenticator, secret: secret, clock: clock)
        for _ in 0..<(8 * 60 / 10) {
            clock.advance(seconds: 10 * 60)
            if try await authenticator.session(token: second.token) == nil { break }
        }
        #expect(clock.read().microsecondsSinceEpoch - second.session.createdAt.microsecondsSinceEpoch == 8 * 3600 * 1_000_000)

        // Sign-out; disabling; sign-out everywhere.
        clock.advance(seconds: 30)
        let third = try await Self.signInJan(authenticator, secret: secret, clock: clock)
        try await authenticator.signOut(token: third.token)
        #expect(try await authenticator.session(token: third.token) == nil)
        clock.advance(seconds: 30)
        let fourth = try await Self.signInJan(authenticator, secret: secret, clock: clock)
        clock.advance(seconds: 30)
        let fifth = try await Self.signInJan(authenticator, secret: secret, clock: clock)
        try await authenticator.signOutEverywhere(user: "jan.peeters")
        #expect(try await authenticator.session(token: fourth.token) == nil)
        #expect(try await authenticator.session(token: fifth.token) == nil)
        clock.advance(seconds: 30)
        let sixth = try await Self.signInJan(authenticator, secret: secret, clock: clock)
        _ = try await users.disable(name: "jan.peeters", by: "op", reason: "left")
        #expect(try await authenticator.session(token: sixth.token) == nil)
        clock.advance(seconds: 30)
        await #expect(throws: ConsoleAuthenticator.Refusal.signInRefused, "a disabled user cannot sign in") {
            try await Self.signInJan(authenticator, secret: secret, clock: clock)
        }
    }

    @Test(
        "five refused sign-ins in a row lock the account for 15 minutes, even for the right password and code; then it signs in",
        arguments: TestStores.backends)
    func lockout(backend: Backend) async throws {
        let (store, clock, users, authenticator) = try await Self.fixture(backend)
        let secret = try await Self.enrolJan(users: users, authenticator: authenticator, clock: clock)
        for _ in 0..<5 {
            clock.advance(seconds: 30)
            await #expect(throws: ConsoleAuthenticator.Refusal.signInRefused) {
                try await authenticator.signIn(
                    name: "jan.peeters", password: "wrong password here", code: try Self.code(secret: secret, at: clock.read()))
            }
        }
        #expect(try await store.consoleUser(name: "jan.peeters")?.isLocked(at: clock.read()) == true)
        clock.advance(seconds: 30)
        await #expect(throws: ConsoleAuthenticator.Refusal.signInRefused, "locked: the right password and code are refused") {
            try await Self.signInJan(authenticator, secret: secret, clock: clock)
        }
        clock.advance(seconds: 15 * 60)
        let (token, _) = try await Self.signInJan(authenticator, secret: secret, clock: clock)
        #expect(try await authenticator.session(token: token) != nil)
        #expect(try await store.consoleUser(name: "jan.peeters")?.failedSignIns == nil)
    }
}
