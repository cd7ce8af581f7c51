import Crypto
import HummingbirdBcrypt
import HummingbirdOTP
public import KoppelingCore
public import KoppelingStore
import NIOPosix
import Synchronization

import struct Foundation.Date
import struct Foundation.URLComponents

/// Signs console users in on the embedded default: enrolment with a password and a TOTP second
/// factor, sign-in with both, sessions with idle and absolute limits, sign-out.
///
/// Passwords are hashed with bcrypt at cost ``bcryptCost`` (2^12 rounds, about a quarter of a
/// second on one core of the machines this runs on), off the cooperative pool. TOTP follows
/// RFC 6238 as authenticator apps do: SHA-1, 6 digits, 30-second steps; a code of the step before
/// or after is accepted for clock drift, and each step's code once.
public struct ConsoleAuthenticator: Sendable {
    public let store: any ConsoleStore
    public let clock: @Sendable () -> Instant
    public let limits: ConsoleSession.Limits
    /// bcrypt's cost: log2 of its rounds.
    public let bcryptCost: UInt8
    /// A hash of a random password at ``bcryptCost``, checked when no such user exists, so that
    /// the time a refusal takes does not tell whether the name has an account; made at the first
    /// sign-in, not when the server starts.
    let unusable = UnusableHash()

    /// The one hash of ``unusable``, made once.
    final class UnusableHash: Sendable {
        let hash = Mutex<String?>(nil)
    }

    public init(
        store: any ConsoleStore, clock: @escaping @Sendable () -> Instant, limits: ConsoleSession.Limits = .standard,
        bcryptCost: UInt8 = 12
    ) {
        self.store = store
        self.clock = clock
        self.limits = limits
        self.bcryptCost = bcryptCost
    }

    /// Why enrolment or sign-in was refused. The sign-in refusal does not say which part was
    /// wrong, so that it does not tell who has an account.
    public enum Refusal: Error, Sendable, Hashable {
        /// The enrolment link is unknown, spent or expired.
        case enrolmentLinkNotValid
        /// The password breaks ``passwordRule``.
        case passwordNotAllowed
        /// The code does not match the second factor being set up.
        case codeNotValid
        /// Name, password or code wrong, or the user may not sign in.
        case signInRefused
    }

    /// What a password must be: 12 to 72 bytes of UTF-8 (bcrypt uses the first 72 bytes only, so
    /// a longer one would be cut without telling), not only spaces.
    public static func passwordRule(_ password: String) -> Bool {
        (12...72).contains(password.utf8.count) && password.contains { !$0.isWhitespace }
    }

    /// A new TOTP secret: 22 random letters and digits (131 bits, above RFC 4226's least of 128).
    /// HummingbirdOTP keys its HMAC with the secret's bytes; the app gets those bytes in base 32
    /// (``appKey(secret:)``).
    public static func newTOTPSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<22).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }

    /// The `otpauth://` address an authenticator app reads (as a QR code or typed in).
    public static func authenticatorURL(secret: String, user: String) -> String {
        TOTP(secret: secret).createAuthenticatorURL(label: "Koppeling:\(user)", issuer: "Koppeling")
    }

    /// The key a user types into an authenticator app: the secret's bytes in base 32, as the
    /// authenticator address carries them (36 characters).
    public static func appKey(secret: String) -> String {
        let address = authenticatorURL(secret: secret, user: "x")
        return URLComponents(string: address)?.queryItems?.first { $0.name == "secret" }?.value ?? ""
    }

    /// The 30-second step of an instant.
    static func step(_ at: Instant) -> Int64 {
        at.microsecondsSinceEpoch / 30_000_000
    }

    /// The step whose code `code` is for `secret` at `at` (the step before, at or after), if any.
    static func matchingStep(code: String, secret: String, at: Instant) -> Int64? {
        guard code.utf8.count == 6, code.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(code) else { return nil }
        let totp = TOTP(secret: secret)
        let now = step(at)
        for candidate in [now - 1, now, now + 1] where totp.compute(date: Date(timeIntervalSince1970: Double(candidate) * 30)) == value {
            return candidate
        }
        return nil
    }

    /// The user an enrolment link belongs to, if it still works.
    public func enrolling(token: String) async throws -> ConsoleUser? {
        guard let user = try await store.consoleUser(enrolmentDigest: ConsoleUserAdministration.digest(token)) else { return nil }
        do {
            try user.acceptsEnrolment(at: clock())
            return user
        } catch {
            return nil
        }
    }

    /// Completes an enrolment: the link's user gets the password and the second factor whose
    /// current code they typed, and the link is spent.
    public func enrol(token: String, password: String, totpSecret: String, code: String) async throws -> ConsoleUser {
        guard let user = try await enrolling(token: token) else { throw Refusal.enrolmentLinkNotValid }
        guard Self.passwordRule(password) else { throw Refusal.passwordNotAllowed }
        let now = clock()
        guard let step = Self.matchingStep(code: code, secret: totpSecret, at: now) else { throw Refusal.codeNotValid }
        let hash = try await hash(password)
        do {
            return try await store.updateConsoleUser(name: user.name) {
                try $0.enrolled(passwordHash: hash, totpSecret: totpSecret, codeStep: step, at: now)
            }
        } catch is ConsoleUser.Refusal {
            throw Refusal.enrolmentLinkNotValid
        }
    }

    /// A new session for a user who gave their name, password and a current code: the cookie's
    /// token (kept by the browser only) and the session.
    public func signIn(name: String, password: String, code: String) async throws -> (token: String, session: ConsoleSession) {
        let user = try await store.consoleUser(name: name)
        // The password is checked even without such a user, so that the slow part of a refusal does not tell.
        let stored: String
        if let hash = user?.passwordHash { stored = hash } else { stored = try await unusableHash() }
        let passwordMatches = try await verify(password, hash: stored)
        let now = clock()
        guard let user, user.state == .active, let secret = user.totpSecret else { throw Refusal.signInRefused }
        // A locked account is refused whatever is given, and the refusal is not counted again.
        guard !user.isLocked(at: now) else { throw Refusal.signInRefused }
        guard passwordMatches, let step = Self.matchingStep(code: code, secret: secret, at: now) else {
            _ = try await store.updateConsoleUser(name: user.name) { $0.refusingSignIn(at: now) }
            throw Refusal.signInRefused
        }
        do {
            _ = try await store.updateConsoleUser(name: user.name) { stored in
                guard stored.state == .active, let signedIn = stored.signingIn(step: step, at: now) else { throw Refusal.signInRefused }
                return signedIn
            }
        } catch is ConsoleStoreError {
            throw Refusal.signInRefused
        }
        return try await newSession(user: user.name, at: now)
    }

    /// A new session for a user: the cookie's token (kept by the browser only) and the session.
    func newSession(user: String, at now: Instant) async throws -> (token: String, session: ConsoleSession) {
        let token = ConsoleUserAdministration.newToken()
        let session = ConsoleSession(
            digest: ConsoleUserAdministration.digest(token), user: user, createdAt: now, lastSeenAt: now,
            csrfToken: ConsoleUserAdministration.newToken())
        try await store.addConsoleSession(session)
        return (token, session)
    }

    /// A new session for a user the identity provider signed in with `roles`: the user is added on
    /// the first sign-in and gets the provider's roles every time (``ConsoleUser/signedInThroughProvider(_:name:roles:at:)``);
    /// a disabled user is refused.
    public func signInThroughProvider(name: String, roles: [ConsoleUser.Role]) async throws -> (token: String, session: ConsoleSession) {
        let now = clock()
        if try await store.consoleUser(name: name) != nil {
            _ = try await store.updateConsoleUser(name: name) {
                try ConsoleUser.signedInThroughProvider($0, name: name, roles: roles, at: now)
            }
        } else {
            do {
                try await store.addConsoleUser(try ConsoleUser.signedInThroughProvider(nil, name: name, roles: roles, at: now))
            } catch ConsoleStoreError.userExists {
                // Two first sign-ins at once: the other added the user; this one updates it.
                _ = try await store.updateConsoleUser(name: name) {
                    try ConsoleUser.signedInThroughProvider($0, name: name, roles: roles, at: now)
                }
            }
        }
        return try await newSession(user: name, at: now)
    }

    /// The signed-in user and session of a cookie's token, the request counted as activity (written
    /// at most once a ``ConsoleSession/touchSeconds``); nil (and the session ended) when it has
    /// passed a limit or its user may no longer sign in.
    public func session(token: String) async throws -> (user: ConsoleUser, session: ConsoleSession)? {
        let digest = ConsoleUserAdministration.digest(token)
        guard let session = try await store.consoleSession(digest: digest) else { return nil }
        let now = clock()
        guard session.standing(at: now, limits: limits) == .valid, let user = try await store.consoleUser(name: session.user),
            user.state == .active
        else {
            try await store.endConsoleSession(digest: digest)
            return nil
        }
        guard let touched = session.touched(at: now, limits: limits) else { return (user, session) }
        try await store.touchConsoleSession(digest: digest, at: now)
        return (user, touched)
    }

    /// Ends the session of a cookie's token.
    public func signOut(token: String) async throws {
        try await store.endConsoleSession(digest: ConsoleUserAdministration.digest(token))
    }

    /// Ends every session of a user (sign-out everywhere).
    public func signOutEverywhere(user: String) async throws {
        try await store.endConsoleSessions(user: user)
    }

    func unusableHash() async throws -> String {
        if let made = unusable.hash.withLock({ $0 }) { return made }
        let made = try await hash(ConsoleUserAdministration.newToken())
        return unusable.hash.withLock { stored in
            if stored == nil { stored = made }
            return stored ?? made
        }
    }

    func hash(_ password: String) async throws -> String {
        let cost = bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
