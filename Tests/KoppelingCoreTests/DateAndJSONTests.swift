import Foundation
import KoppelingCore
import KoppelingDemoData
import KoppelingKBI
import KoppelingTestSupport
import Testing

@Suite("Dates, instants and JSON")
struct DateAndJSONTests {
    @Test("day ordinals agree with Foundation's Gregorian calendar from 1900 to 2100")
    func ordinalsAgreeWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var random = SplitMix64(seed: 7)
        for _ in 0..<5000 {
            let days = Int32(-25_567 + Int(random.next() % 73_049))
            let date = LocalDate(daysSinceEpoch: days)
            let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            let (year, month, day) = date.components
            #expect(year == parts.year && month == parts.month && day == parts.day)
            #expect(LocalDate(date.description) == date)
        }
    }

    @Test("adding months clamps to the month's end")
    func addingMonths() {
        #expect(LocalDate("2024-01-31")!.adding(months: 1) == LocalDate("2024-02-29"))
        #expect(LocalDate("2023-01-31")!.adding(months: 1) == LocalDate("2023-02-28"))
        #expect(LocalDate("2023-11-30")!.adding(months: 3) == LocalDate("2024-02-29"))
        #expect(LocalDate("2024-10-15")!.adding(months: 3) == LocalDate("2025-01-15"))
        #expect(LocalDate("2024-02-30") == nil)
        #expect(LocalDate("2024-2-03") == nil)
    }

    @Test("instants parse with offsets and print in UTC")
    func instants() {
        #expect(Instant("2026-11-29T10:15:00Z")?.description == "2026-11-29T10:15:00Z")
        #expect(Instant("2026-11-29T11:15:00+01:00") == Instant("2026-11-29T10:15:00Z"))
        #expect(Instant("2026-11-29T10:15:00.25Z")?.description == "2026-11-29T10:15:00.250000Z")
        #expect(Instant("2026-11-29T10:15:00") == nil)
        #expect(Instant("2026-11-29") == nil)
    }

    @Test("JSON parsing reports the byte offset and refuses duplicates")
    func jsonErrors() {
        #expect(throws: JSONSyntaxError(offset: 5, message: "expected ':'")) { try JSONValue.parse("{\"a\" 1}") }
        #expect(throws: JSONSyntaxError(offset: 8, message: "duplicate member \"a\"")) { try JSONValue.parse("{\"a\":1, \"a\":2}") }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("[1,]") }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("\"\u{01}\"") }
    }

    @Test("canonical JSON sorts members and agrees with JSONSerialization on random values")
    func canonical() throws {
        let value = try JSONValue.parse(#"{"b":[1,2.5,"x\"y"],"a":{"d":null,"c":true},"é":"\u00e9\n"}"#)
        #expect(value.canonicalText == #"{"a":{"c":true,"d":null},"b":[1,2.5,"x\"y"],"é":"é\n"}"#)
        let reparsed = try JSONValue.parse(value.canonicalText)
        #expect(reparsed == value)
        let foundation = try JSONSerialization.jsonObject(with: Data(value.canonicalText.utf8)) as? [String: Any]
        #expect(foundation?["é"] as? String == "é\n")
    }
}

@Suite("Events in JSON")
struct EventJSONTests {
    let policy = TestEnvironment.policy

    func parse(_ text: String) throws(EventValidationError) -> Event {
        var text = text
        let result: Result<Event, EventValidationError> = text.withUTF8 { bytes in
            do throws(EventValidationError) { return .success(try Event.parse(json: bytes, policy: policy)) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    static let line =
        #"""
        {"eventId":"0b3f8a86-6f3c-4c0e-9d7e-3f1c2b9a8e11","insz":"90122500159","type":"contract_signed","effectiveDate":"2023-04-02",\#
        "source":"agii","data":{"agency":"agii","components":["social_orientation","dutch"]}}
        """#

    @Test("the documented form parses and is written back byte for byte")
    func roundTrip() throws {
        let event = try parse(Self.line)
        #expect(event.type == .contractSigned)
        #expect(event.insz.digits == "90122500159")
        #expect(event.jsonLine == Self.line)
    }

    @Test("every event type round-trips through its JSON form")
    func allTypes() throws {
        let generator = PopulationGenerator(seed: 11, persons: 3000)
        var seen = Set<EventType>()
        for index in 0..<3000 {
            for event in generator.events(ofPerson: index) {
                seen.insert(event.type)
                let again = try parse(event.jsonLine)
                #expect(again == event)
            }
        }
        // The types and members the generator does not write.
        let insz = try NationalNumber("85073003328", policy: TestEnvironment.policy)
        let extra: [EventPayload] = [
            .waitingList(.init(until: nil, course: "NT2 A2")), .waitingList(.init(until: LocalDate("2024-05-01"))),
            .agencyAssigned(.init(agency: "0421722346", until: nil)),
            .contractSigned(.init(agency: "agii", components: [.dutch], regime: .decree2022)),
            .componentResult(.init(component: .dutch, decision: .notMet, level: .a2)),
            .dutchLevelReached(.init(level: .a2, tested: true)),
            .infringementRecorded(.init(infringementId: "I", kind: .other, noticeOfDefaultOn: nil, authority: .vdab)),
            .infringementDecided(.init(infringementId: "I", decision: .rectified, amountEUR: nil)),
            .residenceChanged(.init(region: .abroad, country: "MA")), .residenceChanged(.init(region: .wallonia, nisCode: "82003")),
            .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: nil, periodEnd: nil)),
        ]
        for payload in extra {
            let event = Event(eventId: UUID(), insz: insz, effectiveDate: LocalDate("2024-01-01")!, source: "agii", payload: payload)
            seen.insert(event.type)
            #expect(try parse(event.jsonLine) == event)
            #expect(event.canonicalData == event.dataValue.canonicalText)
        }
        #expect(seen.count == EventType.allCases.count)
    }

    @Test("what senders meant before a member existed is kept: no authority is ABB, no tested is untested")
    func defaults() throws {
        let infringement = try parse(
            Self.line(type: "infringement_recorded", data: #"{"infringementId":"I","kind":"other","noticeOfDefaultOn":null}"#))
        #expect(
            infringement.payload == .infringementRecorded(.init(infringementId: "I", kind: .other, noticeOfDefaultOn: nil, authority: .abb))
        )
        #expect(!infringement.canonicalData.contains("authority"))
        let level = try parse(Self.line(type: "dutch_level_reached", data: #"{"level":"A2"}"#))
        #expect(level.payload == .dutchLevelReached(.init(level: .a2, tested: false)))
        #expect(
            try parse(Self.line(type: "residence_changed", data: #"{"region":"flanders","nisCode":"72043"}"#)).payload
                == .residenceChanged(.init(region: .flanders, nisCode: "72043")))
    }

    static func line(
        id: String = "0b3f8a86-6f3c-4c0e-9d7e-3f1c2b9a8e11", insz: String = "90122500159", type: String = "contract_signed",
        date: String = "2023-04-02", data: String = #"{"agency":"agii","components":["social_orientation"]}"#
    ) -> String {
        #"{"eventId":"\#(id)","insz":"\#(insz)","type":"\#(type)","effectiveDate":"\#(date)","source":"agii","data":\#(data)}"#
    }

    @Test(
        "invalid events name the member and the rule",
        arguments: [
            (line(type: "unknown_type"), "type"),
            (line(insz: "90122500158"), "insz"),
            (line(insz: "90.12.25-001.59"), "insz"),
            (line(date: "2023-02-30"), "effectiveDate"),
            (line(data: #"{"agency":"agii","components":["cooking"]}"#), "data.components[0]"),
            (line(data: #"{"agency":"agii","components":[],"extra":1}"#), "data.extra"),
            (line(data: #"{"components":[]}"#), "data.agency"),
            (line(id: "not-a-uuid"), "eventId"),
            (
                line(type: "postponement", data: #"{"kind":"signing","from":"2023-05-01","until":"2023-04-01","reasonCode":"X"}"#),
                "data.until"
            ),
            (line(type: "residence_changed", data: #"{"region":"flanders","nisCode":"21004"}"#), "data.region"),
            (line(type: "residence_changed", data: #"{"region":"wallonia","nisCode":"20001"}"#), "data.nisCode"),
            (line(type: "residence_changed", data: #"{"region":"abroad","country":"BE"}"#), "data.country"),
            (line(type: "residence_changed", data: #"{"region":"abroad","country":"XX"}"#), "data.country"),
            (line(type: "residence_changed", data: #"{"region":"brussels","country":"FR"}"#), "data.country"),
            (line(type: "component_result", data: #"{"component":"work","decision":"met","level":"A2"}"#), "data.level"),
            (
                line(
                    type: "infringement_recorded",
                    data: #"{"infringementId":"I","kind":"other","noticeOfDefaultOn":null,"authority":"police"}"#), "data.authority"
            ),
            (line(type: "infringement_decided", data: #"{"infringementId":"I","decision":"rectified","amountEUR":50}"#), "data.amountEUR"),
            (line(type: "dutch_level_reached", data: #"{"level":"A2","tested":"yes"}"#), "data.tested"),
            (line(type: "waiting_list", data: #"{"until":null,"course":""}"#), "data.course"),
            (line(type: "agency_assigned", data: #"{"until":null}"#), "data.agency"),
        ])
    func invalid(text: String, path: String) {
        #expect { try parse(text) } throws: { error in (error as? EventValidationError)?.path == path }
    }

    @Test(
        """
        an event read back from the register decodes without the input rules: one stored before the NIS code had to lie in its \
        region, or with a fine above today's range, reads as it was accepted; a row that does not decode is refused
        """)
    func storedEvents() throws {
        func stored(type: String, data: String) throws -> Event {
            try Event(
                storedId: "0b3f8a86-6f3c-4c0e-9d7e-3f1c2b9a8e11", insz: "90122500159", type: type, effectiveDate: "2023-04-02",
                source: "agii", data: data)
        }
        let residence = #"{"region":"flanders","nisCode":"21004"}"#
        #expect(throws: EventValidationError.self) { try parse(Self.line(type: "residence_changed", data: residence)) }
        #expect(
            try stored(type: "residence_changed", data: residence).payload == .residenceChanged(.init(region: .flanders, nisCode: "21004")))
        let fine = #"{"infringementId":"i-1","decision":"fine","amountEUR":9000}"#
        #expect(throws: EventValidationError.self) { try parse(Self.line(type: "infringement_decided", data: fine)) }
        #expect(
            try stored(type: "infringement_decided", data: fine).payload
                == .infringementDecided(.init(infringementId: "i-1", decision: .fine, amountEUR: 9000)))
        // What does not decode is refused, naming the member: a missing member, a wrong JSON type, a broken document.
        #expect { try stored(type: "residence_changed", data: #"{"nisCode":"21004"}"#) } throws: {
            ($0 as? EventValidationError)?.path == "data.region"
        }
        #expect { try stored(type: "infringement_decided", data: #"{"infringementId":"i-1","decision":"fine","amountEUR":"x"}"#) } throws: {
            ($0 as? EventValidationError)?.path == "data.amountEUR"
        }
        #expect { try stored(type: "residence_changed", data: #"{"region":"#) } throws: { ($0 as? EventValidationError)?.path == "data" }
        #expect { try stored(type: "no_such_type", data: "{}") } throws: { ($0 as? EventValidationError)?.path == "type" }
    }

    @Test("a fine needs an amount within the legal range")
    func fineAmount() {
        let base =
            #"""
            {"eventId":"0b3f8a86-6f3c-4c0e-9d7e-3f1c2b9a8e11","insz":"90122500159","type":"infringement_decided",\#
            "effectiveDate":"2023-04-02","source":"abb","data":
            """#
        #expect(throws: EventValidationError.self) { try parse(base + #"{"infringementId":"I","decision":"fine","amountEUR":5001}}"#) }
        #expect(throws: EventValidationError.self) {
            try parse(base + #"{"infringementId":"I","decision":"no_follow_up","amountEUR":50}}"#)
        }
        #expect(throws: Never.self) { try parse(base + #"{"infringementId":"I","decision":"fine","amountEUR":50}}"#) }
    }
}

@Suite("Canonical data")
struct CanonicalDataTests {
    @Test("the direct writer gives exactly the canonical text of the data object, for every type and with verbatim codes")
    func writerMatchesCanonicalText() throws {
        let generator = PopulationGenerator(seed: 4, persons: 3000)
        var events: [Event] = []
        for index in 0..<3000 { events += generator.events(ofPerson: index) }
        let mapper = KBIDossierMapper(policy: TestEnvironment.policy)
        for name in ["obliged-certificate.xml", "infringement.xml", "full-02.xml", "absent-dates.xml"] {
            events += try mapper.map(try Data(contentsOf: TestEnvironment.ownKBIFixtures.appendingPathComponent(name))).events
        }
        #expect(Set(events.map(\.type)).count == EventType.allCases.count)
        #expect(events.contains { !$0.verbatim.isEmpty })
        for event in events {
            #expect(event.canonicalData == event.dataValue.canonicalText)
        }
    }
}

@Suite("Reference dates")
struct ReferenceDateTests {
    @Test("today without a day; a day that has come as asked; a day to come only where looking ahead is allowed")
    func resolve() throws {
        let today = LocalDate("2026-12-01")!
        #expect(try ReferenceDate.resolve(nil, today: today, allowsFuture: false) == today)
        #expect(try ReferenceDate.resolve(LocalDate("2026-11-30"), today: today, allowsFuture: false) == LocalDate("2026-11-30"))
        #expect(try ReferenceDate.resolve(today, today: today, allowsFuture: false) == today)
        #expect(throws: ReferenceDate.Refusal.inFuture(requested: LocalDate("2026-12-02")!, today: today)) {
            try ReferenceDate.resolve(LocalDate("2026-12-02"), today: today, allowsFuture: false)
        }
        #expect(try ReferenceDate.resolve(LocalDate("2027-06-01"), today: today, allowsFuture: true) == LocalDate("2027-06-01"))
    }
}

@Suite("Line differences")
struct LineDiffTests {
    @Test("lines kept, removed and added, in order; a changed line is removed then added")
    func difference() {
        let old = ["titel", "bewaring: tien jaar", "doel A", "doel B"]
        let new = ["titel", "bewaring: vijf jaar", "doel A", "doel C", "doel D"]
        #expect(
            LineDiff.between(old, new) == [
                .same("titel"), .removed("bewaring: tien jaar"), .added("bewaring: vijf jaar"), .same("doel A"), .removed("doel B"),
                .added("doel C"), .added("doel D"),
            ])
        #expect(LineDiff.between([], ["a"]) == [.added("a")] && LineDiff.between(["a"], []) == [.removed("a")])
        #expect(LineDiff.between(["a", "b"], ["a", "b"]) == [.same("a"), .same("b")])
        // Whatever the inputs, keeping the same and removed lines gives the old text, same and added the new.
        let a = ["x", "y", "z", "x", "y"]
        let b = ["y", "x", "x", "z", "y", "w"]
        let lines = LineDiff.between(a, b)
        #expect(
            lines.compactMap {
                if case .added = $0 { nil } else if case .same(let t) = $0 { t } else if case .removed(let t) = $0 { t } else { nil }
            } == a)
        #expect(
            lines.compactMap {
                if case .removed = $0 { nil } else if case .same(let t) = $0 { t } else if case .added(let t) = $0 { t } else { nil }
            } == b)
        #expect(
            lines.filter { if case .same = $0 { true } else { false } }.count == 3, "the longest common subsequence of the two has 3 lines")
    }
}
