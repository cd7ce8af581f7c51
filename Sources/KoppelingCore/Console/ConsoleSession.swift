/// A signed-in user's session in the console. The browser holds a random token in a cookie; the
/// register keeps only its SHA-256 (``digest``), so that a copy of the register signs no one in.
public struct ConsoleSession: Sendable, Hashable {
    /// The SHA-256 (hexadecimal) of the cookie's token.
    public var digest: String
    /// The user's sign-in name.
    public var user: String
    public var createdAt: Instant
    /// The last request made with it.
    public var lastSeenAt: Instant
    /// The token every form of this session carries (a form without it is refused).
    public var csrfToken: String

    public init(digest: String, user: String, createdAt: Instant, lastSeenAt: Instant, csrfToken: String) {
        self.digest = digest
        self.user = user
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.csrfToken = csrfToken
    }

    /// How long a session lasts: after `idleSeconds` without a request, and `absoluteSeconds`
    /// after sign-in whatever happens, it has ended.
    public struct Limits: Sendable, Hashable {
        public var idleSeconds: Int64
        public var absoluteSeconds: Int64

        public init(idleSeconds: Int64, absoluteSeconds: Int64) {
            self.idleSeconds = idleSeconds
            self.absoluteSeconds = absoluteSeconds
        }

        /// 15 minutes idle, 8 hours in all.
        public static let standard = Limits(idleSeconds: 15 * 60, absoluteSeconds: 8 * 3600)
    }

    /// Where a session stands.
    public enum Standing: String, Sendable, Hashable {
        case valid
        /// No request within the idle limit.
        case idle
        /// Older than the absolute limit.
        case expired
    }

    /// How stale ``lastSeenAt`` may be: a request within this of the last one recorded is not
    /// written again, so that a page view does not cost a durable write. The idle limit is then
    /// counted from up to this much before the last request; with a short idle limit (a test's),
    /// a tenth of it.
    public static let touchSeconds: Int64 = 60

    /// The session with a request at `at` recorded, or nil when the one recorded is recent enough.
    public func touched(at: Instant, limits: Limits) -> ConsoleSession? {
        let interval = min(Self.touchSeconds, max(1, limits.idleSeconds / 10))
        guard at.microsecondsSinceEpoch - lastSeenAt.microsecondsSinceEpoch >= interval * 1_000_000 else { return nil }
        var session = self
        session.lastSeenAt = at
        return session
    }

    /// Where the session stands at `at`.
    public func standing(at: Instant, limits: Limits) -> Standing {
        let micros: Int64 = 1_000_000
        if at.microsecondsSinceEpoch - createdAt.microsecondsSinceEpoch >= limits.absoluteSeconds * micros { return .expired }
        if at.microsecondsSinceEpoch - lastSeenAt.microsecondsSinceEpoch >= limits.idleSeconds * micros { return .idle }
        return .valid
    }
}

extension ConsoleUser {
    /// Whether the user's sessions survive a change to this record: only an active user has any.
    public var keepsSessions: Bool { state == .active }
}
