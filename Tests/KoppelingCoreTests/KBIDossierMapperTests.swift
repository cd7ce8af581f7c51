import Foundation
import KoppelingCore
import KoppelingTestSupport
import Testing

@Suite("KBI import mapping")
struct KBIDossierMapperTests {
    let mapper = KBIDossierMapper(policy: TestEnvironment.policy)

    func map(_ url: URL) throws -> KBIImportResult {
        try mapper.map(try Data(contentsOf: url))
    }

    func types(_ result: KBIImportResult) -> [String] {
        result.events.map(\.type.rawValue).sorted()
    }

    @Test("the project's own dossier: obligation, registration, contract, results and certificate")
    func ownCertificateDossier() throws {
        let result = try map(TestEnvironment.ownKBIFixtures.appendingPathComponent("obliged-certificate.xml"))
        #expect(result.insz.digits == "85073003328")
        #expect(types(result) == [
            "certificate_issued", "certificate_issued", "component_result", "contract_signed", "dutch_level_reached", "registered",
            "target_group_determined",
        ])
        let contract = try #require(result.events.first { $0.type == .contractSigned })
        #expect(contract.payload == .contractSigned(.init(agency: "0421722346", components: [.socialOrientation, .dutch])))
        let registration = try #require(result.events.first { $0.type == .registered })
        #expect(registration.verbatim == ["Reden": "13"])
        let target = try #require(result.events.first { $0.type == .targetGroupDetermined })
        #expect(target.verbatim["SubType"] == "VOL_PROG")
        #expect(result.unmapped.map(\.value).sorted() == ["TO_OB_LLO", "VOL_PROG"])
        #expect(result.ignoredSections.contains("VoorkeurenKlant"))
        let status = StatusEngine().status(of: result.events, on: LocalDate("2024-06-30")!)
        #expect(status.status == .fulfilledCertificate)
        #expect(status.since == LocalDate("2024-05-02"))
    }

    @Test("free text is never imported and undocumented infringement types are kept verbatim")
    func ownInfringementDossier() throws {
        let result = try map(TestEnvironment.ownKBIFixtures.appendingPathComponent("infringement.xml"))
        #expect(types(result) == ["infringement_recorded", "postponement", "target_group_determined"])
        let infringement = try #require(result.events.first { $0.type == .infringementRecorded })
        #expect(infringement.verbatim == ["Type": "1", "SanctionerendeOverheid": "HH"])
        #expect(!result.events.contains { $0.jsonLine.contains("vrije tekst") })
        let postponement = try #require(result.events.first { $0.type == .postponement })
        #expect(postponement.payload == .postponement(.init(kind: .registration, from: LocalDate("2024-01-20")!, until: LocalDate("2024-02-20"), reasonCode: "BIJSTAND_ZIEK_FAMILIELID")))
    }

    @Test("the same answer always gives the same event ids")
    func deterministicIds() throws {
        let url = TestEnvironment.ownKBIFixtures.appendingPathComponent("obliged-certificate.xml")
        #expect(try map(url).events.map(\.eventId) == (try map(url).events.map(\.eventId)))
        let ids = try map(url).events.map(\.eventId)
        #expect(Set(ids).count == ids.count)
    }

    @Test("malformed XML and invalid values name the position")
    func errors() throws {
        #expect {
            try map(TestEnvironment.ownKBIFixtures.appendingPathComponent("malformed.xml"))
        } throws: { error in
            guard case .malformedXML(let syntax) = error as? KBIImportError else { return false }
            return syntax.line == 8
        }
        #expect {
            try map(TestEnvironment.ownKBIFixtures.appendingPathComponent("bad-date.xml"))
        } throws: { error in
            (error as? KBIImportError)?.description == "Aanmelding/DatumAanmelding at line 10: expected a date YYYY-MM-DD, got \"2024-13-01\""
        }
    }

    /// What each shared MAGDA fixture yields: the event types, or the MAGDA exception, and the
    /// status on 2024-06-30, as read from the files by hand.
    static let sharedExpectations: [(file: String, types: [String]?, error: String?, status: StatusCode?)] = [
        ("90122500159.xml", nil, "99996", nil),
        ("90122501446.xml", ["certificate_issued", "certificate_issued", "certificate_issued", "component_result", "contract_signed", "dutch_level_reached", "registered", "target_group_determined"], nil, .fulfilledCertificate),
        ("90122501644.xml", ["registered", "target_group_determined"], nil, .inTrajectory),
        ("90122501842.xml", ["contract_signed", "infringement_recorded", "registered", "target_group_determined"], nil, .infringementPending),
        ("90122502139.xml", ["registered", "target_group_determined"], nil, .inTrajectory),
        ("90122600228.xml", ["contract_signed", "registered", "target_group_determined"], nil, .entitledNotObliged),
        ("90122600327.xml", ["registered", "target_group_determined"], nil, .inTrajectory),
        ("90122600525.xml", ["target_group_determined"], nil, .unknown),
        ("91010100144.xml", nil, "99996", nil),
        ("96010100152.xml", ["registered", "target_group_determined"], nil, .inTrajectory),
        ("98030499789.xml", ["dutch_level_reached", "dutch_level_reached", "postponement", "registered", "target_group_determined"], nil, .suspended),
        ("99020210189.xml", ["dutch_level_reached", "dutch_level_reached", "postponement", "registered", "target_group_determined"], nil, .suspended),
        ("notfound.xml", nil, "30001", nil),
    ]

    @Test(
        "every shared MAGDA fixture imports as expected",
        .enabled(if: TestEnvironment.runKBIFixtureTests, "skipped: the MAGDA fixtures are not at \(TestEnvironment.kbiFixtures.path) (set KOPPELING_KBI_FIXTURES)"))
    func sharedFixtures() throws {
        let folder = TestEnvironment.kbiFixtures.appendingPathComponent("dossiers")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".xml") }.sorted()
        #expect(files == Self.sharedExpectations.map(\.file))
        for expectation in Self.sharedExpectations {
            let url = folder.appendingPathComponent(expectation.file)
            if let code = expectation.error {
                #expect(throws: KBIImportError.self) { try map(url) }
                do {
                    _ = try map(url)
                } catch let error as KBIImportError {
                    guard case .magdaException(let got, _) = error else {
                        Issue.record("\(expectation.file): expected MAGDA exception \(code), got \(error)")
                        continue
                    }
                    #expect(got == code, "\(expectation.file)")
                }
                continue
            }
            let result = try map(url)
            #expect(types(result) == expectation.types, "\(expectation.file)")
            #expect(result.insz.digits + ".xml" == expectation.file)
            let status = StatusEngine().status(of: result.events, on: LocalDate("2024-06-30")!)
            #expect(status.status == expectation.status, "\(expectation.file)")
            // Personal data outside the purpose never becomes part of an event.
            for event in result.events {
                #expect(!event.jsonLine.contains("TrajectBegeleider") && !event.jsonLine.contains("Lambrecht"))
            }
        }
    }
}
