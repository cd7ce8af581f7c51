import Foundation
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import KoppelingDemoData
import KoppelingHTTP
import KoppelingStore
import KoppelingStoreSQLite
import KoppelingTestSupport
import Testing

@Suite("Enforcement work list over HTTP (issue 16)")
struct EnforcementAPITests {
    static let today = LocalDate("2026-11-29")!
    static let people = PopulationGenerator(seed: 9, persons: 3)

    static func event(_ insz: NationalNumber, _ date: String, _ payload: EventPayload) -> Event {
        Event(eventId: UUID(), insz: insz, effectiveDate: LocalDate(date)!, source: "agii", payload: payload)
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
    }

    @Test(
        """
        an overdue person and an open infringement appear in their queues; a fine is stored as an event and the status becomes \
        non_compliant_fined; a fine above the approval amount waits for a second officer; every person shown is a logged read
        """
    )
    func workList() async throws {
        let store = try SQLiteRegisterStore()
        let services = try await KoppelingApp.services(store: store, configuration: .forTests, today: { Self.today })
        let router = KoppelingApp.buildRouter(services: services, today: { Self.today })
        let (overdue, infringed, above) = (
            Self.people.nationalNumber(of: 0), Self.people.nationalNumber(of: 1), Self.people.nationalNumber(of: 2)
        )
        let obliged = EventPayload.targetGroupDetermined(
            .init(code: .ja, targetType: .obliged, periodStart: LocalDate("2026-01-05"), periodEnd: nil))
        var events = [Self.event(overdue, "2026-01-05", obliged)]
        for (insz, id) in [(infringed, "INB-1"), (above, "INB-2")] {
            events += [
                Self.event(insz, "2026-01-05", obliged),
                Self.event(
                    insz, "2026-10-01",
                    .infringementRecorded(.init(infringementId: id, kind: .lateRegistration, noticeOfDefaultOn: LocalDate("2026-10-15")))),
            ]
        }
        _ = try await services.register.append(events, by: .operator("test"))
        let token = try await accessToken(role: .enforcement, services: services, party: "abb")
        let recipient = try await accessToken(role: .recipient, services: services, party: "dvz")

        try await Application(router: router).test(.router) { base in
            let client = AuthorizedTestClient(base: base, token: token)
            func queue(_ name: String, _ query: String = "") async throws -> [String: Any] {
                try await client.execute(uri: "/v1/enforcement/queues/\(name)\(query)", method: .get) { response in
                    #expect(response.status == .ok, "\(name): \(String(buffer: response.body))")
                    #expect(response.headers[.cacheControl] == "no-store")
                    return try Self.json(response)
                }
            }
            func persons(_ page: [String: Any]) -> [String] {
                (page["items"] as? [[String: Any]] ?? []).compactMap { $0["insz"] as? String }
            }
            func post(_ uri: String, _ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(
                    uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
                ) {
                    ($0.status, (try? Self.json($0)) ?? [:])
                }
            }
            func status(_ insz: NationalNumber) async throws -> StatusCode {
                try await services.register.status(of: insz, on: Self.today).status
            }

            let overduePage = try await queue("registration_overdue")
            #expect(persons(overduePage) == [overdue.digits] && overduePage["total"] as? Int == 1)
            let item = try #require((overduePage["items"] as? [[String: Any]])?.first)
            // The window of three months from 5 January closed on 5 April: overdue since 6 April.
            #expect(item["since"] as? String == "2026-04-06" && item["daysOpen"] as? Int == 237)
            let open = try await queue("open_infringements", "?kind=late_registration")
            #expect(persons(open) == [infringed.digits, above.digits].sorted())
            let first = try #require((open["items"] as? [[String: Any]])?.first { $0["insz"] as? String == infringed.digits })
            let infringement = try #require((first["openInfringements"] as? [[String: Any]])?.first)
            #expect(infringement["id"] as? String == "INB-1" && infringement["noticeOfDefaultOn"] as? String == "2026-10-15")
            #expect(infringement["termEndsOn"] as? String == "2031-10-01" && first["deadline"] as? String == "2031-10-01")
            #expect(persons(try await queue("open_infringements", "?kind=refused_contract")).isEmpty)
            #expect(persons(try await queue("open_infringements", "?minimumAgeDays=59")) == [infringed.digits, above.digits].sorted())
            #expect(persons(try await queue("open_infringements", "?minimumAgeDays=60")).isEmpty)

            // Out of range, not open, unknown queue: refused, nothing stored.
            let low = try await post(
                "/v1/enforcement/decisions",
                #"{"insz":"\#(infringed.digits)","infringementId":"INB-1","decision":"fine","amountEUR":20,"officer":"an"}"#)
            #expect(low.0 == .unprocessableContent && low.1["type"] as? String == "urn:koppeling:problem:fine-out-of-range")
            let none = try await post(
                "/v1/enforcement/decisions",
                #"{"insz":"\#(infringed.digits)","infringementId":"INB-9","decision":"no_follow_up","officer":"an"}"#)
            #expect(none.0 == .unprocessableContent && none.1["type"] as? String == "urn:koppeling:problem:infringement-not-open")
            try await client.execute(uri: "/v1/enforcement/queues/everyone", method: .get) { #expect($0.status == .notFound) }
            #expect(try await status(infringed) == .infringementPending)

            // A fine within the approval amount is stored at once, by the officer through the client.
            let fined = try await post(
                "/v1/enforcement/decisions",
                #"{"insz":"\#(infringed.digits)","infringementId":"INB-1","decision":"fine","amountEUR":400,"officer":"an"}"#)
            #expect(fined.0 == .created && fined.1["state"] as? String == "stored")
            #expect(try await status(infringed) == .nonCompliantFined)
            let stored = try await services.register.store.events(of: infringed)
            #expect(stored.last?.provenance?.recordedBy.hasSuffix("/an") == true)
            #expect(persons(try await queue("fined_not_complying")) == [infringed.digits])
            let fines =
                try #require((try await queue("fined_not_complying"))["items"] as? [[String: Any]]).first?["fines"] as? [[String: Any]]
            #expect(fines?.first?["amountEUR"] as? Int == 400)
            #expect(persons(try await queue("open_infringements")) == [above.digits])

            // Above the approval amount: it waits; the proposer cannot approve; a second officer can, once.
            let proposed = try await post(
                "/v1/enforcement/decisions",
                #"{"insz":"\#(above.digits)","infringementId":"INB-2","decision":"fine","amountEUR":3000,"officer":"an"}"#)
            #expect(proposed.0 == .accepted && proposed.1["state"] as? String == "awaiting_approval")
            let approval = try #require(proposed.1["approvalId"] as? String)
            #expect(try await status(above) == .infringementPending)
            let waiting = try await client.execute(uri: "/v1/enforcement/approvals", method: .get) { try Self.json($0) }
            #expect((waiting["approvals"] as? [[String: Any]])?.map { $0["approvalId"] as? String } == [approval])
            let same = try await post("/v1/enforcement/approvals/\(approval)", #"{"approve":true,"officer":"an"}"#)
            #expect(same.0 == .conflict && same.1["type"] as? String == "urn:koppeling:problem:second-officer-required")
            #expect(try await status(above) == .infringementPending)
            let second = try await post("/v1/enforcement/approvals/\(approval)", #"{"approve":true,"officer":"bo"}"#)
            #expect(second.0 == .ok && second.1["state"] as? String == "approved" && second.1["decidedBy"] as? String != nil)
            #expect(try await status(above) == .nonCompliantFined)
            #expect(try await services.register.store.events(of: above).last?.eventId.lowercasedString == approval)
            let again = try await post("/v1/enforcement/approvals/\(approval)", #"{"approve":true,"officer":"cy"}"#)
            #expect(again.0 == .conflict)

            // Every person a page showed is a read in the log, for enforcement.
            let reads = try await services.exchange.store.disclosures(client: try #require(await Self.clientId(services, token)))
            #expect(reads.count >= 8 && reads.allSatisfy { $0.purpose == "ENFORCEMENT" && $0.outcome == .read })
            // A recipient never sees the work list.
            try await base.execute(
                uri: "/v1/enforcement/queues/registration_overdue", method: .get, headers: [.authorization: "Bearer \(recipient)"]
            ) {
                #expect($0.status == .forbidden)
            }
        }
    }

    static func clientId(_ services: KoppelingServices, _ token: String) async -> String? {
        try? await services.tokens.authenticate(bearer: token).id
    }

    @Test(
        "a fine from the work list is seen everywhere at once: the register's status, a recipient's lookup, the follower's change notice",
        arguments: TestStores.backends)
    func fineSeenEverywhere(backend: Backend) async throws {
        try await ExchangeAPITests().withApp(backend: backend) { client, fixture in
            let services = fixture.services
            let token = try #require(
                try await ExchangeAPITests.requestToken(client, try await ExchangeAPITests.assertion(fixture.clientKey)).1["access_token"]
                    as? String)
            let enrol = #"{"insz":"85073003328","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"E-1","until":"2027-06-30"}"#
            #expect(try await ExchangeAPITests.send(client, .post, "/v1/exchange/follows", token: token, body: enrol).0 == 201)
            var person = EventFactory()
            _ = try await services.register.append(
                [
                    person.make(
                        "2026-10-01",
                        .infringementRecorded(.init(infringementId: "INB-F", kind: .irregularParticipation, noticeOfDefaultOn: nil)))
                ],
                by: .operator("test"))
            let before = try await ExchangeAPITests.send(client, .get, "/v1/exchange/changes?after=0", token: token)
            let seen = (before.1["notices"] as? [[String: Any]])?.count ?? 0
            let abb = try await accessToken(role: .enforcement, services: services, party: "abb")
            let fine = #"{"insz":"85073003328","infringementId":"INB-F","decision":"fine","amountEUR":250,"officer":"an"}"#
            try await client.execute(
                uri: "/v1/enforcement/decisions", method: .post,
                headers: [.contentType: "application/json", .authorization: "Bearer \(abb)"],
                body: ByteBuffer(string: fine)
            ) { #expect($0.status == .created, "\(String(buffer: $0.body))") }
            #expect(try await services.register.status(of: person.insz, on: ExchangeAPITests.today).status == .nonCompliantFined)
            let lookup = try await ExchangeAPITests.lookup(client, token: token, referenceDate: ExchangeAPITests.today.description)
            #expect(lookup.0 == 200 && (lookup.1["result"] as? [String: Any])?["status"] as? String == "non_compliant_fined", "\(lookup.2)")
            #expect(!lookup.2.contains("250"), "the amount is never disclosed: \(lookup.2)")
            let after = try await ExchangeAPITests.send(client, .get, "/v1/exchange/changes?after=0", token: token)
            let notices = try #require(after.1["notices"] as? [[String: Any]])
            #expect(notices.count == seen + 1)
            #expect((notices.last?["current"] as? [String: Any])?["status"] as? String == "non_compliant_fined")
            #expect(!after.2.contains("\"amountEUR\""))
        }
    }
}
