/// Turns a person's events into the status for a reference date (BRIEF section 3).
///
/// A pure function: the same events, reference date and `knownAt` always give the same answer.
/// Only events effective on or before the reference date count; with `knownAt`, only events
/// recorded on or before it. A retraction counts from its own `recordedAt` on, whatever its
/// effective date, because it corrects what the register knew rather than stating a new fact.
/// Among events of the same kind the latest effective date wins, and on the same day the one
/// recorded last (the later position in `events`, which the store keeps in recording order).
public struct StatusEngine: Sendable {
    /// The legal references attached to reasons.
    public var legalReferences: LegalReferences
    /// The registration window after the obligation starts, in calendar months (BRIEF: 3).
    public var registrationWindowMonths: Int

    /// Creates an engine.
    public init(legalReferences: LegalReferences = .standard, registrationWindowMonths: Int = 3) {
        self.legalReferences = legalReferences
        self.registrationWindowMonths = registrationWindowMonths
    }

    /// The last day of the registration window for an obligation that starts on `start`:
    /// the same day `registrationWindowMonths` calendar months later, clamped to the month's end.
    public func registrationWindowEnd(obligationStart start: LocalDate) -> LocalDate {
        start.adding(months: registrationWindowMonths)
    }

    /// Computes the status of one person. `events` are that person's events in recording order.
    public func status(of events: [Event], on referenceDate: LocalDate, knownAt: Instant? = nil) -> PersonStatus {
        // Events are read in place by index: binding each one to a local would retain and release
        // all of its strings, which is most of the cost of a status.
        let retracted = Self.retractedIds(in: events, knownAt: knownAt)

        var state = State()
        for position in events.indices {
            let effectiveDate = events[position].effectiveDate
            guard effectiveDate <= referenceDate, Self.isKnown(events[position].recordedAt, at: knownAt) else { continue }
            if !retracted.isEmpty, retracted.contains(events[position].eventId) { continue }
            let order = Order(date: effectiveDate, position: position)
            state.counted += 1
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
                    state.residence = (residence, order)
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
            case .postponement(let postponement):
                if postponement.covers(referenceDate) {
                    state.coveringPostponementFrom = min(state.coveringPostponementFrom ?? postponement.from, postponement.from)
                }
            case .contractSigned:
                state.firstContract = min(state.firstContract ?? effectiveDate, effectiveDate)
            case .componentResult, .dutchLevelReached, .eventRetracted:
                break
            case .certificateIssued(let certificate):
                switch certificate.kind {
                case .integrationCertificate, .priorLearningCertificate:
                    state.certificate = min(state.certificate ?? effectiveDate, effectiveDate)
                case .effortStatement:
                    state.effortStatement = min(state.effortStatement ?? effectiveDate, effectiveDate)
                case .exemptionCertificate:
                    state.exemptionCertificate = min(state.exemptionCertificate ?? effectiveDate, effectiveDate)
                }
            case .infringementRecorded(let infringement):
                state.infringementsRecorded.append((infringement.infringementId, effectiveDate))
            case .infringementDecided(let decision):
                state.decisions.append((decision.infringementId, decision.decision))
                if decision.decision == .fine {
                    state.fines += 1
                    state.firstFine = min(state.firstFine ?? effectiveDate, effectiveDate)
                    state.lastFine = max(state.lastFine ?? effectiveDate, effectiveDate)
                }
            }
        }

        var flags = StatusFlags()
        flags.finesDecided = state.fines
        flags.lastFineDecidedOn = state.lastFine
        flags.postponed = state.coveringPostponementFrom != nil
        flags.infringementClosedWithoutFollowUp = state.decisions.contains { $0.decision == .noFollowUp }
        var openSince: LocalDate?
        for (id, date) in state.infringementsRecorded where !state.decisions.contains(where: { $0.id == id }) {
            openSince = min(openSince ?? date, date)
        }
        flags.openInfringement = openSince != nil
        return decide(state: state, flags: flags, openInfringementSince: openSince, on: referenceDate)
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

    private func reason(_ code: String, on: LocalDate? = nil, until: LocalDate? = nil, count: Int? = nil, detail: String? = nil) -> StatusReason {
        StatusReason(code: code, legalReference: legalReferences.reference(for: code), on: on, until: until, count: count, detail: detail)
    }

    private func decide(state: State, flags: StatusFlags, openInfringementSince: LocalDate?, on date: LocalDate) -> PersonStatus {
        func result(_ status: StatusCode, _ since: LocalDate?, _ reasons: [StatusReason]) -> PersonStatus {
            PersonStatus(status: status, since: since, reasons: reasons, flags: flags)
        }
        // Rule 1.
        guard state.counted > 0 else {
            return result(.unknown, nil, [reason("no_file", on: date)])
        }
        let targetGroup = state.targetGroup?.value
        let targetGroupSince = state.targetGroup?.order.date
        // Rule 2.
        if let targetGroup, targetGroup.code == .nee {
            return result(.notInTargetGroup, targetGroupSince, [reason("not_in_target_group")])
        }
        let inTargetGroup = targetGroup?.code == .ja
        // Rule 3.
        if inTargetGroup, let residence = state.residence, residence.value.region == .brussels {
            let since = max(residence.order.date, targetGroupSince ?? residence.order.date)
            return result(.outsideFlemishObligation, since, [
                reason("in_target_group"),
                reason("brussels_resident", on: residence.order.date),
            ])
        }
        // Rule 4.
        if inTargetGroup, let targetGroup, targetGroup.targetType == .entitled, state.obligation == nil {
            return result(.entitledNotObliged, targetGroup.periodStart ?? targetGroupSince, [
                reason("entitled"),
            ])
        }
        // Rule 5.
        if let exemption = state.exemption,
           state.exemptionWithdrawn.map({ $0 < exemption.order }) ?? true,
           exemption.value.until.map({ date <= $0 }) ?? true
        {
            return result(.exempt, exemption.order.date, [
                reason("exemption_in_force", on: exemption.order.date, until: exemption.value.until, detail: exemption.value.category.rawValue),
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
        if let from = state.coveringPostponementFrom {
            return result(.suspended, from, [reason("postponement_in_force", on: date)])
        }
        let obligationStart = inTargetGroup ? state.obligation?.start : nil
        // A signed contract presupposes a registration, even when the registration itself was not sent.
        let registered = state.firstRegistration != nil || state.firstContract != nil
        // Rule 9.
        if let start = obligationStart, !registered {
            let windowEnd = registrationWindowEnd(obligationStart: start)
            if date <= windowEnd {
                return result(.registrationWindowOpen, start, [
                    reason("obligation_started", on: start),
                    reason("registration_window_open", until: windowEnd),
                ])
            }
        }
        // Rule 10.
        if state.fines > 0 {
            return result(.nonCompliantFined, state.firstFine, [
                reason("fine_decided", on: state.lastFine, count: state.fines),
            ])
        }
        // Rule 11.
        if let since = openInfringementSince {
            return result(.infringementPending, since, [reason("infringement_recorded", on: since)])
        }
        // Rule 12.
        if let start = obligationStart, !registered {
            let windowEnd = registrationWindowEnd(obligationStart: start)
            return result(.registrationOverdue, windowEnd.adding(days: 1), [
                reason("obligation_started", on: start),
                reason("registration_overdue", until: windowEnd),
            ])
        }
        // Rule 13.
        if registered {
            let since = [state.firstRegistration, state.firstContract].compactMap { $0 }.min()
            return result(.inTrajectory, since, [reason("in_trajectory")])
        }
        // No rule of the table matches: the file exists but does not place the person under any rule
        // (target group to be determined, a minor, or no determination yet).
        return result(.unknown, nil, [reason("target_group_undetermined")])
    }
}

extension StatusEngine {
    struct Order: Comparable {
        var date: LocalDate
        var position: Int

        static func < (lhs: Order, rhs: Order) -> Bool {
            (lhs.date, lhs.position) < (rhs.date, rhs.position)
        }
    }

    struct State {
        var counted = 0
        var targetGroup: (value: EventPayload.TargetGroupDetermined, order: Order)?
        /// The latest determination that made the person obliged; a later determination as entitled
        /// does not end an obligation (only fulfilment or an exemption does).
        var obligation: (start: LocalDate?, order: Order)?
        var residence: (value: EventPayload.ResidenceChanged, order: Order)?
        var exemption: (value: EventPayload.ExemptionGranted, order: Order)?
        var exemptionWithdrawn: Order?
        var firstRegistration: LocalDate?
        var firstContract: LocalDate?
        var coveringPostponementFrom: LocalDate?
        var certificate: LocalDate?
        var effortStatement: LocalDate?
        var exemptionCertificate: LocalDate?
        var infringementsRecorded: [(id: String, date: LocalDate)] = []
        var decisions: [(id: String, decision: EventPayload.InfringementDecided.Decision)] = []
        var fines = 0
        var firstFine: LocalDate?
        var lastFine: LocalDate?
    }
}
