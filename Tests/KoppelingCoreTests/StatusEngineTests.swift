import Foundation
import KoppelingCore
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
        let entitled = f.make("2024-01-01", .targetGroupDetermined(.init(code: .ja, targetType: .entitled, periodStart: LocalDate("2024-01-01"), periodEnd: nil)))
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

    @Test("8 suspended while a postponement covers the date; open-ended until closed")
    mutating func rule8Suspended() {
        let events = [
            f.make("2024-01-01", Self.obliged("2024-01-01")),
            f.make("2024-01-10", .postponement(.init(kind: .registration, from: LocalDate("2024-01-10")!, until: LocalDate("2024-07-09")!, reasonCode: "MED"))),
        ]
        let during = status(events, "2024-07-09")
        #expect(during.status == .suspended)
        #expect(during.flags.postponed)
        #expect(during.since == LocalDate("2024-01-10"))
        #expect(status(events, "2024-07-10").status == .registrationOverdue)
        let openEnded = [
            f.make("2024-01-01", Self.obliged("2024-01-01")),
            f.make("2024-01-10", .postponement(.init(kind: .signing, from: LocalDate("2024-01-10")!, until: nil, reasonCode: "X"))),
        ]
        #expect(status(openEnded, "2030-01-01").status == .suspended)
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
            f.make("2023-06-01", .infringementRecorded(.init(infringementId: "I1", kind: .lateRegistration, noticeOfDefaultOn: LocalDate("2023-06-05")))),
            f.make("2023-09-01", .infringementDecided(.init(infringementId: "I1", decision: .fine, amountEUR: 100))),
            f.make("2024-01-01", .infringementRecorded(.init(infringementId: "I2", kind: .lateRegistration, noticeOfDefaultOn: nil))),
        ]
        let answer = status(events, "2024-02-01")
        #expect(answer.status == .nonCompliantFined)
        #expect(answer.since == LocalDate("2023-09-01"))
        #expect(answer.flags.openInfringement)
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
        #expect(closed.flags.infringementClosedWithoutFollowUp)
        #expect(!closed.flags.openInfringement)
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

    @Test("a file without a determination that places the person is reported unknown with its own reason")
    mutating func undetermined() {
        let events = [f.make("2024-01-01", .targetGroupDetermined(.init(code: .toBeDetermined, targetType: .toBeDetermined, periodStart: nil, periodEnd: nil)))]
        let answer = status(events, "2024-02-01")
        #expect(answer.status == .unknown)
        #expect(answer.reasons.map(\.code) == ["target_group_undetermined"])
    }
}

@Suite("Status answer JSON")
struct StatusAnswerTests {
    @Test("members in the documented order, and the same content as the Encodable form")
    func order() throws {
        var f = EventFactory()
        let events = [
            f.make("2023-01-01", .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate("2023-01-01"), periodEnd: nil))),
            f.make("2023-06-01", .infringementDecided(.init(infringementId: "I", decision: .fine, amountEUR: 100))),
        ]
        let answer = StatusAnswer(insz: f.insz, referenceDate: LocalDate("2024-01-01")!, status: StatusEngine().status(of: events, on: LocalDate("2024-01-01")!))
        let text = answer.jsonText
        let keys = ["\"insz\"", "\"referenceDate\"", "\"status\"", "\"since\"", "\"reasons\"", "\"flags\""].map { text.range(of: $0)!.lowerBound }
        #expect(keys == keys.sorted())
        let ordered = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(answer)) as? NSDictionary
        #expect(ordered == encoded)
    }
}
