public import Foundation
public import KoppelingStore
import PostgresNIO

extension PostgresRegisterStore: ApprovalStore {
    public func addPendingDecision(_ decision: PendingDecision) async throws {
        let statement = StoreSQL.insertPendingDecision(decision, record: try StoreJSON.text(decision))
        try await transaction { connection in try await connection.query(statement.query, logger: self.logger) }
    }

    public func pendingDecision(id: UUID) async throws -> PendingDecision? {
        try await read { connection in
            try await Self.strings(connection, StoreSQL.pendingDecision(id: id).query, self.logger).first.map {
                try Self.decode(PendingDecision.self, $0)
            }
        }
    }

    public func pendingDecisions() async throws -> [PendingDecision] {
        try await read { connection in
            try await Self.strings(connection, StoreSQL.pendingDecisions.query, self.logger).map {
                try Self.decode(PendingDecision.self, $0)
            }
        }
    }

    public func settlePendingDecision(_ decision: PendingDecision) async throws -> Bool {
        let statement = StoreSQL.settlePendingDecision(decision, record: try StoreJSON.text(decision))
        return try await transaction { connection in try await !Self.strings(connection, statement.query, self.logger).isEmpty }
    }
}
