import Foundation
import KoppelingCore
import KoppelingTestSupport
import Testing

@Suite("Residence from the National Register")
struct ResidenceFileTests {
    typealias Region = EventPayload.ResidenceChanged.Region

    @Test(
        "the region follows from the NIS code's province digits, for municipalities merged in 2019 and 2025 too",
        arguments: [
            // Brussels-Capital.
            ("21004", Region.brussels), ("21001", .brussels),
            // Flanders: Antwerp, Ghent, Leuven (Flemish Brabant 24), Halle (23), Bruges, Hasselt.
            ("11002", .flanders), ("44021", .flanders), ("24062", .flanders), ("23027", .flanders), ("31005", .flanders),
            ("71022", .flanders),
            // Merged on 1 January 2019: Puurs-Sint-Amands, Kruisem, Oudsbergen, Pelt.
            ("12041", .flanders), ("45068", .flanders), ("72042", .flanders), ("72043", .flanders),
            // Merged on 1 January 2025: Pajottegem, Nazareth-De Pinte, Beveren-Kruibeke-Zwijndrecht (Zwijndrecht
            // moved from Antwerp, 11056, to East Flanders), Tessenderlo-Ham.
            ("23106", .flanders), ("44086", .flanders), ("46030", .flanders), ("11056", .flanders), ("71071", .flanders),
            // Wallonia: Walloon Brabant (25), Hainaut, Liège, Luxembourg (Bastogne took in Bertogne in 2025), Namur.
            ("25084", .wallonia), ("57018", .wallonia), ("62063", .wallonia), ("82003", .wallonia), ("92094", .wallonia),
        ])
    func regions(nis: String, region: Region) {
        #expect(Region(nisCode: nis) == region)
    }

    @Test(
        "what is not the NIS code of a municipality has no region",
        arguments: ["", "2100", "210040", "2100a", "00001", "20001", "26001", "29999"])
    func notNIS(text: String) {
        #expect(Region(nisCode: text) == nil)
    }

    @Test("a CSV file: every line an event, region derived, country abroad; the same file gives the same ids")
    func csv() throws {
        let text = """
            insz;date;place
            85073003328;2024-01-10;46030
            85073003328;2024-06-01;21004
            85073003328;2025-02-01;82003
            17073003384;2024-03-01;ma
            """
        let events = try ResidenceFile.events(from: text, policy: TestEnvironment.policy).get()
        #expect(
            events.map(\.payload) == [
                .residenceChanged(.init(region: .flanders, nisCode: "46030")),
                .residenceChanged(.init(region: .brussels, nisCode: "21004")),
                .residenceChanged(.init(region: .wallonia, nisCode: "82003")), .residenceChanged(.init(region: .abroad, country: "MA")),
            ])
        #expect(events.map(\.effectiveDate.description) == ["2024-01-10", "2024-06-01", "2025-02-01", "2024-03-01"])
        #expect(events.allSatisfy { $0.source == "national-register" })
        #expect(try ResidenceFile.events(from: text, policy: TestEnvironment.policy).get().map(\.eventId) == events.map(\.eventId))
        #expect(Set(events.map(\.eventId)).count == 4)
        // Each event is a valid event of the register.
        for event in events {
            #expect(try Event(json: JSONValue.parse(event.jsonLine), policy: TestEnvironment.policy) == event)
        }
        let columns = try ResidenceFile.events(
            from: "date,nisCode,insz,country\n2024-01-10,44021,85073003328,\n2024-02-01,,85073003328,NL", policy: TestEnvironment.policy
        ).get()
        #expect(
            columns.map(\.payload) == [
                .residenceChanged(.init(region: .flanders, nisCode: "44021")), .residenceChanged(.init(region: .abroad, country: "NL")),
            ])
    }

    @Test("NDJSON lines")
    func ndjson() throws {
        let text = #"""
            {"insz":"85073003328","date":"2024-01-10","nisCode":"23106"}

            {"insz":"85073003328","date":"2024-05-01","country":"TR"}
            """#
        let events = try ResidenceFile.events(from: text, policy: TestEnvironment.policy).get()
        #expect(
            events.map(\.payload) == [
                .residenceChanged(.init(region: .flanders, nisCode: "23106")), .residenceChanged(.init(region: .abroad, country: "TR")),
            ])
    }

    @Test("every bad line is named, and nothing is read")
    func errors() {
        let text = """
            insz,date,place
            85073003328,2024-01-10,46030
            85073003329,2024-01-10,46030
            85073003328,2024-13-10,46030
            85073003328,2024-01-10,20001
            85073003328,2024-01-10,BE
            85073003328,2024-01-10,XX
            85073003328,2024-01-10
            """
        guard case .failure(let failure) = ResidenceFile.events(from: text, policy: TestEnvironment.policy) else {
            Issue.record("expected errors")
            return
        }
        #expect(failure.lines.map(\.line) == [3, 4, 5, 6, 7, 8])
        #expect(failure.lines[0].message.contains("check-digits"))
        #expect(failure.lines[2].message.contains("five-digit NIS code"))
        #expect(failure.lines[3].message.contains("not BE"))
        #expect(failure.lines[4].message.contains("not an ISO 3166-1 alpha-2"))
        guard case .failure(let header) = ResidenceFile.events(from: "number,day\n1,2", policy: TestEnvironment.policy) else {
            Issue.record("expected a header error")
            return
        }
        #expect(header.lines.map(\.line) == [1])
        guard
            case .failure(let json) = ResidenceFile.events(
                from: #"{"insz":"85073003328","date":"2024-01-10","nisCode":"21004","region":"flanders"}"#, policy: TestEnvironment.policy)
        else {
            Issue.record("expected a member error")
            return
        }
        #expect(json.lines.first?.message == "unknown member region")
    }
}

@Suite("Languages")
struct LanguageTests {
    @Test(
        "Accept-Language: the highest weight among Dutch and French wins, Dutch otherwise",
        arguments: [
            (nil, Language.nl), ("fr", .fr), ("fr-BE", .fr), ("FR-be;q=0.8, nl;q=0.7", .fr), ("nl, fr", .nl), ("fr, nl", .fr),
            ("en-GB, fr;q=0.3", .fr), ("en", .nl), ("fr;q=0", .nl), ("*", .nl), ("nl;q=0.2, fr;q=0.2", .nl), ("", .nl),
        ] as [(String?, Language)])
    func preferred(header: String?, language: Language) {
        #expect(Language.preferred(acceptLanguage: header) == language)
    }

    @Test("dates as people write them")
    func dates() {
        #expect(Language.nl.date(LocalDate("2024-03-01")!) == "1 maart 2024")
        #expect(Language.fr.date(LocalDate("2024-03-01")!) == "1er mars 2024")
        #expect(Language.fr.date(LocalDate("2024-08-15")!) == "15 août 2024")
    }
}
