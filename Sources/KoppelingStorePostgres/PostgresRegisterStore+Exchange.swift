import Crypto
public import Foundation
public import KoppelingCore
public import KoppelingStore
import Logging
import PostgresNIO

extension PostgresRegisterStore: ExchangeStore {
    public func registerClient(_ client: RegisteredClient) async throws {
        let text = try Self.jsonText(client)
        try await transaction { connection in
            try await connection.query(
                "INSERT INTO client (id, party, record) VALUES (\(client.id), \(client.party), \(text))", logger: self.logger)
        }
    }

    public func updateClient(_ client: RegisteredClient) async throws {
        let text = try Self.jsonText(client)
        try await transaction { connection in
            try await connection.query(
                "UPDATE client SET party = \(client.party), record = \(text) WHERE id = \(client.id)", logger: self.logger)
        }
    }

    public func client(id: String) async throws -> RegisteredClient? {
        try await read { connection in
            try await Self.strings(connection, "SELECT record FROM client WHERE id = \(id)", self.logger).first.map {
                try Self.decode(RegisteredClient.self, $0)
            }
        }
    }

    public func clients() async throws -> [RegisteredClient] {
        try await read { connection in
            try await Self.strings(connection, "SELECT record FROM client ORDER BY id", self.logger).map {
                try Self.decode(RegisteredClient.self, $0)
            }
        }
    }

    public func client(certificateFingerprint: String) async throws -> RegisteredClient? {
        let wanted = certificateFingerprint.lowercased()
        return try await read { connection in
            try await Self.strings(connection, "SELECT record FROM client", self.logger)
                .map { try Self.decode(RegisteredClient.self, $0) }
                .first { $0.certificateFingerprint == wanted }
        }
    }

    public func useTokenId(_ jti: String, client: String, expiresAt: Instant) async throws -> Bool {
        let horizon = UsedTokenIds.forgottenBefore(clock())
        return try await transaction { connection in
            try await connection.query("DELETE FROM used_token_id WHERE expires_at < \(horizon)", logger: self.logger)
            return try await !Self.rows(
                connection,
                """
                INSERT INTO used_token_id (jti, client, expires_at) VALUES (\(jti), \(client), \(expiresAt.microsecondsSinceEpoch))
                ON CONFLICT (jti) DO NOTHING RETURNING jti
                """, self.logger
            ).isEmpty
        }
    }

    public func appendDisclosures(_ records: [DisclosureRecord]) async throws {
        try await transaction { connection in try await self.appendDisclosures(connection, records) }
    }

    public func disclosures(client: String) async throws -> [DisclosureRecord] {
        try await read { connection in
            try await Self.strings(connection, "SELECT record FROM disclosure WHERE client = \(client) ORDER BY seq", self.logger)
                .map { try Self.decode(DisclosureRecord.self, $0) }
        }
    }

    public func serverSecret(named name: String) async throws -> [UInt8] {
        let candidate = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        return try await transaction { connection in
            // Instances starting together agree on one secret: the first insert wins.
            try await connection.query(
                "INSERT INTO server_secret (name, secret) VALUES (\(name), \(ByteBuffer(bytes: candidate))) ON CONFLICT (name) DO NOTHING",
                logger: self.logger)
            let row = try await Self.rows(connection, "SELECT secret FROM server_secret WHERE name = \(name)", self.logger)[0]
            return Self.bytes(try row.decode(ByteBuffer.self))
        }
    }
}

extension PostgresRegisterStore {
    public func rotateServerSecret(named name: String, retiredPublicKey: [UInt8]) async throws -> [UInt8] {
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        return try await transaction { connection in
            try await self.lockLog(connection)
            let retired = try await Self.int(
                connection, "SELECT COUNT(*) FROM server_secret WHERE name LIKE \(ServerSecretNames.retiredPattern(name)) ESCAPE '\\'",
                self.logger)
            try await connection.query(
                """
                INSERT INTO server_secret (name, secret) VALUES (\(ServerSecretNames.retiredName(name, retired + 1)), \
                \(ByteBuffer(bytes: retiredPublicKey)))
                """,
                logger: self.logger)
            try await connection.query(
                """
                INSERT INTO server_secret (name, secret) VALUES (\(name), \(ByteBuffer(bytes: secret)))
                ON CONFLICT (name) DO UPDATE SET secret = excluded.secret
                """, logger: self.logger)
            return secret
        }
    }

    public func retiredPublicKeys(named name: String) async throws -> [[UInt8]] {
        try await read { connection in
            try await Self.rows(
                connection,
                "SELECT secret FROM server_secret WHERE name LIKE \(ServerSecretNames.retiredPattern(name)) ESCAPE '\\' ORDER BY name",
                self.logger
            ).map { Self.bytes(try $0.decode(ByteBuffer.self)) }
        }
    }
}

extension PostgresRegisterStore: FollowStore {
    public func insertFollow(_ follow: Follow, record: DisclosureRecord) async throws {
        try await insertFollows([(follow, record)])
    }

    public func insertFollows(_ follows: [(follow: Follow, record: DisclosureRecord)]) async throws {
        let texts = try follows.map { try Self.jsonText($0.follow) }
        let ids = follows.map { $0.follow.id.lowercasedString }
        let clients = follows.map(\.follow.clientId)
        let persons = follows.map(\.follow.insz)
        let untils = follows.map { $0.follow.until.description }
        let records = follows.map(\.record)
        try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO follow (id, client, insz, until, record)
                SELECT i, c, p, u, r FROM unnest(\(ids)::text[], \(clients)::text[], \(persons)::text[], \(untils)::text[], \
                \(texts)::text[])
                     WITH ORDINALITY AS t(i, c, p, u, r, n)
                ORDER BY n
                """, logger: self.logger)
            try await self.appendDisclosures(connection, records)
        }
    }

    public func endFollow(id: UUID, clientId: String, at: Instant, record: DisclosureRecord) async throws -> (follow: Follow, ended: Bool)?
    {
        try await transaction { connection in
            guard
                let text = try await Self.strings(
                    connection, "SELECT record FROM follow WHERE id = \(id.lowercasedString) AND client = \(clientId) FOR UPDATE",
                    self.logger
                ).first
            else { return nil }
            let current = try Self.decode(Follow.self, text)
            guard let follow = current.ending(at: at) else { return (current, false) }
            try await connection.query(
                """
                UPDATE follow SET ended_at = \(at.microsecondsSinceEpoch), record = \(try Self.jsonText(follow)) WHERE id = \
                \(id.lowercasedString)
                """,
                logger: self.logger)
            try await self.appendDisclosures(connection, [record])
            return (follow, true)
        }
    }

    public func follow(id: UUID, clientId: String) async throws -> Follow? {
        try await read { connection in
            try await Self.strings(
                connection, "SELECT record FROM follow WHERE id = \(id.lowercasedString) AND client = \(clientId)", self.logger
            )
            .first.map { try Self.decode(Follow.self, $0) }
        }
    }

    public func follows(clientId: String, after cursor: Int?, limit: Int) async throws -> [(position: Int, follow: Follow)] {
        try await read { connection in
            try await Self.rows(
                connection,
                """
                SELECT position, record FROM follow WHERE client = \(clientId) AND position > \(cursor ?? 0) ORDER BY position LIMIT \
                \(limit)
                """,
                self.logger
            ).map { row in
                let (position, text) = try row.decode((Int64, String).self)
                return (Int(position), try Self.decode(Follow.self, text))
            }
        }
    }
}

extension PostgresRegisterStore: ProtocolStore {
    public func insertProtocol(_ record: ProtocolRecord) async throws {
        let text = try Self.jsonText(record)
        let id = record.document.id
        let version = record.document.version
        try await transaction { connection in
            let inserted = try await Self.rows(
                connection,
                """
                INSERT INTO protocol_version (id, version, state, record) VALUES (\(id), \(version), \(record.state.rawValue), \(text))
                ON CONFLICT (id, version) DO NOTHING RETURNING id
                """, self.logger)
            guard !inserted.isEmpty else { throw ProtocolStoreError.versionExists(id: id, version: version) }
        }
    }

    public func protocolRecord(id: String, version: Int) async throws -> ProtocolRecord? {
        try await read { connection in
            try await Self.strings(connection, "SELECT record FROM protocol_version WHERE id = \(id) AND version = \(version)", self.logger)
                .first.map { try Self.decode(ProtocolRecord.self, $0) }
        }
    }

    func protocolRecords(_ connection: PostgresConnection) async throws -> [ProtocolRecord] {
        try await Self.strings(connection, "SELECT record FROM protocol_version ORDER BY id, version", logger).map {
            try Self.decode(ProtocolRecord.self, $0)
        }
    }

    public func protocolRecords() async throws -> [ProtocolRecord] {
        try await read { connection in try await self.protocolRecords(connection) }
    }

    public func updateProtocol(
        id: String, version: Int, _ transition: @escaping @Sendable (ProtocolRecord) throws -> ProtocolRecord
    ) async throws -> ProtocolRecord {
        try await transaction { connection in
            guard
                let text = try await Self.strings(
                    connection, "SELECT record FROM protocol_version WHERE id = \(id) AND version = \(version) FOR UPDATE", self.logger
                ).first
            else { throw ProtocolStoreError.notFound(id: id, version: version) }
            let next = try Self.decode(ProtocolRecord.self, text).applying(transition)
            try await connection.query(
                """
                UPDATE protocol_version SET state = \(next.state.rawValue), record = \(try Self.jsonText(next)) WHERE id = \(id) AND \
                version = \(version)
                """,
                logger: self.logger)
            return next
        }
    }

    public func registerParty(_ party: RegisteredParty) async throws {
        try await transaction { connection in
            try await connection.query(
                "INSERT INTO party (id, name) VALUES (\(party.id), \(party.name)) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                logger: self.logger)
            for (keys, kind) in [(party.publicKeys, "controller"), (party.dpoKeys, "dpo")] {
                for key in keys {
                    try await connection.query(
                        "INSERT INTO party_key (party, public_key, kind) VALUES (\(party.id), \(key), \(kind)) ON CONFLICT DO NOTHING",
                        logger: self.logger)
                }
            }
        }
    }

    public func party(id: String) async throws -> RegisteredParty? {
        try await read { connection in
            guard let name = try await Self.strings(connection, "SELECT name FROM party WHERE id = \(id)", self.logger).first else {
                return nil
            }
            let keys = try await Self.strings(
                connection, "SELECT public_key FROM party_key WHERE party = \(id) AND kind = 'controller' ORDER BY position", self.logger)
            let dpoKeys = try await Self.strings(
                connection, "SELECT public_key FROM party_key WHERE party = \(id) AND kind = 'dpo' ORDER BY position", self.logger)
            return RegisteredParty(id: id, name: name, publicKeys: keys, dpoKeys: dpoKeys)
        }
    }
}
