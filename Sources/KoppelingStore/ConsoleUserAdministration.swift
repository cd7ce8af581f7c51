import Crypto
public import KoppelingCore

import struct Foundation.Data

/// What the register's operators do with the console's users: add one, disable one, reset one.
/// Adding and resetting hand out an enrolment link: a random token that the user opens once to set
/// a password and a second factor. The register keeps only the token's SHA-256, and the link stops
/// working after ``enrolmentSeconds``.
public struct ConsoleUserAdministration: Sendable {
    public let store: any ConsoleStore
    public let clock: @Sendable () -> Instant
    /// How long an enrolment link works: three days, enough for a weekend.
    public var enrolmentSeconds: Int64 = 72 * 3600

    public init(store: any ConsoleStore, clock: @escaping @Sendable () -> Instant) {
        self.store = store
        self.clock = clock
    }

    /// A user with the token of their enrolment link (shown once, never stored).
    public struct Enrolment: Sendable {
        public var user: ConsoleUser
        public var token: String
    }

    /// Adds a user who must enrol; ``ConsoleUser/Refusal`` for a bad name or no role,
    /// ``ConsoleStoreError/userExists(_:)`` for a name that is taken.
    public func add(name: String, roles: [ConsoleUser.Role]) async throws -> Enrolment {
        let token = Self.newToken()
        let now = clock()
        let user = try ConsoleUser.enrolling(
            name: name, roles: roles, enrolmentDigest: Self.digest(token), expiresAt: expiry(from: now), at: now)
        try await store.addConsoleUser(user)
        return Enrolment(user: user, token: token)
    }

    /// Disables a user; every session of theirs ends in the same step.
    public func disable(name: String, by: String, reason: String) async throws -> ConsoleUser {
        let now = clock()
        return try await store.updateConsoleUser(name: name) { $0.disabled(at: now, by: by, reason: reason) }
    }

    /// Gives a user a new enrolment link, forgetting their password and second factor; every
    /// session of theirs ends in the same step.
    public func reset(name: String, by: String, reason: String) async throws -> Enrolment {
        let token = Self.newToken()
        let now = clock()
        let digest = Self.digest(token)
        let expires = expiry(from: now)
        let user = try await store.updateConsoleUser(name: name) {
            $0.reset(enrolmentDigest: digest, expiresAt: expires, at: now, by: by, reason: reason)
        }
        return Enrolment(user: user, token: token)
    }

    func expiry(from now: Instant) -> Instant {
        Instant(microsecondsSinceEpoch: now.microsecondsSinceEpoch + enrolmentSeconds * 1_000_000)
    }

    /// A new random token: 32 bytes, base64url without padding (43 characters).
    public static func newToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64URL
    }

    /// The SHA-256 of a token, hexadecimal: what the register keeps of it.
    public static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).lowercaseHex
    }
}
