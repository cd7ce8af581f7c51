public import KoppelingCore
public import KoppelingStore
import PostgresNIO

extension PostgresRegisterStore: ConsoleStore {
    public func addConsoleUser(_ user: ConsoleUser) async throws {
        let record = try StoreJSON.text(user)
        try await transaction { connection in
            // The name's row lock would not exist yet: the insert's conflict decides.
            let inserted = try await Self.rows(
                connection,
                StoreSQL.insertConsoleUser(user, record: record).appending("ON CONFLICT (name) DO NOTHING RETURNING name").query,
                self.logger)
            guard !inserted.isEmpty else { throw ConsoleStoreError.userExists(user.name) }
        }
    }

    public func consoleUser(name: String) async throws -> ConsoleUser? {
        try await read { connection in
            try await Self.strings(connection, StoreSQL.consoleUser(name: name).query, self.logger).first.map(Self.decodeUser)
        }
    }

    public func consoleUser(enrolmentDigest: String) async throws -> ConsoleUser? {
        try await read { connection in
            try await Self.strings(connection, StoreSQL.consoleUser(enrolmentDigest: enrolmentDigest).query, self.logger).first
                .map(Self.decodeUser)
        }
    }

    public func consoleUsers() async throws -> [ConsoleUser] {
        try await read { connection in try await Self.strings(connection, StoreSQL.consoleUsers.query, self.logger).map(Self.decodeUser) }
    }

    public func updateConsoleUser(
        name: String, _ transition: @escaping @Sendable (ConsoleUser) throws -> ConsoleUser
    ) async throws -> ConsoleUser {
        try await transaction { connection in
            guard
                let text = try await Self.strings(connection, StoreSQL.consoleUser(name: name).appending("FOR UPDATE").query, self.logger)
                    .first
            else { throw ConsoleStoreError.userNotFound(name) }
            let next = try transition(try Self.decodeUser(text))
            try await connection.query(StoreSQL.updateConsoleUser(next, record: try StoreJSON.text(next)).query, logger: self.logger)
            if !next.keepsSessions {
                try await connection.query(StoreSQL.deleteConsoleSessions(user: name).query, logger: self.logger)
            }
            return next
        }
    }

    public func addConsoleSession(_ session: ConsoleSession) async throws {
        let record = try StoreJSON.text(session)
        try await transaction { connection in
            try await connection.query(StoreSQL.insertConsoleSession(session, record: record).query, logger: self.logger)
        }
    }

    public func consoleSession(digest: String) async throws -> ConsoleSession? {
        try await read { connection in
            guard let row = try await Self.rows(connection, StoreSQL.consoleSession(digest: digest).query, self.logger).first else {
                return nil
            }
            let (record, lastSeen) = try row.decode((String, Int64).self)
            return try ConsoleSession.stored(record: record, lastSeenAt: lastSeen)
        }
    }

    public func touchConsoleSession(digest: String, at: Instant) async throws {
        try await transaction { connection in
            try await connection.query(StoreSQL.touchConsoleSession(digest: digest, at: at).query, logger: self.logger)
        }
    }

    public func endConsoleSession(digest: String) async throws {
        try await transaction { connection in
            try await connection.query(StoreSQL.deleteConsoleSession(digest: digest).query, logger: self.logger)
        }
    }

    @discardableResult public func endConsoleSessions(user: String) async throws -> Int {
        try await transaction { connection in
            try await Self.rows(
                connection, StoreSQL.deleteConsoleSessions(user: user).appending("RETURNING digest").query, self.logger
            ).count
        }
    }

    static func decodeUser(_ text: String) throws -> ConsoleUser {
        try StoreJSON.decode(ConsoleUser.self, text)
    }
}
