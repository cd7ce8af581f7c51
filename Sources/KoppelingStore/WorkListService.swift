public import KoppelingCore

public import struct Foundation.UUID

/// ABB's enforcement work list: the queues, read from the status projection, and the decisions
/// officers record, stored as events with their author so that the status everyone sees, and
/// every follower's change notice, follow at once. A fine above a set amount waits for a second
/// officer's approval before it is stored.
public struct WorkListService: Sendable {
    /// The register whose events and projection the work list reads and writes.
    public let register: Register
    /// Where decisions that wait for approval are kept.
    public let approvals: any ApprovalStore
    /// How many days ahead the term-ending queue looks.
    public let termHorizonDays: Int
    /// Fines above this amount (euro) need a second officer's approval.
    public let approvalAboveEUR: Int
    /// The time.
    public let clock: @Sendable () -> Instant

    public init(
        register: Register, approvals: any ApprovalStore, termHorizonDays: Int = 90, approvalAboveEUR: Int = 2_500,
        clock: @escaping @Sendable () -> Instant
    ) {
        self.register = register
        self.approvals = approvals
        self.clock = clock
        self.termHorizonDays = termHorizonDays
        self.approvalAboveEUR = approvalAboveEUR
    }

    /// One item of a queue: the person, their status, and what enforcement needs to act.
    public struct Item: Sendable {
        public var insz: NationalNumber
        public var row: ProjectedStatus
        /// Days since the queue's key day (for the term-ending queue, since the oldest open infringement).
        public var daysOpen: Int?
        /// The relevant deadline: the end of the earliest term for a fine.
        public var deadline: LocalDate?
        public var facts: StatusEngine.EnforcementFacts
    }

    /// A page of a queue.
    public struct Page: Sendable {
        public var query: WorkListQuery
        public var today: LocalDate
        public var total: Int
        public var items: [Item]
    }

    /// A page of a queue on today: the due rows of the projection are computed again first, so
    /// that the page gives exactly what the status engine gives today.
    public func page(_ query: WorkListQuery) async throws -> Page {
        let today = register.today()
        try await register.refreshProjection(complete: false)
        let (total, rows) = try await register.store.workList(query, today: today, horizon: today.adding(days: termHorizonDays))
        var items: [Item] = []
        // The page's persons' events in one read.
        let events = try await register.store.events(ofPersons: rows.map(\.insz))
        for row in rows {
            guard let insz = try? NationalNumber(row.insz, policy: .stored) else { continue }
            let key: LocalDate? =
                switch query.queue {
                case .openInfringements, .termEnding: row.openInfringementSince
                default: row.since
                }
            items.append(
                Item(
                    insz: insz, row: row, daysOpen: key.map { Int(today.daysSinceEpoch - $0.daysSinceEpoch) }, deadline: row.termEndsOn,
                    facts: register.engine.enforcementFacts(events[row.insz] ?? [], on: today)))
        }
        return Page(query: query, today: today, total: total, items: items)
    }

    /// What an officer decides about an open infringement.
    public enum Decision: Sendable, Hashable {
        case fine(amountEUR: Int)
        case noFollowUp
        case rectified

        var payload: EventPayload.InfringementDecided.Decision {
            switch self {
            case .fine: .fine
            case .noFollowUp: .noFollowUp
            case .rectified: .rectified
            }
        }

        var amount: Int? {
            if case .fine(let amount) = self { return amount }
            return nil
        }
    }

    /// What became of a decision.
    public enum Outcome: Sendable, Hashable {
        /// Stored as an event: the status follows.
        case stored(eventId: UUID)
        /// A fine above the approval amount: kept until a second officer approves it.
        case awaitingApproval(PendingDecision)
    }

    /// Why a decision was refused.
    public enum Refusal: Error, Sendable, Hashable {
        /// No open ABB infringement with this id for this person today.
        case notOpen
        /// A fine outside the legal range of 50 to 5,000 euro.
        case amountOutOfRange
        /// No pending decision with this id.
        case noSuchApproval
        /// The officer who proposed a fine cannot also approve it.
        case sameOfficer
        /// The pending decision was already approved or refused.
        case alreadyDecided

        /// The refusal in Dutch, for the console.
        public var dutch: String {
            switch self {
            case .notOpen: "Deze persoon heeft vandaag geen open inbreuk met dit nummer waarover ABB beslist."
            case .amountOutOfRange: "Een administratieve geldboete bedraagt minstens 50 en hoogstens 5.000 euro."
            case .noSuchApproval: "Deze beslissing wacht niet (meer) op goedkeuring."
            case .sameOfficer: "Een tweede ambtenaar moet de boete goedkeuren, niet wie ze voorstelde."
            case .alreadyDecided: "Over deze beslissing werd al beslist."
            }
        }

        /// The refusal in English, for the API's problem details.
        public var english: String {
            switch self {
            case .notOpen: "the person has no open infringement with this id whose sanctioning authority is ABB today"
            case .amountOutOfRange: "an administrative fine is between 50 and 5,000 euro"
            case .noSuchApproval: "no decision with this id awaits approval"
            case .sameOfficer: "a second officer must approve the fine, not the one who proposed it"
            case .alreadyDecided: "this decision was already approved or refused"
            }
        }
    }

    /// The legal range of an administrative fine, in euro (BRIEF section 2).
    public static let fineRange = 50...5_000

    /// Records an officer's decision about an open infringement of `insz`: stored as an
    /// `infringement_decided` event by `author`, or, for a fine above the approval amount, kept
    /// for a second officer.
    public func decide(
        insz: NationalNumber, infringementId: String, _ decision: Decision, by author: String
    ) async throws -> Outcome {
        let today = register.today()
        let events = try await register.store.events(of: insz)
        guard register.engine.enforcementFacts(events, on: today).openInfringements.contains(where: { $0.id == infringementId }) else {
            throw Refusal.notOpen
        }
        if let amount = decision.amount {
            guard Self.fineRange.contains(amount) else { throw Refusal.amountOutOfRange }
            if amount > approvalAboveEUR {
                let pending = PendingDecision(
                    id: UUID(), insz: insz.digits, infringementId: infringementId, amountEUR: amount, proposedBy: author,
                    proposedAt: clock(), state: .pending, decidedBy: nil)
                try await approvals.addPendingDecision(pending)
                return .awaitingApproval(pending)
            }
        }
        let id = UUID()
        try await store(id: id, insz: insz, infringementId: infringementId, decision, by: author, on: today)
        return .stored(eventId: id)
    }

    /// A second officer approves (or refuses) a fine that waits for approval. The fine is stored
    /// with the pending decision's id as its event id, so an approval interrupted half-way and
    /// given again stores it once.
    public func approve(_ id: UUID, approve: Bool, by officer: String) async throws -> PendingDecision {
        guard let pending = try await approvals.pendingDecision(id: id) else { throw Refusal.noSuchApproval }
        guard pending.state == .pending else { throw Refusal.alreadyDecided }
        guard pending.proposedBy != officer else { throw Refusal.sameOfficer }
        if approve {
            guard let insz = try? NationalNumber(pending.insz, policy: .stored) else { throw Refusal.noSuchApproval }
            let today = register.today()
            let events = try await register.store.events(of: insz)
            if !events.contains(where: { $0.eventId == id }) {
                guard
                    register.engine.enforcementFacts(events, on: today).openInfringements.contains(where: {
                        $0.id == pending.infringementId
                    })
                else { throw Refusal.notOpen }
                try await store(
                    id: id, insz: insz, infringementId: pending.infringementId, .fine(amountEUR: pending.amountEUR), by: officer,
                    on: today)
            }
        }
        var decided = pending
        decided.state = approve ? .approved : .refused
        decided.decidedBy = officer
        guard try await approvals.settlePendingDecision(decided) else { throw Refusal.alreadyDecided }
        return decided
    }

    func store(
        id: UUID, insz: NationalNumber, infringementId: String, _ decision: Decision, by author: String, on day: LocalDate
    )
        async throws
    {
        let event = Event(
            eventId: id, insz: insz, effectiveDate: day, source: "abb",
            payload: .infringementDecided(.init(infringementId: infringementId, decision: decision.payload, amountEUR: decision.amount)))
        _ = try await register.append([event], by: WriteProvenance(recordedBy: author))
    }
}

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
