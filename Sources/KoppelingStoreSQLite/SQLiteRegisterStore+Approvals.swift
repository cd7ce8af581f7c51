public import Foundation
import GRDB
public import KoppelingStore

extension SQLiteRegisterStore: ApprovalStore {
    public func addPendingDecision(_ decision: PendingDecision) async throws {
        let statement = StoreSQL.insertPendingDecision(decision, record: try Self.jsonText(decision))
        try await write { db in try Self.execute(db, statement) }
    }

    public func pendingDecision(id: UUID) async throws -> PendingDecision? {
        try await read { db in
            try Self.strings(db, StoreSQL.pendingDecision(id: id)).first.map {
                try JSONDecoder().decode(PendingDecision.self, from: Data($0.utf8))
            }
        }
    }

    public func pendingDecisions() async throws -> [PendingDecision] {
        try await read { db in
            try Self.strings(db, StoreSQL.pendingDecisions).map { try JSONDecoder().decode(PendingDecision.self, from: Data($0.utf8)) }
        }
    }

    public func settlePendingDecision(_ decision: PendingDecision) async throws -> Bool {
        let statement = StoreSQL.settlePendingDecision(decision, record: try Self.jsonText(decision))
        return try await write { db in try !Self.strings(db, statement).isEmpty }
    }
}
