public import KoppelingCore

public import struct Foundation.UUID

/// A fine that waits for a second officer's approval.
public struct PendingDecision: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable { case pending, approved, refused }
    public var id: UUID
    /// The national number's digits.
    public var insz: String
    public var infringementId: String
    public var amountEUR: Int
    public var proposedBy: String
    public var proposedAt: Instant
    public var state: State
    public var decidedBy: String?

    public init(
        id: UUID, insz: String, infringementId: String, amountEUR: Int, proposedBy: String, proposedAt: Instant, state: State,
        decidedBy: String?
    ) {
        self.id = id
        self.insz = insz
        self.infringementId = infringementId
        self.amountEUR = amountEUR
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.state = state
        self.decidedBy = decidedBy
    }
}

/// Where fines waiting for approval are kept (both backends).
public protocol ApprovalStore: Sendable {
    func addPendingDecision(_ decision: PendingDecision) async throws
    func pendingDecision(id: UUID) async throws -> PendingDecision?
    /// The decisions still waiting, oldest first.
    func pendingDecisions() async throws -> [PendingDecision]
    /// Stores an approved or refused decision, if it was still pending; false if it was not.
    func settlePendingDecision(_ decision: PendingDecision) async throws -> Bool
}

extension StoreSQL {
    /// The table of fines waiting for approval, as both dialects create it.
    public static let pendingDecisionTable = """
        CREATE TABLE pending_decision (
            id TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            proposed_at BIGINT NOT NULL,
            record TEXT NOT NULL
        )
        """

    public static func insertPendingDecision(_ decision: PendingDecision, record: String) -> SharedStatement {
        SharedStatement(
            "INSERT INTO pending_decision (id, state, proposed_at, record) VALUES ($1, $2, $3, $4)",
            [decision.id.lowercasedString, decision.state.rawValue, decision.proposedAt.microsecondsSinceEpoch, record])
    }

    public static func pendingDecision(id: UUID) -> SharedStatement {
        SharedStatement("SELECT record FROM pending_decision WHERE id = $1", [id.lowercasedString])
    }

    public static let pendingDecisions = SharedStatement(
        "SELECT record FROM pending_decision WHERE state = 'pending' ORDER BY proposed_at, id")

    /// Settles a decision that is still pending; returns its id when it was.
    public static func settlePendingDecision(_ decision: PendingDecision, record: String) -> SharedStatement {
        SharedStatement(
            "UPDATE pending_decision SET state = $1, record = $2 WHERE id = $3 AND state = 'pending' RETURNING id",
            [decision.state.rawValue, record, decision.id.lowercasedString])
    }
}
