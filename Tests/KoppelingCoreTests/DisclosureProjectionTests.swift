import Foundation
import KoppelingCore
import KoppelingTestSupport
import Testing

@Suite("Disclosure projection")
struct DisclosureProjectionTests {
    var f = EventFactory()
    let projection = DisclosureProjection(engine: StatusEngine())

    func values(_ events: [Event], _ date: String, _ fields: [DisclosureField] = DisclosureField.allCases) -> [DisclosureField: JSONValue] {
        Dictionary(
            uniqueKeysWithValues: projection.project(events, insz: f.insz, on: LocalDate(date)!, fields: fields).map {
                ($0.field, $0.value)
            })
    }

    @Test("a person in trajectory: every field from the events, under the status engine's counting rules")
    mutating func inTrajectory() {
        let events = [
            f.make(
                "2024-01-01",
                .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate("2024-01-01"), periodEnd: nil))),
            f.make("2024-01-10", .registered(.init(kind: .first, agency: "atlas"))),
            f.make("2024-02-01", .contractSigned(.init(agency: "agii", components: [.socialOrientation, .dutch]))),
            f.make("2024-05-01", .componentResult(.init(component: .socialOrientation, decision: .passed))),
            f.make("2024-06-01", .dutchLevelReached(.init(level: .a1))),
            f.make("2024-09-01", .dutchLevelReached(.init(level: .a2))),
            f.make("2024-09-01", .componentResult(.init(component: .dutch, decision: .failed))),
            f.make("2024-10-01", .infringementRecorded(.init(infringementId: "I", kind: .irregularParticipation, noticeOfDefaultOn: nil))),
        ]
        let v = values(events, "2024-12-01")
        #expect(v[.insz] == .string("85073003328"))
        #expect(v[.status] == .string("infringement_pending"))
        #expect(v[.statusSince] == .string("2024-10-01"))
        #expect(v[.contractSignedOn] == .string("2024-02-01"))
        #expect(v[.certificateIssuedOn] == .null)
        #expect(v[.highestDutchLevel] == .string("A2"))
        #expect(v[.socialOrientationMet] == .bool(true))
        #expect(v[.dutchMet] == .bool(false))
        #expect(v[.routeToWorkMet] == .null)
        #expect(v[.openInfringement] == .bool(true))
        #expect(v[.finesDecided] == .integer(0))
        // The latest contract's agency, by name.
        #expect(v[.followingAgency] == .string("Agentschap Integratie en Inburgering"))
        #expect(v[.waitingForCourse] == .bool(false))
        // Before the later events, they do not count.
        #expect(values(events, "2024-07-01")[.highestDutchLevel] == .string("A1"))
    }

    @Test("only the granted fields, in a fixed order; a medical exemption is disclosed as other")
    mutating func grantedAndMedical() {
        let events = [
            f.make(
                "2024-01-01",
                .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate("2024-01-01"), periodEnd: nil))),
            f.make("2024-01-20", .exemptionGranted(.init(category: .medical, until: nil))),
        ]
        let projected = projection.project(
            events, insz: f.insz, on: LocalDate("2024-06-01")!, fields: [.exemptionCategory, .status, .exempt])
        #expect(projected.map(\.field) == [.status, .exempt, .exemptionCategory])
        #expect(projected.map(\.value) == [.string("exempt"), .bool(true), .string("other")])
    }
}

@Suite("Disclosure items from the events")
struct DisclosureItemTests {
    var f = EventFactory()
    let projection = DisclosureProjection(
        engine: StatusEngine(),
        agencies: try! AgencyDirectory.standard.adding(csv: "0421.722.346,Atlas, integratie & inburgering Antwerpen"))

    func values(_ events: [Event], _ date: String) -> [DisclosureField: JSONValue] {
        Dictionary(
            uniqueKeysWithValues: projection.project(events, insz: f.insz, on: LocalDate(date)!, fields: DisclosureField.allCases).map {
                ($0.field, $0.value)
            })
    }

    static func obliged(_ start: String) -> EventPayload {
        .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate(start)!, periodEnd: nil))
    }

    @Test("a person without a file: every item but the echo and the status is null, never false or 0")
    func unknownIsNull() {
        let v = values([], "2024-06-01")
        #expect(v[.insz] == .string("85073003328"))
        #expect(v[.status] == .string("unknown"))
        for field in DisclosureField.allCases where field != .insz && field != .status {
            #expect(v[field] == .null, "\(field)")
        }
    }

    @Test("Dutch follows the regime: A2 by a test from 2022, A1 before")
    mutating func dutchRegimes() {
        let contract2022 = f.make("2023-01-10", .contractSigned(.init(agency: "agii", components: [.dutch])))
        let obliged = f.make("2023-01-01", Self.obliged("2023-01-01"))
        // A2 without a test is not enough under the 2022 regime: not yet, so null.
        #expect(
            values([obliged, contract2022, f.make("2024-01-01", .dutchLevelReached(.init(level: .a2)))], "2024-06-01")[.dutchMet] == .null)
        #expect(
            values([obliged, contract2022, f.make("2024-01-01", .dutchLevelReached(.init(level: .a2, tested: true)))], "2024-06-01")[
                .dutchMet] == .bool(true))
        #expect(
            values([obliged, contract2022, f.make("2024-01-01", .dutchLevelReached(.init(level: .b1, tested: true)))], "2024-06-01")[
                .dutchMet] == .bool(true))
        #expect(
            values([obliged, contract2022, f.make("2024-01-01", .dutchLevelReached(.init(level: .a1, tested: true)))], "2024-06-01")[
                .dutchMet] == .null)
        // The regime named by the sender wins over the signing date.
        let namedEarlier = f.make("2023-01-10", .contractSigned(.init(agency: "agii", components: [.dutch], regime: .earlier)))
        #expect(
            values([obliged, namedEarlier, f.make("2024-01-01", .dutchLevelReached(.init(level: .a1)))], "2024-06-01")[.dutchMet]
                == .bool(true))
        // Before 2022, A1 without a test meets it.
        let old = [
            f.make("2019-01-01", Self.obliged("2019-01-01")),
            f.make("2019-02-01", .contractSigned(.init(agency: "agii", components: [.dutch]))),
        ]
        #expect(values(old + [f.make("2019-06-01", .dutchLevelReached(.init(level: .a1)))], "2020-01-01")[.dutchMet] == .bool(true))
        // A failed module at the target says no; a later level below the target says "not yet".
        let failed = old + [f.make("2019-06-01", .componentResult(.init(component: .dutch, decision: .notMet, level: .a1)))]
        #expect(values(failed, "2020-01-01")[.dutchMet] == .bool(false))
        #expect(values(failed + [f.make("2019-09-01", .dutchLevelReached(.init(level: .a1)))], "2020-01-01")[.dutchMet] == .bool(true))
        // A failed module above the target says nothing.
        #expect(
            values(old + [f.make("2019-06-01", .componentResult(.init(component: .dutch, decision: .failed, level: .b2)))], "2020-01-01")[
                .dutchMet] == .null)
        // Without a contract the obligation's start tells the regime.
        let noContract = [f.make("2023-01-01", Self.obliged("2023-01-01")), f.make("2023-05-01", .dutchLevelReached(.init(level: .a2)))]
        #expect(values(noContract, "2024-01-01")[.dutchMet] == .null)
        let noContractOld = [f.make("2020-01-01", Self.obliged("2020-01-01")), f.make("2020-05-01", .dutchLevelReached(.init(level: .a1)))]
        #expect(values(noContractOld, "2024-01-01")[.dutchMet] == .bool(true))
        // The agency's decision on the component as a whole counts.
        #expect(
            values(
                [obliged, contract2022, f.make("2024-02-01", .componentResult(.init(component: .dutch, decision: .met)))], "2024-06-01")[
                    .dutchMet] == .bool(true))
    }

    @Test("a component is met once any result says so; otherwise the latest result decides, not applicable is null")
    mutating func componentsKeepTheirKinds() {
        let base = [
            f.make("2023-01-01", Self.obliged("2023-01-01")),
            f.make("2023-01-10", .contractSigned(.init(agency: "agii", components: [.socialOrientation, .work, .participation]))),
        ]
        #expect(values(base, "2024-01-01")[.socialOrientationMet] == .null)
        let failedThenPassed =
            base + [
                f.make("2023-03-01", .componentResult(.init(component: .socialOrientation, decision: .failed))),
                f.make("2023-05-01", .componentResult(.init(component: .socialOrientation, decision: .passed))),
            ]
        #expect(values(failedThenPassed, "2023-04-01")[.socialOrientationMet] == .bool(false))
        #expect(values(failedThenPassed, "2023-06-01")[.socialOrientationMet] == .bool(true))
        let work = base + [f.make("2023-03-01", .componentResult(.init(component: .work, decision: .notMet)))]
        #expect(values(work, "2023-04-01")[.routeToWorkMet] == .bool(false))
        #expect(
            values(work + [f.make("2023-05-01", .componentResult(.init(component: .work, decision: .notApplicable)))], "2023-06-01")[
                .routeToWorkMet] == .null)
        let participation = base + [f.make("2023-08-01", .componentResult(.init(component: .participation, decision: .met)))]
        #expect(values(participation, "2023-09-01")[.participationMet] == .bool(true))
        #expect(
            values(
                participation + [f.make("2023-10-01", .componentResult(.init(component: .participation, decision: .notApplicable)))],
                "2023-11-01")[.participationMet] == .bool(true))
    }

    @Test("waiting list, following agency by name, and certificate dates")
    mutating func otherItems() {
        let events = [
            f.make("2023-01-01", Self.obliged("2023-01-01")),
            f.make("2023-01-05", .registered(.init(kind: .first, agency: "bon"))),
            f.make("2023-01-10", .agencyAssigned(.init(agency: "0421722346", until: LocalDate("2023-12-31")))),
            f.make("2024-01-01", .agencyAssigned(.init(agency: "0999999999", until: nil))),
            f.make("2023-03-01", .waitingList(.init(until: LocalDate("2023-05-31"), course: "NT2 A1"))),
            f.make("2023-04-01", .certificateIssued(.init(kind: .priorLearningCertificate, documentId: "EVC-1"))),
            f.make("2023-04-02", .certificateIssued(.init(kind: .exemptionCertificate, documentId: "VRIJ-1"))),
        ]
        #expect(values(events, "2023-01-06")[.followingAgency] == .string("Bon, Brussels Onthaalbureau Nieuwkomers"))
        // The manager named with separators in the operator's table, kept without them in the event.
        #expect(values(events, "2023-06-01")[.followingAgency] == .string("Atlas, integratie & inburgering Antwerpen"))
        // A number the table lacks is disclosed as it is.
        #expect(values(events, "2024-06-01")[.followingAgency] == .string("0999999999"))
        #expect(values(events, "2023-02-28")[.waitingForCourse] == .bool(false))
        #expect(values(events, "2023-03-01")[.waitingForCourse] == .bool(true))
        #expect(values(events, "2023-05-31")[.waitingForCourse] == .bool(true))
        #expect(values(events, "2023-06-01")[.waitingForCourse] == .bool(false))
        // Neither a prior-learning certificate nor an exemption certificate is the certificate.
        let v = values(events, "2023-06-01")
        #expect(v[.certificateIssuedOn] == .null)
        #expect(v[.status] == .string("exempt"))
        #expect(v[.exempt] == .bool(true))
        let certified = events + [f.make("2023-09-01", .certificateIssued(.init(kind: .effortStatement, documentId: "VGI-1")))]
        #expect(values(certified, "2023-10-01")[.certificateIssuedOn] == .string("2023-09-01"))
    }
}

@Suite("Disclosure records")
struct DisclosureRecordTests {
    @Test("the canonical JSON is sorted, decodes to the same record, and leaves absent optionals out")
    func canonical() throws {
        let full = DisclosureRecord(
            disclosureId: UUID(uuidString: "0190F3C2-1111-7222-8333-444455556666")!, at: Instant("2026-11-29T10:15:00.123456Z")!,
            clientId: "dvz-residence", party: "dvz", purpose: "ART_1_2_INTEGRATION_EFFORTS", channel: .lookup, caseReference: "DVZ \"1\"",
            protocolId: "kbi-dvz-integration-efforts", protocolVersion: 1, fields: [.insz, .status], outcome: .allowed,
            referenceDate: LocalDate("2026-11-01")!, subjectPseudonym: String(repeating: "ab", count: 32), requestId: "r-1",
            traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        var refused = full
        refused.protocolId = nil
        refused.protocolVersion = nil
        refused.traceparent = nil
        refused.fields = []
        refused.outcome = .denied(.noProtocol)
        for record in [full, refused] {
            let text = record.canonicalJSON
            #expect(try JSONDecoder().decode(DisclosureRecord.self, from: Data(text.utf8)) == record)
            let keys = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]).keys
            #expect(text.hasPrefix("{\"at\":\"2026-11-29T10:15:00.123456Z\",\"caseReference\":\"DVZ \\\"1\\\"\","))
            #expect(!text.contains(" \"") && !text.contains(": "))
            #expect(keys.contains("protocolId") == (record.protocolId != nil))
        }
        #expect(full.canonicalJSON.contains("\"disclosureId\":\"0190f3c2-1111-7222-8333-444455556666\""))
    }
}

@Suite("Follows")
struct FollowStateTests {
    @Test("a follow is active until its last day, then expired; ended and protocol-not-in-force take precedence as they should")
    func states() {
        var follow = Follow(
            id: UUID(), clientId: "c", party: "dvz", purpose: "P", caseReference: "F", insz: "85073003328", subjectPseudonym: "x",
            protocolId: "p", protocolVersion: 1, createdAt: Instant(microsecondsSinceEpoch: 0), until: LocalDate("2027-01-31")!)
        #expect(follow.state(on: LocalDate("2027-01-31")!, protocolInForce: true) == .active)
        #expect(follow.state(on: LocalDate("2027-02-01")!, protocolInForce: true) == .expired)
        #expect(follow.state(on: LocalDate("2027-01-01")!, protocolInForce: false) == .protocolNotInForce)
        follow.endedAt = Instant(microsecondsSinceEpoch: 1)
        #expect(follow.state(on: LocalDate("2027-01-01")!, protocolInForce: true) == .ended)
    }

    @Test("ending a follow sets when it ended, once: a follow already ended is not ended again")
    func ending() throws {
        let follow = Follow(
            id: UUID(), clientId: "c", party: "dvz", purpose: "P", caseReference: "F", insz: "85073003328", subjectPseudonym: "x",
            protocolId: "p", protocolVersion: 1, createdAt: Instant(microsecondsSinceEpoch: 0), until: LocalDate("2027-01-31")!)
        let ended = try #require(follow.ending(at: Instant(microsecondsSinceEpoch: 5)))
        #expect(ended.endedAt == Instant(microsecondsSinceEpoch: 5))
        #expect(ended.id == follow.id && ended.until == follow.until)
        #expect(ended.ending(at: Instant(microsecondsSinceEpoch: 9)) == nil)
    }
}
