/// Turns a person's events into the status for a reference date (BRIEF section 3) and the facts
/// a disclosure needs (section 4), in one pass.
///
/// A pure function: the same events, reference date and `knownAt` always give the same answer.
/// Only events effective on or before the reference date count; with `knownAt`, only events
/// recorded on or before it. A retraction counts from its own `recordedAt` on, whatever its
/// effective date, because it corrects what the register knew rather than stating a new fact.
/// Among events of the same kind the latest effective date wins, and on the same day the one
/// recorded last (the later position in `events`, which the store keeps in recording order).
/// The rules are documented, with their choices, in `docs/status-rules.md`.
public struct StatusEngine: Sendable {
    /// The legal references attached to reasons.
    public var legalReferences: LegalReferences
    /// The registration window after the obligation starts, in calendar months (BRIEF: 3).
    public var registrationWindowMonths: Int
    /// Whether a registration postponement moves the end of the registration window by the days
    /// it covered (BRIEF section 3).
    public var postponementExtendsWindow: Bool
    /// After how many months a postponement without an end date is flagged for review.
    public var postponementReviewMonths: Int
    /// The term, in months from the day an infringement was established, within which ABB can
    /// impose a fine; after it, an undecided infringement is no longer open. An assumption until
    /// confirmed (see ``LegalReferences/fineTerm``).
    public var fineTermMonths: Int

    /// The day the renewed regulation took effect (amending decree of 9 July 2021): contracts from
    /// then on ask Dutch at A2, closed by a test.
    public static let regime2022Start = LocalDate(year: 2022, month: 3, day: 1)!

    /// Creates an engine.
    public init(
        legalReferences: LegalReferences = .standard, registrationWindowMonths: Int = 3, postponementExtendsWindow: Bool = true,
        postponementReviewMonths: Int = 12, fineTermMonths: Int = 60
    ) {
        self.legalReferences = legalReferences
        self.registrationWindowMonths = registrationWindowMonths
        self.postponementExtendsWindow = postponementExtendsWindow
        self.postponementReviewMonths = postponementReviewMonths
        self.fineTermMonths = fineTermMonths
    }

    /// The last day on which ABB can impose a fine for an infringement established on `day`.
    public func fineTermEnd(established day: LocalDate) -> LocalDate {
        day.adding(months: fineTermMonths)
    }

    /// The last day of the registration window for an obligation that starts on `start`, without
    /// postponements: the same day `registrationWindowMonths` calendar months later, clamped to the
    /// month's end.
    public func registrationWindowEnd(obligationStart start: LocalDate) -> LocalDate {
        start.adding(months: registrationWindowMonths)
    }

    /// Computes the status of one person. `events` are that person's events in recording order.
    public func status(of events: [Event], on referenceDate: LocalDate, knownAt: Instant? = nil) -> PersonStatus {
        let state = fold(events, on: referenceDate, knownAt: knownAt)
        guard state.counted > 0 else { return noFile(on: referenceDate) }
        return decide(state, derive(state, on: referenceDate), events: events, on: referenceDate)
    }

    /// Computes the status of one person and the facts a disclosure needs.
    public func evaluate(_ events: [Event], on referenceDate: LocalDate, knownAt: Instant? = nil) -> Evaluation {
        evaluate(fold(events, on: referenceDate, knownAt: knownAt), events: events, on: referenceDate).evaluation
    }

    /// The evaluation of folded events, with what was derived from them (nil without a file).
    func evaluate(_ state: borrowing State, events: [Event], on referenceDate: LocalDate) -> (evaluation: Evaluation, derived: Derived?) {
        guard state.counted > 0 else { return (Evaluation(status: noFile(on: referenceDate), facts: nil), nil) }
        let derived = derive(state, on: referenceDate)
        return (
            Evaluation(
                status: decide(state, derived, events: events, on: referenceDate),
                facts: facts(state, derived, events: events, on: referenceDate)),
            derived
        )
    }

    /// Rule 1: no file.
    func noFile(on date: LocalDate) -> PersonStatus {
        PersonStatus(status: .unknown, since: nil, reasons: [reason("no_file", on: date)], flags: .unknown)
    }

    /// Whether an event recorded at `recordedAt` was known at `knownAt` (always, without `knownAt`).
    static func isKnown(_ recordedAt: Instant?, at knownAt: Instant?) -> Bool {
        guard let knownAt, let recordedAt else { return true }
        return recordedAt <= knownAt
    }

    /// The events retracted by retractions known at `knownAt`, whatever their effective dates.
    /// Usually empty, so a plain array.
    static func retractedIds(in events: [Event], knownAt: Instant?) -> [EventID] {
        var retracted: [EventID] = []
        for position in events.indices where events[position].type == .eventRetracted {
            if case .eventRetracted(let retraction) = events[position].payload, isKnown(events[position].recordedAt, at: knownAt) {
                retracted.append(retraction.retractedEventId)
            }
        }
        return retracted
    }

    func reason(_ code: String, on: LocalDate? = nil, until: LocalDate? = nil, count: Int? = nil, detail: String? = nil) -> StatusReason {
        StatusReason(code: code, legalReference: legalReferences.reference(for: code), on: on, until: until, count: count, detail: detail)
    }
}

extension StatusEngine {
    /// The status and, for a person with a file, the facts a disclosure needs.
    public struct Evaluation: Sendable {
        public var status: PersonStatus
        /// Nil for a person without a file (status `unknown`).
        public var facts: PersonFacts?
    }

    /// What a disclosure tells beside the status, under the same counting rules as the status.
    public struct PersonFacts: Sendable, Hashable {
        /// The first contract's signing date.
        public var contractSignedOn: LocalDate?
        /// The first integration certificate or effort statement (not an exemption or a
        /// prior-learning certificate).
        public var certificateIssuedOn: LocalDate?
        /// The highest Dutch level reached.
        public var highestDutchLevel: CEFRLevel?
        /// Per component: true met, false not met, nil no result yet or not applicable.
        public var componentMet: [Component: Bool]
        /// The category of the latest exemption.
        public var exemptionCategory: EventPayload.ExemptionGranted.Category?
        /// The code of the agency that follows the person (see ``AgencyDirectory``).
        public var followingAgency: String?
        /// On a waiting list for a course on the reference date.
        public var waitingForCourse: Bool
        /// The Dutch level the person's regime asks, when the regime is known.
        public var dutchTarget: CEFRLevel?
    }

    /// When a fact became true: its effective date, then its position in recording order.
    struct Order: Comparable {
        var date: LocalDate
        var position: Int

        static func < (lhs: Order, rhs: Order) -> Bool {
            (lhs.date, lhs.position) < (rhs.date, rhs.position)
        }
    }

    /// What a component's results say so far: met by any result, else the latest other result.
    struct ComponentVerdict {
        var met = false
        var latest: (decision: EventPayload.ComponentResult.Decision, order: Order)?

        mutating func add(_ decision: EventPayload.ComponentResult.Decision, _ order: Order) {
            if decision.isMet { met = true }
            if latest == nil || latest!.order <= order { latest = (decision, order) }
        }

        /// true met, false not met, nil no result yet or not applicable.
        var value: Bool? {
            if met { return true }
            switch latest?.decision {
            case .notMet?, .failed?: return false
            default: return nil
            }
        }
    }

    /// The Dutch verdict for one target: met when a level at or above the target was reached (by a
    /// test where the target asks one), or a result says the component, or a module at or above
    /// the target, is met. Otherwise the latest Dutch fact that counts decides: a failed module at
    /// or below the target (or the component as a whole) says not met; a level reached, or a
    /// result of not applicable, says nothing yet.
    struct DutchTrack {
        let target: CEFRLevel
        let needsTest: Bool
        var met = false
        var latest: (verdict: Bool?, order: Order)?

        mutating func reached(_ level: CEFRLevel, tested: Bool, _ order: Order) {
            if level >= target, tested || !needsTest { met = true }
            record(nil, order)
        }

        mutating func result(_ decision: EventPayload.ComponentResult.Decision, level: CEFRLevel?, _ order: Order) {
            if decision.isMet, level.map({ $0 >= target }) ?? true { met = true }
            if let level, level > target { return }
            record(decision == .notMet || decision == .failed ? false : nil, order)
        }

        mutating func record(_ verdict: Bool?, _ order: Order) {
            if latest == nil || latest!.order <= order { latest = (verdict, order) }
        }

        /// true met, false not met, nil not yet.
        var value: Bool? { met ? true : (latest?.verdict ?? nil) }
    }

    /// An infringement recorded: its id, the day it was established, its sanctioning authority,
    /// and the position of its event.
    typealias Infringement = (id: String, date: LocalDate, authority: EventPayload.InfringementRecorded.Authority, position: Int)

    /// Where an infringement not decided yet stands on a day: open (ABB may still fine), past the
    /// term for a fine, or reported to another authority. The one rule the status and the work
    /// list both read.
    enum Standing { case open, termExpired, otherAuthority }

    func standing(of infringement: Infringement, on date: LocalDate) -> Standing {
        guard infringement.authority == .abb else { return .otherAuthority }
        return date <= fineTermEnd(established: infringement.date) ? .open : .termExpired
    }

    /// The counted events of one person, folded.
    struct State {
        var counted = 0
        var targetGroup: (value: EventPayload.TargetGroupDetermined, order: Order)?
        /// The latest determination that made the person obliged; a later determination as entitled
        /// does not end an obligation (only fulfilment or an exemption does).
        var obligation: (start: LocalDate?, order: Order)?
        var residence: (region: EventPayload.ResidenceChanged.Region, position: Int, order: Order)?
        var exemption: (value: EventPayload.ExemptionGranted, order: Order)?
        var exemptionWithdrawn: Order?
        var firstRegistration: LocalDate?
        var firstContract: LocalDate?
        var latestContract: (regime: EventPayload.ContractSigned.Regime?, order: Order)?
        var postponements: [EventPayload.Postponement] = []
        var certificate: LocalDate?
        var effortStatement: LocalDate?
        var exemptionCertificate: LocalDate?
        /// The infringements recorded, with their position in `events`.
        var infringements: [Infringement] = []
        /// The fines decided, by their position in `events`.
        var finePositions: [Int] = []
        var decided: [String] = []
        var closedWithoutFollowUp = false
        var fines = 0
        var firstFine: LocalDate?
        var lastFine: LocalDate?
        // Three fields rather than an array: an array would cost an allocation for every person.
        var socialOrientation = ComponentVerdict()
        var work = ComponentVerdict()
        var participation = ComponentVerdict()
        var highestLevel: CEFRLevel?
        /// The Dutch verdict under each regime's target, kept side by side because the regime is
        /// known only once every event is read.
        var dutch2022 = DutchTrack(target: .a2, needsTest: true)
        var dutchEarlier = DutchTrack(target: .a1, needsTest: false)
        /// Positions of the events that name agencies (reading the string here would retain it).
        var assignedAgency: (position: Int, order: Order)?
        var latestAgency: (position: Int, order: Order)?
        var waiting = false
    }

    /// What follows from the folded events and the rules' parameters.
    struct Derived {
        var obligationStart: LocalDate?
        var registered: Bool
        var windowEnd: LocalDate?
        var windowExtension = 0
        var covering: EventPayload.Postponement?
        var reviewFrom: LocalDate?
        var openInfringementSince: LocalDate?
        var flags: StatusFlags
    }

    func fold(_ events: [Event], on referenceDate: LocalDate, knownAt: Instant?) -> State {
        // Events are read in place by index: binding each one to a local would retain and release
        // all of its strings, which is most of the cost of a status.
        let retracted = Self.retractedIds(in: events, knownAt: knownAt)
        var state = State()
        for position in events.indices {
            let effectiveDate = events[position].effectiveDate
            guard effectiveDate <= referenceDate, Self.isKnown(events[position].recordedAt, at: knownAt) else { continue }
            if !retracted.isEmpty, retracted.contains(events[position].eventId) { continue }
            let order = Order(date: effectiveDate, position: position)
            // A retraction corrects what the register knew; it is no fact about the person, so a
            // file whose every fact is retracted is no file.
            if events[position].type != .eventRetracted { state.counted += 1 }
            switch events[position].payload {
            case .targetGroupDetermined(let determination):
                if state.targetGroup == nil || state.targetGroup!.order <= order {
                    state.targetGroup = (determination, order)
                }
                if determination.code == .ja, determination.targetType.isObliged,
                    state.obligation == nil || state.obligation!.order <= order
                {
                    state.obligation = (determination.periodStart, order)
                }
            case .residenceChanged(let residence):
                if state.residence == nil || state.residence!.order <= order {
                    state.residence = (residence.region, position, order)
                }
            case .exemptionGranted(let exemption):
                if state.exemption == nil || state.exemption!.order <= order {
                    state.exemption = (exemption, order)
                }
            case .exemptionWithdrawn:
                if state.exemptionWithdrawn == nil || state.exemptionWithdrawn! <= order {
                    state.exemptionWithdrawn = order
                }
            case .registered:
                state.firstRegistration = min(state.firstRegistration ?? effectiveDate, effectiveDate)
                if state.latestAgency == nil || state.latestAgency!.order <= order { state.latestAgency = (position, order) }
            case .postponement(let postponement):
                state.postponements.append(postponement)
            case .contractSigned(let contract):
                state.firstContract = min(state.firstContract ?? effectiveDate, effectiveDate)
                if state.latestContract == nil || state.latestContract!.order <= order { state.latestContract = (contract.regime, order) }
                if state.latestAgency == nil || state.latestAgency!.order <= order { state.latestAgency = (position, order) }
            case .componentResult(let result):
                switch result.component {
                case .dutch:
                    state.dutch2022.result(result.decision, level: result.level, order)
                    state.dutchEarlier.result(result.decision, level: result.level, order)
                case .socialOrientation: state.socialOrientation.add(result.decision, order)
                case .work: state.work.add(result.decision, order)
                case .participation: state.participation.add(result.decision, order)
                }
            case .dutchLevelReached(let reached):
                state.highestLevel = max(state.highestLevel ?? reached.level, reached.level)
                state.dutch2022.reached(reached.level, tested: reached.tested, order)
                state.dutchEarlier.reached(reached.level, tested: reached.tested, order)
            case .certificateIssued(let certificate):
                switch certificate.kind {
                case .integrationCertificate:
                    state.certificate = min(state.certificate ?? effectiveDate, effectiveDate)
                case .effortStatement:
                    state.effortStatement = min(state.effortStatement ?? effectiveDate, effectiveDate)
                case .exemptionCertificate:
                    state.exemptionCertificate = min(state.exemptionCertificate ?? effectiveDate, effectiveDate)
                case .priorLearningCertificate:
                    // Proves one component by prior learning; it does not fulfil the obligation.
                    break
                }
            case .infringementRecorded(let infringement):
                state.infringements.append((infringement.infringementId, effectiveDate, infringement.authority, position))
            case .infringementDecided(let decision):
                state.decided.append(decision.infringementId)
                switch decision.decision {
                case .fine:
                    state.fines += 1
                    state.finePositions.append(position)
                    state.firstFine = min(state.firstFine ?? effectiveDate, effectiveDate)
                    state.lastFine = max(state.lastFine ?? effectiveDate, effectiveDate)
                case .noFollowUp:
                    state.closedWithoutFollowUp = true
                case .rectified:
                    break
                }
            case .waitingList(let entry):
                if entry.until.map({ referenceDate <= $0 }) ?? true { state.waiting = true }
            case .agencyAssigned(let assignment):
                if assignment.until.map({ referenceDate <= $0 }) ?? true,
                    state.assignedAgency == nil || state.assignedAgency!.order <= order
                {
                    state.assignedAgency = (position, order)
                }
            case .eventRetracted:
                break
            }
        }
        return state
    }

    func derive(_ state: borrowing State, on date: LocalDate) -> Derived {
        let inTargetGroup = state.targetGroup?.value.code == .ja
        let obligationStart = inTargetGroup ? state.obligation?.start : nil
        // A signed contract presupposes a registration, even when the registration itself was not sent.
        let registered = state.firstRegistration != nil || state.firstContract != nil
        var derived = Derived(obligationStart: obligationStart, registered: registered, flags: StatusFlags())

        // Postponements: a registration postponement matters until the person registers, a signing
        // postponement until a contract is signed, a suspension while it runs.
        for postponement in state.postponements where postponement.covers(date) {
            switch postponement.kind {
            case .registration where registered: continue
            case .signing where state.firstContract != nil: continue
            default: break
            }
            if derived.covering == nil || postponement.from < derived.covering!.from { derived.covering = postponement }
            if postponement.until == nil, date >= postponement.from.adding(months: postponementReviewMonths) {
                derived.reviewFrom = min(derived.reviewFrom ?? postponement.from, postponement.from)
            }
        }
        derived.flags.postponed = derived.covering != nil
        derived.flags.postponementOpenEndedReview = derived.reviewFrom != nil

        if let start = obligationStart {
            var end = registrationWindowEnd(obligationStart: start)
            if postponementExtendsWindow {
                (end, derived.windowExtension) = extendedWindowEnd(end, start: start, postponements: state.postponements, on: date)
            }
            derived.windowEnd = end
        }

        // Infringements: open until decided, rectified or past the term for a fine.
        var openSince: LocalDate?
        for infringement in state.infringements where !state.decided.contains(infringement.id) {
            switch standing(of: infringement, on: date) {
            case .open: openSince = min(openSince ?? infringement.date, infringement.date)
            case .termExpired: derived.flags.infringementTermExpired = true
            case .otherAuthority: derived.flags.infringementOtherAuthority = true
            }
        }
        derived.openInfringementSince = openSince
        derived.flags.openInfringement = openSince != nil
        derived.flags.infringementClosedWithoutFollowUp = state.closedWithoutFollowUp
        derived.flags.finesDecided = state.fines
        derived.flags.lastFineDecidedOn = state.lastFine
        return derived
    }

    /// The registration window's end moved by the days registration postponements covered: the
    /// postponements' days from the obligation's start on, each day once, taken in order for as
    /// long as they begin inside the window as it stands (one that begins after the window closed
    /// does not reopen it). An open-ended postponement counts up to the reference date.
    func extendedWindowEnd(
        _ base: LocalDate, start: LocalDate, postponements: [EventPayload.Postponement], on date: LocalDate
    ) -> (LocalDate, Int) {
        var periods: [(from: LocalDate, until: LocalDate)] = []
        for postponement in postponements where postponement.kind == .registration {
            let from = max(postponement.from, start)
            let until = postponement.until ?? date
            if from <= until { periods.append((from, until)) }
        }
        guard !periods.isEmpty else { return (base, 0) }
        periods.sort { $0.from < $1.from }
        var end = base
        var added = 0
        var countedUntil = start.adding(days: -1)
        for period in periods {
            let from = max(period.from, countedUntil.adding(days: 1))
            guard from <= period.until else { continue }
            guard from <= end else { break }
            let days = Int(period.until.daysSinceEpoch - from.daysSinceEpoch) + 1
            added += days
            end = end.adding(days: days)
            countedUntil = period.until
        }
        return (end, added)
    }

    func decide(_ state: borrowing State, _ derived: Derived, events: [Event], on date: LocalDate) -> PersonStatus {
        let flags = derived.flags
        func result(_ status: StatusCode, _ since: LocalDate?, _ reasons: [StatusReason]) -> PersonStatus {
            PersonStatus(status: status, since: since, reasons: reasons, flags: flags)
        }
        let targetGroup = state.targetGroup?.value
        let targetGroupSince = state.targetGroup?.order.date
        // Rule 2.
        if let targetGroup, targetGroup.code == .nee {
            return result(.notInTargetGroup, targetGroupSince, [reason("not_in_target_group")])
        }
        let inTargetGroup = targetGroup?.code == .ja
        // Rule 3: living outside the Flemish Region.
        if inTargetGroup, let residence = state.residence, residence.region != .flanders {
            let since = max(residence.order.date, targetGroupSince ?? residence.order.date)
            let code: String
            switch residence.region {
            case .brussels: code = "brussels_resident"
            case .wallonia: code = "wallonia_resident"
            case .abroad: code = "abroad_resident"
            case .other, .flanders: code = "outside_flanders_resident"
            }
            return result(
                .outsideFlemishObligation, since,
                [
                    reason("in_target_group"),
                    reason(code, on: residence.order.date, detail: Self.country(at: residence.position, in: events)),
                ])
        }
        // Rule 4: an entitled person who signs a contract is bound by it.
        if inTargetGroup, let targetGroup, targetGroup.targetType == .entitled, state.obligation == nil, state.firstContract == nil,
            state.certificate == nil, state.effortStatement == nil
        {
            return result(.entitledNotObliged, targetGroup.periodStart ?? targetGroupSince, [reason("entitled")])
        }
        // Rule 5.
        if let exemption = state.exemption,
            state.exemptionWithdrawn.map({ $0 < exemption.order }) ?? true,
            exemption.value.until.map({ date <= $0 }) ?? true
        {
            return result(
                .exempt, exemption.order.date,
                [
                    reason(
                        "exemption_in_force", on: exemption.order.date, until: exemption.value.until,
                        detail: exemption.value.category.rawValue)
                ])
        }
        if let certificate = state.exemptionCertificate {
            return result(.exempt, certificate, [reason("exemption_certificate", on: certificate)])
        }
        // Rule 6.
        if let certificate = state.certificate {
            return result(.fulfilledCertificate, certificate, [reason("certificate_issued", on: certificate)])
        }
        // Rule 7.
        if let statement = state.effortStatement {
            return result(.fulfilledEffortStatement, statement, [reason("effort_statement_issued", on: statement)])
        }
        // Rule 8.
        if let covering = derived.covering {
            var reasons = [reason("postponement_in_force", on: covering.from, until: covering.until, detail: covering.kind.rawValue)]
            if let from = derived.reviewFrom {
                reasons.append(reason("postponement_open_ended_review", on: from, count: postponementReviewMonths))
            }
            return result(.suspended, covering.from, reasons)
        }
        func windowReasons(_ start: LocalDate, _ end: LocalDate) -> [StatusReason] {
            var reasons = [reason("obligation_started", on: start)]
            if derived.windowExtension > 0 {
                reasons.append(reason("registration_window_extended", until: end, count: derived.windowExtension))
            }
            return reasons
        }
        // Rule 9.
        if let start = derived.obligationStart, let end = derived.windowEnd, !derived.registered, date <= end {
            return result(.registrationWindowOpen, start, windowReasons(start, end) + [reason("registration_window_open", until: end)])
        }
        // Rule 10.
        if state.fines > 0 {
            return result(.nonCompliantFined, state.firstFine, [reason("fine_decided", on: state.lastFine, count: state.fines)])
        }
        // Rule 11.
        if let since = derived.openInfringementSince {
            return result(
                .infringementPending, since, [reason("infringement_recorded", on: since, until: fineTermEnd(established: since))])
        }
        // Rule 12.
        if let start = derived.obligationStart, let end = derived.windowEnd, !derived.registered {
            return result(
                .registrationOverdue, end.adding(days: 1), windowReasons(start, end) + [reason("registration_overdue", until: end)])
        }
        // Rule 13.
        if derived.registered {
            let since = [state.firstRegistration, state.firstContract].compactMap { $0 }.min()
            return result(.inTrajectory, since, [reason("in_trajectory")])
        }
        // Rule 14: the file exists, but no rule of the table places the person.
        if inTargetGroup, state.obligation != nil, derived.obligationStart == nil {
            return result(.undetermined, nil, [reason("obligation_start_unknown")])
        }
        let detail = targetGroup.map { $0.code == .ja ? $0.targetType.rawValue : $0.code.rawValue }
        return result(.undetermined, nil, [reason("target_group_undetermined", detail: detail)])
    }

    /// The regime's Dutch target: A2 with a test under the 2022 regime, A1 before. The regime is
    /// that of the latest contract (named by the sender, else told by its signing date); without a
    /// contract, the obligation's start decides; nil when neither is known.
    func dutchRegime(_ state: borrowing State) -> EventPayload.ContractSigned.Regime? {
        if let contract = state.latestContract {
            return contract.regime ?? (contract.order.date >= Self.regime2022Start ? .decree2022 : .earlier)
        }
        if let start = state.obligation?.start ?? state.targetGroup?.value.periodStart {
            return start >= Self.regime2022Start ? .decree2022 : .earlier
        }
        return nil
    }

    /// Whether the Dutch component is met under the person's regime (see ``DutchTrack``); without a
    /// known regime, the stricter target (A2 by a test) applies and no target is reported.
    func dutchMet(_ state: borrowing State) -> (met: Bool?, target: CEFRLevel?) {
        switch dutchRegime(state) {
        case .earlier?: return (state.dutchEarlier.value, .a1)
        case .decree2022?: return (state.dutch2022.value, .a2)
        case nil: return (state.dutch2022.value, nil)
        }
    }

    /// The country of a residence abroad.
    static func country(at position: Int, in events: [Event]) -> String? {
        if case .residenceChanged(let residence) = events[position].payload { return residence.country }
        return nil
    }

    /// The agency an event names.
    static func agency(at position: Int, in events: [Event]) -> String? {
        switch events[position].payload {
        case .registered(let registration): registration.agency
        case .contractSigned(let contract): contract.agency
        case .agencyAssigned(let assignment): assignment.agency
        default: nil
        }
    }

    func facts(_ state: borrowing State, _ derived: Derived, events: [Event], on date: LocalDate) -> PersonFacts {
        let dutch = dutchMet(state)
        var componentMet: [Component: Bool] = [:]
        componentMet[.socialOrientation] = state.socialOrientation.value
        componentMet[.work] = state.work.value
        componentMet[.participation] = state.participation.value
        componentMet[.dutch] = dutch.met
        let issued = [state.certificate, state.effortStatement].compactMap { $0 }.min()
        return PersonFacts(
            contractSignedOn: state.firstContract, certificateIssuedOn: issued, highestDutchLevel: state.highestLevel,
            componentMet: componentMet, exemptionCategory: state.exemption?.value.category,
            followingAgency: (state.assignedAgency ?? state.latestAgency).flatMap { Self.agency(at: $0.position, in: events) },
            waitingForCourse: state.waiting,
            dutchTarget: dutch.target)
    }
}

extension Sequence where Element == Event {
    /// The events the register knew at `knownAt` (all of them without it): what a dossier shows
    /// "as known at" an instant, by the rule the status engine counts with.
    public func known(at knownAt: Instant?) -> [Event] {
        filter { StatusEngine.isKnown($0.recordedAt, at: knownAt) }
    }
}
