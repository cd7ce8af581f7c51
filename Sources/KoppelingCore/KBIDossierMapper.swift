public import struct Foundation.Data
import struct Foundation.UUID
import typealias Foundation.uuid_t

/// What an import of one MAGDA `GeefDossierKBI` answer yields: the person's events and a report
/// of what could not be mapped.
public struct KBIImportResult: Sendable {
    /// The person the dossier is about.
    public var insz: NationalNumber
    /// The events, with deterministic ids.
    public var events: [Event]
    /// Records or codes the importer kept verbatim or could not turn into an event.
    public var unmapped: [KBIUnmappedItem]
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

/// Why a KBI answer could not be imported.
public enum KBIImportError: Error, Sendable, CustomStringConvertible {
    /// The XML is not well formed.
    case malformedXML(XMLSyntaxError)
    /// MAGDA answered with an exception instead of a dossier (30001 is "no data found").
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

/// Turns MAGDA `GeefDossierKBI` answers (version 01.00, and the 02.00 dossier model where its
/// elements match) into register events.
///
/// Mapping choices, each documented in `docs/kbi-import.md`: only what the register's purpose
/// needs is imported (no names, contact persons, course timetables, free text); codes that are
/// not publicly documented are kept verbatim on the event (`data.verbatim`) and listed in the
/// report; every event id is derived from the record it came from, so importing the same answer
/// twice adds nothing.
public struct KBIDossierMapper: Sendable {
    /// The policy for national numbers.
    public var policy: NationalNumber.Policy
    /// The `source` of the events.
    public var source: String

    public init(policy: NationalNumber.Policy, source: String = "kbi") {
        self.policy = policy
        self.source = source
    }

    /// Maps one answer document.
    public func map(_ data: Data) throws(KBIImportError) -> KBIImportResult {
        let root: XMLElementNode
        do {
            root = try XMLElementNode.parse(data)
        } catch {
            throw .malformedXML(error)
        }
        guard root.name == "GeefDossierKBIResponse" || root.name == "GeefDossierKBIAntwoord", let reply = root.child("Repliek") else {
            throw .notADossier("root element is \(root.name)")
        }
        let version = reply.text("Context/Versie") ?? "unknown"
        let answerDate = reply.text("Context/Bericht/Tijdstip/Datum").flatMap { LocalDate($0) }
        guard let dossier = reply.path("Antwoorden/Antwoord/Inhoud/KBIDossier") else {
            if let exception = reply.path("Uitzonderingen/Uitzondering") ?? reply.path("Antwoorden/Antwoord/Uitzonderingen/Uitzondering") {
                throw .magdaException(code: exception.text("Identificatie") ?? "?", diagnosis: exception.text("Diagnose") ?? "")
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
        var builder = Builder(insz: insz, source: source)
        try builder.mapTargetGroup(dossier.child("Doelgroep"))
        try builder.mapCertificates(dossier.child("BehaaldeAttesten"))
        try builder.mapContracts(dossier.child("Contracten"))
        try builder.mapPostponements(dossier.child("UitstellenVanOndertekening"), record: "UitstelVanOndertekening", kind: .signing)
        try builder.mapPostponements(dossier.child("UitstellenVanAanmelding"), record: "UitstelVanAanmelding", kind: .registration)
        try builder.mapRegistration(dossier.child("Aanmelding"))
        try builder.mapTrajectories(dossier.child("Trajecten"))
        try builder.mapInfringements(dossier.child("Inbreuken"))
        try builder.mapDutchLevel(dossier.child("Talenkennis"), answerDate: answerDate)
        let mappedSections: Set<String> = [
            "Personalia", "Doelgroep", "BehaaldeAttesten", "Contracten", "UitstellenVanOndertekening", "UitstellenVanAanmelding",
            "Aanmelding", "Trajecten", "Inbreuken", "Talenkennis",
        ]
        var ignored: [String] = ["Personalia (only INSZ is used; names, birth date and sex are not imported)"]
        for child in dossier.children where !mappedSections.contains(child.name) && !ignored.contains(child.name) {
            ignored.append(child.name)
        }
        return KBIImportResult(insz: insz, events: builder.events, unmapped: builder.unmapped, ignoredSections: ignored, version: version)
    }
}

private let UUID_NULL: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

extension KBIDossierMapper {
    struct Builder {
        let insz: NationalNumber
        let source: String
        var events: [Event] = []
        var unmapped: [KBIUnmappedItem] = []

        func eventId(_ parts: [String]) -> EventID {
            SnapshotReconciliation.derivedId(["kbi", insz.digits] + parts)
        }

        mutating func emit(_ identity: [String], date: LocalDate, _ payload: EventPayload, verbatim: [String: String] = [:]) {
            // The content is part of the identity: a corrected record in a later answer is a new fact,
            // and the reconciliation retracts the old one.
            var event = Event(eventId: EventID(uuid: UUID_NULL), insz: insz, effectiveDate: date, source: source,
                              payload: payload, verbatim: verbatim)
            event.eventId = eventId(identity + [payload.type.rawValue, date.description, event.canonicalData])
            events.append(event)
        }

        mutating func note(_ path: String, _ value: String, _ note: String) {
            unmapped.append(KBIUnmappedItem(path: path, value: value, note: note))
        }

        func date(_ node: XMLElementNode, _ path: String, at place: String) throws(KBIImportError) -> LocalDate? {
            guard let text = node.text(path) else { return nil }
            guard let date = LocalDate(text) else {
                throw .invalidValue(path: "\(place)/\(path)", line: node.line, message: "expected a date YYYY-MM-DD, got \"\(text)\"")
            }
            return date
        }

        func requiredDate(_ node: XMLElementNode, _ path: String, at place: String) throws(KBIImportError) -> LocalDate {
            guard let value = try date(node, path, at: place) else {
                throw .invalidValue(path: "\(place)/\(path)", line: node.line, message: "missing")
            }
            return value
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
            guard let effective = start else {
                if targetType.isObliged {
                    throw .invalidValue(path: "\(place)/Periode/Begin", line: node.line, message: "missing for an obliged person")
                }
                note(place, codeText, "no period: no target-group event")
                return
            }
            if let reason = node.path("RedenGeenDoelgroep") {
                verbatim["RedenGeenDoelgroep"] = reason.text.isEmpty ? (reason.attributes["Naam"] ?? "") : reason.text
            }
            emit(["Doelgroep", effective.description], date: effective,
                 .targetGroupDetermined(.init(code: code, targetType: targetType, periodStart: start, periodEnd: end)), verbatim: verbatim)
            if let exemption = node.path("RedenVrijstellingVanDeVerplichting") {
                let value = exemption.text.isEmpty ? (exemption.attributes["Naam"] ?? "") : exemption.text
                emit(["Doelgroep/Vrijstelling", effective.description], date: effective,
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
                } else {
                    note("\(place)/Type", type, "undocumented document type: no event")
                    continue
                }
                let signed = try date(document, "DatumOndertekening", at: place)
                let created = try date(document, "DatumAanmaak", at: place)
                guard let issued = signed ?? created else {
                    throw .invalidValue(path: "\(place)/DatumOndertekening", line: document.line, message: "missing (and no DatumAanmaak)")
                }
                let id = document.text("Id") ?? document.text("ID") ?? "\(type)-\(issued)"
                emit(["BehaaldeAttesten", id], date: issued, .certificateIssued(.init(kind: kind, documentId: id)), verbatim: ["Type": type])
            }
        }

        mutating func mapContracts(_ node: XMLElementNode?) throws(KBIImportError) {
            guard let node else { return }
            for (index, contract) in node.all("Contract").enumerated() {
                let place = "Contracten/Contract[\(index + 1)]"
                let signed = try requiredDate(contract, "DatumRegistratie", at: place)
                let agency = contract.text("AangemaaktDoor/KboNummer") ?? contract.text("AangemaaktDoor/KbiNummer") ?? "unknown"
                var components: [Component] = []
                if contract.text("OnderdeelMO") == "true" { components.append(.socialOrientation) }
                if contract.text("OnderdeelNT2") == "true" { components.append(.dutch) }
                if contract.text("OnderdeelLO") == "true" { components.append(.work) }
                var verbatim: [String: String] = [:]
                if let type = contract.text("Type") {
                    verbatim["Type"] = type
                    note("\(place)/Type", type, "contract type kept verbatim")
                }
                emit(["Contract", signed.description, agency], date: signed,
                     .contractSigned(.init(agency: agency, components: components)), verbatim: verbatim)
                for (suspensionIndex, suspension) in (contract.child("Opschortingen")?.all("Opschorting") ?? []).enumerated() {
                    let suspensionPlace = "\(place)/Opschortingen/Opschorting[\(suspensionIndex + 1)]"
                    try mapPostponement(suspension, place: suspensionPlace, kind: .suspension)
                }
            }
        }

        mutating func mapPostponements(_ node: XMLElementNode?, record: String, kind: EventPayload.Postponement.Kind) throws(KBIImportError) {
            guard let node else { return }
            for (index, postponement) in node.all(record).enumerated() {
                try mapPostponement(postponement, place: "\(node.name)/\(record)[\(index + 1)]", kind: kind)
            }
        }

        mutating func mapPostponement(_ node: XMLElementNode, place: String, kind: EventPayload.Postponement.Kind) throws(KBIImportError) {
            let from = try requiredDate(node, "Periode/Begin", at: place)
            let until = try date(node, "Periode/Einde", at: place)
            let reason = node.text("Reden") ?? node.child("Reden")?.attributes["Naam"] ?? "unknown"
            emit(["Uitstel", kind.rawValue, from.description], date: from,
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
            let agency = node.text("AanmeldingsPlaats/KbiNummer") ?? node.text("AanmeldingsPlaats/KboNummer") ?? "unknown"
            emit(["Aanmelding", registered.description], date: registered, .registered(.init(kind: kind, agency: agency)), verbatim: verbatim)
        }

        mutating func mapTrajectories(_ node: XMLElementNode?) throws(KBIImportError) {
            guard let node else { return }
            for (index, trajectory) in node.all("Traject").enumerated() {
                let place = "Trajecten/Traject[\(index + 1)]"
                let trajectoryType = trajectory.text("Type") ?? "?"
                if let decision = trajectory.child("Besluit"), let code = decision.text("Code") {
                    let decisionPlace = "\(place)/Besluit"
                    let granted = try date(decision, "DatumToekenning", at: decisionPlace)
                    switch (code, granted) {
                    case ("JA_IB", let granted?):
                        emit(["Traject", trajectoryType, "Besluit"], date: granted,
                             .certificateIssued(.init(kind: .integrationCertificate, documentId: "KBI-\(trajectoryType)-\(granted)")),
                             verbatim: ["Traject": trajectoryType, "Besluit": code])
                    case ("JA_EVC", let granted?):
                        emit(["Traject", trajectoryType, "Besluit"], date: granted,
                             .certificateIssued(.init(kind: .priorLearningCertificate, documentId: "KBI-\(trajectoryType)-\(granted)")),
                             verbatim: ["Traject": trajectoryType, "Besluit": code])
                    default:
                        note("\(decisionPlace)/Code", code, "trajectory decision without a mapped meaning: no event")
                    }
                }
                if trajectory.child("Besluit")?.text("Code") == nil {
                    note("\(place)", trajectoryType, "trajectory without a decision (status \(trajectory.text("Status/Code") ?? "?")): no event")
                }
                for (partIndex, part) in (trajectory.child("TrajectOnderdelen")?.all("TrajectOnderdeel") ?? []).enumerated() {
                    let partPlace = "\(place)/TrajectOnderdelen/TrajectOnderdeel[\(partIndex + 1)]"
                    let partType = part.text("Type") ?? "?"
                    guard let decision = part.child("Besluit"), let code = decision.text("Code") else {
                        note(partPlace, partType, "component without a decision (status \(part.text("Status/Code") ?? "?")): no event")
                        continue
                    }
                    let granted = try date(decision, "DatumToekenning", at: "\(partPlace)/Besluit")
                    let ended = try date(part, "Periode/Einde", at: partPlace)
                    let decided = granted ?? ended
                    guard let decided else {
                        note("\(partPlace)/Besluit", code, "decision without a date: no event")
                        continue
                    }
                    let outcome: EventPayload.ComponentResult.Decision?
                    switch code {
                    case "VO": outcome = .met
                    case "NVO": outcome = .notMet
                    case "NVT": outcome = .notApplicable
                    case "GESLAAGD": outcome = .passed
                    case "NIET_GESLAAGD": outcome = .failed
                    default: outcome = nil
                    }
                    guard let outcome else {
                        note("\(partPlace)/Besluit/Code", code, "undocumented component decision: no event")
                        continue
                    }
                    let verbatim = ["Traject": trajectoryType, "TrajectOnderdeel": partType, "Besluit": code]
                    let identity = ["TrajectOnderdeel", trajectoryType, partType]
                    if partType == "TO_OB_MO" {
                        emit(identity, date: decided, .componentResult(.init(component: .socialOrientation, decision: outcome)), verbatim: verbatim)
                    } else if let level = Builder.dutchLevel(of: partType) {
                        if outcome == .met || outcome == .passed {
                            emit(identity, date: decided, .dutchLevelReached(level), verbatim: verbatim)
                        } else {
                            note("\(partPlace)/Besluit/Code", code, "Dutch module \(partType) not reached: no event")
                        }
                    } else {
                        note("\(partPlace)/Type", partType, "undocumented component type (decision \(code)): no event")
                    }
                }
            }
        }

        static func dutchLevel(of partType: String) -> CEFRLevel? {
            switch partType {
            case "TO_A1": .a1
            case "TO_A2": .a2
            case "TO_B1/1", "TO_B1/2", "TO_B1/3", "TO_B1/4": .b1
            case "TO_B2": .b2
            case "TO_C1": .c1
            case "TO_C2": .c2
            default: nil
            }
        }

        mutating func mapInfringements(_ node: XMLElementNode?) throws(KBIImportError) {
            guard let node else { return }
            for (index, infringement) in node.all("Inbreuk").enumerated() {
                let place = "Inbreuken/Inbreuk[\(index + 1)]"
                let established = try requiredDate(infringement, "DatumVaststelling", at: place)
                let notice = try date(infringement, "DatumIngebrekestellingVerzonden", at: place)
                var verbatim: [String: String] = [:]
                let type = infringement.text("Type") ?? ""
                verbatim["Type"] = type
                note("\(place)/Type", type, "infringement type codes are not documented: kind other, kept verbatim")
                if let authority = infringement.text("SanctionerendeOverheid") {
                    verbatim["SanctionerendeOverheid"] = authority
                }
                let id = "KBI-\(type)-\(established)"
                emit(["Inbreuk", id], date: established,
                     .infringementRecorded(.init(infringementId: id, kind: .other, noticeOfDefaultOn: notice)), verbatim: verbatim)
            }
        }

        mutating func mapDutchLevel(_ node: XMLElementNode?, answerDate: LocalDate?) throws(KBIImportError) {
            guard let node, let highest = node.text("BehaaldNT2Niveau/HoogstBehaald") else { return }
            guard let level = CEFRLevel(rawValue: String(highest.prefix(2))) else {
                note("Talenkennis/BehaaldNT2Niveau/HoogstBehaald", highest, "unknown level: no event")
                return
            }
            guard let answerDate else {
                note("Talenkennis/BehaaldNT2Niveau/HoogstBehaald", highest, "no answer date to date the level: no event")
                return
            }
            // The dossier does not date the level; the answer's date is the latest day it is known to hold.
            emit(["Talenkennis/HoogstBehaald"], date: answerDate, .dutchLevelReached(level), verbatim: ["HoogstBehaald": highest])
        }
    }
}
