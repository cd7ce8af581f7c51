extension StatusEngine {
    /// The first day after `date` on which the status of a person with these events could differ
    /// from their status on `date` without any new event: nil when no such day exists. A status
    /// computed for `date` holds on every day before it, which lets a projection of every person's
    /// status stay exact by recomputing only the persons whose day has come.
    ///
    /// The days are those where a rule compares the reference date with a date in the events: an
    /// event taking effect, a postponement starting, ending or due for review, an exemption, a
    /// waiting list entry or an assignment ending, the term for a fine running out, the
    /// registration window closing. Events that are retracted or not yet known count too: an
    /// earlier review than needed costs one computation, a later one would be wrong.
    public func reviewDate(of events: [Event], after date: LocalDate) -> LocalDate? {
        // The window as it stands on `date`, moved by the postponements counted then.
        let state = fold(events, on: date, knownAt: nil)
        return reviewDate(of: events, after: date, windowEnd: state.counted > 0 ? derive(state, on: date).windowEnd : nil)
    }

    /// The review day, given the registration window's end as it stands on `date`.
    func reviewDate(of events: [Event], after date: LocalDate, windowEnd: LocalDate?) -> LocalDate? {
        var earliest: LocalDate?
        func consider(_ day: LocalDate?) {
            guard let day, day > date else { return }
            if earliest == nil || day < earliest! { earliest = day }
        }
        var openRegistrationPostponement = false
        for event in events {
            consider(event.effectiveDate)
            switch event.payload {
            case .postponement(let postponement):
                consider(postponement.from)
                consider(postponement.until?.adding(days: 1))
                consider(postponement.from.adding(months: postponementReviewMonths))
                if postponement.kind == .registration, postponement.until == nil { openRegistrationPostponement = true }
            case .exemptionGranted(let exemption):
                consider(exemption.until?.adding(days: 1))
            case .waitingList(let entry):
                consider(entry.until?.adding(days: 1))
            case .agencyAssigned(let assignment):
                consider(assignment.until?.adding(days: 1))
            case .infringementRecorded:
                consider(fineTermEnd(established: event.effectiveDate).adding(days: 1))
            case .targetGroupDetermined(let determination):
                consider(determination.periodStart.map { registrationWindowEnd(obligationStart: $0).adding(days: 1) })
            default:
                break
            }
        }
        consider(windowEnd?.adding(days: 1))
        // An open-ended registration postponement moves the window's end by a day each day.
        if openRegistrationPostponement { consider(date.adding(days: 1)) }
        return earliest
    }
}
