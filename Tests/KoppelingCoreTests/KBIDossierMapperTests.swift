import Foundation
import KoppelingCore
import KoppelingKBI
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
        #expect(
            types(result) == [
                "certificate_issued", "certificate_issued", "component_result", "component_result", "contract_signed",
                "dutch_level_reached",
                "registered", "target_group_determined",
            ])
        let contract = try #require(result.events.first { $0.type == .contractSigned })
        #expect(contract.payload == .contractSigned(.init(agency: "0421722346", components: [.socialOrientation, .dutch])))
        let registration = try #require(result.events.first { $0.type == .registered })
        #expect(registration.verbatim == ["Reden": "13"])
        let target = try #require(result.events.first { $0.type == .targetGroupDetermined })
        #expect(target.verbatim["SubType"] == "VOL_PROG")
        // TO_OB_LLO, a career-orientation part, is the route to work.
        #expect(result.events.contains { $0.payload == .componentResult(.init(component: .work, decision: .met)) })
        #expect(result.unmapped.map(\.value).sorted() == ["VOL_PROG"])
        #expect(result.warnings.isEmpty)
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
        #expect(
            postponement.payload
                == .postponement(
                    .init(
                        kind: .registration, from: LocalDate("2024-01-20")!, until: LocalDate("2024-02-20"),
                        reasonCode: "BIJSTAND_ZIEK_FAMILIELID")))
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
            (error as? KBIImportError)?.description
                == "Aanmelding/DatumAanmelding at line 10: expected a date YYYY-MM-DD, got \"2024-13-01\""
        }
    }

    /// What each shared MAGDA fixture yields: the event types, or the MAGDA exception, and the
    /// status on 2024-06-30 and on 2026-12-01, written from the files and the rules
    /// (docs/kbi-import.md), not from the code's output.
    static let sharedExpectations: [(file: String, types: [String]?, error: String?, status: (StatusCode, String?)?, today: StatusCode?)] =
        [
            ("90122500159.xml", nil, "99996", nil, nil),
            (
                "90122501446.xml",
                [
                    "agency_assigned", "certificate_issued", "certificate_issued", "certificate_issued", "component_result",
                    "contract_signed", "dutch_level_reached", "registered", "target_group_determined",
                ], nil, (.fulfilledCertificate, "2016-03-27"), .fulfilledCertificate
            ),
            (
                "90122501644.xml", ["agency_assigned", "registered", "target_group_determined"], nil, (.inTrajectory, "2017-03-23"),
                .inTrajectory
            ),
            (
                "90122501842.xml",
                [
                    "agency_assigned", "component_result", "contract_signed", "infringement_recorded", "registered",
                    "target_group_determined",
                ], nil, (.inTrajectory, "2017-03-03"), .inTrajectory
            ),
            (
                "90122502139.xml", ["agency_assigned", "registered", "target_group_determined"], nil, (.inTrajectory, "2017-03-22"),
                .inTrajectory
            ),
            (
                "90122600228.xml", ["agency_assigned", "agency_assigned", "contract_signed", "registered", "target_group_determined"], nil,
                (.inTrajectory, "2016-08-09"), .inTrajectory
            ),
            (
                "90122600327.xml", ["agency_assigned", "registered", "target_group_determined"], nil, (.inTrajectory, "2017-03-23"),
                .inTrajectory
            ),
            ("90122600525.xml", ["target_group_determined"], nil, (.undetermined, nil), .undetermined),
            ("91010100144.xml", nil, "99996", nil, nil),
            (
                "96010100152.xml", ["agency_assigned", "registered", "target_group_determined"], nil, (.inTrajectory, "2017-03-22"),
                .inTrajectory
            ),
            (
                "98030499789.xml",
                ["agency_assigned", "dutch_level_reached", "dutch_level_reached", "postponement", "registered", "target_group_determined"],
                nil, (.suspended, "2015-03-03"), .suspended
            ),
            (
                "99020210189.xml",
                ["agency_assigned", "dutch_level_reached", "dutch_level_reached", "postponement", "registered", "target_group_determined"],
                nil, (.suspended, "2017-03-03"), .suspended
            ),
            ("notfound.xml", nil, "30001", nil, nil),
        ]

    @Test(
        "every shared MAGDA fixture imports as expected",
        .enabled(
            if: TestEnvironment.runKBIFixtureTests,
            "skipped: the MAGDA fixtures are not at \(TestEnvironment.kbiFixtures.path) (set KOPPELING_KBI_FIXTURES)"))
    func sharedFixtures() throws {
        let folder = TestEnvironment.kbiFixtures.appendingPathComponent("dossiers")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".xml") }.sorted()
        #expect(files == Self.sharedExpectations.map(\.file))
        for expectation in Self.sharedExpectations {
            let url = folder.appendingPathComponent(expectation.file)
            if let code = expectation.error {
                do {
                    _ = try map(url)
                    Issue.record("\(expectation.file): expected MAGDA exception \(code), but it imported")
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
            #expect(status.status == expectation.status?.0, "\(expectation.file)")
            #expect(status.since == expectation.status?.1.flatMap { LocalDate($0) }, "\(expectation.file)")
            #expect(
                StatusEngine().status(of: result.events, on: LocalDate("2026-12-01")!).status == expectation.today, "\(expectation.file)")
            // Personal data outside the purpose never becomes part of an event.
            for event in result.events {
                #expect(
                    !event.jsonLine.contains("TrajectBegeleider") && !event.jsonLine.contains("Lambrecht")
                        && !event.jsonLine.contains("koala"))
            }
        }
    }

    @Test(
        "the shared fixtures' details: the infringement's term, the entitled person bound by a contract, open-ended postponements, Dutch",
        .enabled(
            if: TestEnvironment.runKBIFixtureTests,
            "skipped: the MAGDA fixtures are not at \(TestEnvironment.kbiFixtures.path) (set KOPPELING_KBI_FIXTURES)"))
    func sharedFixtureDetails() throws {
        let folder = TestEnvironment.kbiFixtures.appendingPathComponent("dossiers")
        let engine = StatusEngine()
        let projection = DisclosureProjection(engine: engine)
        func items(_ result: KBIImportResult, _ date: String) -> [DisclosureField: JSONValue] {
            Dictionary(
                uniqueKeysWithValues: projection.project(
                    result.events, insz: result.insz, on: LocalDate(date)!, fields: DisclosureField.allCases
                ).map { ($0.field, $0.value) })
        }
        // 90122501842: an infringement reported to ABB (HH) on 2017-03-03, no decision, an empty
        // rectification form: pending within the term, no longer after it.
        let infringement = try map(folder.appendingPathComponent("90122501842.xml"))
        let recorded = try #require(infringement.events.first { $0.type == .infringementRecorded })
        #expect(
            recorded.payload
                == .infringementRecorded(
                    .init(infringementId: "KBI-5-2017-03-03", kind: .other, noticeOfDefaultOn: LocalDate("2017-03-06"), authority: .abb)))
        #expect(!infringement.events.contains { $0.type == .infringementDecided })
        #expect(engine.status(of: infringement.events, on: LocalDate("2017-06-30")!).status == .infringementPending)
        #expect(engine.status(of: infringement.events, on: LocalDate("2022-03-03")!).status == .infringementPending)
        let expired = engine.status(of: infringement.events, on: LocalDate("2024-06-30")!)
        #expect(expired.flags.infringementTermExpired == true && expired.flags.openInfringement == false)
        #expect(items(infringement, "2024-06-30")[.dutchMet] == .bool(false))
        #expect(items(infringement, "2024-06-30")[.followingAgency] == .string("0421722346"))
        // 90122600228: entitled, signed a contract the day of the determination.
        let entitled = try map(folder.appendingPathComponent("90122600228.xml"))
        #expect(entitled.unmapped.contains { $0.path.hasSuffix("Traject[1]/Beheerder") && $0.value == "0874713138" })
        // 98030499789: an open-ended signing postponement, no contract: suspended, flagged for review.
        let postponed = try map(folder.appendingPathComponent("98030499789.xml"))
        let suspended = engine.status(of: postponed.events, on: LocalDate("2024-06-30")!)
        #expect(suspended.flags.postponementOpenEndedReview == true)
        #expect(engine.status(of: postponed.events, on: LocalDate("2015-06-30")!).flags.postponementOpenEndedReview == false)
        let levels = items(postponed, "2024-06-30")
        #expect(levels[.highestDutchLevel] == .string("B1"))
        #expect(levels[.dutchMet] == .bool(true))
        let b1 = try #require(postponed.events.first { $0.verbatim["HoogstBehaald"] == "B1" })
        #expect(b1.effectiveDate == LocalDate("2015-03-30"))
        // 90122501446: the AEVC05 does not fulfil, the AI023 of the same day does.
        let certified = try map(folder.appendingPathComponent("90122501446.xml"))
        #expect(
            certified.events.contains {
                $0.payload == .certificateIssued(.init(kind: .priorLearningCertificate, documentId: "17abef64-3dc5-43da-abd2-eaf8912f76c4"))
            })
        #expect(items(certified, "2024-06-30")[.certificateIssuedOn] == .string("2016-03-27"))
        #expect(items(certified, "2024-06-30")[.socialOrientationMet] == .bool(true))
    }

    @Test("a 02.00 answer: the 2022 regime, every component, a tested level, authorities, a rectification, a waiting list")
    func full02() throws {
        let agencies = try AgencyDirectory.standard.adding(csv: "0123456749,Agentschap Integratie en Inburgering, regio Test")
        let result = try KBIDossierMapper(policy: TestEnvironment.policy, agencies: agencies).map(
            try Data(contentsOf: TestEnvironment.ownKBIFixtures.appendingPathComponent("full-02.xml")))
        #expect(result.version == "02.00.0000")
        #expect(
            types(result) == [
                "agency_assigned", "certificate_issued", "component_result", "component_result", "component_result", "contract_signed",
                "dutch_level_reached", "dutch_level_reached", "infringement_decided", "infringement_recorded", "infringement_recorded",
                "infringement_recorded", "registered", "target_group_determined", "waiting_list",
            ])
        let contract = try #require(result.events.first { $0.type == .contractSigned })
        #expect(
            contract.payload == .contractSigned(.init(agency: "0123456749", components: [.socialOrientation, .dutch], regime: .decree2022)))
        #expect(result.events.contains { $0.payload == .dutchLevelReached(.init(level: .a2, tested: true)) })
        #expect(result.events.contains { $0.payload == .componentResult(.init(component: .participation, decision: .met)) })
        #expect(result.events.contains { $0.payload == .componentResult(.init(component: .work, decision: .notMet)) })
        // The JA_IB of the Dutch-only trajectory is not the certificate; its manager does not follow the person.
        #expect(!result.events.contains { $0.type == .certificateIssued && $0.verbatim["Besluit"] == "JA_IB" })
        #expect(result.unmapped.contains { $0.value == "JA_IB" && $0.note.contains("not the certificate") })
        #expect(result.unmapped.contains { $0.value == "0987654390" })
        #expect(result.unmapped.contains { $0.value == "TO_B1/1" })
        let infringements = result.events.compactMap { event -> EventPayload.InfringementRecorded? in
            if case .infringementRecorded(let infringement) = event.payload { return infringement }
            return nil
        }
        #expect(infringements.map(\.infringementId) == ["KBI-3-2023-04-01", "KBI-2-2023-05-02", "KBI-2-2023-05-02-2"])
        #expect(infringements.map(\.authority) == [.vdab, .abb, .abb])
        let rectification = try #require(result.events.first { $0.type == .infringementDecided })
        #expect(
            rectification.payload == .infringementDecided(.init(infringementId: "KBI-2-2023-05-02", decision: .rectified, amountEUR: nil)))
        #expect(rectification.effectiveDate == LocalDate("2023-06-01"))
        #expect(result.warnings.map(\.message) == ["MAGDA waarschuwing 30101: Gegevens van de vormingsactiviteiten niet beschikbaar"])
        #expect(!result.events.contains { $0.jsonLine.contains("vrije tekst") || $0.jsonLine.contains("Trajectbegeleider") })

        let engine = StatusEngine()
        let status = engine.status(of: result.events, on: LocalDate("2024-06-30")!)
        #expect(status.status == .infringementPending)
        #expect(status.since == LocalDate("2023-05-02"))
        #expect(status.flags.infringementOtherAuthority == true)
        let projection = DisclosureProjection(engine: engine, agencies: agencies)
        let v = Dictionary(
            uniqueKeysWithValues: projection.project(
                result.events, insz: result.insz, on: LocalDate("2024-06-30")!, fields: DisclosureField.allCases
            ).map { ($0.field, $0.value) })
        #expect(v[.socialOrientationMet] == .bool(true))
        #expect(v[.dutchMet] == .bool(true))
        #expect(v[.routeToWorkMet] == .bool(false))
        #expect(v[.participationMet] == .bool(true))
        #expect(v[.highestDutchLevel] == .string("A2"))
        #expect(v[.waitingForCourse] == .bool(true))
        #expect(v[.certificateIssuedOn] == .null)
        #expect(v[.followingAgency] == .string("Agentschap Integratie en Inburgering, regio Test"))
        // Before the test was passed, Dutch was not yet met.
        let early = Dictionary(
            uniqueKeysWithValues: projection.project(result.events, insz: result.insz, on: LocalDate("2023-12-31")!, fields: [.dutchMet])
                .map { ($0.field, $0.value) })
        #expect(early[.dutchMet] == .null)
    }

    @Test("absent optional elements give warnings and the events with what is known, never a refused file")
    func absentOptionalElements() throws {
        let start = try map(TestEnvironment.ownKBIFixtures.appendingPathComponent("absent-start.xml"))
        #expect(types(start) == ["target_group_determined"])
        #expect(start.events[0].payload == .targetGroupDetermined(.init(code: .ja, targetType: .obliged, periodStart: nil, periodEnd: nil)))
        #expect(start.events[0].effectiveDate == LocalDate("2024-06-30"))
        #expect(start.warnings.map(\.path) == ["Doelgroep", "UitstellenVanAanmelding/UitstelVanAanmelding[1]"])
        let undetermined = StatusEngine().status(of: start.events, on: LocalDate("2024-06-30")!)
        #expect(undetermined.status == .undetermined)
        #expect(undetermined.reasons.map(\.code) == ["obligation_start_unknown"])

        let dates = try map(TestEnvironment.ownKBIFixtures.appendingPathComponent("absent-dates.xml"))
        #expect(
            types(dates) == [
                "agency_assigned", "certificate_issued", "contract_signed", "infringement_recorded", "target_group_determined",
            ])
        let certificate = try #require(dates.events.first { $0.type == .certificateIssued })
        #expect(certificate.effectiveDate == LocalDate("2024-06-30"))
        let contract = try #require(dates.events.first { $0.type == .contractSigned })
        #expect(contract.effectiveDate == LocalDate("2024-06-30"))
        #expect(contract.payload == .contractSigned(.init(agency: "0123456749", components: [.socialOrientation], regime: .earlier)))
        let infringement = try #require(dates.events.first { $0.type == .infringementRecorded })
        #expect(infringement.effectiveDate == LocalDate("2022-01-10"))
        #expect(
            infringement.payload
                == .infringementRecorded(
                    .init(infringementId: "KBI-1-2022-01-10", kind: .other, noticeOfDefaultOn: LocalDate("2022-01-10"), authority: .abb)))
        let agency = try #require(dates.events.first { $0.type == .agencyAssigned })
        #expect(agency.effectiveDate == LocalDate("2021-06-01"))
        #expect(dates.warnings.count == 4)
        #expect(dates.warnings.allSatisfy { $0.line > 0 && !$0.message.isEmpty })
        #expect(StatusEngine().status(of: dates.events, on: LocalDate("2024-06-30")!).status == .fulfilledCertificate)
    }

    @Test("a MAGDA error is recognised wherever the schema allows it, and refuses even a dossier beside it")
    func exceptionsEverywhere() throws {
        for (name, code) in [("service-exception.xml", "99996"), ("error-beside-dossier.xml", "30002")] {
            #expect {
                try map(TestEnvironment.ownKBIFixtures.appendingPathComponent(name))
            } throws: { error in
                guard case .magdaException(let got, _) = error as? KBIImportError else { return false }
                return got == code
            }
        }
    }

    @Test("xs:boolean accepts 1 and 0; a value the schema refuses refuses the file")
    func booleans() throws {
        let text = try String(contentsOf: TestEnvironment.ownKBIFixtures.appendingPathComponent("full-02.xml"), encoding: .utf8)
        let wrong = text.replacingOccurrences(of: "<OnderdeelMO>1</OnderdeelMO>", with: "<OnderdeelMO>ja</OnderdeelMO>")
        #expect(throws: KBIImportError.self) { try mapper.map(Data(wrong.utf8)) }
        let authority = text.replacingOccurrences(
            of: "<SanctionerendeOverheid>VDAB</SanctionerendeOverheid>", with: "<SanctionerendeOverheid>POLITIE</SanctionerendeOverheid>")
        #expect(throws: KBIImportError.self) { try mapper.map(Data(authority.utf8)) }
    }

    @Test("the MAGDA test persons are refused outside demo and test mode")
    func magdaTestPersons() throws {
        let production = KBIDossierMapper(policy: NationalNumber.Policy(allowsTestNumbers: false, currentYear: 2026))
        let text = try String(contentsOf: TestEnvironment.ownKBIFixtures.appendingPathComponent("absent-start.xml"), encoding: .utf8)
        #expect(throws: Never.self) { try production.map(Data(text.utf8)) }
        let testPerson = text.replacingOccurrences(of: "92031704639", with: "90122501842")
        #expect {
            try production.map(Data(testPerson.utf8))
        } throws: { error in
            (error as? KBIImportError)?.description.contains("magda-test-person") == true
        }
        #expect(throws: Never.self) { try mapper.map(Data(testPerson.utf8)) }
        #expect(NationalNumber.magdaTestPersons.count == 12)
        for digits in NationalNumber.magdaTestPersons {
            #expect(throws: NationalNumber.Invalid.magdaTestPerson) {
                try NationalNumber(digits, policy: NationalNumber.Policy(allowsTestNumbers: false, currentYear: 2026))
            }
        }
    }

    @Test("an undated Dutch level keeps the date of the answer that first brought it")
    func stableLevel() throws {
        let text = try String(contentsOf: TestEnvironment.ownKBIFixtures.appendingPathComponent("absent-start.xml"), encoding: .utf8)
        func answer(date: String, level: String) -> Data {
            Data(
                text.replacingOccurrences(of: "<Datum>2024-06-30</Datum>", with: "<Datum>\(date)</Datum>")
                    .replacingOccurrences(
                        of: "</Doelgroep>",
                        with:
                            """
                            </Doelgroep><Talenkennis><BehaaldNT2Niveau><HoogstBehaald>\(level)</HoogstBehaald></BehaaldNT2Niveau></Tal\
                            enkennis>
                            """
                    ).utf8)
        }
        let first = try mapper.map(answer(date: "2024-06-30", level: "A2")).events.first { $0.type == .dutchLevelReached }
        let later = try mapper.map(answer(date: "2025-01-15", level: "A2")).events.first { $0.type == .dutchLevelReached }
        #expect(first?.eventId == later?.eventId)
        #expect(first?.effectiveDate == LocalDate("2024-06-30") && later?.effectiveDate == LocalDate("2025-01-15"))
        let higher = try mapper.map(answer(date: "2025-01-15", level: "B1")).events.first { $0.type == .dutchLevelReached }
        #expect(higher?.eventId != first?.eventId)
        // The reconciliation keeps the stored event: nothing to add, nothing to retract.
        var stored = try #require(first)
        stored.recordedAt = Instant("2024-07-01T00:00:00Z")
        let plan = SnapshotReconciliation.plan(existing: [stored], snapshot: [try #require(later)], source: "kbi", reason: "gone")
        #expect(plan.isEmpty)
    }

    @Test(
        "the project's own answers meant to be valid validate against the shared XSDs",
        .enabled(
            if: TestEnvironment.runKBIFixtureTests && (TestEnvironment.xmllint != nil || TestEnvironment.requireAll),
            "skipped: needs the MAGDA schemas and xmllint (Debian: libxml2-utils)"))
    func ownAnswersValidate() throws {
        let xmllint = try #require(TestEnvironment.xmllint, "xmllint (Debian: libxml2-utils) is required")
        let xsd = TestEnvironment.kbiFixtures.appendingPathComponent("xsd")
        let valid = [
            ("full-02.xml", "Inburgering.GeefDossierKBIDienst-02.00/WebService"),
            ("absent-start.xml", "Inburgering.GeefDossierKBIDienst-01.00/WebService"),
            ("absent-dates.xml", "Inburgering.GeefDossierKBIDienst-01.00/WebService"),
            ("error-beside-dossier.xml", "Inburgering.GeefDossierKBIDienst-01.00/WebService"),
            ("service-exception.xml", "Inburgering.GeefDossierKBIDienst-01.00/Service"),
        ]
        for (file, schema) in valid {
            let process = Process()
            process.executableURL = xmllint
            process.arguments = [
                "--noout", "--nonet", "--schema", xsd.appendingPathComponent("\(schema)/GeefDossierKBIResponse.xsd").path,
                TestEnvironment.ownKBIFixtures.appendingPathComponent(file).path,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(file) does not validate against \(schema)")
        }
        // The oracle can fail: an answer the schema refuses.
        let broken = try TestEnvironment.temporaryFolder().appendingPathComponent("broken.xml")
        try String(contentsOf: TestEnvironment.ownKBIFixtures.appendingPathComponent("absent-start.xml"), encoding: .utf8)
            .replacingOccurrences(of: "<Code>JA</Code>", with: "<Code>MISSCHIEN</Code>").write(
                to: broken, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = xmllint
        process.arguments = [
            "--noout", "--nonet", "--schema",
            xsd.appendingPathComponent("Inburgering.GeefDossierKBIDienst-01.00/WebService/GeefDossierKBIResponse.xsd").path, broken.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
    }
}

@Suite("XML the parser is not given")
struct XMLRefusalTests {
    @Test(
        "what FoundationXML would crash on, or what lets entities in, is refused with its position before parsing (found by fuzzing)",
        arguments: [
            ("<r>\n  <!-- caf\u{E9} -->\n</r>", nil as String?),
            ("\u{FEFF}<?xml version=\"1.0\"?>\n<r/>", nil),
            ("<?xml version=\"1.0\"?>\n<r>\n <?target?>\n</r>", "line 3, column 2: processing instructions"),
            ("<?xmlx?><r/>", "line 1, column 1: processing instructions"),
            ("<r/>\n<?xml version=\"1.0\"?>", "line 2, column 1: processing instructions"),
            ("<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<r>&e;</r>", "line 1, column 1: document type declarations"),
        ])
    func refused(document: String, refusal: String?) {
        do {
            _ = try XMLElementNode.parse(Data(document.utf8))
            #expect(refusal == nil)
        } catch {
            #expect(refusal != nil && error.description.contains(refusal!), "\(error)")
        }
    }

    @Test("a byte that is not UTF-8 is refused with its line and column")
    func notUTF8() {
        var bytes = Array("<r>\n<!-- ab".utf8)
        bytes.append(0xFF)
        bytes += Array(" -->\n</r>".utf8)
        #expect(throws: XMLSyntaxError.self) { try XMLElementNode.parse(Data(bytes)) }
        do {
            _ = try XMLElementNode.parse(Data(bytes))
        } catch {
            #expect(error.line == 2 && error.column == 8 && error.message.hasPrefix("not UTF-8"), "\(error)")
        }
    }
}
