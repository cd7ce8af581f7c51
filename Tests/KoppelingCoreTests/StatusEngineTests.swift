import Foundation
import KoppelingCore
import KoppelingDemoData
import KoppelingTestSupport
import Testing

/// The rules of BRIEF section 3, one by one, and their edges.
@Suite("Status engine")
struct StatusEngineTests {
    let engine = StatusEngine()
    var f = EventFactory()

    static func obliged(_ start: String) -> EventPayload {
        .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate(start)!, periodEnd: nil))
    }

    static let registered = EventPayload.registered(.init(kind: .first, agency: "agii"))
    static let contract = EventPayload.contractSigned(.init(agency: "agii", components: [.socialOrientation, .dutch]))
    static let certificate = EventPayload.certificateIssued(.init(kind: .integrationCertificate, documentId: "AI023-1"))

    func status(_ events: [Event], _ date: String, knownAt: Instant? = nil) -> PersonStatus {
        engine.status(of: events, on: LocalDate(date)!, knownAt: knownAt)
    }

    @Test("1 unknown: no events at all, or none effective yet")
    mutating func rule1Unknown() {
        #expect(status([], "2026-01-01").status == .unknown)
        let later = [f.make("2026-05-01", Self.obliged("2026-05-01"))]
        let answer = status(later, "2026-04-30")
        #expect(answer.status == .unknown)
        #expect(answer.reasons.map(\.code) == ["no_file"])
    }

    @Test("2 not in target group: code NEE, even with other events")
    mutating func rule2NotInTargetGroup() {
        let events = [
            f.make("2025-01-01", .targetGroupDetermined(.init(code: .nee, targetType: .none, periodStart: nil, periodEnd: nil))),
            f.make("2025-02-01", Self.registered),
        ]
        let answer = status(events, "2025-06-01")
        #expect(answer.status == .notInTargetGroup)
        #expect(answer.since == LocalDate("2025-01-01"))
    }

    @Test("3 Brussels regime: in the target group and living in Brussels on the date; a move back ends it")
    mutating func rule3Brussels() {
        var events = [
            f.make("2024-01-10", Self.obliged("2024-01-10")),
            f.make("2024-03-01", .residenceChanged(.init(region: .brussels, nisCode: "21004"))),
        ]
        #expect(status(events, "2024-02-01").status == .registrationWindowOpen)
        let inBrussels = status(events, "2024-06-01")
        #expect(inBrussels.status == .outsideFlemishObligation)
        #expect(inBrussels.since == LocalDate("2024-03-01"))
        events.append(f.make("2024-09-01", .residenceChanged(.init(region: .flanders))))
        #expect(status(events, "2024-10-01").status == .registrationOverdue)
    }

    @Test("4 entitled, never obliged; an earlier obligation excludes the rule")
    mutating func rule4Entitled() {
        let entitled = f.make(
            "2024-01-01",
            .targetGroupDetermined(.init(code: .ja, targetType: .entitled, periodStart: LocalDate("2024-01-01"), periodEnd: nil)))
        #expect(status([entitled, f.make("2024-02-01", Self.registered)], "2024-06-01").status == .entitledNotObliged)
        let wasObliged = f.make("2023-01-01", Self.obliged("2023-01-01"))
        let answer = status([wasObliged, entitled], "2024-06-01")
        #expect(answer.status != .entitledNotObliged)
        #expect(answer.status == .registrationOverdue)
    }

    @Test("5 exempt while in force; an exemption that ends, and a withdrawal, end it")
    mutating func rule5Exempt() {
        let events = [
            f.make("2024-01-01", Self.obliged("2024-01-01")),
            f.make("2024-01-20", .exemptionGranted(.init(category: .medical, until: LocalDate("2024-12-31")))),
        ]
        let during = status(events, "2024-12-31")
        #expect(during.status == .exempt)
        #expect(during.since == LocalDate("2024-01-20"))
        #expect(status(events, "2025-01-01").status == .registrationOverdue)
        let withdrawn = events + [f.make("2024-06-01", .exemptionWithdrawn)]
        #expect(status(withdrawn, "2024-05-31").status == .exempt)
        #expect(status(withdrawn, "2024-06-01").status == .registrationOverdue)
        let regranted = withdrawn + [f.make("2024-08-01", .exemptionGranted(.init(category: .age65Plus, until: nil)))]
        #expect(status(regranted, "2030-01-01").status == .exempt)
    }

    @Test("6 certificate issued on or before the date; a fine followed by a certificate is fulfilled")
    mutating func rule6Certificate() {
        let events = [
            f.make("2023-01-01", Self.obliged("2023-01-01")),
            f.make("2023-01-15", Self.registered),
            f.make("2023-02-01", Self.contract),
            f.make("2023-06-01", .infringementRecorded(.init(infringementId: "I1", kind: .irregularParticipation, noticeOfDefaultOn: nil))),
            f.make("2023-08-01", .infringementDecided(.init(infringementId: "I1", decision: .fine, amountEUR: 250))),
            f.make("2024-03-01", Self.certificate),
        ]
        #expect(status(events, "2024-02-29").status == .nonCompliantFined)
        let fulfilled = status(events, "2024-03-01")
        #expect(fulfilled.status == .fulfilledCertificate)
        #expect(fulfilled.since == LocalDate("2024-03-01"))
        #expect(fulfilled.flags.finesDecided == 1)
        #expect(fulfilled.flags.lastFineDecidedOn == LocalDate("2023-08-01"))
    }

    @Test("6 a retracted certificate no longer counts from the retraction's recording on")
    mutating func retractedCertificate() {
        let t1 = Instant("2024-03-02T09:00:00Z")!
        let t2 = Instant("2024-04-10T09:00:00Z")!
        let certificate = f.make("2024-03-01", Self.certificate, recordedAt: t1)
        let events = [
            f.make("2023-01-01", Self.obliged("2023-01-01"), recordedAt: t1),
            f.make("2023-01-15", Self.registered, recordedAt: t1),
            certificate,
            f.make("2024-04-10", .eventRetracted(.init(retractedEventId: certificate.eventId, reason: "issued in error")), recordedAt: t2),
        ]
        #expect(status(events, "2024-06-01").status == .inTrajectory)
        // What was known before the retraction is reproduced exactly.
        #expect(status(events, "2024-06-01", knownAt: Instant("2024-04-01T00:00:00Z")!).status == .fulfilledCertificate)
        // The retraction applies whatever the reference date.
        #expect(status(events, "2024-03-05").status == .inTrajectory)
    }

    @Test("7 effort statement")
    mutating func rule7EffortStatement() {
        let events = [
            f.make("2023-01-01", Self.obliged("2023-01-01")),
            f.make("2023-01-15", Self.registered),
            f.make("2024-05-01", .certificateIssued(.init(kind: .effortStatement, documentId: "VGI-1"))),
        ]
        #expect(status(events, "2024-05-01").status == .fulfilledEffortStatement)
        #expect(status(events, "2024-04-30").status == .inTrajectory)
    }

    @Test("8 suspended while a postponement covers the date; open-ended ones stay, flagged for review after 12 months")
    mutating func rule8Suspended() {
        let events = [
            f.make("2024-01-01", Self.obliged("2024-01-01")),
            f.make(
                "2024-01-10",
                .postponement(
                    .init(kind: .registration, from: LocalDate("2024-01-10")!, until: LocalDate("2024-07-09")!, reasonCode: "MED"))),
        ]
        let during = status(events, "2024-07-09")
        #expect(during.status == .suspended)
        #expect(during.flags.postponed == true)
        #expect(during.flags.postponementOpenEndedReview == false)
        #expect(during.since == LocalDate("2024-01-10"))
        // The postponement covered 182 days of the window (10 January to 9 July 2024), which moves
        // its end from 1 April to 30 September.
        let after = status(events, "2024-07-10")
        #expect(after.status == .registrationWindowOpen)
        #expect(after.reasons.map(\.code) == ["obligation_started", "registration_window_extended", "registration_window_open"])
        #expect(after.reasons[1].count == 182)
        #expect(status(events, "2024-09-30").status == .registrationWindowOpen)
        let overdue = status(events, "2024-10-01")
        #expect(overdue.status == .registrationOverdue)
        #expect(overdue.since == LocalDate("2024-10-01"))
        let openEnded = [
            f.make("2024-01-01", Self.obliged("2024-01-01")),
            f.make("2024-01-10", .postponement(.init(kind: .signing, from: LocalDate("2024-01-10")!, until: nil, reasonCode: "X"))),
        ]
        let young = status(openEnded, "2025-01-09")
        #expect(young.status == .suspended)
        #expect(young.flags.postponementOpenEndedReview == false)
        let old = status(openEnded, "2025-01-10")
        #expect(old.status == .suspended)
        #expect(old.since == LocalDate("2024-01-10"))
        #expect(old.flags.postponementOpenEndedReview == true)
        #expect(old.reasons.map(\.code) == ["postponement_in_force", "postponement_open_ended_review"])
        #expect(status(openEnded, "2030-01-01").flags.postponementOpenEndedReview == true)
        let shorter = StatusEngine(postponementReviewMonths: 6).status(of: openEnded, on: LocalDate("2024-07-10")!)
        #expect(shorter.flags.postponementOpenEndedReview == true)
    }

    @Test("9 and 12: the registration window's last day is included, clamped to the month's end")
    mutating func registrationWindow() {
        let events = [f.make("2024-01-15", Self.obliged("2024-01-15"))]
        let lastDay = status(events, "2024-04-15")
        #expect(lastDay.status == .registrationWindowOpen)
        #expect(lastDay.since == LocalDate("2024-01-15"))
        let overdue = status(events, "2024-04-16")
        #expect(overdue.status == .registrationOverdue)
        #expect(overdue.since == LocalDate("2024-04-16"))
        let endOfMonth = [f.make("2023-11-30", Self.obliged("2023-11-30"))]
        #expect(engine.registrationWindowEnd(obligationStart: LocalDate("2023-11-30")!) == LocalDate("2024-02-29"))
        #expect(status(endOfMonth, "2024-02-29").status == .registrationWindowOpen)
        #expect(status(endOfMonth, "2024-03-01").status == .registrationOverdue)
        let registered = events + [f.make("2024-05-01", Self.registered)]
        #expect(status(registered, "2024-05-01").status == .inTrajectory)
    }

    @Test("10 fined: at least one fine decided and not fulfilled")
    mutating func rule10Fined() {
        let events = [
            f.make("2023-01-01", Self.obliged("2023-01-01")),
            f.make(
                "2023-06-01",
                .infringementRecorded(.init(infringementId: "I1", kind: .lateRegistration, noticeOfDefaultOn: LocalDate("2023-06-05")))),
            f.make("2023-09-01", .infringementDecided(.init(infringementId: "I1", decision: .fine, amountEUR: 100))),
            f.make("2024-01-01", .infringementRecorded(.init(infringementId: "I2", kind: .lateRegistration, noticeOfDefaultOn: nil))),
        ]
        let answer = status(events, "2024-02-01")
        #expect(answer.status == .nonCompliantFined)
        #expect(answer.since == LocalDate("2023-09-01"))
        #expect(answer.flags.openInfringement == true)
        #expect(answer.flags.finesDecided == 1)
    }

    @Test("11 infringement pending; closed without follow-up is a flag, not a status")
    mutating func rule11Pending() {
        var events = [
            f.make("2023-01-01", Self.obliged("2023-01-01")),
            f.make("2023-01-20", Self.registered),
            f.make("2023-06-01", .infringementRecorded(.init(infringementId: "I1", kind: .refusedContract, noticeOfDefaultOn: nil))),
        ]
        let pending = status(events, "2023-07-01")
        #expect(pending.status == .infringementPending)
        #expect(pending.since == LocalDate("2023-06-01"))
        events.append(f.make("2023-08-01", .infringementDecided(.init(infringementId: "I1", decision: .noFollowUp, amountEUR: nil))))
        let closed = status(events, "2023-09-01")
        #expect(closed.status == .inTrajectory)
        #expect(closed.flags.infringementClosedWithoutFollowUp == true)
        #expect(closed.flags.openInfringement == false)
    }

    @Test("13 in trajectory: registered or under contract")
    mutating func rule13InTrajectory() {
        let events = [
            f.make("2023-01-01", Self.obliged("2023-01-01")),
            f.make("2023-02-01", Self.contract),
        ]
        let answer = status(events, "2023-06-01")
        #expect(answer.status == .inTrajectory)
        #expect(answer.since == LocalDate("2023-02-01"))
    }

    @Test("first match wins: exemption beats certificate, certificate beats suspension")
    mutating func order() {
        let events = [
            f.make("2023-01-01", Self.obliged("2023-01-01")),
            f.make("2023-03-01", .postponement(.init(kind: .suspension, from: LocalDate("2023-03-01")!, until: nil, reasonCode: "X"))),
            f.make("2023-04-01", Self.certificate),
            f.make("2023-05-01", .exemptionGranted(.init(category: .dutchDiploma, until: nil))),
        ]
        #expect(status(events, "2023-03-15").status == .suspended)
        #expect(status(events, "2023-04-15").status == .fulfilledCertificate)
        #expect(status(events, "2023-05-15").status == .exempt)
    }

    @Test("knownAt: events recorded after the instant do not count")
    mutating func knownAt() {
        let early = Instant("2024-01-01T10:00:00Z")!
        let late = Instant("2024-06-01T10:00:00Z")!
        let events = [
            f.make("2023-01-01", Self.obliged("2023-01-01"), recordedAt: early),
            // Recorded late, effective early: a backdated registration.
            f.make("2023-02-01", Self.registered, recordedAt: late),
        ]
        #expect(status(events, "2024-03-01", knownAt: Instant("2024-03-01T00:00:00Z")!).status == .registrationOverdue)
        #expect(status(events, "2024-03-01", knownAt: late).status == .inTrajectory)
        #expect(status(events, "2024-03-01").status == .inTrajectory)
    }

    @Test("reasons carry the configured legal references")
    mutating func legalReferences() {
        let custom = StatusEngine(legalReferences: LegalReferences(references: ["registration_overdue": "art. X"], fallback: "decree"))
        let answer = custom.status(of: [f.make("2020-01-01", Self.obliged("2020-01-01"))], on: LocalDate("2021-01-01")!)
        #expect(answer.reasons.map(\.legalReference) == ["decree", "art. X"])
    }

    @Test("14 undetermined: a file no rule places is not unknown; it says why")
    mutating func rule14Undetermined() {
        let toBeDetermined = [
            f.make(
                "2024-01-01",
                .targetGroupDetermined(.init(code: .toBeDetermined, targetType: .toBeDetermined, periodStart: nil, periodEnd: nil)))
        ]
        let answer = status(toBeDetermined, "2024-02-01")
        #expect(answer.status == .undetermined)
        #expect(answer.since == nil)
        #expect(answer.reasons.map(\.code) == ["target_group_undetermined"])
        #expect(answer.reasons[0].detail == "NADER_TE_BEPALEN")
        // Flags are told for a file: the register knows there is no infringement.
        #expect(answer.flags.openInfringement == false && answer.flags.finesDecided == 0)
        let minor = [
            f.make(
                "2024-01-01",
                .targetGroupDetermined(.init(code: .ja, targetType: .minor, periodStart: LocalDate("2024-01-01"), periodEnd: nil)))
        ]
        #expect(status(minor, "2024-02-01").status == .undetermined)
        #expect(status(minor, "2024-02-01").reasons[0].detail == "MINDERJARIG")
        // No determination at all, only a residence.
        let residenceOnly = [f.make("2024-01-01", .residenceChanged(.init(region: .flanders, nisCode: "44021")))]
        #expect(status(residenceOnly, "2024-02-01").status == .undetermined)
        #expect(status(residenceOnly, "2024-02-01").reasons[0].detail == nil)
        // Obliged, but the obligation's start is unknown: no window is guessed.
        let noStart = [
            f.make("2024-01-01", .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: nil, periodEnd: nil)))
        ]
        let unknownStart = status(noStart, "2026-01-01")
        #expect(unknownStart.status == .undetermined)
        #expect(unknownStart.reasons.map(\.code) == ["obligation_start_unknown"])
        // Once registered, the trajectory is what counts.
        #expect(status(noStart + [f.make("2024-03-01", Self.registered)], "2026-01-01").status == .inTrajectory)
    }

    @Test("1 unknown: every flag is null, never false or 0")
    mutating func unknownFlagsAreNull() {
        let answer = status([], "2026-01-01")
        #expect(answer.status == .unknown)
        #expect(answer.flags == .unknown)
        #expect(answer.flags.openInfringement == nil && answer.flags.finesDecided == nil && answer.flags.postponed == nil)
        var json = ""
        answer.flags.writeJSON(to: &json)
        #expect(!json.contains("false") && !json.contains(":0"))
        // Only retracted events: no file either, from the retraction on.
        let obliged = f.make("2024-01-01", Self.obliged("2024-01-01"), recordedAt: Instant("2024-01-02T00:00:00Z")!)
        let retraction = f.make(
            "2024-01-01", .eventRetracted(.init(retractedEventId: obliged.eventId, reason: "wrong person")),
            recordedAt: Instant("2024-02-01T00:00:00Z")!)
        #expect(status([obliged, retraction], "2024-06-01").status == .unknown)
        #expect(status([obliged, retraction], "2024-06-01", knownAt: Instant("2024-01-15T00:00:00Z")!).status == .registrationOverdue)
    }

    @Test("4 an entitled person who signs a contract is bound by it; a certificate ends rule 4 too")
    mutating func entitledWhoSigns() {
        let entitled = f.make(
            "2024-01-01",
            .targetGroupDetermined(.init(code: .ja, targetType: .entitled, periodStart: LocalDate("2024-01-01"), periodEnd: nil)))
        let registered = f.make("2024-02-01", Self.registered)
        let signed = f.make("2024-03-01", Self.contract)
        #expect(status([entitled, registered, signed], "2024-02-29").status == .entitledNotObliged)
        let bound = status([entitled, registered, signed], "2024-03-01")
        #expect(bound.status == .inTrajectory)
        #expect(bound.since == LocalDate("2024-02-01"))
        // Bound by the contract, the later rules apply: an infringement, then a fine.
        let infringement = f.make(
            "2024-06-01", .infringementRecorded(.init(infringementId: "I1", kind: .irregularParticipation, noticeOfDefaultOn: nil)))
        let fine = f.make("2024-09-01", .infringementDecided(.init(infringementId: "I1", decision: .fine, amountEUR: 150)))
        #expect(status([entitled, registered, signed, infringement], "2024-07-01").status == .infringementPending)
        #expect(status([entitled, registered, signed, infringement, fine], "2024-10-01").status == .nonCompliantFined)
        let suspension = f.make(
            "2024-04-01",
            .postponement(.init(kind: .suspension, from: LocalDate("2024-04-01")!, until: LocalDate("2024-05-01")!, reasonCode: "ZIEKTE")))
        #expect(status([entitled, registered, signed, suspension], "2024-04-15").status == .suspended)
        let certified = status([entitled, f.make("2024-05-01", Self.certificate)], "2024-06-01")
        #expect(certified.status == .fulfilledCertificate)
        // Registering alone does not bind an entitled person.
        #expect(status([entitled, registered], "2025-01-01").status == .entitledNotObliged)
    }

    @Test("11 an infringement is open until decided, rectified or past the term for a fine")
    mutating func infringementLife() {
        let base = [
            f.make("2020-01-01", Self.obliged("2020-01-01")),
            f.make("2020-02-01", Self.registered),
            f.make("2020-06-10", .infringementRecorded(.init(infringementId: "I1", kind: .irregularParticipation, noticeOfDefaultOn: nil))),
        ]
        // Term of 60 months: open up to 10 June 2025 included.
        let lastDay = status(base, "2025-06-10")
        #expect(lastDay.status == .infringementPending)
        #expect(lastDay.reasons.first?.until == LocalDate("2025-06-10"))
        #expect(lastDay.reasons.first?.legalReference.contains("Kaderdecreet") == true)
        let expired = status(base, "2025-06-11")
        #expect(expired.status == .inTrajectory)
        #expect(expired.flags.openInfringement == false)
        #expect(expired.flags.infringementTermExpired == true)
        // The term is a setting.
        let shortTerm = StatusEngine(fineTermMonths: 12)
        #expect(shortTerm.status(of: base, on: LocalDate("2021-06-10")!).status == .infringementPending)
        #expect(shortTerm.status(of: base, on: LocalDate("2021-06-11")!).status == .inTrajectory)
        // A rectification closes it, from its date.
        let rectified =
            base + [f.make("2020-09-01", .infringementDecided(.init(infringementId: "I1", decision: .rectified, amountEUR: nil)))]
        #expect(status(rectified, "2020-08-31").status == .infringementPending)
        let after = status(rectified, "2020-09-01")
        #expect(after.status == .inTrajectory)
        #expect(after.flags.openInfringement == false && after.flags.infringementTermExpired == false)
        #expect(after.flags.infringementClosedWithoutFollowUp == false && after.flags.finesDecided == 0)
        // A decision on another infringement does not close this one.
        let other = base + [f.make("2020-09-01", .infringementDecided(.init(infringementId: "I2", decision: .noFollowUp, amountEUR: nil)))]
        #expect(status(other, "2020-10-01").status == .infringementPending)
    }

    @Test("11 only infringements reported to ABB make a status; VDAB, OCMW and VMSW are flags")
    mutating func infringementAuthorities() {
        let base = [f.make("2023-01-01", Self.obliged("2023-01-01")), f.make("2023-02-01", Self.registered)]
        for authority in [EventPayload.InfringementRecorded.Authority.vdab, .ocmw, .vmsw] {
            let events =
                base + [
                    f.make(
                        "2023-06-01",
                        .infringementRecorded(.init(infringementId: "X", kind: .other, noticeOfDefaultOn: nil, authority: authority)))
                ]
            let answer = status(events, "2023-07-01")
            #expect(answer.status == .inTrajectory, "\(authority)")
            #expect(answer.flags.openInfringement == false)
            #expect(answer.flags.infringementOtherAuthority == true)
            let decided =
                events + [f.make("2023-08-01", .infringementDecided(.init(infringementId: "X", decision: .noFollowUp, amountEUR: nil)))]
            #expect(status(decided, "2023-09-01").flags.infringementOtherAuthority == false)
        }
        let abb =
            base + [
                f.make(
                    "2023-06-01", .infringementRecorded(.init(infringementId: "A", kind: .other, noticeOfDefaultOn: nil, authority: .abb)))
            ]
        #expect(status(abb, "2023-07-01").status == .infringementPending)
        #expect(status(abb, "2023-07-01").flags.infringementOtherAuthority == false)
    }

    @Test("8 a registration postponement stops mattering once registered, a signing postponement once signed")
    mutating func postponementRelevance() {
        let registrationPostponed = [
            f.make("2024-01-01", Self.obliged("2024-01-01")),
            f.make("2024-01-10", .postponement(.init(kind: .registration, from: LocalDate("2024-01-10")!, until: nil, reasonCode: "MED"))),
        ]
        #expect(status(registrationPostponed, "2024-03-01").status == .suspended)
        let registered = status(registrationPostponed + [f.make("2024-03-01", Self.registered)], "2024-03-01")
        #expect(registered.status == .inTrajectory)
        #expect(registered.flags.postponed == false)
        let signingPostponed = [
            f.make("2024-01-01", Self.obliged("2024-01-01")),
            f.make("2024-01-20", Self.registered),
            f.make("2024-02-01", .postponement(.init(kind: .signing, from: LocalDate("2024-02-01")!, until: nil, reasonCode: "X"))),
        ]
        #expect(status(signingPostponed, "2024-06-01").status == .suspended)
        let signed = status(signingPostponed + [f.make("2024-07-01", Self.contract)], "2024-07-01")
        #expect(signed.status == .inTrajectory)
        #expect(signed.flags.postponed == false)
        // A suspension of the contract matters while it runs, registered or not.
        let suspended =
            signingPostponed + [
                f.make("2024-07-01", Self.contract),
                f.make(
                    "2024-08-01",
                    .postponement(
                        .init(kind: .suspension, from: LocalDate("2024-08-01")!, until: LocalDate("2024-08-31")!, reasonCode: "ZIEKTE"))),
            ]
        #expect(status(suspended, "2024-08-31").status == .suspended)
        #expect(status(suspended, "2024-09-01").status == .inTrajectory)
    }

    @Test("9 and 12 the registration window moves by the days registration postponements covered, each day once")
    mutating func windowExtension() {
        let obliged = f.make("2024-01-01", Self.obliged("2024-01-01"))
        func postponement(_ from: String, _ until: String?, kind: EventPayload.Postponement.Kind = .registration) -> Event {
            f.make(from, .postponement(.init(kind: kind, from: LocalDate(from)!, until: until.flatMap { LocalDate($0) }, reasonCode: "X")))
        }
        // 10 days (1–10 February) move the end from 1 April to 11 April.
        let ten = [obliged, postponement("2024-02-01", "2024-02-10")]
        #expect(status(ten, "2024-04-11").status == .registrationWindowOpen)
        #expect(status(ten, "2024-04-12").status == .registrationOverdue)
        #expect(status(ten, "2024-04-12").since == LocalDate("2024-04-12"))
        // Overlapping postponements count each day once: 1–10 and 6–15 February are 15 days.
        let overlapping = [obliged, postponement("2024-02-01", "2024-02-10"), postponement("2024-02-06", "2024-02-15")]
        #expect(status(overlapping, "2024-04-16").status == .registrationWindowOpen)
        #expect(status(overlapping, "2024-04-17").status == .registrationOverdue)
        // Days before the obligation's start do not count.
        let early = [obliged, postponement("2023-12-22", "2024-01-10")]
        #expect(status(early, "2024-04-11").status == .registrationWindowOpen)
        #expect(status(early, "2024-04-12").status == .registrationOverdue)
        // A postponement that begins after the window closed does not reopen it.
        let late = [obliged, postponement("2024-05-01", "2024-05-31")]
        #expect(status(late, "2024-06-15").status == .registrationOverdue)
        #expect(status(late, "2024-06-15").since == LocalDate("2024-04-02"))
        // A signing postponement is no registration postponement.
        let signing = [obliged, postponement("2024-02-01", "2024-02-10", kind: .signing)]
        #expect(status(signing, "2024-04-02").status == .registrationOverdue)
        // The rule is a setting.
        let off = StatusEngine(postponementExtendsWindow: false)
        #expect(off.status(of: ten, on: LocalDate("2024-04-02")!).status == .registrationOverdue)
    }

    @Test("3 outside the Flemish Region: Brussels, Wallonia, abroad, or not said where; the reason says which")
    mutating func rule3Regions() {
        let obliged = f.make("2024-01-10", Self.obliged("2024-01-10"))
        let cases: [(EventPayload.ResidenceChanged, String, String?)] = [
            (.init(region: .brussels, nisCode: "21004"), "brussels_resident", nil),
            (.init(region: .wallonia, nisCode: "82003"), "wallonia_resident", nil),
            (.init(region: .abroad, country: "NL"), "abroad_resident", "NL"),
            (.init(region: .other), "outside_flanders_resident", nil),
        ]
        for (residence, code, detail) in cases {
            let answer = status([obliged, f.make("2024-03-01", .residenceChanged(residence))], "2024-06-01")
            #expect(answer.status == .outsideFlemishObligation, "\(code)")
            #expect(answer.reasons.map(\.code) == ["in_target_group", code])
            #expect(answer.reasons[1].detail == detail)
            #expect(answer.since == LocalDate("2024-03-01"))
            #expect(
                !answer.reasons[1].text.nl.isEmpty && !answer.reasons[1].text.fr.isEmpty
                    && answer.reasons[1].text.nl != answer.reasons[1].text.fr)
        }
        #expect(
            status([obliged, f.make("2024-03-01", .residenceChanged(.init(region: .brussels, nisCode: "21004")))], "2024-06-01").reasons[1]
                .legalReference.contains("Gemeenschappelijke Gemeenschapscommissie"))
        // Not in the target group: rule 2 comes first, wherever the person lives.
        let nee = f.make("2024-01-10", .targetGroupDetermined(.init(code: .nee, targetType: .none, periodStart: nil, periodEnd: nil)))
        #expect(
            status([nee, f.make("2024-03-01", .residenceChanged(.init(region: .abroad, country: "FR")))], "2024-06-01").status
                == .notInTargetGroup)
    }

    @Test("every status and every reason has a Dutch and a French text")
    mutating func bilingual() {
        for code in StatusCode.allCases {
            #expect(!code.term.nl.isEmpty && !code.term.fr.isEmpty && code.term.nl != code.term.fr, "\(code)")
        }
        #expect(StatusCode.undetermined.term.nl == "doelgroep niet bepaald")
        #expect(StatusCode.outsideFlemishObligation.term.nl == "buiten Vlaamse inburgeringsplicht")
        let codes = [
            "no_file", "not_in_target_group", "in_target_group", "brussels_resident", "wallonia_resident", "abroad_resident",
            "outside_flanders_resident", "entitled", "exemption_in_force", "exemption_certificate", "certificate_issued",
            "effort_statement_issued", "postponement_in_force", "postponement_open_ended_review", "obligation_started",
            "obligation_start_unknown", "registration_window_open", "registration_window_extended", "fine_decided",
            "infringement_recorded", "registration_overdue", "in_trajectory", "target_group_undetermined",
        ]
        for code in codes {
            let reason = StatusReason(
                code: code, legalReference: "x", on: LocalDate("2024-07-01"), until: LocalDate("2024-08-01"), count: 2)
            // A code without a sentence would come back as the code itself.
            #expect(reason.text.nl != code && reason.text.fr != code && reason.text.nl != reason.text.fr, "\(code)")
        }
        #expect(
            StatusReason(code: "obligation_started", legalReference: "x", on: LocalDate("2024-07-01")).text(in: .fr)
                == "Soumis à l'obligation d'intégration civique depuis le 1er juillet 2024.")
        #expect(
            StatusReason(code: "obligation_started", legalReference: "x", on: LocalDate("2024-07-01")).text(in: .nl)
                == "Inburgeringsplichtig sinds 1 juli 2024.")
    }
}

@Suite("Status answer JSON")
struct StatusAnswerTests {
    @Test("members in the documented order, and the same content as the Encodable form")
    func order() throws {
        var f = EventFactory()
        let events = [
            f.make(
                "2023-01-01",
                .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate("2023-01-01"), periodEnd: nil))),
            f.make("2023-06-01", .infringementDecided(.init(infringementId: "I", decision: .fine, amountEUR: 100))),
        ]
        let answer = StatusAnswer(
            insz: f.insz, referenceDate: LocalDate("2024-01-01")!, status: StatusEngine().status(of: events, on: LocalDate("2024-01-01")!))
        let text = answer.jsonText
        let keys = ["\"insz\"", "\"referenceDate\"", "\"status\"", "\"statusTerm\"", "\"since\"", "\"reasons\"", "\"flags\""].map {
            text.range(of: $0)!.lowerBound
        }
        #expect(keys == keys.sorted())
        let ordered = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(answer)) as? NSDictionary
        #expect(ordered == encoded)
        let reasons = try #require(ordered?["reasons"] as? [[String: Any]])
        #expect((reasons.first?["text"] as? [String: String])?.keys.sorted() == ["fr", "nl"])
        #expect((ordered?["statusTerm"] as? [String: String])?["nl"] == "beboet")
    }

    @Test("for a person without a file every flag is null")
    func unknownIsNull() throws {
        let answer = StatusAnswer(
            insz: EventFactory().insz, referenceDate: LocalDate("2024-01-01")!,
            status: StatusEngine().status(of: [], on: LocalDate("2024-01-01")!))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(answer.jsonText.utf8)) as? [String: Any])
        let flags = try #require(parsed["flags"] as? [String: Any])
        #expect(flags.count == 8)
        #expect(flags.values.allSatisfy { $0 is NSNull })
    }
}

@Suite("Status review dates: when a status computed for one day must be computed again")
struct StatusReviewDateTests {
    @Test("on every day before its review date a person's status is the one computed for the first day, over seven years")
    func statusHoldsUntilReview() {
        let engine = StatusEngine()
        let generator = PopulationGenerator(seed: 7, persons: 1_500)
        var random = SplitMix64(seed: 11)
        var reviews = 0
        var changes = 0
        for index in 0..<1_500 {
            let events = generator.events(ofPerson: index)
            // From 2019 on, jump from review date to review date: the status must not change in
            // between (checked on every day), and each day's reviews must cover the days after.
            var day = LocalDate("2019-01-01")!
            let end = LocalDate("2026-12-31")!
            // The status, its start and its flags; a reason may name the reference date itself (a
            // person without a file is unknown "on" the day asked about).
            func observed(on date: LocalDate) -> (StatusCode, LocalDate?, StatusFlags) {
                let found = engine.status(of: events, on: date)
                return (found.status, found.since, found.flags)
            }
            while day <= end {
                let status = observed(on: day)
                let review = engine.reviewDate(of: events, after: day)
                if let review { #expect(review > day) }
                // The projection's one pass gives the same status, facts and review day.
                let once = engine.projection(events, on: day)
                #expect(once.reviewOn == review && once.evaluation.status == engine.status(of: events, on: day))
                #expect(once.enforcement == engine.enforcementFacts(events, on: day))
                let last = min(review?.adding(days: -1) ?? end, end)
                var probe = day.adding(days: 1)
                while probe <= last {
                    let later = observed(on: probe)
                    if later != status {
                        Issue.record(
                            "person \(index): \(status) on \(day) became \(later) on \(probe), before \(String(describing: review))")
                        return
                    }
                    // Every day for the first weeks, then a random stride: most intervals are short.
                    probe = probe.adding(days: probe < day.adding(days: 45) ? 1 : Int.random(in: 1...9, using: &random))
                }
                if last > day, observed(on: last) != status {
                    Issue.record("person \(index): \(status) on \(day) differs on \(last), the day before its review")
                    return
                }
                guard let review else { break }
                reviews += 1
                if observed(on: review) != status { changes += 1 }
                day = review
            }
        }
        // The population's statuses do change over the years, and most review dates are real changes or event days.
        #expect(changes > 1_000)
        #expect(reviews >= changes)
    }
}
