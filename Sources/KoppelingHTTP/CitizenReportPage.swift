import KoppelingCore
import KoppelingStore

/// The printable report in Dutch of every disclosure about one person, for a citizen portal.
/// It names no national number: the portal knows whom it has authenticated.
enum CitizenReportPage {
    static func outcomeLabel(_ outcome: String) -> String {
        outcome == "allowed" ? "verstrekt" : "geweigerd (\(outcome))"
    }

    static func render(_ disclosures: [(index: Int, record: DisclosureRecord)], checkpoint: StoredCheckpoint?) -> String {
        let e = ProtocolPage.e
        var rows = ""
        for (index, record) in disclosures {
            let date = LocalDate(daysSinceEpoch: Int32((record.at.microsecondsSinceEpoch / 86_400_000_000)))
            rows += """
                <tr><td>\(e(ProtocolPage.dutchDate(date)))</td><td>\(e(record.party)) (\(e(record.clientId)))</td><td>\(e(record.purpose))</td>\
                <td>\(e(record.caseReference))</td><td>\(e(record.fields.map { $0.dutchLabel }.joined(separator: ", ")))</td>\
                <td>\(e(outcomeLabel(record.outcome)))</td><td>\(index)</td></tr>

                """
        }
        let proof = checkpoint.map { "Elke regel is opgenomen in het transparantielogboek; de bewijzen gelden tegenover het gesigneerde controlepunt voor \($0.size) registraties." } ?? "Er zijn nog geen registraties."
        return """
            <!DOCTYPE html>
            <html lang="nl"><head><meta charset="utf-8"><title>Wie heeft uw inburgeringsgegevens ontvangen?</title>
            <style>body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3em;text-align:left;vertical-align:top}@media print{body{margin:0}}</style>
            </head><body>
            <h1>Wie heeft uw inburgeringsgegevens ontvangen?</h1>
            <p>Dit overzicht toont elke vraag naar uw gegevens uit de Vlaamse integratiedatabank: wie vroeg, waarvoor, in welk dossier, welke gegevens en of ze verstrekt werden. \(e(proof))</p>
            <table><thead><tr><th>Datum</th><th>Ontvanger</th><th>Doel</th><th>Dossier</th><th>Gegevens</th><th>Resultaat</th><th>Nummer in het logboek</th></tr></thead>
            <tbody>
            \(rows.isEmpty ? "<tr><td colspan=\"7\">Er werden geen gegevens over u opgevraagd.</td></tr>" : rows)</tbody></table>
            </body></html>

            """
    }
}
