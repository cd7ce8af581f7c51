public import KoppelingCore

/// The console's users and sessions, as each backend keeps them.
public protocol ConsoleStore: Sendable {
    /// Stores a new user; ``ConsoleStoreError/userExists(_:)`` if the name is taken.
    func addConsoleUser(_ user: ConsoleUser) async throws
    /// The user with a sign-in name.
    func consoleUser(name: String) async throws -> ConsoleUser?
    /// The user whose pending enrolment link has this token digest.
    func consoleUser(enrolmentDigest: String) async throws -> ConsoleUser?
    /// Every user, by name.
    func consoleUsers() async throws -> [ConsoleUser]
    /// Changes a user in one transaction: `transition` gets the stored record and gives the new
    /// one; when the new one keeps no sessions (``ConsoleUser/keepsSessions``), every session of
    /// the user ends in the same transaction. ``ConsoleStoreError/userNotFound(_:)`` without one.
    func updateConsoleUser(
        name: String, _ transition: @escaping @Sendable (ConsoleUser) throws -> ConsoleUser
    ) async throws -> ConsoleUser
    /// Stores a new session.
    func addConsoleSession(_ session: ConsoleSession) async throws
    /// The session with a token digest.
    func consoleSession(digest: String) async throws -> ConsoleSession?
    /// Records a request made with a session.
    func touchConsoleSession(digest: String, at: Instant) async throws
    /// Ends one session (sign-out).
    func endConsoleSession(digest: String) async throws
    /// Ends every session of a user (sign-out everywhere); how many there were.
    @discardableResult func endConsoleSessions(user: String) async throws -> Int
}

/// Why a change to the console's users was refused.
public enum ConsoleStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case userExists(String)
    case userNotFound(String)

    public var description: String {
        switch self {
        case .userExists(let name): "a user named \(name) exists already"
        case .userNotFound(let name): "no user named \(name)"
        }
    }

    /// The refusal in Dutch, for the console.
    public var dutch: String {
        switch self {
        case .userExists(let name): "er bestaat al een gebruiker met de naam \(name)"
        case .userNotFound(let name): "er is geen gebruiker met de naam \(name)"
        }
    }
}

extension StoreSQL {
    /// The console's tables, as both dialects create them (one migration in each backend).
    public static let consoleTables = [
        """
        CREATE TABLE console_user (
            name TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            enrolment_digest TEXT UNIQUE,
            record TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE console_session (
            digest TEXT PRIMARY KEY,
            user_name TEXT NOT NULL REFERENCES console_user (name),
            created_at BIGINT NOT NULL,
            last_seen_at BIGINT NOT NULL,
            csrf_token TEXT NOT NULL
        )
        """,
        "CREATE INDEX console_session_by_user ON console_session (user_name)",
    ]

    /// A user's record by name.
    public static func consoleUser(name: String) -> SharedStatement {
        SharedStatement("SELECT record FROM console_user WHERE name = $1", [name])
    }

    /// A user's record by pending enrolment digest.
    public static func consoleUser(enrolmentDigest: String) -> SharedStatement {
        SharedStatement("SELECT record FROM console_user WHERE enrolment_digest = $1", [enrolmentDigest])
    }

    /// Every user's record, by name.
    public static let consoleUsers = SharedStatement("SELECT record FROM console_user ORDER BY name")

    /// Stores a new user, unless the name is taken: the name comes back only when it was stored.
    public static func insertConsoleUser(_ user: ConsoleUser, record: String) -> SharedStatement {
        SharedStatement(
            """
            INSERT INTO console_user (name, state, enrolment_digest, record) VALUES ($1, $2, $3, $4) \
            ON CONFLICT (name) DO NOTHING RETURNING name
            """,
            [user.name, user.state.rawValue, user.enrolmentDigest, record])
    }

    /// Replaces a user's record.
    public static func updateConsoleUser(_ user: ConsoleUser, record: String) -> SharedStatement {
        SharedStatement(
            "UPDATE console_user SET state = $1, enrolment_digest = $2, record = $3 WHERE name = $4",
            [user.state.rawValue, user.enrolmentDigest, record, user.name])
    }

    /// Stores a new session.
    public static func insertConsoleSession(_ session: ConsoleSession) -> SharedStatement {
        SharedStatement(
            "INSERT INTO console_session (digest, user_name, created_at, last_seen_at, csrf_token) VALUES ($1, $2, $3, $4, $5)",
            [
                session.digest, session.user, session.createdAt.microsecondsSinceEpoch, session.lastSeenAt.microsecondsSinceEpoch,
                session.csrfToken,
            ])
    }

    /// A session's columns, in the order of ``ConsoleSession/stored(digest:user:createdAt:lastSeenAt:csrfToken:)``.
    public static func consoleSession(digest: String) -> SharedStatement {
        SharedStatement("SELECT digest, user_name, created_at, last_seen_at, csrf_token FROM console_session WHERE digest = $1", [digest])
    }

    /// Moves a session's last request (never back).
    public static func touchConsoleSession(digest: String, at: Instant) -> SharedStatement {
        SharedStatement(
            "UPDATE console_session SET last_seen_at = $1 WHERE digest = $2 AND last_seen_at < $1", [at.microsecondsSinceEpoch, digest])
    }

    /// Ends one session.
    public static func deleteConsoleSession(digest: String) -> SharedStatement {
        SharedStatement("DELETE FROM console_session WHERE digest = $1", [digest])
    }

    /// Ends every session of a user.
    public static func deleteConsoleSessions(user: String) -> SharedStatement {
        SharedStatement("DELETE FROM console_session WHERE user_name = $1", [user])
    }
}

extension ConsoleSession {
    /// A session read back from its columns.
    public static func stored(digest: String, user: String, createdAt: Int64, lastSeenAt: Int64, csrfToken: String) -> ConsoleSession {
        ConsoleSession(
            digest: digest, user: user, createdAt: Instant(microsecondsSinceEpoch: createdAt),
            lastSeenAt: Instant(microsecondsSinceEpoch: lastSeenAt), csrfToken: csrfToken)
    }
}

extension ConsoleUser {
    /// A user read back from the record column.
    public static func stored(_ record: String) throws -> ConsoleUser {
        try StoreJSON.decode(ConsoleUser.self, record)
    }
}
