import GRDB
public import KoppelingCore
public import KoppelingStore

extension SQLiteRegisterStore: ConsoleStore {
    public func addConsoleUser(_ user: ConsoleUser) async throws {
        let record = try StoreJSON.text(user)
        try await write { db in
            guard try !Self.strings(db, StoreSQL.insertConsoleUser(user, record: record)).isEmpty else {
                throw ConsoleStoreError.userExists(user.name)
            }
        }
    }

    public func consoleUser(name: String) async throws -> ConsoleUser? {
        try await read { db in try Self.strings(db, StoreSQL.consoleUser(name: name)).first.map(ConsoleUser.stored) }
    }

    public func consoleUser(enrolmentDigest: String) async throws -> ConsoleUser? {
        try await read { db in try Self.strings(db, StoreSQL.consoleUser(enrolmentDigest: enrolmentDigest)).first.map(ConsoleUser.stored) }
    }

    public func consoleUsers() async throws -> [ConsoleUser] {
        try await read { db in try Self.strings(db, StoreSQL.consoleUsers).map(ConsoleUser.stored) }
    }

    public func updateConsoleUser(
        name: String, _ transition: @escaping @Sendable (ConsoleUser) throws -> ConsoleUser
    ) async throws -> ConsoleUser {
        try await write { db in
            guard let text = try Self.strings(db, StoreSQL.consoleUser(name: name)).first else {
                throw ConsoleStoreError.userNotFound(name)
            }
            let next = try transition(try ConsoleUser.stored(text))
            try Self.execute(db, StoreSQL.updateConsoleUser(next, record: try StoreJSON.text(next)))
            if !next.keepsSessions { try Self.execute(db, StoreSQL.deleteConsoleSessions(user: name)) }
            return next
        }
    }

    public func addConsoleSession(_ session: ConsoleSession) async throws {
        try await write { db in try Self.execute(db, StoreSQL.insertConsoleSession(session)) }
    }

    public func consoleSession(digest: String) async throws -> ConsoleSession? {
        try await read { db in
            try Self.rows(db, StoreSQL.consoleSession(digest: digest)).first.map {
                ConsoleSession.stored(digest: $0[0], user: $0[1], createdAt: $0[2], lastSeenAt: $0[3], csrfToken: $0[4])
            }
        }
    }

    public func touchConsoleSession(digest: String, at: Instant) async throws {
        try await write { db in try Self.execute(db, StoreSQL.touchConsoleSession(digest: digest, at: at)) }
    }

    public func endConsoleSession(digest: String) async throws {
        try await write { db in try Self.execute(db, StoreSQL.deleteConsoleSession(digest: digest)) }
    }

    @discardableResult public func endConsoleSessions(user: String) async throws -> Int {
        try await write { db in
            try Self.execute(db, StoreSQL.deleteConsoleSessions(user: user))
            return db.changesCount
        }
    }
}
