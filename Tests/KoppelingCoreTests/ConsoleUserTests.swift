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
        #expect(session.touched(at: Self.at(seconds: 59), limits: .standard) == nil)
        let touched = try #require(session.touched(at: Self.at(seconds: 60), limits: .standard))
        #expect(touched.lastSeenAt == Self.at(seconds: 60) && touched.createdAt == Self.t0 && touched.csrfToken == "c")
        // A short idle limit (a test server's 10 s) writes every tenth of it, so activity keeps the session.
        let short = ConsoleSession.Limits(idleSeconds: 10, absoluteSeconds: 3600)
        #expect(session.touched(at: Self.at(seconds: 0), limits: short) == nil)
        #expect(session.touched(at: Self.at(seconds: 1), limits: short)?.lastSeenAt == Self.at(seconds: 1))
    }

    @Test(
        """
        a provider's user: its name is oidc. and the subject, or a digest when the subject is no name; its roles come from \
        the claim through the map at every sign-in; a disabled one stays disabled; local names cannot take the oidc. prefix
        """)
    func providerUsers() throws {
        #expect(ConsoleUser.providerName(issuer: "https://idp", subject: "an.peeters") == "oidc.an.peeters")
        let hashed = ConsoleUser.providerName(issuer: "https://idp", subject: "An Peeters/1")
        #expect(hashed.hasPrefix("oidc.") && hashed.count == 29 && ConsoleUser.isName(hashed))
        #expect(hashed != ConsoleUser.providerName(issuer: "https://other", subject: "An Peeters/1"))
        let map = try #require(ConsoleUser.ProviderRoleMap(claim: "roles", text: "KBI_DPO:dpo, KBI_ADMIN:administrator,KBI_ADMIN:dpo"))
        #expect(map.roles(.array([.string("KBI_ADMIN"), .string("OTHER"), .integer(1)])) == [.dpo, .administrator])
        #expect(map.roles(.string("KBI_DPO")) == [.dpo] && map.roles(nil).isEmpty && map.roles(.string("kbi_dpo")).isEmpty)
        #expect(ConsoleUser.ProviderRoleMap(claim: "roles", text: "KBI_DPO:owner") == nil)
        #expect(ConsoleUser.ProviderRoleMap(claim: "roles", text: "") == nil)
        #expect(ConsoleUser.ProviderRoleMap(claim: "", text: "A:dpo") == nil)

        let first = try ConsoleUser.signedInThroughProvider(nil, name: "oidc.an", roles: [.dpo, .dpo], at: Self.t0)
        #expect(first.roles == [.dpo] && first.state == .active && first.passwordHash == nil && first.history.count == 1)
        let again = try ConsoleUser.signedInThroughProvider(first, name: "oidc.an", roles: [.dpo], at: Self.at(seconds: 60))
        #expect(again.history.count == 1, "unchanged roles add no history")
        let changed = try ConsoleUser.signedInThroughProvider(first, name: "oidc.an", roles: [.caseOfficer], at: Self.at(seconds: 60))
        #expect(changed.roles == [.caseOfficer] && changed.history.last?.action == "roles")
        #expect(throws: ConsoleUser.Refusal.noRole) {
            try ConsoleUser.signedInThroughProvider(first, name: "oidc.an", roles: [], at: Self.t0)
        }
        let disabled = first.disabled(at: Self.t0, by: "operator", reason: "left")
        #expect(throws: ConsoleUser.Refusal.disabled) {
            try ConsoleUser.signedInThroughProvider(disabled, name: "oidc.an", roles: [.dpo], at: Self.t0)
        }
        #expect(throws: ConsoleUser.Refusal.invalidName("oidc.x")) {
            try ConsoleUser.enrolling(name: "oidc.x", roles: [.dpo], enrolmentDigest: "d", expiresAt: Self.t0, at: Self.t0)
        }
    }

    @Test("each role opens exactly its screens, and reads a person only for the reasons its work gives")
    func screensAndPurposes() throws {
        func user(_ roles: [ConsoleUser.Role]) -> ConsoleUser {
            var user = try! ConsoleUser.enrolling(
                name: "u", roles: roles, enrolmentDigest: "d", expiresAt: Self.t0, at: Self.t0)
            user.roles = roles
            return user
        }
        #expect(user([.caseOfficer]).screens == [.personSearch, .kbiImport])
        #expect(user([.protocolAdmin]).screens == [.protocols] && user([.administrator]).screens == [.administration])
        #expect(
            user([.dpo]).screens == [.personSearch, .protocols, .audit]
                && user([.enforcementOfficer]).screens == [.personSearch, .enforcement])
        #expect(!user([.administrator]).may(open: .personSearch))
        #expect(user([.caseOfficer]).readPurposes == [.trajectoryGuidance, .dataQuality, .subjectRequest])
        #expect(user([.enforcementOfficer]).readPurposes == [.enforcement])
        #expect(user([.dpo]).readPurposes == [.subjectRequest, .supervision])
        #expect(user([.dpo, .enforcementOfficer]).readPurposes == [.enforcement, .subjectRequest, .supervision])
        #expect(user([.administrator]).readPurposes.isEmpty)
    }
}

@Suite("Dutch numbers and times in the console")
struct DutchFormatTests {
    @Test("numbers group thousands with a dot; instants read as a Belgian writes them, in the given offset")
    func numbersAndInstants() {
        #expect(
            [0, 7, 999, 1000, 12_345, 1_234_567, -1234].map(DutchFormat.number) == [
                "0", "7", "999", "1.000", "12.345", "1.234.567", "-1.234",
            ])
        let instant = Instant("2026-12-01T13:05:09Z")!
        #expect(DutchFormat.instant(instant, offsetSeconds: 3600) == "1 december 2026 om 14:05:09")
        #expect(DutchFormat.instant(Instant("2026-06-30T22:30:00Z")!, offsetSeconds: 7200) == "1 juli 2026 om 00:30:00")
        #expect(DutchFormat.instant(Instant("1969-12-31T23:59:59Z")!, offsetSeconds: 0) == "31 december 1969 om 23:59:59")
    }
}
