import Foundation
import HTTPTypes
import Hummingbird
import KoppelingCore
import KoppelingStore

/// Audit, for DPOs: disclosure records searched by recipient, party, purpose, outcome and period;
/// volumes per month, recipient and purpose as charts with their tables; refusal rates; a CSV
/// export; and the transparency log's state, with a full verification to start and follow.
/// Records name persons by pseudonym only.
extension ConsoleController {
    func addAuditRoutes(to group: RouterGroup<Context>) {
        group.get("audit", use: audit)
        group.get("audit/export.csv", use: auditExport)
        group.get("audit/verificatie", use: verificationPage)
        group.post("audit/verificatie", use: startVerification)
    }

    /// Records per page of the search.
    static var auditPageSize: Int { 100 }

    /// The search form's filter, from the page's address; nil members are not filtered on.
    struct AuditQuery {
        var client: String?
        var party: String?
        var purpose: String?
        var outcome: String?
        var from: String?
        var to: String?
        var after: Int?

        init(_ parameters: [String: String]) {
            func value(_ name: String) -> String? {
                parameters[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
            }
            client = value("ontvanger")
            party = value("partij")
            purpose = value("doel")
            outcome = value("uitkomst")
            from = value("van")
            to = value("tot")
            after = value("na").flatMap { Int($0) }
        }

        /// The filter, or what is wrong with the dates.
        func filter(_ access: ConsoleRegisterAccess) -> (DisclosureFilter?, String?) {
            var filter = DisclosureFilter(clientId: client, party: party, purpose: purpose, outcome: outcome)
            if let from {
                guard let day = LocalDate(from), let start = access.instant(local: "\(day)T00:00") else {
                    return (nil, "De begindatum is geen datum.")
                }
                filter.from = start
            }
            if let to {
                guard let day = LocalDate(to), let end = access.instant(local: "\(day.adding(days: 1))T00:00") else {
                    return (nil, "De einddatum is geen datum.")
                }
                filter.to = end
            }
            if let start = filter.from, let end = filter.to, start >= end {
                return (nil, "De begindatum ligt na de einddatum.")
            }
            return (filter, nil)
        }

        /// The filter as query parameters, for the export and the next page.
        var parameters: String {
            [("ontvanger", client), ("partij", party), ("doel", purpose), ("uitkomst", outcome), ("van", from), ("tot", to)]
                .compactMap { name, value in
                    value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                }.joined(separator: "&")
        }
    }

    @Sendable func audit(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .audit)
        let query = AuditQuery(request.uri.queryParameters.reduce(into: [:]) { $0[String($1.key)] = String($1.value) })
        var values = signedInValues(user, session, title: "Audit")
        values["ontvanger"] = query.client ?? ""
        values["partij"] = query.party ?? ""
        values["doel"] = query.purpose ?? ""
        values["van"] = query.from ?? ""
        values["tot"] = query.to ?? ""
        values["uitkomsten"] = DisclosureOutcome.allCases.map {
            ["code": $0.rawValue, "naam": $0.label.nl, "gekozen": $0.rawValue == query.outcome]
        }
        values["export"] = "/console/audit/export.csv?" + query.parameters
        let (filter, problem) = query.filter(access)
        if let filter {
            let store = access.log.store
            let page = try await store.searchDisclosures(filter, after: query.after, limit: Self.auditPageSize)
            values["registraties"] = page.map { index, record -> [String: Any] in
                [
                    "nummer": DutchFormat.number(index), "wanneer": access.dutch(record.at), "ontvanger": record.clientId,
                    "partij": record.party, "doel": record.purpose, "kanaal": record.channel.rawValue, "referentie": record.caseReference,
                    "uitkomst": record.outcome.label.nl, "geweigerd": record.outcome.isDenial,
                    "gegevens": record.fields.map(\.rawValue).joined(separator: ", "),
                    "persoon": String(record.subjectPseudonym.prefix(12)),
                ]
            }
            values["geenregistraties"] = page.isEmpty
            if page.count == Self.auditPageSize, let last = page.last {
                values["volgende"] = "/console/audit?\(query.parameters)&na=\(last.index)"
            }
            values.merge(Self.volumes(try await store.disclosureVolumes(filter))) { $1 }
        } else {
            values["fout"] = problem as Any
        }
        values.merge(try await logState()) { $1 }
        return page("audit", values, status: problem == nil ? .ok : .unprocessableContent)
    }

    /// The volumes: per month, recipient and purpose, with the refusal rate per recipient; each as
    /// a chart and its table.
    static func volumes(_ volumes: [DisclosureVolume]) -> [String: Any] {
        func totals(_ key: (DisclosureVolume) -> String) -> [(label: String, value: Int)] {
            Dictionary(grouping: volumes, by: key).map { ($0.key, $0.value.reduce(0) { $0 + $1.count }) }.sorted { $0.label < $1.label }
        }
        let months = totals(\.month)
        let purposes = totals(\.purpose)
        let recipients = totals { "\($0.clientId) (\($0.party))" }
        let refused = Dictionary(
            volumes.filter { DisclosureOutcome(rawValue: $0.outcome)?.isDenial ?? false }.map {
                ("\($0.clientId) (\($0.party))", $0.count)
            },
            uniquingKeysWith: +)
        let total = volumes.reduce(0) { $0 + $1.count }
        return [
            "totaal": DutchFormat.number(total),
            "permaand": months.map { ["naam": $0.label, "aantal": DutchFormat.number($0.value)] },
            "perdoel": purposes.map { ["naam": $0.label, "aantal": DutchFormat.number($0.value)] },
            "perontvanger": recipients.map { recipient -> [String: Any] in
                let denied = refused[recipient.label, default: 0]
                let rate = Double(denied) * 100 / Double(max(1, recipient.value))
                return [
                    "naam": recipient.label, "totaaltekst": DutchFormat.number(recipient.value), "geweigerd": DutchFormat.number(denied),
                    "aandeel": String(format: "%.1f", rate).replacingOccurrences(of: ".", with: ",") + " %",
                ]
            },
            "grafiekmaand": SVGChart.bars(id: "grafiek-maand", title: "Registraties per maand (UTC)", items: months),
            "grafiekontvanger": SVGChart.bars(id: "grafiek-ontvanger", title: "Registraties per ontvanger", items: recipients),
            "grafiekdoel": SVGChart.bars(id: "grafiek-doel", title: "Registraties per doel", items: purposes),
        ]
    }

    /// The log's size, its latest checkpoint and age, and the last verification.
    func logState() async throws -> [String: Any] {
        let store = access.log.store
        let size = try await store.logSize()
        let now = authenticator.clock()
        var values: [String: Any] = ["logomvang": DutchFormat.number(size)]
        if let latest = try await store.latestCheckpoint() {
            let seconds = max(0, (now.microsecondsSinceEpoch - latest.at.microsecondsSinceEpoch) / 1_000_000)
            values["controlepunt"] = [
                "omvang": DutchFormat.number(latest.size), "wanneer": access.dutch(latest.at), "ouderdom": Self.age(seconds: seconds),
            ]
        }
        values.merge(verificationValues()) { $1 }
        return values
    }

    /// A duration as people say it: `12 seconden`, `3 minuten`, `2 uur`, `4 dagen`.
    static func age(seconds: Int64) -> String {
        switch seconds {
        case ..<120: "\(seconds) seconden"
        case ..<7200: "\(seconds / 60) minuten"
        case ..<172_800: "\(seconds / 3600) uur"
        default: "\(seconds / 86_400) dagen"
        }
    }

    func verificationValues() -> [String: Any] {
        switch access.verification.current {
        case .never:
            return [
                "verificatie": ["tekst": "Sinds deze server draait, werd het logboek nog niet volledig nagerekend."], "kanstarten": true,
            ]
        case .running(let startedAt, let by, let entries, let total):
            return [
                "verificatie": [
                    "tekst": """
                    Bezig sinds \(access.dutch(startedAt)), gestart door \(by): \(DutchFormat.number(entries)) van ongeveer \
                    \(DutchFormat.number(total)) registraties nagerekend.
                    """
                ],
                "bezig": true,
            ]
        case .finished(let startedAt, let finishedAt, let by, let entries, let checkpoints, let problem):
            let outcome =
                problem.map { "FOUT GEVONDEN \($0)" }
                ?? "in orde: \(DutchFormat.number(entries)) registraties en \(DutchFormat.number(checkpoints)) controlepunten kloppen"
            return [
                "verificatie": [
                    "tekst": """
                    Laatste volledige controle, gestart \(access.dutch(startedAt)) door \(by), klaar \(access.dutch(finishedAt)): \
                    \(outcome).
                    """,
                    "fout": problem != nil,
                ],
                "kanstarten": true,
            ]
        case .failed(_, let finishedAt, let by, let error):
            return [
                "verificatie": [
                    "tekst": "De controle gestart door \(by) kon niet worden afgerond (\(access.dutch(finishedAt))): \(error).",
                    "fout": true,
                ],
                "kanstarten": true,
            ]
        }
    }

    @Sendable func auditExport(_ request: Request, context: Context) async throws -> Response {
        _ = try await signedIn(request, screen: .audit)
        let query = AuditQuery(request.uri.queryParameters.reduce(into: [:]) { $0[String($1.key)] = String($1.value) })
        guard let filter = query.filter(access).0 else { return Self.redirect("/console/audit?" + query.parameters) }
        var output = DisclosureRecord.csvHeader
        var after: Int?
        while true {
            let page = try await access.log.store.searchDisclosures(filter, after: after, limit: 1000)
            for (index, record) in page { output += record.csvLine(index: index) }
            guard page.count == 1000, let last = page.last else { break }
            after = last.index
        }
        var response = Response(status: .ok, headers: Self.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: output)))
        response.headers[.contentType] = "text/csv; charset=utf-8"
        response.headers[.contentDisposition] = "attachment; filename=\"koppeling-audit.csv\""
        return response
    }

    @Sendable func verificationPage(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .audit)
        var values = signedInValues(user, session, title: "Controle van het transparantielogboek")
        values.merge(try await logState()) { $1 }
        if values["bezig"] != nil { values["verversen"] = 2 }
        return page("verificatie", values)
    }

    struct VerificationForm: Decodable {
        var csrf: String?
    }

    @Sendable func startVerification(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .audit)
        guard let form = try await decode(VerificationForm.self, request), tokensEqual(form.csrf, session.csrfToken) else {
            return expiredForm()
        }
        try await access.verification.start(by: user.name)
        return Self.redirect("/console/audit/verificatie")
    }
}
