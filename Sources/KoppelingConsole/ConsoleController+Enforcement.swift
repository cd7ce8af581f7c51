import Foundation
import HTTPTypes
import Hummingbird
import KoppelingCore
import KoppelingStore

/// ABB's enforcement work list, for enforcement officers: the queues with their filters, order,
/// paging and a CSV export of the view; fines waiting for a second officer's approval. Persons are
/// shown masked; opening one shows the full number and the dossier, which is an access recorded
/// in the transparency log, and there the officer records a decision about an open infringement.
extension ConsoleController {
    func addEnforcementRoutes(to group: RouterGroup<Context>) {
        group.get("handhaving", use: workList)
        group.get("handhaving/export.csv", use: workListExport)
        group.post("handhaving/beslissing", use: recordDecision)
        group.post("handhaving/goedkeuring", use: settleApproval)
    }

    /// Items per page.
    static var workListPageSize: Int { 50 }

    /// The work list's filters, from the page's address (never a national number).
    struct WorkListParameters {
        var queue = WorkListQueue.registrationOverdue
        var agency: String?
        var province: String?
        var municipality: String?
        var kind: String?
        var minimumAge: String?
        var newestFirst = false
        var page = 1

        init(_ parameters: [String: String]) {
            func value(_ name: String) -> String? {
                parameters[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
            }
            queue = value("wachtrij").flatMap(WorkListQueue.init(rawValue:)) ?? .registrationOverdue
            agency = value("agentschap")
            province = value("provincie")
            municipality = value("gemeente")
            kind = value("soort")
            minimumAge = value("ouderdom")
            newestFirst = value("volgorde") == "nieuwste"
            page = value("pagina").flatMap { Int($0) }.map { min(max($0, 1), 100_000) } ?? 1
        }

        /// The query, or what is wrong with a filter.
        func query() -> (WorkListQuery?, String?) {
            var query = WorkListQuery(
                queue: queue, agency: agency, newestFirst: newestFirst, offset: (page - 1) * ConsoleController.workListPageSize,
                limit: ConsoleController.workListPageSize)
            if let province {
                guard let found = Province(rawValue: province) else { return (nil, "Kies een provincie uit de lijst.") }
                query.province = found
            }
            if let municipality {
                guard municipality.count == 5, municipality.utf8.allSatisfy({ (48...57).contains($0) }) else {
                    return (nil, "Een gemeente wordt aangeduid met haar NIS-code van vijf cijfers, zoals 44021 voor Gent.")
                }
                query.municipality = municipality
            }
            if let kind {
                guard let found = EventPayload.InfringementRecorded.Kind(rawValue: kind) else {
                    return (nil, "Kies een soort inbreuk uit de lijst.")
                }
                query.kind = found
            }
            if let minimumAge {
                guard let days = Int(minimumAge), (0...36_500).contains(days) else {
                    return (nil, "Het aantal dagen open is een geheel getal van 0 tot 36.500.")
                }
                query.minimumAgeDays = days
            }
            return (query, nil)
        }

        /// The filters as query parameters, for the tabs, the pages and the export.
        func parameters(queue other: WorkListQueue? = nil, page number: Int? = nil) -> String {
            [
                ("wachtrij", (other ?? queue).rawValue), ("agentschap", agency), ("provincie", province), ("gemeente", municipality),
                ("soort", kind), ("ouderdom", minimumAge), ("volgorde", newestFirst ? "nieuwste" : nil),
                ("pagina", number.map(String.init)),
            ].compactMap { name, value in
                value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            }.joined(separator: "&")
        }
    }

    /// A kind of infringement in Dutch.
    static func kindName(_ kind: EventPayload.InfringementRecorded.Kind) -> String {
        switch kind {
        case .lateRegistration: "niet tijdig aangemeld"
        case .refusedContract: "weigering het contract te ondertekenen"
        case .irregularParticipation: "geen regelmatige deelname"
        case .unlawfulTermination: "traject zonder geldige reden stopgezet"
        case .other: "andere"
        }
    }

    static func euro(_ amount: Int?) -> String { amount.map { "€ \(DutchFormat.number($0))" } ?? "bedrag niet gekend" }

    @Sendable func workList(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .enforcement)
        let parameters = WorkListParameters(request.uri.queryParameters.reduce(into: [:]) { $0[String($1.key)] = String($1.value) })
        var values = signedInValues(user, session, title: "Handhaving")
        values.merge(try await workListValues(parameters, session: session)) { $1 }
        values.merge(try await approvalValues()) { $1 }
        return page("handhaving", values, status: values["fout"] == nil ? .ok : .unprocessableContent)
    }

    /// The queue tabs, the filter form, and the page of items with a sealed handle each.
    func workListValues(_ parameters: WorkListParameters, session: ConsoleSession) async throws -> [String: Any] {
        var values: [String: Any] = [
            "wachtrijen": WorkListQueue.allCases.map {
                ["naam": $0.label, "adres": "/console/handhaving?" + parameters.parameters(queue: $0), "gekozen": $0 == parameters.queue]
            },
            "wachtrij": parameters.queue.rawValue, "titelwachtrij": parameters.queue.label, "agentschap": parameters.agency ?? "",
            "gemeente": parameters.municipality ?? "", "ouderdom": parameters.minimumAge ?? "", "nieuwste": parameters.newestFirst,
            "provincies": Province.allCases.map { ["code": $0.rawValue, "naam": $0.name, "gekozen": $0.rawValue == parameters.province] },
            "soorten": EventPayload.InfringementRecorded.Kind.allCases.map {
                ["code": $0.rawValue, "naam": Self.kindName($0), "gekozen": $0.rawValue == parameters.kind]
            },
            "export": "/console/handhaving/export.csv?" + parameters.parameters(),
        ]
        let (query, problem) = parameters.query()
        guard let query else {
            values["fout"] = problem as Any
            return values
        }
        let page = try await access.workList.page(query)
        let expires = Instant(
            microsecondsSinceEpoch: authenticator.clock().microsecondsSinceEpoch + PersonHandle.lifetimeSeconds * 1_000_000)
        values["totaal"] = DutchFormat.number(page.total)
        values["items"] = try page.items.map { item -> [String: Any] in
            // Opening the person is an access for enforcement, recorded with the queue as reference.
            let handle = PersonHandle(
                insz: item.insz, purpose: .enforcement, reference: "werklijst \(query.queue.rawValue)", referenceDate: nil, knownAt: nil,
                session: session.digest, expiresAt: expires)
            var row = Self.itemValues(item)
            row["handle"] = try access.handles.seal(handle)
            return row
        }
        if query.offset > 0 { values["vorige"] = "/console/handhaving?" + parameters.parameters(page: parameters.page - 1) }
        if query.offset + page.items.count < page.total {
            values["volgende"] = "/console/handhaving?" + parameters.parameters(page: parameters.page + 1)
        }
        values["paginatekst"] =
            page.total == 0
            ? "" : "\(DutchFormat.number(query.offset + 1)) tot \(DutchFormat.number(query.offset + page.items.count))"
        return values
    }

    /// An item as the list and the export show it, the person masked.
    static func itemValues(_ item: WorkListService.Item) -> [String: Any] {
        let facts = item.facts
        return [
            "gemaskeerd": item.insz.masked, "status": item.row.status.term.nl,
            "sinds": item.row.since.map(DutchFormat.date) ?? "", "dagen": item.daysOpen.map(DutchFormat.number) ?? "",
            "uiterste": item.row.termEndsOn.map(DutchFormat.date) ?? "",
            "inbreuken": facts.openInfringements.map {
                "\($0.id) (\(kindName($0.kind)), vastgesteld \(DutchFormat.date($0.establishedOn)))"
            }
            .joined(separator: "; "),
            "ingebrekestelling": facts.openInfringements.compactMap { $0.noticeOfDefaultOn.map(DutchFormat.date) }.joined(separator: "; "),
            "boetes": facts.fines.map { "\(DutchFormat.date($0.decidedOn)): \(euro($0.amountEUR))" }.joined(separator: "; "),
            "agentschap": item.row.agency ?? "", "gemeente": item.row.municipality ?? "",
            "provincie": item.row.municipality.flatMap(Province.init(nisCode:))?.name ?? "",
        ]
    }

    /// The fines waiting for a second officer, persons masked.
    func approvalValues() async throws -> [String: Any] {
        let pending = try await access.workList.approvals.pendingDecisions()
        return [
            "goedkeuringen": pending.map { decision -> [String: Any] in
                [
                    "id": decision.id.lowercasedString,
                    "persoon": (try? NationalNumber(decision.insz, policy: .stored))?.masked ?? "?",
                    "inbreuk": decision.infringementId, "bedrag": Self.euro(decision.amountEUR), "door": decision.proposedBy,
                    "op": access.dutch(decision.proposedAt),
                ]
            }
        ]
    }

    @Sendable func workListExport(_ request: Request, context: Context) async throws -> Response {
        _ = try await signedIn(request, screen: .enforcement)
        var parameters = WorkListParameters(request.uri.queryParameters.reduce(into: [:]) { $0[String($1.key)] = String($1.value) })
        guard var query = parameters.query().0 else { return Self.redirect("/console/handhaving?" + parameters.parameters()) }
        parameters.page = 1
        let columns = [
            "persoon", "status", "sinds", "dagen_open", "uiterste_datum", "open_inbreuken", "ingebrekestelling", "boetes",
            "begeleidende_organisatie", "gemeente", "provincie",
        ]
        var output = columns.joined(separator: ",") + "\r\n"
        // The whole view, every page of it, persons masked as on the screen.
        query.offset = 0
        query.limit = 500
        while true {
            let page = try await access.workList.page(query)
            for item in page.items {
                let row = Self.itemValues(item)
                let keys = [
                    "gemaskeerd", "status", "sinds", "dagen", "uiterste", "inbreuken", "ingebrekestelling", "boetes", "agentschap",
                    "gemeente", "provincie",
                ]
                output += keys.map { CSV.field(row[$0] as? String ?? "") }.joined(separator: ",") + "\r\n"
            }
            query.offset += page.items.count
            guard !page.items.isEmpty, query.offset < page.total else { break }
        }
        var response = Response(status: .ok, headers: Self.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: output)))
        response.headers[.contentType] = "text/csv; charset=utf-8"
        response.headers[.contentDisposition] = "attachment; filename=\"koppeling-werklijst-\(query.queue.rawValue).csv\""
        return response
    }

    struct DecisionForm: Decodable {
        var csrf: String?
        var h: String?
        var inbreuk: String?
        var beslissing: String?
        var bedrag: String?
    }

    /// The open infringements an officer may decide about on the person page.
    func decisionValues(_ events: [Event], user: ConsoleUser) -> [String: Any] {
        guard user.roles.contains(.enforcementOfficer) else { return [:] }
        let open = access.register.engine.enforcementFacts(events, on: access.register.today()).openInfringements
        guard !open.isEmpty else { return [:] }
        return [
            "beslissen": [
                "inbreuken": open.map {
                    [
                        "id": $0.id,
                        "tekst": "\($0.id): \(Self.kindName($0.kind)), vastgesteld \(DutchFormat.date($0.establishedOn)), "
                            + "boete mogelijk tot \(DutchFormat.date($0.termEndsOn))",
                    ]
                },
                "drempel": Self.euro(access.workList.approvalAboveEUR),
            ]
        ]
    }

    @Sendable func recordDecision(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .enforcement)
        guard let form = try await decode(DecisionForm.self, request), tokensEqual(form.csrf, session.csrfToken) else {
            return expiredForm()
        }
        guard let text = form.h,
            let handle = access.handles.open(text, session: session.digest, at: authenticator.clock(), policy: access.register.policy)
        else { return Self.redirect(ConsoleScreen.enforcement.path) }
        // The outcome travels as a code with a fixed text, never as text in the address.
        func back(_ outcome: DecisionOutcome) -> Response { Self.redirect("/console/persoon?h=\(text)&uitkomst=\(outcome.rawValue)") }
        let decision: WorkListService.Decision
        switch form.beslissing {
        case "fine":
            guard let amount = form.bedrag.flatMap({ Int($0.filter { $0.isNumber }) }) else { return back(.noAmount) }
            decision = .fine(amountEUR: amount)
        case "no_follow_up": decision = .noFollowUp
        case "rectified": decision = .rectified
        default: return back(.noDecision)
        }
        do {
            switch try await access.workList.decide(
                insz: handle.insz, infringementId: form.inbreuk ?? "", decision, by: "console:\(user.name)")
            {
            case .stored: return back(.stored)
            case .awaitingApproval: return back(.awaitingApproval)
            }
        } catch let refusal as WorkListService.Refusal {
            return back(refusal == .amountOutOfRange ? .outOfRange : .notOpen)
        }
    }

    /// What became of a decision, as the person page says it.
    enum DecisionOutcome: String {
        case stored = "opgeslagen", awaitingApproval = "wacht", noAmount = "geenbedrag", noDecision = "geenbeslissing"
        case outOfRange = "bedrag", notOpen = "nietopen"

        /// The page's message, and whether it is an error.
        func message(threshold: String) -> (text: String, error: Bool) {
            switch self {
            case .stored: ("De beslissing is opgeslagen; de status volgt meteen.", false)
            case .awaitingApproval: ("De boete ligt boven \(threshold) en wacht op de goedkeuring van een tweede ambtenaar.", false)
            case .noAmount: ("Vul het bedrag van de boete in euro in.", true)
            case .noDecision: ("Kies een beslissing.", true)
            case .outOfRange: (WorkListService.Refusal.amountOutOfRange.dutch, true)
            case .notOpen: (WorkListService.Refusal.notOpen.dutch, true)
            }
        }
    }

    struct ApprovalForm: Decodable {
        var csrf: String?
        var id: String?
        var besluit: String?
    }

    @Sendable func settleApproval(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .enforcement)
        guard let form = try await decode(ApprovalForm.self, request), tokensEqual(form.csrf, session.csrfToken) else {
            return expiredForm()
        }
        var values = signedInValues(user, session, title: "Handhaving")
        do {
            guard let id = form.id.flatMap(UUID.init(uuidString:)) else { throw WorkListService.Refusal.noSuchApproval }
            let settled = try await access.workList.approve(id, approve: form.besluit == "goedkeuren", by: "console:\(user.name)")
            values["melding"] =
                settled.state == .approved
                ? "De boete van \(Self.euro(settled.amountEUR)) is goedgekeurd en opgeslagen."
                : "De boete is geweigerd; er is niets opgeslagen."
        } catch let refusal as WorkListService.Refusal {
            values["fout"] = refusal.dutch
        }
        values.merge(try await workListValues(WorkListParameters([:]), session: session)) { old, _ in old }
        values.merge(try await approvalValues()) { $1 }
        return page("handhaving", values, status: values["fout"] == nil ? .ok : .conflict)
    }
}
