extension StatusEngine {
    /// An open infringement whose sanctioning authority is ABB, as ABB's work list shows it.
    public struct OpenInfringement: Sendable, Hashable {
        /// The infringement's stable id, which a decision names.
        public var id: String
        public var kind: EventPayload.InfringementRecorded.Kind
        /// The day it was established (the event's effective date).
        public var establishedOn: LocalDate
        public var noticeOfDefaultOn: LocalDate?
        /// The last day a fine can be imposed for it.
        public var termEndsOn: LocalDate
    }

    /// A fine decided.
    public struct DecidedFine: Sendable, Hashable {
        public var infringementId: String
        public var decidedOn: LocalDate
        /// ABB's business: never part of a disclosure to a recipient.
        public var amountEUR: Int?
    }

    /// What enforcement needs of a person on a day, by the same rules as the status: the open ABB
    /// infringements (oldest first), the fines decided, and the municipality of residence.
    public struct EnforcementFacts: Sendable, Hashable {
        public var openInfringements: [OpenInfringement]
        public var fines: [DecidedFine]
        /// The NIS code of the municipality of residence, where known.
        public var municipality: String?
    }

    /// The enforcement facts of a person with `events` on `date`.
    public func enforcementFacts(_ events: [Event], on date: LocalDate) -> EnforcementFacts {
        enforcementFacts(fold(events, on: date, knownAt: nil), events: events, on: date)
    }

    /// Everything the status projection keeps of a person on `day`, from one pass over the
    /// events: the status and facts, the enforcement facts, and the review day.
    public func projection(
        _ events: [Event], on day: LocalDate
    ) -> (evaluation: Evaluation, enforcement: EnforcementFacts, reviewOn: LocalDate?) {
        let state = fold(events, on: day, knownAt: nil)
        let (evaluation, derived) = evaluate(state, events: events, on: day)
        return (
            evaluation, enforcementFacts(state, events: events, on: day),
            reviewDate(of: events, after: day, windowEnd: derived?.windowEnd)
        )
    }

    func enforcementFacts(_ state: borrowing State, events: [Event], on date: LocalDate) -> EnforcementFacts {
        var open: [OpenInfringement] = []
        for infringement in state.infringements where !state.decided.contains(infringement.id) {
            guard standing(of: infringement, on: date) == .open,
                case .infringementRecorded(let recorded) = events[infringement.position].payload
            else { continue }
            open.append(
                OpenInfringement(
                    id: infringement.id, kind: recorded.kind, establishedOn: infringement.date,
                    noticeOfDefaultOn: recorded.noticeOfDefaultOn, termEndsOn: fineTermEnd(established: infringement.date)))
        }
        var fines: [DecidedFine] = []
        for position in state.finePositions {
            if case .infringementDecided(let decision) = events[position].payload {
                fines.append(
                    DecidedFine(
                        infringementId: decision.infringementId, decidedOn: events[position].effectiveDate, amountEUR: decision.amountEUR))
            }
        }
        var municipality: String?
        if let residence = state.residence, case .residenceChanged(let changed) = events[residence.position].payload {
            municipality = changed.nisCode
        }
        return EnforcementFacts(
            openInfringements: open.sorted { ($0.establishedOn, $0.id) < ($1.establishedOn, $1.id) },
            fines: fines.sorted { ($0.decidedOn, $0.infringementId) < ($1.decidedOn, $1.infringementId) }, municipality: municipality)
    }
}
