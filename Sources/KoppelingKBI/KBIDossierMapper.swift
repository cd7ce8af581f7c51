public import KoppelingCore

public import struct Foundation.Data
public import struct Foundation.UUID
public import typealias Foundation.uuid_t

/// What an import of one MAGDA `GeefDossierKBI` answer yields: the person's events and a report
/// of what could not be mapped.
public struct KBIImportResult: Sendable {
    /// The person the dossier is about.
    public var insz: NationalNumber
    /// The events, with deterministic ids.
    public var events: [Event]
    /// Records or codes the importer kept verbatim or could not turn into an event.
    public var unmapped: [KBIUnmappedItem]
    /// Optional elements that were absent, and MAGDA's warnings: the events carry what is known.
    public var warnings: [KBIImportWarning]
    /// Sections deliberately not imported, because the register's purpose does not need them.
    public var ignoredSections: [String]
    /// The version of the answer (`Context/Versie`).
    public var version: String
}

/// One thing the importer could not map, by its place in the dossier.
public struct KBIUnmappedItem: Sendable, Hashable, Codable {
    /// The element path, such as `Trajecten/Traject[2]/Besluit/Code`.
    public var path: String
    /// The source value, verbatim.
    public var value: String
    /// What the importer did with it.
    public var note: String
}

/// Something the importer had to do without: an optional element that was absent (the event was
/// stored with what is known, or not at all), or a warning MAGDA sent with the dossier.
public struct KBIImportWarning: Sendable, Hashable, Codable {
    /// The element path.
    public var path: String
    /// The line of the element in the answer.
    public var line: Int
    /// What was missing and what the importer did.
    public var message: String
}

/// Why a KBI answer could not be imported.
public enum KBIImportError: Error, Sendable, CustomStringConvertible {
    /// The XML is not well formed.
    case malformedXML(XMLSyntaxError)
    /// MAGDA answered with an exception instead of a dossier (30001 is "no data found"), or with
    /// an error beside a dossier that may then be incomplete.
    case magdaException(code: String, diagnosis: String)
    /// The document is XML but not a `GeefDossierKBI` answer holding a dossier.
    case notADossier(String)
    /// The dossier's national number is invalid.
    case invalidNationalNumber(String)
    /// A value the importer needs is missing or malformed.
    case invalidValue(path: String, line: Int, message: String)

    public var description: String {
        switch self {
        case .malformedXML(let error): error.description
        case .magdaException(let code, let diagnosis):
            code == "30001" ? "not found: MAGDA answered \(code) \"\(diagnosis)\"" : "MAGDA exception \(code): \"\(diagnosis)\""
        case .notADossier(let message): "not a GeefDossierKBI dossier: \(message)"
        case .invalidNationalNumber(let reason): "invalid national number in Personalia/INSZ: \(reason)"
        case .invalidValue(let path, let line, let message): "\(path) at line \(line): \(message)"
        }
    }
}

/// Turns MAGDA `GeefDossierKBI` answers (versions 01.00 and 02.00) into register events.
///
/// Mapping choices, each documented in `docs/kbi-import.md`: only what the register's purpose
/// needs is imported (no names, contact persons, course timetables, free text); codes that are
/// not publicly documented are kept verbatim on the event (`data.verbatim`) and listed in the
/// report; every event id is derived from the record it came from, so importing the same answer
/// twice adds nothing. The importer is never stricter than the schema: an optional element that
/// is absent gives a warning and the event with what is known.
public struct KBIDossierMapper: Sendable {
    /// The policy for national numbers.
    public var policy: NationalNumber.Policy
    /// The `source` of the events.
    public var source: String
    /// The agency table, to report agency codes it lacks.
    public var agencies: AgencyDirectory

    /// The source of the events a KBI import stores.
    public static var sourceName: String { "kbi" }

    public init(policy: NationalNumber.Policy, source: String = KBIDossierMapper.sourceName, agencies: AgencyDirectory = .standard) {
        self.policy = policy
        self.source = source
        self.agencies = agencies
    }

    /// One `Uitzondering` of the answer.
    struct MAGDAException {
        var code: String
        var type: String
        var diagnosis: String
        var path: String
        var line: Int
    }

    /// Maps one answer document.
    public func map(_ data: Data) throws(KBIImportError) -> KBIImportResult {
        let root: XMLElementNode
        do {
            root = try XMLElementNode.parse(data)
        } catch {
            throw .malformedXML(error)
        }
        guard root.name == "GeefDossierKBIResponse" || root.name == "GeefDossierKBIAntwoord" else {
            throw .notADossier("root element is \(root.name)")
        }
        let reply = root.child("Repliek")
        // An exception may stand wherever the schema allows one: beside the reply (the Service
        // form), in the reply, or in the answer.
        var exceptions: [MAGDAException] = []
        for (path, holder) in [
            ("Uitzonderingen", root), ("Repliek/Uitzonderingen", reply),
            ("Repliek/Antwoorden/Antwoord/Uitzonderingen", reply?.path("Antwoorden/Antwoord")),
        ] {
            for exception in holder?.child("Uitzonderingen")?.all("Uitzondering") ?? [] {
                exceptions.append(
                    MAGDAException(
                        code: exception.text("Identificatie") ?? "?", type: exception.text("Type") ?? "FOUT",
                        diagnosis: exception.text("Diagnose") ?? "", path: path, line: exception.line))
            }
        }
        // An error means the answer is not (wholly) given: a partial dossier must not be taken as
        // the person's whole file, or what it lacks would be retracted.
        if let error = exceptions.first(where: { $0.type != "WAARSCHUWING" && $0.type != "INFORMATIE" }) {
            throw .magdaException(code: error.code, diagnosis: error.diagnosis)
        }
        guard let reply else { throw .notADossier("no Repliek") }
        let version = reply.text("Context/Versie") ?? "unknown"
        let answerDate = reply.text("Context/Bericht/Tijdstip/Datum").flatMap { LocalDate($0) }
        guard let dossier = reply.path("Antwoorden/Antwoord/Inhoud/KBIDossier") else {
            if let exception = exceptions.first {
                throw .magdaException(code: exception.code, diagnosis: exception.diagnosis)
            }
            throw .notADossier("no Antwoorden/Antwoord/Inhoud/KBIDossier")
        }
        guard let inszText = dossier.text("Personalia/INSZ") else {
            throw .invalidValue(path: "Personalia/INSZ", line: dossier.line, message: "missing")
        }
        let insz: NationalNumber
        do {
            insz = try NationalNumber(inszText, policy: policy)
        } catch {
            throw .invalidNationalNumber(error.description)
        }
        var builder = Builder(insz: insz, source: source, answerDate: answerDate, agencies: agencies)
        for exception in exceptions {
            builder.warn(exception.path, exception.line, "MAGDA \(exception.type.lowercased()) \(exception.code): \(exception.diagnosis)")
        }
        try builder.mapTargetGroup(dossier.child("Doelgroep"))
        try builder.mapCertificates(dossier.child("BehaaldeAttesten"))
        try builder.mapContracts(dossier.child("Contracten"))
        try builder.mapPostponements(dossier.child("UitstellenVanOndertekening"), record: "UitstelVanOndertekening", kind: .signing)
        try builder.mapPostponements(dossier.child("UitstellenVanAanmelding"), record: "UitstelVanAanmelding", kind: .registration)
        try builder.mapRegistration(dossier.child("Aanmelding"))
        try builder.mapTrajectories(dossier.child("Trajecten"))
        try builder.mapInfringements(dossier.child("Inbreuken"))
        try builder.mapDutchLevel(dossier.child("Talenkennis"))
        try builder.mapWaitingList(dossier.child("Wachtlijst"))
        let mappedSections: Set<String> = [
            "Personalia", "Doelgroep", "BehaaldeAttesten", "Contracten", "UitstellenVanOndertekening", "UitstellenVanAanmelding",
            "Aanmelding", "Trajecten", "Inbreuken", "Talenkennis", "Wachtlijst",
        ]
        var ignored: [String] = ["Personalia (only INSZ is used; names, birth date and sex are not imported)"]
        for child in dossier.children where !mappedSections.contains(child.name) && !ignored.contains(child.name) {
            ignored.append(child.name)
        }
        return KBIImportResult(
            insz: insz, events: builder.events, unmapped: builder.unmapped, warnings: builder.warnings, ignoredSections: ignored,
            version: version)
    }
}

private let UUID_NULL: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

extension KBIDossierMapper {
    struct Builder {
        let insz: NationalNumber
        let source: String
        /// The answer's date: the latest day anything in it is known to hold, used to date a
        /// record whose own date is absent.
        let answerDate: LocalDate?
        let agencies: AgencyDirectory
        var events: [Event] = []
        var unmapped: [KBIUnmappedItem] = []
        var warnings: [KBIImportWarning] = []
        /// Infringement ids given so far, to keep two infringements of one day and type apart.
        var infringementIds: Set<String> = []

        init(insz: NationalNumber, source: String, answerDate: LocalDate?, agencies: AgencyDirectory) {
            self.insz = insz
            self.source = source
            self.answerDate = answerDate
            self.agencies = agencies
        }

        func eventId(_ parts: [String]) -> EventID {
            SnapshotReconciliation.derivedId(["kbi", insz.digits] + parts)
        }

        mutating func emit(_ identity: [String], date: LocalDate, _ payload: EventPayload, verbatim: [String: String] = [:]) {
            // The content is part of the identity: a corrected record in a later answer is a new fact,
            // and the reconciliation retracts the old one.
            var event = Event(
                eventId: EventID(uuid: UUID_NULL), insz: insz, effectiveDate: date, source: source,
                payload: payload, verbatim: verbatim)
            event.eventId = eventId(identity + [payload.type.rawValue, date.description, event.canonicalData])
            events.append(event)
        }

        /// An event whose id leaves out its date and content: a fact the dossier does not date, dated
        /// with the answer that first brought it. A later answer gives the same id, so the stored
        /// event stays as it is instead of being retracted and added again with a newer date.
        mutating func emitStable(_ identity: [String], date: LocalDate, _ payload: EventPayload, verbatim: [String: String] = [:]) {
            events.append(
                Event(
                    eventId: eventId(identity + ["stable"]), insz: insz, effectiveDate: date, source: source,
                    payload: payload, verbatim: verbatim))
        }

        mutating func note(_ path: String, _ value: String, _ note: String) {
            unmapped.append(KBIUnmappedItem(path: path, value: value, note: note))
        }

        mutating func warn(_ path: String, _ line: Int, _ message: String) {
            warnings.append(KBIImportWarning(path: path, line: line, message: message))
        }

        func date(_ node: XMLElementNode, _ path: String, at place: String) throws(KBIImportError) -> LocalDate? {
            guard let text = node.text(path) else { return nil }
            guard let date = LocalDate(text) else {
                throw .invalidValue(path: "\(place)/\(path)", line: node.line, message: "expected a date YYYY-MM-DD, got \"\(text)\"")
            }
            return date
        }

        /// The first of `paths` that holds a date; else the answer's date with a warning that the
        /// record is dated by the answer; else nil with a warning that no event is made.
        mutating func date(_ node: XMLElementNode, _ paths: [String], at place: String, what: String) throws(KBIImportError) -> LocalDate? {
            for (index, path) in paths.enumerated() {
                guard let value = try date(node, path, at: place) else { continue }
                if index > 0 {
                    warn(place, node.line, "\(paths[..<index].joined(separator: ", ")) absent: \(what) dated with \(path)")
                }
                return value
            }
            let names = paths.joined(separator: ", ")
            if let answerDate {
                warn(
                    place, node.line,
                    "\(names) absent: \(what) dated with the answer's date \(answerDate), the latest day it is known to hold")
                return answerDate
            }
            warn(place, node.line, "\(names) absent and the answer has no date: no \(what) event")
            return nil
        }

        /// An `xs:boolean`: `true`, `false`, `1` or `0`; absent gives the schema's default (false).
        func boolean(_ node: XMLElementNode, _ path: String, at place: String) throws(KBIImportError) -> Bool {
            switch node.text(path) {
            case nil, "false", "0": return false
            case "true", "1": return true
            case let other?:
                throw .invalidValue(
                    path: "\(place)/\(path)", line: node.line, message: "expected an xs:boolean (true, false, 1, 0), got \"\(other)\"")
            }
        }

        /// A `CodeType`: its text, else its `Naam` attribute.
        func code(_ node: XMLElementNode?) -> String? {
            guard let node else { return nil }
            if !node.text.isEmpty { return node.text }
            return node.attributes["Naam"].flatMap { $0.isEmpty ? nil : $0 }
        }

        mutating func mapTargetGroup(_ node: XMLElementNode?) throws(KBIImportError) {
            guard let node else { return }
            let place = "Doelgroep"
            guard let codeText = node.text("Code") else {
                note(place, "", "no Code: no target-group event")
                return
            }
            var verbatim: [String: String] = [:]
            let code: EventPayload.TargetGroupDetermined.Code
            if let known = EventPayload.TargetGroupDetermined.Code(rawValue: codeText) {
                code = known
            } else {
                code = .toBeDetermined
                verbatim["Code"] = codeText
                note("\(place)/Code", codeText, "undocumented code: recorded as NADER_TE_BEPALEN, kept verbatim")
            }
            var targetType = EventPayload.TargetGroupDetermined.TargetType.toBeDetermined
            if let typeText = node.text("Type") {
                if let known = EventPayload.TargetGroupDetermined.TargetType(rawValue: typeText) {
                    targetType = known
                } else {
                    verbatim["Type"] = typeText
                    note("\(place)/Type", typeText, "undocumented type: recorded as NADER_TE_BEPALEN, kept verbatim")
                }
            }
            if let subType = node.text("SubType") {
                verbatim["SubType"] = subType
                if subType != targetType.rawValue {
                    note("\(place)/SubType", subType, "undocumented subtype: kept verbatim")
                }
            }
            let start = try date(node, "Periode/Begin", at: place)
            let end = try date(node, "Periode/Einde", at: place)
            let effective: LocalDate
            if let start {
                effective = start
            } else if let answerDate {
                effective = answerDate
                warn(
                    place, node.line,
                    """
                    Periode/Begin absent: the determination is dated with the answer's date \(answerDate); the start of any \
                    obligation is unknown
                    """
                )
            } else {
                warn(place, node.line, "Periode/Begin absent and the answer has no date: no target-group event")
                return
            }
            if let reason = node.path("RedenGeenDoelgroep") {
                verbatim["RedenGeenDoelgroep"] = self.code(reason) ?? ""
            }
            emit(
                ["Doelgroep", effective.description], date: effective,
                .targetGroupDetermined(.init(code: code, targetType: targetType, periodStart: start, periodEnd: end)), verbatim: verbatim)
            if let exemption = node.path("RedenVrijstellingVanDeVerplichting") {
                let value = self.code(exemption) ?? ""
                emit(
                    ["Doelgroep/Vrijstelling", effective.description], date: effective,
                    .exemptionGranted(.init(category: .other, until: end)), verbatim: ["RedenVrijstellingVanDeVerplichting": value])
                note("\(place)/RedenVrijstellingVanDeVerplichting", value, "exemption ground not documented: category other, kept verbatim")
            }
        }

        mutating func mapCertificates(_ node: XMLElementNode?) throws(KBIImportError) {
            guard let node else { return }
            for (index, document) in node.all("Document").enumerated() {
                let place = "BehaaldeAttesten/Document[\(index + 1)]"
                let type = document.text("Type") ?? ""
                let kind: EventPayload.CertificateIssued.Kind
                if type.hasPrefix("AI023") {
                    kind = .integrationCertificate
                } else if type == "AEVC05" {
                    kind = .priorLearningCertificate
                    note("\(place)/Type", type, "prior-learning certificate: proves one component, does not fulfil the obligation")
                } else {
                    note("\(place)/Type", type, "undocumented document type: no event")
                    continue
                }
                guard let issued = try date(document, ["DatumOndertekening", "DatumAanmaak"], at: place, what: "certificate") else {
                    continue
                }
                let id = document.text("Id") ?? document.text("ID") ?? "\(type)-\(issued)"
                emit(
                    ["BehaaldeAttesten", id], date: issued, .certificateIssued(.init(kind: kind, documentId: id)), verbatim: ["Type": type])
            }
        }

        /// The regime a contract type belongs to: the types ending in `22` are the renewed
        /// regulation of 2022 (KBI 02.00 `IC07G22`, `IC09G22`, `IC11G22`); the others of the schemas
        /// are earlier. Nil for a type the schemas do not list.
        static func regime(ofContractType type: String) -> EventPayload.ContractSigned.Regime? {
            if ["IC07G22", "IC09G22", "IC11G22"].contains(type) { return .decree2022 }
            let earlier: Set<String> = [
                "IC07G", "ICF08G", "IC09G", "ICF10G", "IC11G", "ICF12G", "ICO13G", "IC013G", "IC07GUB", "IC09GUB", "IC11GUB",
            ]
            return earlier.contains(type) ? .earlier : nil
        }

        mutating func mapContracts(_ node: XMLElementNode?) throws(KBIImportError) {
            guard let node else { return }
            for (index, contract) in node.all("Contract").enumerated() {
                let place = "Contracten/Contract[\(index + 1)]"
                guard let signed = try date(contract, ["DatumRegistratie"], at: place, what: "contract") else { continue }
                let agency = contract.text("AangemaaktDoor/KboNummer") ?? contract.text("AangemaaktDoor/KbiNummer") ?? "unknown"
                var components: [Component] = []
                if try boolean(contract, "OnderdeelMO", at: place) { components.append(.socialOrientation) }
                if try boolean(contract, "OnderdeelNT2", at: place) { components.append(.dutch) }
                if try boolean(contract, "OnderdeelLO", at: place) { components.append(.work) }
                var verbatim: [String: String] = [:]
                var regime: EventPayload.ContractSigned.Regime?
                if let type = contract.text("Type") {
                    verbatim["Type"] = type
                    regime = Self.regime(ofContractType: type)
                    if regime == nil {
                        note("\(place)/Type", type, "contract type not in the schemas: kept verbatim, the signing date tells the regime")
                    }
                }
                emit(
                    ["Contract", signed.description, agency], date: signed,
                    .contractSigned(.init(agency: agency, components: components, regime: regime)), verbatim: verbatim)
                for (suspensionIndex, suspension) in (contract.child("Opschortingen")?.all("Opschorting") ?? []).enumerated() {
                    let suspensionPlace = "\(place)/Opschortingen/Opschorting[\(suspensionIndex + 1)]"
                    try mapPostponement(suspension, place: suspensionPlace, kind: .suspension)
                }
            }
        }

        mutating func mapPostponements(_ node: XMLElementNode?, record: String, kind: EventPayload.Postponement.Kind) throws(KBIImportError)
        {
            guard let node else { return }
            for (index, postponement) in node.all(record).enumerated() {
                try mapPostponement(postponement, place: "\(node.name)/\(record)[\(index + 1)]", kind: kind)
            }
        }

        mutating func mapPostponement(_ node: XMLElementNode, place: String, kind: EventPayload.Postponement.Kind) throws(KBIImportError) {
            guard let from = try date(node, "Periode/Begin", at: place) else {
                // A postponement without a start covers no day the register could name.
                warn(place, node.line, "Periode/Begin absent: no postponement event")
                return
            }
            let until = try date(node, "Periode/Einde", at: place)
            let reason = code(node.child("Reden")) ?? "unknown"
            emit(
                ["Uitstel", kind.rawValue, from.description], date: from,
                .postponement(.init(kind: kind, from: from, until: until, reasonCode: reason)))
        }

        mutating func mapRegistration(_ node: XMLElementNode?) throws(KBIImportError) {
            guard let node else { return }
            let place = "Aanmelding"
            guard let registered = try date(node, "DatumAanmelding", at: place) else {
                note(place, "", "no DatumAanmelding: no registration event")
                return
            }
            let typeText = node.text("Type") ?? ""
            var verbatim: [String: String] = [:]
            let kind: EventPayload.Registered.Kind
            switch typeText {
            case "EA": kind = .first
            case "HA": kind = .re
            default:
                kind = .first
                verbatim["Type"] = typeText
                note("\(place)/Type", typeText, "undocumented registration type: recorded as first, kept verbatim")
            }
            if let reason = node.text("Reden") {
                verbatim["Reden"] = reason
            }
            let agency = node.text("AanmeldingsPlaats/KboNummer") ?? node.text("AanmeldingsPlaats/KbiNummer") ?? "unknown"
            emit(
                ["Aanmelding", registered.description], date: registered, .registered(.init(kind: kind, agency: agency)), verbatim: verbatim
            )
        }

        /// The integration trajectories (`TT_IB…`): those the integration agencies run, whose
        /// decision can be the certificate and whose manager follows the person.
        static func isIntegrationTrajectory(_ type: String) -> Bool {
            type.hasPrefix("TT_IB")
        }

        mutating func mapTrajectories(_ node: XMLElementNode?) throws(KBIImportError) {
            guard let node else { return }
            for (index, trajectory) in node.all("Traject").enumerated() {
                let place = "Trajecten/Traject[\(index + 1)]"
                let trajectoryType = trajectory.text("Type") ?? "?"
                let integration = Self.isIntegrationTrajectory(trajectoryType)
                if let manager = trajectory.child("Beheerder") {
                    try mapManager(manager, of: trajectory, type: trajectoryType, place: "\(place)/Beheerder", integration: integration)
                }
                if let decision = trajectory.child("Besluit"), let code = decision.text("Code") {
                    let decisionPlace = "\(place)/Besluit"
                    switch code {
                    case "JA_IB" where integration, "JA_EVC" where integration:
                        guard let granted = try date(decision, ["DatumToekenning"], at: decisionPlace, what: "certificate") else { break }
                        // JA_EVC grants the certificate on prior learning: it is the certificate all the same.
                        emit(
                            ["Traject", trajectoryType, "Besluit"], date: granted,
                            .certificateIssued(.init(kind: .integrationCertificate, documentId: "KBI-\(trajectoryType)-\(granted)")),
                            verbatim: ["Traject": trajectoryType, "Besluit": code])
                    case "JA_IB", "JA_EVC":
                        note(
                            "\(decisionPlace)/Code", code,
                            "decision on a \(trajectoryType) trajectory, not an integration trajectory: not the certificate, no event")
                    default:
                        note("\(decisionPlace)/Code", code, "trajectory decision without a mapped meaning: no event")
                    }
                } else {
                    note(
                        "\(place)", trajectoryType,
                        "trajectory without a decision (status \(trajectory.text("Status/Code") ?? "?")): no event")
                }
                for (partIndex, part) in (trajectory.child("TrajectOnderdelen")?.all("TrajectOnderdeel") ?? []).enumerated() {
                    try mapComponent(
                        part, trajectoryType: trajectoryType, place: "\(place)/TrajectOnderdelen/TrajectOnderdeel[\(partIndex + 1)]")
                }
            }
        }

        /// The manager of an integration trajectory is the agency that follows the person, for the
        /// manager's period.
        mutating func mapManager(
            _ manager: XMLElementNode, of trajectory: XMLElementNode, type: String, place: String, integration: Bool
        ) throws(KBIImportError) {
            let kbo = manager.text("KBIVestiging/KboNummer")
            guard let agency = kbo ?? manager.text("KBIVestiging/KbiNummer") else {
                warn(place, manager.line, "KBIVestiging absent: no following-agency event")
                return
            }
            guard integration else {
                note(place, agency, "manager of a \(type) trajectory, not an integration trajectory: not the following agency")
                return
            }
            let managerStart = try date(manager, "Periode/Begin", at: place)
            let trajectoryStart = try date(trajectory, "Periode/Begin", at: place)
            guard let from = managerStart ?? trajectoryStart else {
                warn(place, manager.line, "Periode/Begin absent (also on the trajectory): no following-agency event")
                return
            }
            let until = try date(manager, "Periode/Einde", at: place)
            if kbo == nil {
                note("\(place)/KBIVestiging/KbiNummer", agency, "no KboNummer: the agency is known by its KBI establishment id only")
            } else if agencies.name(of: agency) == nil {
                note(
                    "\(place)/KBIVestiging/KboNummer", agency,
                    "enterprise number not in the agency table (KOPPELING_AGENCIES): disclosed as it is")
            }
            emit(["Beheerder", type, from.description], date: from, .agencyAssigned(.init(agency: agency, until: until)))
        }

        static func outcome(_ code: String) -> EventPayload.ComponentResult.Decision? {
            switch code {
            case "VO": .met
            case "NVO": .notMet
            case "NVT": .notApplicable
            case "GESLAAGD": .passed
            case "NIET_GESLAAGD": .failed
            default: nil
            }
        }

        /// The component a trajectory part stands for: social orientation (`TO_OB_MO`), the route to
        /// work (the career-orientation parts `TO_OB_PLO`, `TO_OB_ELO`, `TO_OB_SLO`, `TO_OB_LLO` of
        /// the earlier regimes), the participation track (`TO_OB_PT`, 02.00).
        static func component(of partType: String) -> Component? {
            switch partType {
            case "TO_OB_MO": .socialOrientation
            case "TO_OB_PLO", "TO_OB_ELO", "TO_OB_SLO", "TO_OB_LLO": .work
            case "TO_OB_PT": .participation
            default: nil
            }
        }

        /// The Dutch levels that are a whole level; `TO_B1/1`…`TO_B1/4` are parts of B1 and are not.
        static func dutchLevel(of partType: String) -> CEFRLevel? {
            switch partType {
            case "TO_A1": .a1
            case "TO_A2": .a2
            case "TO_B2": .b2
            case "TO_C1": .c1
            case "TO_C2": .c2
            default: nil
            }
        }

        mutating func mapComponent(_ part: XMLElementNode, trajectoryType: String, place: String) throws(KBIImportError) {
            let partType = part.text("Type") ?? "?"
            guard let decision = part.child("Besluit"), let code = decision.text("Code") else {
                note(place, partType, "component without a decision (status \(part.text("Status/Code") ?? "?")): no result yet, no event")
                return
            }
            guard let outcome = Self.outcome(code) else {
                note("\(place)/Besluit/Code", code, "undocumented component decision: no event")
                return
            }
            let component = Self.component(of: partType)
            let level = Self.dutchLevel(of: partType)
            guard component != nil || level != nil else {
                let why = partType.hasPrefix("TO_B1/") ? "a part of level B1, not the level" : "undocumented component type"
                note("\(place)/Type", partType, "\(why) (decision \(code)): no event")
                return
            }
            // A decision is dated by its grant; else by the end of the part; else by the answer.
            guard let decided = try date(part, ["Besluit/DatumToekenning", "Periode/Einde"], at: place, what: "component result") else {
                return
            }
            let verbatim = ["Traject": trajectoryType, "TrajectOnderdeel": partType, "Besluit": code]
            let identity = ["TrajectOnderdeel", trajectoryType, partType]
            if let component {
                emit(identity, date: decided, .componentResult(.init(component: component, decision: outcome)), verbatim: verbatim)
            } else if let level {
                if outcome.isMet {
                    // GESLAAGD is a passed test; VO a module completed.
                    emit(identity, date: decided, .dutchLevelReached(.init(level: level, tested: outcome == .passed)), verbatim: verbatim)
                } else {
                    emit(
                        identity, date: decided, .componentResult(.init(component: .dutch, decision: outcome, level: level)),
                        verbatim: verbatim)
                }
            }
        }

        mutating func mapInfringements(_ node: XMLElementNode?) throws(KBIImportError) {
            guard let node else { return }
            for (index, infringement) in node.all("Inbreuk").enumerated() {
                let place = "Inbreuken/Inbreuk[\(index + 1)]"
                guard
                    let established = try date(
                        infringement, ["DatumVaststelling", "DatumIngebrekestellingVerzonden"], at: place, what: "infringement")
                else {
                    continue
                }
                let notice = try date(infringement, "DatumIngebrekestellingVerzonden", at: place)
                var verbatim: [String: String] = [:]
                let type = infringement.text("Type") ?? ""
                if !type.isEmpty {
                    verbatim["Type"] = type
                    note("\(place)/Type", type, "infringement type codes are not documented: kind other, kept verbatim")
                }
                let authority: EventPayload.InfringementRecorded.Authority
                switch infringement.text("SanctionerendeOverheid") {
                // HH: handhaving, the enforcement of the integration obligation, which ABB carries out.
                case "HH"?: authority = .abb
                case "VDAB"?: authority = .vdab
                case "OCMW"?: authority = .ocmw
                case "VMSW"?: authority = .vmsw
                case nil:
                    authority = .abb
                    warn(place, infringement.line, "SanctionerendeOverheid absent: reported to ABB, as for any sender who does not say")
                case let other?:
                    throw .invalidValue(
                        path: "\(place)/SanctionerendeOverheid", line: infringement.line,
                        message: "expected HH, VDAB, OCMW or VMSW, got \"\(other)\"")
                }
                if let given = infringement.text("SanctionerendeOverheid") { verbatim["SanctionerendeOverheid"] = given }
                // The documented, stable id: KBI-{Type}-{DatumVaststelling}, and -2, -3… for further
                // infringements of the same type and day, in the dossier's order.
                let base = "KBI-\(type.isEmpty ? "0" : type)-\(established)"
                var id = base
                var ordinal = 1
                while infringementIds.contains(id) {
                    ordinal += 1
                    id = "\(base)-\(ordinal)"
                }
                infringementIds.insert(id)
                emit(
                    ["Inbreuk", id], date: established,
                    .infringementRecorded(.init(infringementId: id, kind: .other, noticeOfDefaultOn: notice, authority: authority)),
                    verbatim: verbatim)
                // A rectification form that holds a document or a date closes the infringement; an empty one does not.
                if let form = infringement.child("RechtzettingsFormulier"),
                    form.text("DocumentID") != nil || form.text("DatumOndertekening") != nil || form.text("DatumAanmaak") != nil
                {
                    let formPlace = "\(place)/RechtzettingsFormulier"
                    guard let rectified = try date(form, ["DatumOndertekening", "DatumAanmaak"], at: formPlace, what: "rectification")
                    else { continue }
                    emit(
                        ["Inbreuk", id, "Rechtzetting"], date: max(rectified, established),
                        .infringementDecided(.init(infringementId: id, decision: .rectified, amountEUR: nil)))
                }
            }
        }

        mutating func mapDutchLevel(_ node: XMLElementNode?) throws(KBIImportError) {
            guard let highest = node?.path("BehaaldNT2Niveau/HoogstBehaald") else { return }
            let place = "Talenkennis/BehaaldNT2Niveau/HoogstBehaald"
            // 01.00: a code; 02.00: a complex element with Datum and the global level.
            let complex = !highest.children.isEmpty
            guard let text = complex ? code(highest.child("Globaal")) : code(highest) else {
                note(place, "", "no level: no event")
                return
            }
            guard let level = CEFRLevel(rawValue: String(text.prefix(2)).uppercased()) else {
                note(place, text, "unknown level: no event")
                return
            }
            if complex, let dated = try date(highest, "Datum", at: place) {
                emit(["Talenkennis/HoogstBehaald"], date: dated, .dutchLevelReached(.init(level: level)), verbatim: ["HoogstBehaald": text])
            } else if let answerDate {
                // The dossier does not date the level: the answer that first brings it dates it.
                emitStable(
                    ["Talenkennis/HoogstBehaald", level.rawValue], date: answerDate, .dutchLevelReached(.init(level: level)),
                    verbatim: ["HoogstBehaald": text])
            } else {
                warn(place, highest.line, "neither the level nor the answer is dated: no event")
            }
        }

        mutating func mapWaitingList(_ node: XMLElementNode?) throws(KBIImportError) {
            guard let node else { return }
            for (index, entry) in node.all("Aanmelding").enumerated() {
                let place = "Wachtlijst/Aanmelding[\(index + 1)]"
                guard let since = try date(entry, ["Datum"], at: place, what: "waiting-list") else { continue }
                var verbatim: [String: String] = [:]
                let listCode = code(entry.child("Code"))
                let module = code(entry.child("Module"))
                if let listCode { verbatim["Code"] = listCode }
                if let module { verbatim["Module"] = module }
                emit(
                    ["Wachtlijst", since.description, listCode ?? "", module ?? ""], date: since,
                    .waitingList(.init(until: nil, course: module ?? listCode)), verbatim: verbatim)
            }
        }
    }
}
