import Crypto
import Foundation
import Hummingbird
import KoppelingCore
import KoppelingStore

/// Protocollen: the list with states, a version's page (the document, advices, signatures,
/// history), the difference between two versions, and the workflow steps the user's role allows:
/// a protocol administrator submits, signs for a party, publishes, suspends and revokes; a DPO
/// advises. Advices and signatures are made offline with the signer's own key (the page shows
/// the bytes to sign and `koppeling keys sign` signs them); the console only carries them, and the
/// register checks them against the party's registered keys.
extension ConsoleController {
    func addProtocolRoutes(to group: RouterGroup<Context>) {
        group.get("protocollen", use: protocolList)
        group.get("protocollen/versie", use: protocolVersion)
        group.get("protocollen/verschil", use: protocolDifference)
        group.post("protocollen/indienen", use: protocolSubmit)
        group.post("protocollen/advies/verklaring", use: protocolAdviceStatement)
        group.post("protocollen/advies", use: protocolAdvise)
        group.post("protocollen/ondertekenen", use: protocolSign)
        group.post("protocollen/bekendmaken", use: protocolPublish)
        group.post("protocollen/schorsen", use: protocolSuspend)
        group.post("protocollen/herroepen", use: protocolRevoke)
    }

    var protocols: ProtocolRegistry { access.exchange.protocols }

    /// The actor the protocol's history names for a step taken in the console.
    static func actor(_ user: ConsoleUser) -> String { "console:\(user.name)" }

    @Sendable func protocolList(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .protocols)
        return try await protocolListPage(user, session)
    }

    func protocolListPage(
        _ user: ConsoleUser, _ session: ConsoleSession, error: String? = nil, document: String? = nil
    ) async throws -> Response {
        let records = try await protocols.store.protocolRecords().sorted {
            ($0.document.id, $1.document.version) < ($1.document.id, $0.document.version)
        }
        var values = signedInValues(user, session, title: "Protocollen")
        values["versies"] = records.map { record -> [String: Any] in
            [
                "id": record.document.id, "versie": record.document.version, "titel": record.document.title,
                "status": record.state.label.nl, "statuscode": record.state.rawValue,
                "bekendgemaakt": record.publishedOn.map(DutchFormat.date) ?? "–",
                "geldig": "\(DutchFormat.date(record.document.validFrom)) tot \(DutchFormat.date(record.document.validUntil))",
            ]
        }
        values["geenversies"] = records.isEmpty
        values["indienen"] = user.has(.protocolAdmin)
        values["document"] = document ?? ""
        values["fout"] = error as Any
        return page("protocollen", values, status: error == nil ? .ok : .unprocessableContent)
    }

    /// The version a form or address names: `id` and `versie`.
    func protocolRecord(id: String?, version: String?) async throws -> ProtocolRecord? {
        guard let id, let version = version.flatMap({ Int($0) }) else { return nil }
        return try await protocols.store.protocolRecord(id: id, version: version)
    }

    @Sendable func protocolVersion(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .protocols)
        let query = request.uri.queryParameters
        guard let record = try await protocolRecord(id: query["id"].map(String.init), version: query["versie"].map(String.init)) else {
            return try await protocolListPage(user, session, error: "Deze protocolversie bestaat niet.")
        }
        return try await versionPage(record, user, session)
    }

    /// A version's page, with the steps the user may take now.
    func versionPage(
        _ record: ProtocolRecord, _ user: ConsoleUser, _ session: ConsoleSession, error: String? = nil, notice: String? = nil,
        extra: [String: Any] = [:]
    ) async throws -> Response {
        let document = record.document
        var values = signedInValues(user, session, title: "\(document.title), versie \(document.version)")
        values["id"] = document.id
        values["versie"] = document.version
        values["status"] = record.state.label.nl
        values["statuscode"] = record.state.rawValue
        values["bekendgemaakt"] = record.publishedOn.map(DutchFormat.date) as Any
        values["vingerafdruk"] = document.digestHex
        values["teondertekenen"] = Data(document.digest).base64EncodedString()
        values["regels"] = Self.documentLines(document).map { ["veld": $0.label, "waarde": $0.value] }
        values["adviezen"] = record.advices.map {
            [
                "partij": $0.party, "oordeel": $0.opinion.label.nl, "tekst": $0.text, "datum": DutchFormat.date($0.date),
                "auteur": $0.author, "sleutel": $0.keyFingerprint ?? "–",
            ]
        }
        values["handtekeningen"] = record.signatures.map {
            ["partij": $0.party, "sleutel": $0.keyFingerprint, "wanneer": access.dutch($0.signedAt)]
        }
        values["geschiedenis"] = record.history.map {
            [
                "wanneer": access.dutch($0.at), "van": $0.from?.label.nl ?? "–", "naar": $0.to.label.nl, "wie": $0.actor,
                "reden": $0.reason ?? "",
            ]
        }
        let all = try await protocols.store.protocolRecords().filter { $0.document.id == document.id }.map(\.document.version).sorted()
        values["andere"] = all.filter { $0 != document.version }.map {
            [
                "versie": $0,
                "adres":
                    "/console/protocollen/verschil?id=\(document.id)&van=\(min($0, document.version))&naar=\(max($0, document.version))",
            ]
        }
        let allowed = Set(record.allowedActions)
        let admin = user.has(.protocolAdmin)
        if allowed.contains("advise") && user.has(.dpo) {
            values["advies"] = [
                "partijen": document.parties.filter { party in !record.advices.contains { $0.party == party.id } }.map {
                    ["id": $0.id, "naam": "\($0.name) (\($0.id))"]
                }
            ]
        }
        if allowed.contains("sign") && admin {
            values["ondertekenen"] = [
                "partijen": document.parties.filter { party in !record.signatures.contains { $0.party == party.id } }.map {
                    ["id": $0.id, "naam": "\($0.name) (\($0.id))"]
                }
            ]
        }
        if allowed.contains("publish") && admin { values["bekendmaken"] = ["datum": access.register.today().description] }
        if allowed.contains("suspend") && admin { values["schorsen"] = true }
        if allowed.contains("revoke") && admin { values["herroepen"] = true }
        if allowed.contains("reinstate") && admin { values["herstellen"] = true }
        values["geenstappen"] =
            !(values["advies"] != nil || values["ondertekenen"] != nil || values["bekendmaken"] != nil || values["schorsen"] != nil
            || values["herroepen"] != nil || values["herstellen"] != nil)
        values["fout"] = error as Any
        values["melding"] = notice as Any
        values.merge(extra) { $1 }
        return page("protocol", values, status: error == nil ? .ok : .unprocessableContent)
    }

    /// The document as labelled lines: the version page shows them, the difference compares them.
    static func documentLines(_ document: ProtocolDocument) -> [(label: String, value: String)] {
        var lines: [(String, String)] = [
            ("Titel", document.title),
            ("Geldig", "van \(DutchFormat.date(document.validFrom)) tot \(DutchFormat.date(document.validUntil))"),
        ]
        for party in document.parties {
            lines.append(
                (
                    "Partij \(party.id) (\(party.role == .provider ? "verstrekker" : "ontvanger"))",
                    "\(party.name), ondernemingsnummer \(party.enterpriseNumber)"
                ))
            lines.append(("Verwerkingsverantwoordelijke \(party.id)", "\(party.controller.name) <\(party.controller.email)>"))
            lines.append(("Functionaris voor gegevensbescherming \(party.id)", "\(party.dpo.name) <\(party.dpo.email)>"))
        }
        lines += document.legalBasis.map { ("Rechtsgrond", $0) }
        lines += document.purposes.map { ("Doel \($0.code)", $0.description) }
        lines.append(("Betrokkenen", document.dataSubjects))
        lines += document.fields.map { ("Gegeven", $0.dutchLabel) }
        lines += (document.fieldNotes ?? [:]).sorted { $0.key < $1.key }.map { ("Opmerking bij \($0.key)", $0.value) }
        lines += document.channels.map { channel in
            (
                "Kanaal \(channel.channel.rawValue)",
                channel.periodicity + (channel.maxFollowDays.map { ", hoogstens \(DutchFormat.number($0)) dagen opgevolgd" } ?? "")
            )
        }
        lines.append(("Bewaring bij de ontvanger", document.retention.recipient))
        lines.append(("Bewaring van het toegangslogboek", document.retention.accessLog))
        lines += document.securityMeasures.map { ("Beveiligingsmaatregel", $0) }
        lines.append(("Rechten van de betrokkenen", document.dataSubjectRights))
        lines.append(("Verbod op verdere verwerking", document.prohibitedFurtherProcessing))
        if let sanctions = document.sanctions { lines.append(("Sancties", sanctions)) }
        return lines
    }

    @Sendable func protocolDifference(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .protocols)
        let query = request.uri.queryParameters
        let id = query["id"].map(String.init)
        guard let old = try await protocolRecord(id: id, version: query["van"].map(String.init)),
            let new = try await protocolRecord(id: id, version: query["naar"].map(String.init))
        else { return try await protocolListPage(user, session, error: "Een van beide protocolversies bestaat niet.") }
        func text(_ document: ProtocolDocument) -> [String] { Self.documentLines(document).map { "\($0.label): \($0.value)" } }
        let lines = LineDiff.between(text(old.document), text(new.document))
        var values = signedInValues(user, session, title: "Verschil tussen versie \(old.document.version) en \(new.document.version)")
        values["id"] = old.document.id
        values["van"] = old.document.version
        values["naar"] = new.document.version
        values["regels"] = lines.map { line -> [String: Any] in
            switch line {
            case .same(let text): ["tekst": text, "soort": "zelfde", "teken": " "]
            case .removed(let text): ["tekst": text, "soort": "weg", "teken": "−", "weg": true]
            case .added(let text): ["tekst": text, "soort": "nieuw", "teken": "+", "nieuw": true]
            }
        }
        values["gewijzigd"] = DutchFormat.number(lines.filter { if case .same = $0 { false } else { true } }.count)
        return page("verschil", values)
    }

    // MARK: - Workflow steps

    struct ProtocolForm: Decodable {
        var csrf: String?
        var id: String?
        var versie: String?
        var document: String?
        var partij: String?
        var oordeel: String?
        var tekst: String?
        var datum: String?
        var sleutel: String?
        var handtekening: String?
        var reden: String?
    }

    /// A protocol form of the signed-in user, who may take a step of `role`, with its CSRF token;
    /// the page instead otherwise.
    func protocolForm(_ request: Request, role: ConsoleUser.Role) async throws -> (ConsoleUser, ConsoleSession, ProtocolForm) {
        let (user, session) = try await signedIn(request, screen: .protocols)
        guard let form = try await decode(ProtocolForm.self, request, upTo: 1024 * 1024), tokensEqual(form.csrf, session.csrfToken) else {
            throw PageInstead(response: expiredForm())
        }
        guard user.has(role) else {
            var values = signedInValues(user, session, title: "Geen toegang")
            values["uitleg"] = "Deze stap is er voor wie de rol \(Self.roleName(role).lowercased()) heeft. U hebt die rol niet."
            throw PageInstead(response: page("geentoegang", values, status: .forbidden))
        }
        return (user, session, form)
    }

    /// Runs a step on the form's version and shows the version again, with the refusal if any.
    func protocolStep(
        _ request: Request, role: ConsoleUser.Role, done: String,
        _ body: (ConsoleUser, ProtocolForm, ProtocolRecord) async throws -> ProtocolRecord
    ) async throws -> Response {
        let (user, session, form) = try await protocolForm(request, role: role)
        guard let record = try await protocolRecord(id: form.id, version: form.versie) else {
            return try await protocolListPage(user, session, error: "Deze protocolversie bestaat niet.")
        }
        do {
            let next = try await body(user, form, record)
            return try await versionPage(next, user, session, notice: done)
        } catch let refusal as StepRefusal {
            return try await versionPage(record, user, session, error: refusal.explanation)
        } catch let error as ProtocolTransitionError {
            return try await versionPage(record, user, session, error: "\(error.dutch).")
        } catch let error as ProtocolStoreError {
            return try await versionPage(record, user, session, error: "Deze stap kan niet: \(error.dutch).")
        }
    }

    /// A form that cannot be used, with what to do.
    struct StepRefusal: Error {
        let explanation: String
    }

    static func text(_ value: String?, _ what: String) throws -> String {
        let text = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2000 else { throw StepRefusal(explanation: "Vul \(what) in (hoogstens 2.000 tekens).") }
        return text
    }

    @Sendable func protocolSubmit(_ request: Request, context: Context) async throws -> Response {
        let (user, session, form) = try await protocolForm(request, role: .protocolAdmin)
        let text = form.document ?? ""
        let document: ProtocolDocument
        do {
            document = try ProtocolDocument.parse(yaml: text)
        } catch {
            let rules = error.issues.map { "regel \($0.line): \($0.path): \($0.message)" }.joined(separator: "; ")
            return try await protocolListPage(
                user, session, error: "Het document breekt \(DutchFormat.number(error.issues.count)) regel(s): \(rules)", document: text)
        }
        do {
            let record = try await protocols.submit(document, actor: Self.actor(user))
            return try await versionPage(record, user, session, notice: "Versie \(document.version) is ingediend voor advies.")
        } catch let error as ProtocolStoreError {
            return try await protocolListPage(
                user, session, error: "Het document kan niet worden ingediend: \(error.dutch).", document: text)
        }
    }

    /// The opinion a form names.
    static func opinion(_ text: String?) throws -> DPOAdvice.Opinion {
        guard let opinion = text.flatMap(DPOAdvice.Opinion.init(rawValue:)) else { throw StepRefusal(explanation: "Kies een oordeel.") }
        return opinion
    }

    /// The advice a form describes, dated today, by the signed-in DPO.
    func advice(_ form: ProtocolForm, by user: ConsoleUser) throws -> DPOAdvice {
        DPOAdvice(
            party: try Self.text(form.partij, "de partij"), opinion: try Self.opinion(form.oordeel),
            text: try Self.text(form.tekst, "de tekst van het advies"), date: LocalDate(form.datum ?? "") ?? access.register.today(),
            author: user.name)
    }

    /// The first step of an advice: the statement the DPO signs with their own key, shown with the
    /// form that carries the signature.
    @Sendable func protocolAdviceStatement(_ request: Request, context: Context) async throws -> Response {
        let (user, session, form) = try await protocolForm(request, role: .dpo)
        guard let record = try await protocolRecord(id: form.id, version: form.versie) else {
            return try await protocolListPage(user, session, error: "Deze protocolversie bestaat niet.")
        }
        let advice: DPOAdvice
        do {
            advice = try self.advice(form, by: user)
        } catch let refusal as StepRefusal {
            return try await versionPage(record, user, session, error: refusal.explanation)
        }
        let statement = Data(advice.statement(for: record.document)).base64EncodedString()
        return try await versionPage(
            record, user, session,
            extra: [
                "verklaring": [
                    "tekst": statement, "partij": advice.party, "oordeel": advice.opinion.rawValue, "oordeelnaam": advice.opinion.label.nl,
                    "adviestekst": advice.text, "datum": advice.date.description,
                ]
            ])
    }

    @Sendable func protocolAdvise(_ request: Request, context: Context) async throws -> Response {
        try await protocolStep(request, role: .dpo, done: "Het advies is geregistreerd.") { user, form, record in
            var advice = try advice(form, by: user)
            advice.publicKey = try Self.text(form.sleutel, "uw publieke sleutel")
            advice.signature = try Self.text(form.handtekening, "de handtekening")
            return try await protocols.advise(
                id: record.document.id, version: record.document.version, advice: advice, actor: Self.actor(user))
        }
    }

    @Sendable func protocolSign(_ request: Request, context: Context) async throws -> Response {
        try await protocolStep(request, role: .protocolAdmin, done: "De handtekening is geregistreerd.") { user, form, record in
            guard let keyData = Data(base64Encoded: try Self.text(form.sleutel, "de publieke sleutel van de partij")),
                let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyData)
            else { throw StepRefusal(explanation: "De publieke sleutel moet een Ed25519-sleutel in base64 zijn (32 bytes).") }
            guard let signature = Data(base64Encoded: try Self.text(form.handtekening, "de handtekening")) else {
                throw StepRefusal(explanation: "De handtekening moet in base64 zijn.")
            }
            return try await protocols.sign(
                id: record.document.id, version: record.document.version, party: try Self.text(form.partij, "de partij"), publicKey: key,
                signature: signature, actor: Self.actor(user))
        }
    }

    @Sendable func protocolPublish(_ request: Request, context: Context) async throws -> Response {
        try await protocolStep(request, role: .protocolAdmin, done: "De versie is bekendgemaakt.") { user, form, record in
            guard let date = LocalDate(form.datum ?? "") else { throw StepRefusal(explanation: "Vul de datum van bekendmaking in.") }
            return try await protocols.publish(id: record.document.id, version: record.document.version, on: date, actor: Self.actor(user))
        }
    }

    @Sendable func protocolSuspend(_ request: Request, context: Context) async throws -> Response {
        try await protocolStep(request, role: .protocolAdmin, done: "De versie is geschorst.") { user, form, record in
            try await protocols.suspend(
                id: record.document.id, version: record.document.version, reason: try Self.text(form.reden, "de reden"),
                actor: Self.actor(user))
        }
    }

    @Sendable func protocolRevoke(_ request: Request, context: Context) async throws -> Response {
        try await protocolStep(request, role: .protocolAdmin, done: "De versie is herroepen.") { user, form, record in
            try await protocols.revoke(
                id: record.document.id, version: record.document.version, reason: try Self.text(form.reden, "de reden"),
                actor: Self.actor(user))
        }
    }
}
