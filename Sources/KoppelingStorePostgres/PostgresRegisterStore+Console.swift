public import KoppelingCore
public import KoppelingStore
import PostgresNIO

extension PostgresRegisterStore: ConsoleStore {
    public func addConsoleUser(_ user: ConsoleUser) async throws {
        let record = try StoreJSON.text(user)
        try await transaction { connection in
            guard try await !Self.strings(connection, StoreSQL.insertConsoleUser(user, record: record).query, self.logger).isEmpty else {
                throw ConsoleStoreError.userExists(user.name)
            }
        }
    }

    public func consoleUser(name: String) async throws -> ConsoleUser? {
        try await read { connection in
            try await Self.strings(connection, StoreSQL.consoleUser(name: name).query, self.logger).first.map(ConsoleUser.stored)
        }
    }

    public func consoleUser(enrolmentDigest: String) async throws -> ConsoleUser? {
        try await read { connection in
            try await Self.strings(connection, StoreSQL.consoleUser(enrolmentDigest: enrolmentDigest).query, self.logger).first
                .map(ConsoleUser.stored)
        }
    }

    public func consoleUsers() async throws -> [ConsoleUser] {
        try await read { connection in try await Self.strings(connection, StoreSQL.consoleUsers.query, self.logger).map(ConsoleUser.stored)
        }
    }

    public func updateConsoleUser(
        name: String, _ transition: @escaping @Sendable (ConsoleUser) throws -> ConsoleUser
    ) async throws -> ConsoleUser {
        try await transaction { connection in
            guard
                let text = try await Self.strings(connection, StoreSQL.consoleUser(name: name).appending("FOR UPDATE").query, self.logger)
                    .first
            else { throw ConsoleStoreError.userNotFound(name) }
            let next = try transition(try ConsoleUser.stored(text))
            try await connection.query(StoreSQL.updateConsoleUser(next, record: try StoreJSON.text(next)).query, logger: self.logger)
            if !next.keepsSessions {
                try await connection.query(StoreSQL.deleteConsoleSessions(user: name).query, logger: self.logger)
            }
            return next
        }
    }

    public func addConsoleSession(_ session: ConsoleSession) async throws {
        try await transaction { connection in
            try await connection.query(StoreSQL.insertConsoleSession(session).query, logger: self.logger)
        }
    }

    public func consoleSession(digest: String) async throws -> ConsoleSession? {
        try await read { connection in
            guard let row = try await Self.rows(connection, StoreSQL.consoleSession(digest: digest).query, self.logger).first else {
                return nil
            }
            let (digest, user, created, lastSeen, csrf) = try row.decode((String, String, Int64, Int64, String).self)
            return ConsoleSession.stored(digest: digest, user: user, createdAt: created, lastSeenAt: lastSeen, csrfToken: csrf)
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
}
