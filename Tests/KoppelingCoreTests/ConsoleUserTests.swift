import KoppelingCore
import Testing

@Suite("Console users and sessions")
struct ConsoleUserTests {
    static let t0 = Instant(microsecondsSinceEpoch: 1_800_000_000_000_000)

    static func at(seconds: Int64) -> Instant {
        Instant(microsecondsSinceEpoch: t0.microsecondsSinceEpoch + seconds * 1_000_000)
    }

    @Test("a user is added with a valid name and at least one role, roles in their order and once each")
    func adding() throws {
        let user = try ConsoleUser.enrolling(
            name: "an.de-smet_2", roles: [.administrator, .dpo, .administrator], enrolmentDigest: "d", expiresAt: Self.at(seconds: 60),
            at: Self.t0)
        #expect(user.roles == [.dpo, .administrator] && user.state == .enrolling)
        #expect(user.has(.dpo) && !user.has(.caseOfficer))
        for name in ["", "Jan", "jan peeters", "jan@example", String(repeating: "a", count: 65), "ré"] {
            #expect(throws: ConsoleUser.Refusal.invalidName(name)) {
                try ConsoleUser.enrolling(name: name, roles: [.dpo], enrolmentDigest: "d", expiresAt: Self.t0, at: Self.t0)
            }
        }
        #expect(throws: ConsoleUser.Refusal.noRole) {
            try ConsoleUser.enrolling(name: "jan", roles: [], enrolmentDigest: "d", expiresAt: Self.t0, at: Self.t0)
        }
    }

    @Test("the enrolment link works once and until it expires; a disabled user cannot enrol; a reset gives a new link")
    func enrolment() throws {
        let user = try ConsoleUser.enrolling(
            name: "jan", roles: [.caseOfficer], enrolmentDigest: "d", expiresAt: Self.at(seconds: 60), at: Self.t0)
        #expect(throws: ConsoleUser.Refusal.enrolmentExpired) {
            try user.enrolled(passwordHash: "h", totpSecret: "s", at: Self.at(seconds: 60))
        }
        let enrolled = try user.enrolled(passwordHash: "h", totpSecret: "s", at: Self.at(seconds: 59))
        #expect(enrolled.state == .active && enrolled.passwordHash == "h" && enrolled.enrolmentDigest == nil && enrolled.keepsSessions)
        #expect(throws: ConsoleUser.Refusal.notEnrolling) { try enrolled.enrolled(passwordHash: "x", totpSecret: "y", at: Self.t0) }
        let disabled = enrolled.disabled(at: Self.at(seconds: 70), by: "op", reason: "left the agency")
        #expect(disabled.state == .disabled && !disabled.keepsSessions)
        #expect(throws: ConsoleUser.Refusal.disabled) { try disabled.acceptsEnrolment(at: Self.at(seconds: 71)) }
        let reset = disabled.reset(
            enrolmentDigest: "e", expiresAt: Self.at(seconds: 200), at: Self.at(seconds: 80), by: "op", reason: "back")
        #expect(reset.state == .enrolling && reset.passwordHash == nil && reset.totpSecret == nil && !reset.keepsSessions)
        #expect(try reset.enrolled(passwordHash: "h2", totpSecret: "s2", at: Self.at(seconds: 90)).state == .active)
        #expect(reset.history.map(\.action) == ["add", "enrol", "disable", "reset"])
    }

    @Test("a TOTP code is good once, and a code of an earlier step after it never")
    func codesOnce() throws {
        let user = try ConsoleUser.enrolling(name: "jan", roles: [.dpo], enrolmentDigest: "d", expiresAt: Self.at(seconds: 60), at: Self.t0)
            .enrolled(passwordHash: "h", totpSecret: "s", at: Self.t0)
        let first = try #require(user.acceptingCode(step: 100))
        #expect(first.lastCodeStep == 100)
        #expect(first.acceptingCode(step: 100) == nil)
        #expect(first.acceptingCode(step: 99) == nil)
        #expect(first.acceptingCode(step: 101)?.lastCodeStep == 101)
    }

    @Test("five refused sign-ins in a row lock sign-in for a quarter of an hour; a sign-in clears the count")
    func lockout() throws {
        var user = try ConsoleUser.enrolling(name: "jan", roles: [.dpo], enrolmentDigest: "d", expiresAt: Self.at(seconds: 60), at: Self.t0)
            .enrolled(passwordHash: "h", totpSecret: "s", at: Self.t0)
        for _ in 0..<4 { user = user.refusingSignIn(at: Self.at(seconds: 10)) }
        #expect(user.failedSignIns == 4 && !user.isLocked(at: Self.at(seconds: 10)))
        let signedIn = try #require(user.signingIn(step: 1, at: Self.at(seconds: 20)))
        #expect(signedIn.failedSignIns == nil && signedIn.lastCodeStep == 1)
        user = user.refusingSignIn(at: Self.at(seconds: 30))
        #expect(user.isLocked(at: Self.at(seconds: 30)) && user.failedSignIns == 0)
        #expect(user.isLocked(at: Self.at(seconds: 30 + 15 * 60 - 1)) && !user.isLocked(at: Self.at(seconds: 30 + 15 * 60)))
        #expect(user.signingIn(step: 2, at: Self.at(seconds: 31)) == nil, "locked: even the right code is refused")
        #expect(user.signingIn(step: 2, at: Self.at(seconds: 30 + 15 * 60))?.lockedUntil == nil)
        #expect(user.history.last?.action == "lock")
    }

    @Test("a session ends after its idle limit without a request, and at its absolute limit whatever happens")
    func sessionLimits() {
        let limits = ConsoleSession.Limits(idleSeconds: 900, absoluteSeconds: 8 * 3600)
        var session = ConsoleSession(digest: "d", user: "jan", createdAt: Self.t0, lastSeenAt: Self.t0, csrfToken: "c")
        #expect(session.standing(at: Self.at(seconds: 899), limits: limits) == .valid)
        #expect(session.standing(at: Self.at(seconds: 900), limits: limits) == .idle)
        session.lastSeenAt = Self.at(seconds: 8 * 3600 - 1)
        #expect(session.standing(at: Self.at(seconds: 8 * 3600 - 1), limits: limits) == .valid)
        #expect(session.standing(at: Self.at(seconds: 8 * 3600), limits: limits) == .expired)
        #expect(ConsoleSession.Limits.standard == ConsoleSession.Limits(idleSeconds: 15 * 60, absoluteSeconds: 8 * 3600))
    }

    @Test("a request is written as the session's last one at most once a minute")
    func touches() throws {
        let session = ConsoleSession(digest: "d", user: "jan", createdAt: Self.t0, lastSeenAt: Self.t0, csrfToken: "c")
        #expect(session.touched(at: Self.at(seconds: 59)) == nil)
        let touched = try #require(session.touched(at: Self.at(seconds: 60)))
        #expect(touched.lastSeenAt == Self.at(seconds: 60) && touched.createdAt == Self.t0 && touched.csrfToken == "c")
    }
}
