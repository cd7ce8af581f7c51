import Foundation
import KoppelingCore
import KoppelingTestSupport
import Testing

@Suite("Disclosure projection")
struct DisclosureProjectionTests {
    var f = EventFactory()
    let projection = DisclosureProjection(engine: StatusEngine())

    func values(_ events: [Event], _ date: String, _ fields: [DisclosureField] = DisclosureField.allCases) -> [DisclosureField: JSONValue] {
        Dictionary(uniqueKeysWithValues: projection.project(events, insz: f.insz, on: LocalDate(date)!, fields: fields).map { ($0.field, $0.value) })
    }

    @Test("a person in trajectory: every field from the events, under the status engine's counting rules")
    mutating func inTrajectory() {
        let events = [
            f.make("2024-01-01", .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate("2024-01-01"), periodEnd: nil))),
            f.make("2024-01-10", .registered(.init(kind: .first, agency: "atlas"))),
            f.make("2024-02-01", .contractSigned(.init(agency: "agii", components: [.socialOrientation, .dutch]))),
            f.make("2024-05-01", .componentResult(.init(component: .socialOrientation, decision: .passed))),
            f.make("2024-06-01", .dutchLevelReached(.a1)),
            f.make("2024-09-01", .dutchLevelReached(.a2)),
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
        #expect(v[.followingAgency] == .string("agii"))
        // Before the later events, they do not count.
        #expect(values(events, "2024-07-01")[.highestDutchLevel] == .string("A1"))
    }

    @Test("only the granted fields, in a fixed order; a medical exemption is disclosed as other")
    mutating func grantedAndMedical() {
        let events = [
            f.make("2024-01-01", .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: LocalDate("2024-01-01"), periodEnd: nil))),
            f.make("2024-01-20", .exemptionGranted(.init(category: .medical, until: nil))),
        ]
        let projected = projection.project(events, insz: f.insz, on: LocalDate("2024-06-01")!, fields: [.exemptionCategory, .status, .exempt])
        #expect(projected.map(\.field) == [.status, .exempt, .exemptionCategory])
        #expect(projected.map(\.value) == [.string("exempt"), .bool(true), .string("other")])
    }
}

@Suite("Disclosure records")
struct DisclosureRecordTests {
    @Test("the canonical JSON is sorted, decodes to the same record, and leaves absent optionals out")
    func canonical() throws {
        let full = DisclosureRecord(
            disclosureId: UUID(uuidString: "0190F3C2-1111-7222-8333-444455556666")!, at: Instant("2026-11-29T10:15:00.123456Z")!,
            clientId: "dvz-residence", party: "dvz", purpose: "ART_1_2_INTEGRATION_EFFORTS", channel: .lookup, caseReference: "DVZ \"1\"",
            protocolId: "kbi-dvz-integration-efforts", protocolVersion: 1, fields: [.insz, .status], outcome: "allowed",
            referenceDate: LocalDate("2026-11-01")!, subjectPseudonym: String(repeating: "ab", count: 32), requestId: "r-1",
            traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        var refused = full
        refused.protocolId = nil
        refused.protocolVersion = nil
        refused.traceparent = nil
        refused.fields = []
        refused.outcome = "no_protocol"
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
}
