import Foundation
import KoppelingCore
import KoppelingStore
import KoppelingTestSupport
import Testing

/// The console's users and sessions, on every backend.
@Suite("Storage contract: console users and sessions (SQLite and PostgreSQL)")
struct StoreContractConsoleTests {
    static let t0 = Instant(microsecondsSinceEpoch: 1_800_000_000_000_000)

    static func at(seconds: Int64) -> Instant {
        Instant(microsecondsSinceEpoch: t0.microsecondsSinceEpoch + seconds * 1_000_000)
    }

    @Test(
        """
        users: a name is taken once, found by name and by the pending link's digest, changed in one step; a change that keeps no \
        sessions ends them all in that step
        """,
        arguments: TestStores.backends)
    func users(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        let jan = try ConsoleUser.enrolling(
            name: "jan.peeters", roles: [.dpo, .caseOfficer], enrolmentDigest: "d1", expiresAt: Self.at(seconds: 3600), at: Self.t0)
        try await store.addConsoleUser(jan)
        await #expect(throws: ConsoleStoreError.userExists("jan.peeters")) { try await store.addConsoleUser(jan) }
        try await store.addConsoleUser(
            ConsoleUser.enrolling(name: "an", roles: [.administrator], enrolmentDigest: "d2", expiresAt: Self.at(seconds: 60), at: Self.t0))
        #expect(try await store.consoleUser(name: "jan.peeters") == jan)
        #expect(try await store.consoleUser(enrolmentDigest: "d1")?.name == "jan.peeters")
        #expect(try await store.consoleUser(enrolmentDigest: "nope") == nil)
        #expect(try await store.consoleUsers().map(\.name) == ["an", "jan.peeters"])
        #expect(jan.roles == [.caseOfficer, .dpo])

        let enrolled = try await store.updateConsoleUser(name: "jan.peeters") {
            try $0.enrolled(passwordHash: "hash", totpSecret: "secret", at: Self.at(seconds: 10))
        }
        #expect(enrolled.state == .active && enrolled.enrolmentDigest == nil)
        #expect(try await store.consoleUser(enrolmentDigest: "d1") == nil, "a spent link finds no one")
        #expect(try await store.consoleUser(name: "jan.peeters") == enrolled)
        // A refused transition changes nothing.
        await #expect(throws: ConsoleUser.Refusal.notEnrolling) {
            try await store.updateConsoleUser(name: "jan.peeters") {
                try $0.enrolled(passwordHash: "other", totpSecret: "other", at: Self.at(seconds: 20))
            }
        }
        #expect(try await store.consoleUser(name: "jan.peeters")?.passwordHash == "hash")
        await #expect(throws: ConsoleStoreError.userNotFound("nobody")) {
            try await store.updateConsoleUser(name: "nobody") { $0 }
        }

        for (index, created) in [Self.at(seconds: 20), Self.at(seconds: 30)].enumerated() {
            try await store.addConsoleSession(
                ConsoleSession(digest: "s\(index)", user: "jan.peeters", createdAt: created, lastSeenAt: created, csrfToken: "c\(index)"))
        }
        // A change that keeps the user active keeps the sessions.
        _ = try await store.updateConsoleUser(name: "jan.peeters") { $0.acceptingCode(step: 7) ?? $0 }
        #expect(try await store.consoleSession(digest: "s0") != nil)
        let disabled = try await store.updateConsoleUser(name: "jan.peeters") {
            $0.disabled(at: Self.at(seconds: 40), by: "op", reason: "left")
        }
        #expect(disabled.state == .disabled && disabled.history.map(\.action) == ["add", "enrol", "disable"])
        #expect(try await store.consoleSession(digest: "s0") == nil)
        #expect(try await store.consoleSession(digest: "s1") == nil)
        let reset = try await store.updateConsoleUser(name: "jan.peeters") {
            $0.reset(enrolmentDigest: "d3", expiresAt: Self.at(seconds: 4000), at: Self.at(seconds: 50), by: "op", reason: "back")
        }
        #expect(reset.state == .enrolling && reset.passwordHash == nil && reset.totpSecret == nil)
        #expect(try await store.consoleUser(enrolmentDigest: "d3")?.name == "jan.peeters")
    }

    @Test(
        "sessions: stored by digest, a touch moves the last request forward and never back, one ends or all of a user's end",
        arguments: TestStores.backends)
    func sessions(backend: Backend) async throws {
        let store = try await TestStores.open(backend)
        try await store.addConsoleUser(
            ConsoleUser.enrolling(name: "an", roles: [.dpo], enrolmentDigest: "d", expiresAt: Self.at(seconds: 60), at: Self.t0))
        try await store.addConsoleUser(
            ConsoleUser.enrolling(name: "bo", roles: [.dpo], enrolmentDigest: "e", expiresAt: Self.at(seconds: 60), at: Self.t0))
        let session = ConsoleSession(digest: "s1", user: "an", createdAt: Self.t0, lastSeenAt: Self.t0, csrfToken: "csrf")
        try await store.addConsoleSession(session)
        try await store.addConsoleSession(
            ConsoleSession(digest: "s2", user: "an", createdAt: Self.t0, lastSeenAt: Self.t0, csrfToken: "x"))
        try await store.addConsoleSession(
            ConsoleSession(digest: "s3", user: "bo", createdAt: Self.t0, lastSeenAt: Self.t0, csrfToken: "y"))
        #expect(try await store.consoleSession(digest: "s1") == session)
        try await store.touchConsoleSession(digest: "s1", at: Self.at(seconds: 100))
        try await store.touchConsoleSession(digest: "s1", at: Self.at(seconds: 50))
        let touched = try #require(try await store.consoleSession(digest: "s1"))
        #expect(touched.lastSeenAt == Self.at(seconds: 100) && touched.createdAt == Self.t0 && touched.csrfToken == "csrf")
        try await store.endConsoleSession(digest: "s1")
        #expect(try await store.consoleSession(digest: "s1") == nil)
        #expect(try await store.endConsoleSessions(user: "an") == 1)
        #expect(try await store.consoleSession(digest: "s2") == nil)
        #expect(try await store.consoleSession(digest: "s3") != nil, "another user's session stays")
    }
}
