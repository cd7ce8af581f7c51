/// A person who uses the console: a civil servant with a sign-in name and one or more roles. The
/// embedded default signs users in with a password and a TOTP second factor, both set through a
/// one-time enrolment link that an operator hands out (`koppeling user add`); production signs
/// them in through the organisation's OpenID Connect provider.
///
/// What happens to a user is this type's rules (``enrolling(name:roles:enrolmentDigest:expiresAt:at:)``,
/// ``enrolled(passwordHash:totpSecret:at:)``, ``disabled(at:by:reason:)``, ``reset(enrolmentDigest:expiresAt:at:by:reason:)``,
/// ``acceptingCode(step:)``); the stores only keep the record.
public struct ConsoleUser: Sendable, Hashable, Codable {
    /// What a user may do in the console. Each screen and action names the roles it needs.
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        /// The Agency's case officers: the register and the dossiers.
        case caseOfficer = "case_officer"
        /// ABB's enforcement officers: the enforcement work list.
        case enforcementOfficer = "enforcement_officer"
        /// A party's data protection officer: the audit and the advices.
        case dpo
        /// The protocol workflow.
        case protocolAdmin = "protocol_admin"
        /// Users, clients, webhooks and settings.
        case administrator

        public static func < (lhs: Role, rhs: Role) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// Where a user stands.
    public enum State: String, Sendable, Hashable, Codable {
        /// Added, not yet enrolled: only the enrolment link works.
        case enrolling
        /// Enrolled: may sign in.
        case active
        /// May not sign in; every session is ended.
        case disabled
    }

    /// The sign-in name: 1 to 64 lower-case letters, digits, `.`, `_` or `-`.
    public var name: String
    /// The roles, in the order of ``Role/allCases``, each once.
    public var roles: [Role]
    public var state: State
    /// The password's hash (bcrypt) once enrolled.
    public var passwordHash: String?
    /// The TOTP secret once enrolled.
    public var totpSecret: String?
    /// The time step of the last TOTP code accepted: a code is good once.
    public var lastCodeStep: Int64?
    /// Refused sign-ins since the last successful one or the last lock (absent: none).
    public var failedSignIns: Int?
    /// Until when sign-in is refused after too many refusals in a row.
    public var lockedUntil: Instant?
    /// The SHA-256 (hexadecimal) of the pending enrolment link's token; the token itself is
    /// never stored.
    public var enrolmentDigest: String?
    /// When the pending enrolment link stops working.
    public var enrolmentExpiresAt: Instant?
    public var createdAt: Instant
    /// What operators did, oldest first.
    public var history: [ClientChange]

    /// Whether a text is a sign-in name.
    public static func isName(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 95 || $0 == 45 }
    }

    /// Why a user could not be made or changed.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case invalidName(String)
        case noRole
        case notEnrolling
        case enrolmentExpired
        case disabled

        public var description: String {
            switch self {
            case .invalidName(let name):
                "\"\(name)\" is not a sign-in name: 1 to 64 lower-case letters, digits, '.', '_' or '-', not starting with 'oidc.'"
            case .noRole: "a user needs at least one role"
            case .notEnrolling: "this user has no pending enrolment"
            case .enrolmentExpired: "the enrolment link has expired; an operator can give a new one (koppeling user reset)"
            case .disabled: "this user is disabled"
            }
        }

        /// The refusal in Dutch, for the console.
        public var dutch: String {
            switch self {
            case .invalidName(let name):
                """
                "\(name)" is geen aanmeldnaam: 1 tot 64 kleine letters, cijfers, '.', '_' of '-', niet beginnend met 'oidc.'
                """
            case .noRole: "een gebruiker heeft minstens één rol nodig"
            case .notEnrolling: "deze gebruiker heeft geen openstaande inschrijving"
            case .enrolmentExpired: "de inschrijvingskoppeling is verlopen; een beheerder kan een nieuwe geven (koppeling user reset)"
            case .disabled: "deze gebruiker is uitgeschakeld"
            }
        }
    }

    /// A new user who still has to enrol with the link whose token has `enrolmentDigest`.
    public static func enrolling(
        name: String, roles: [Role], enrolmentDigest: String, expiresAt: Instant, at: Instant
    ) throws(Refusal) -> ConsoleUser {
        // `oidc.` names belong to the identity provider's users.
        guard isName(name), !name.hasPrefix("oidc.") else { throw .invalidName(name) }
        guard !roles.isEmpty else { throw .noRole }
        return ConsoleUser(
            name: name, roles: Array(Set(roles)).sorted(), state: .enrolling, passwordHash: nil, totpSecret: nil, lastCodeStep: nil,
            enrolmentDigest: enrolmentDigest, enrolmentExpiresAt: expiresAt, createdAt: at,
            history: [ClientChange(at: at, action: "add", reason: "roles " + roles.map(\.rawValue).joined(separator: ","), by: "operator")])
    }

    /// Whether the enrolment link is good at `at`.
    public func acceptsEnrolment(at: Instant) throws(Refusal) {
        guard state == .enrolling, enrolmentDigest != nil, let expires = enrolmentExpiresAt else {
            throw state == .disabled ? .disabled : .notEnrolling
        }
        guard at < expires else { throw .enrolmentExpired }
    }

    /// The user after enrolling at `at`: the password and the second factor are set, and the
    /// link is spent, with the code typed to prove the app works (of time step `codeStep`).
    public func enrolled(passwordHash: String, totpSecret: String, codeStep: Int64? = nil, at: Instant) throws(Refusal) -> ConsoleUser {
        try acceptsEnrolment(at: at)
        var user = self
        user.state = .active
        user.passwordHash = passwordHash
        user.totpSecret = totpSecret
        user.lastCodeStep = codeStep
        user.enrolmentDigest = nil
        user.enrolmentExpiresAt = nil
        user.history.append(ClientChange(at: at, action: "enrol", reason: "password and second factor set", by: name))
        return user
    }

    /// The user disabled: no sign-in, no pending enrolment.
    public func disabled(at: Instant, by: String, reason: String) -> ConsoleUser {
        var user = self
        user.state = .disabled
        user.enrolmentDigest = nil
        user.enrolmentExpiresAt = nil
        user.history.append(ClientChange(at: at, action: "disable", reason: reason, by: by))
        return user
    }

    /// The user back to enrolling with a new link: the password and second factor are forgotten,
    /// so a lost phone or a forgotten password is handled the same way (a disabled user too).
    public func reset(enrolmentDigest: String, expiresAt: Instant, at: Instant, by: String, reason: String) -> ConsoleUser {
        var user = self
        user.state = .enrolling
        user.passwordHash = nil
        user.totpSecret = nil
        user.lastCodeStep = nil
        user.enrolmentDigest = enrolmentDigest
        user.enrolmentExpiresAt = expiresAt
        user.history.append(ClientChange(at: at, action: "reset", reason: reason, by: by))
        return user
    }

    /// The user after a TOTP code of time step `step` was accepted, or nil when a code of that
    /// step or a later one was accepted already (a code is good once, and never an older one).
    public func acceptingCode(step: Int64) -> ConsoleUser? {
        if let last = lastCodeStep, step <= last { return nil }
        var user = self
        user.lastCodeStep = step
        return user
    }

    /// Refused sign-ins in a row that lock the account, and for how long.
    public static let signInAttempts = 5
    public static let lockSeconds: Int64 = 15 * 60

    /// Whether sign-in is locked at `at`.
    public func isLocked(at: Instant) -> Bool {
        lockedUntil.map { at < $0 } ?? false
    }

    /// The user after a refused sign-in at `at`: the ``signInAttempts``th refusal in a row locks
    /// sign-in for ``lockSeconds``, so that a password and a six-digit code cannot be guessed by
    /// trying.
    public func refusingSignIn(at: Instant) -> ConsoleUser {
        var user = self
        let failures = (failedSignIns ?? 0) + 1
        if failures >= Self.signInAttempts {
            user.failedSignIns = 0
            user.lockedUntil = Instant(microsecondsSinceEpoch: at.microsecondsSinceEpoch + Self.lockSeconds * 1_000_000)
            user.history.append(
                ClientChange(at: at, action: "lock", reason: "\(Self.signInAttempts) refused sign-ins in a row", by: "koppeling"))
        } else {
            user.failedSignIns = failures
        }
        return user
    }

    /// The user signed in at `at` with a code of time step `step`, the count of refusals cleared;
    /// nil while locked or when a code of that step or a later one was accepted already.
    public func signingIn(step: Int64, at: Instant) -> ConsoleUser? {
        guard !isLocked(at: at), var user = acceptingCode(step: step) else { return nil }
        user.failedSignIns = nil
        user.lockedUntil = nil
        return user
    }

    /// Whether the user has a role.
    public func has(_ role: Role) -> Bool { roles.contains(role) }

    public init(
        name: String, roles: [Role], state: State, passwordHash: String?, totpSecret: String?, lastCodeStep: Int64?,
        enrolmentDigest: String?, enrolmentExpiresAt: Instant?, createdAt: Instant, history: [ClientChange]
    ) {
        self.name = name
        self.roles = roles
        self.state = state
        self.passwordHash = passwordHash
        self.totpSecret = totpSecret
        self.lastCodeStep = lastCodeStep
        self.enrolmentDigest = enrolmentDigest
        self.enrolmentExpiresAt = enrolmentExpiresAt
        self.createdAt = createdAt
        self.history = history
    }
}
