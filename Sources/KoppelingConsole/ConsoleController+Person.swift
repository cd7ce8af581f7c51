import Foundation
import HTTPTypes
import Hummingbird
import KoppelingCore
import KoppelingStore

/// The person screens: the search form, whose national number travels in the POST body only; the
/// result page, whose address carries an opaque handle (``PersonHandle``), never the number; and
/// who saw the dossier. Every view of a person's data is recorded in the transparency log, with
/// the user, the person as pseudonym and the reason given, before anything is shown.
extension ConsoleController {
    func addPersonRoutes(to group: RouterGroup<Context>) {
        group.get("personen", use: personForm)
        group.post("personen", use: personSearch)
        group.get("persoon", use: person)
        group.get("persoon/inzage", use: personAccesses)
    }

    /// The party the transparency log names for a view in the console: the register's own staff.
    static var consoleParty: String { "console" }

    struct SearchForm: Decodable {
        var csrf: String?
        var insz: String?
        var doel: String?
        var referentie: String?
        var peildatum: String?
        var gekendop: String?
    }

    /// The search form's values. The number typed is never written back into a page.
    func searchValues(_ user: ConsoleUser, _ session: ConsoleSession, form: SearchForm?, error: String? = nil) -> [String: Any] {
        var values = signedInValues(user, session, title: "Persoon opzoeken")
        let chosen = form?.doel ?? user.readPurposes.first?.rawValue
        values["doelen"] = user.readPurposes.map { ["code": $0.rawValue, "naam": $0.label.nl, "gekozen": $0.rawValue == chosen] }
        values["referentie"] = form?.referentie ?? ""
        values["peildatum"] = form?.peildatum ?? ""
        values["gekendop"] = form?.gekendop ?? ""
        values["fout"] = error as Any
        return values
    }

    @Sendable func personForm(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .personSearch)
        return page("personen", searchValues(user, session, form: nil))
    }

    @Sendable func personSearch(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .personSearch)
        guard let form = try await decode(SearchForm.self, request), tokensEqual(form.csrf, session.csrfToken) else { return expiredForm() }
        func again(_ error: String) -> Response {
            page("personen", searchValues(user, session, form: form, error: error), status: .unprocessableContent)
        }
        let typed = (form.insz ?? "").filter { !" .-".contains($0) }
        guard let insz = try? NationalNumber(typed, policy: access.register.policy) else {
            return again(
                """
                Dit is geen geldig rijksregisternummer of BIS-nummer. Vul de 11 cijfers in, met of zonder punten en streepje \
                (zoals 85.07.30-033.28), en controleer ze op het identiteitsdocument.
                """)
        }
        guard let purpose = form.doel.flatMap(RegisterReadPurpose.init(rawValue:)), user.readPurposes.contains(purpose) else {
            return again("Kies waarom u deze persoon opzoekt.")
        }
        let reference = (form.referentie ?? "").trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(reference.count) else {
            return again("Vul de dossier- of werkreferentie in waarvoor u deze persoon opzoekt (1 tot 100 tekens).")
        }
        var referenceDate: LocalDate?
        if let text = form.peildatum, !text.isEmpty {
            guard let date = LocalDate(text) else { return again("Vul de datum van de status in als dag, maand en jaar, of laat ze leeg.") }
            referenceDate = date
        }
        var knownAt: Instant?
        if let text = form.gekendop, !text.isEmpty {
            guard let instant = access.instant(local: text) else {
                return again("Vul het tijdstip bij \u{201C}zoals gekend op\u{201D} in als datum en uur, of laat het leeg.")
            }
            knownAt = instant
        }
        let now = authenticator.clock()
        let handle = PersonHandle(
            insz: insz, purpose: purpose, reference: reference, referenceDate: referenceDate, knownAt: knownAt, session: session.digest,
            expiresAt: Instant(microsecondsSinceEpoch: now.microsecondsSinceEpoch + PersonHandle.lifetimeSeconds * 1_000_000))
        return Self.redirect("/console/persoon?h=\(try access.handles.seal(handle))")
    }

    /// The handle of a result page, opened for the session; otherwise a page that says to search again.
    func handle(of request: Request, user: ConsoleUser, session: ConsoleSession) throws -> (PersonHandle, String) {
        guard let text = request.uri.queryParameters["h"].map(String.init),
            let handle = access.handles.open(text, session: session.digest, at: authenticator.clock(), policy: access.register.policy)
        else {
            var values = signedInValues(user, session, title: "Zoekopdracht verlopen")
            values["uitleg"] =
                """
                Deze pagina hoort bij een zoekopdracht die verlopen is (na een kwartier) of die in een andere aanmelding werd \
                gemaakt. Zoek de persoon opnieuw op.
                """
            values["verder"] = ["adres": ConsoleScreen.personSearch.path, "tekst": "Naar Persoon opzoeken"]
            throw PageInstead(response: page("geentoegang", values, status: .notFound))
        }
        return (handle, text)
    }

    /// Records the view in the transparency log; without the record nothing is shown.
    func recordView(of handle: PersonHandle, by user: ConsoleUser, context: Context) async throws {
        do {
            _ = try await access.exchange.recordAccess(
                actor: "console:\(user.name)", party: Self.consoleParty, channel: .console, outcome: .read,
                purpose: handle.purpose.rawValue, caseReference: handle.reference, subject: handle.insz,
                requestId: context.requestId, traceparent: context.traceparent)
        } catch is ExchangeService.RecordNotStored {
            var values = [String: Any]()
            values["titel"] = "Niet getoond"
            values["uitleg"] =
                """
                Deze inzage kon niet worden vastgelegd in het transparantielogboek, en daarom wordt niets getoond. Probeer het \
                over een ogenblik opnieuw; blijft het mislukken, meld het dan aan de beheerder.
                """
            throw PageInstead(response: page("geentoegang", values, status: .serviceUnavailable))
        }
    }

    @Sendable func person(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .personSearch)
        let (handle, text) = try handle(of: request, user: user, session: session)
        try await recordView(of: handle, by: user, context: context)
        let register = access.register
        let referenceDate = handle.referenceDate ?? register.today()
        let events = try await register.store.events(of: handle.insz).known(at: handle.knownAt)
        let evaluation = register.engine.evaluate(events, on: referenceDate)
        let status = evaluation.status
        var values = signedInValues(user, session, title: "Persoon \(handle.insz.formatted)")
        values["handle"] = text
        values["nummer"] = handle.insz.formatted
        values["geboortedatum"] = handle.insz.birthDate.map(DutchFormat.date) as Any
        values["doel"] = handle.purpose.label.nl
        values["referentie"] = handle.reference
        values["peildatum"] = DutchFormat.date(referenceDate)
        let now = access.dutch(authenticator.clock())
        values["opgemaakt"] = now
        values["gekendop"] = handle.knownAt.map(access.dutch) ?? "nu (\(now))"
        values["status"] = status.status.term.nl
        values["statuscode"] = status.status.rawValue
        values["sinds"] = status.since.map(DutchFormat.date) as Any
        values["redenen"] = status.reasons.map { ["tekst": $0.text(in: .nl), "wet": $0.legalReference] }
        values["vlaggen"] = Self.flags(status.flags)
        values["heeftVlaggen"] = !Self.flags(status.flags).isEmpty
        values["gegevens"] = register.projection.project(evaluation, insz: handle.insz, fields: DisclosureField.allCases).map {
            item -> [String: String] in
            let value: String
            switch item.field {
            case .insz: value = handle.insz.formatted
            case .status: value = "\(status.status.term.nl) (\(status.status.rawValue))"
            default: value = Self.dutch(item.value)
            }
            return ["veld": item.field.dutchLabel, "waarde": value]
        }
        values.merge(decisionValues(events, user: user)) { $1 }
        if let code = request.uri.queryParameters["uitkomst"].flatMap({ DecisionOutcome(rawValue: String($0)) }) {
            let (text, error) = code.message(threshold: Self.euro(access.workList.approvalAboveEUR))
            values[error ? "fout" : "melding"] = text
        }
        values["tijdlijn"] = timeline(events)
        values["aantal"] = DutchFormat.number(events.count)
        // The extract names the register's state it was made from: the latest signed checkpoint.
        if let checkpoint = try await access.log.store.latestCheckpoint() {
            values["controlepunt"] = ["omvang": DutchFormat.number(checkpoint.size), "wanneer": access.dutch(checkpoint.at)]
        }
        return page("persoon", values)
    }

    /// Every event, oldest effective date first; a retracted event says so, with the
    /// retraction's reason and when it was recorded.
    func timeline(_ events: [Event]) -> [[String: Any]] {
        var retractions: [EventID: Event] = [:]
        for event in events {
            if case .eventRetracted(let retraction) = event.payload { retractions[retraction.retractedEventId] = event }
        }
        let ordered = events.sorted {
            ($0.effectiveDate, $0.recordedAt?.microsecondsSinceEpoch ?? 0) < ($1.effectiveDate, $1.recordedAt?.microsecondsSinceEpoch ?? 0)
        }
        return ordered.map { event in
            var row: [String: Any] = [
                "datum": DutchFormat.date(event.effectiveDate), "soort": Self.eventName(event.type), "code": event.type.rawValue,
                "bron": event.source, "geregistreerd": event.recordedAt.map(access.dutch) ?? "onbekend",
                "door": event.provenance?.recordedBy ?? "niet bijgehouden (van voor de herkomstregistratie)",
                "id": event.eventId.uuidString.lowercased(),
            ]
            if case .object(let members) = event.dataValue {
                row["heeftGegevens"] = members.contains { $0.key != "verbatim" }
                row["gegevens"] = members.filter { $0.key != "verbatim" }.sorted { $0.key < $1.key }.map {
                    ["naam": $0.key, "waarde": Self.dutch($0.value)]
                }
            }
            if !event.verbatim.isEmpty {
                row["heeftCodes"] = true
                row["codes"] = event.verbatim.sorted { $0.key < $1.key }.map { ["naam": $0.key, "waarde": $0.value] }
            }
            if let retraction = retractions[event.eventId], case .eventRetracted(let details) = retraction.payload {
                row["ingetrokken"] = [
                    "reden": details.reason, "op": DutchFormat.date(retraction.effectiveDate),
                    "geregistreerd": retraction.recordedAt.map(access.dutch) ?? "onbekend",
                ]
            }
            return row
        }
    }

    /// The status flags that are set, as sentences.
    static func flags(_ flags: StatusFlags) -> [String] {
        var sentences: [String] = []
        if flags.openInfringement == true {
            sentences.append("Er is een openstaande inbreuk gemeld aan het Agentschap Binnenlands Bestuur.")
        }
        if flags.infringementTermExpired == true {
            sentences.append("Een inbreuk werd niet beslist binnen de termijn waarin een boete kan worden opgelegd.")
        }
        if flags.infringementOtherAuthority == true {
            sentences.append("Een inbreuk gemeld aan een andere overheid (VDAB, OCMW, VMSW) is nog niet beslist.")
        }
        if flags.infringementClosedWithoutFollowUp == true { sentences.append("Een inbreuk werd afgesloten zonder gevolg.") }
        if let fines = flags.finesDecided, fines > 0 {
            let last = flags.lastFineDecidedOn.map { ", de laatste op \(DutchFormat.date($0))" } ?? ""
            sentences.append("\(DutchFormat.number(fines)) \(fines == 1 ? "boete" : "boetes") beslist\(last).")
        }
        if flags.postponed == true { sentences.append("Een uitstel of opschorting geldt op de peildatum.") }
        if flags.postponementOpenEndedReview == true {
            sentences.append("Een uitstel zonder einddatum loopt langer dan de herzieningstermijn: te herzien.")
        }
        return sentences
    }

    /// A value as the page shows it: `ja`/`neen`, Dutch dates, `–` for nothing.
    static func dutch(_ value: JSONValue) -> String {
        switch value {
        case .null: "–"
        case .bool(let flag): flag ? "ja" : "neen"
        case .integer(let number): DutchFormat.number(Int(number))
        case .double(let number): String(number)
        case .string(let text): LocalDate(text).map(DutchFormat.date) ?? text
        case .array(let items): items.map(dutch).joined(separator: ", ")
        case .object(let members): members.sorted { $0.key < $1.key }.map { "\($0.key): \(dutch($0.value))" }.joined(separator: "; ")
        }
    }

    /// An event type's Dutch name.
    static func eventName(_ type: EventType) -> String {
        switch type {
        case .targetGroupDetermined: "Doelgroep bepaald"
        case .residenceChanged: "Verblijfplaats gewijzigd"
        case .exemptionGranted: "Vrijstelling toegekend"
        case .exemptionWithdrawn: "Vrijstelling ingetrokken"
        case .registered: "Aangemeld"
        case .postponement: "Uitstel of opschorting"
        case .contractSigned: "Inburgeringscontract ondertekend"
        case .componentResult: "Resultaat van een onderdeel"
        case .dutchLevelReached: "Niveau Nederlands behaald"
        case .certificateIssued: "Attest of verklaring afgegeven"
        case .infringementRecorded: "Inbreuk vastgesteld"
        case .infringementDecided: "Beslissing over een inbreuk"
        case .eventRetracted: "Intrekking van een gebeurtenis"
        case .waitingList: "Wachtlijst"
        case .agencyAssigned: "Begeleidende organisatie"
        }
    }

    /// Who saw this dossier: every disclosure and access about the person, each with the status of
    /// its inclusion proof, verified here against the latest checkpoint, as the citizen report
    /// lists them. Opening this page is itself an access, recorded like the others.
    /// How many accesses the page lists, newest first; the citizen report gives them all.
    static var accessesShown: Int { 100 }

    @Sendable func personAccesses(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .personSearch)
        let (handle, text) = try handle(of: request, user: user, session: session)
        let log = access.log
        let (total, found) = try await log.store.latestDisclosures(
            subject: access.exchange.pseudonymizer.pseudonym(of: handle.insz), limit: Self.accessesShown)
        try await recordView(of: handle, by: user, context: context)
        // The server signs a checkpoint every second; proofs are checked against the latest, so a
        // view costs no signature of its own, and records of the last second wait for the next.
        let stored = try await log.store.latestCheckpoint()
        let checkpoint = stored.flatMap { log.open($0.note) }.flatMap(Checkpoint.init(text:))
        // The latest ones, newest first; their proofs computed in one pass over the tree.
        let shown = Array(found.reversed())
        var proofs: [Int: [[UInt8]]] = [:]
        if let checkpoint {
            let proven = shown.map(\.index).filter { $0 < checkpoint.size }
            for (index, path) in zip(proven, try await log.store.inclusionProofs(indexes: proven, size: checkpoint.size)) {
                proofs[index] = path
            }
        }
        var rows: [[String: Any]] = []
        for (index, record, entry) in shown {
            var (proof, style) = ("nog niet in een controlepunt (volgt binnen enkele seconden)", "wachtend")
            if let checkpoint, let path = proofs[index] {
                let verified = Merkle.verifyInclusion(
                    leafHash: Merkle.leafHash(Array(entry.utf8)), index: index, size: checkpoint.size, proof: path, root: checkpoint.root)
                (proof, style) = verified ? ("bewezen", "bewezen") : ("BEWIJS KLOPT NIET", "onbewezen")
            }
            rows.append([
                "wanneer": access.dutch(record.at), "wie": record.clientId, "partij": record.party,
                "kanaal": record.channel.rawValue, "doel": RegisterReadPurpose(rawValue: record.purpose)?.label.nl ?? record.purpose,
                "referentie": record.caseReference, "gegevens": record.fields.map { $0.label.nl }.joined(separator: ", "),
                "resultaat": record.outcome.label.nl, "nummer": DutchFormat.number(index), "bewijs": proof,
                "bewijsklasse": style,
            ])
        }
        var values = signedInValues(user, session, title: "Wie zag dit dossier")
        values["handle"] = text
        values["nummer"] = handle.insz.formatted
        values["inzages"] = rows
        values["aantal"] = DutchFormat.number(total)
        values["ingekort"] = total > shown.count ? DutchFormat.number(shown.count) : nil
        values["controlepunt"] =
            stored.map { ["grootte": DutchFormat.number($0.size), "wanneer": access.dutch($0.at)] } as Any
        return page("inzage", values)
    }
}
