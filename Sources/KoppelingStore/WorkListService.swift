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

    /// One item of a queue: the person, their row, and what enforcement needs to act. The
    /// relevant deadline is the row's end of the earliest term for a fine.
    public struct Item: Sendable {
        public var insz: NationalNumber
        public var row: ProjectedStatus
        /// Days since the day the item's age counts from (``ProjectedStatus/ageStart(in:)``).
        public var daysOpen: Int?
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
            items.append(
                Item(
                    insz: insz, row: row, daysOpen: row.ageStart(in: query.queue).map { Int(today.daysSinceEpoch - $0.daysSinceEpoch) },
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
        if let amount = decision.amount {
            guard Self.fineRange.contains(amount) else { throw Refusal.amountOutOfRange }
            if amount > approvalAboveEUR {
                // Checked now so that no one approves a fine for nothing; checked again when stored.
                guard isOpen(infringementId, in: try await register.store.events(of: insz), on: register.today()) else {
                    throw Refusal.notOpen
                }
                let pending = PendingDecision(
                    id: UUID(), insz: insz.digits, infringementId: infringementId, amountEUR: amount, proposedBy: author,
                    proposedAt: clock(), state: .pending, decidedBy: nil)
                try await approvals.addPendingDecision(pending)
                return .awaitingApproval(pending)
            }
        }
        let id = UUID()
        try await store(id: id, insz: insz, infringementId: infringementId, decision, by: author)
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
            try await store(id: id, insz: insz, infringementId: pending.infringementId, .fine(amountEUR: pending.amountEUR), by: officer)
        }
        var decided = pending
        decided.state = approve ? .approved : .refused
        decided.decidedBy = officer
        guard try await approvals.settlePendingDecision(decided) else { throw Refusal.alreadyDecided }
        return decided
    }

    /// Whether `infringementId` is an open ABB infringement of a person with `events` on `day`.
    func isOpen(_ infringementId: String, in events: [Event], on day: LocalDate) -> Bool {
        register.engine.enforcementFacts(events, on: day).openInfringements.contains { $0.id == infringementId }
    }

    /// Stores the decision as an event, planned from the person's events in the transaction that
    /// stores it (under the person's lock), so that two officers deciding at once cannot both
    /// decide one infringement; an event with this id already stored is not stored again.
    func store(id: UUID, insz: NationalNumber, infringementId: String, _ decision: Decision, by author: String) async throws {
        let day = register.today()
        let event = Event(
            eventId: id, insz: insz, effectiveDate: day, source: "abb",
            payload: .infringementDecided(.init(infringementId: infringementId, decision: decision.payload, amountEUR: decision.amount)))
        _ = try await register.store.appendPlanned(
            for: insz, provenance: WriteProvenance(recordedBy: author), notices: register.notices
        ) { existing in
            if existing.contains(where: { $0.eventId == id }) { return [] }
            guard isOpen(infringementId, in: existing, on: day) else { throw Refusal.notOpen }
            return [event]
        }
    }
}
