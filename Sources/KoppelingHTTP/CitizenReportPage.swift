import KoppelingCore
import KoppelingStore

/// The printable report, in Dutch or French, of every disclosure about one person, for a citizen
/// portal. It names no national number: the portal knows whom it has authenticated.
enum CitizenReportPage {
    static func render(
        _ disclosures: [(index: Int, record: DisclosureRecord)], checkpoint: StoredCheckpoint?, language: Language = .nl
    ) -> String {
        let e = ProtocolPage.e
        let fr = language == .fr
        func t(_ nl: String, _ french: String) -> String { fr ? french : nl }
        var rows = ""
        for (index, record) in disclosures {
            let date = LocalDate(daysSinceEpoch: Int32((record.at.microsecondsSinceEpoch / 86_400_000_000)))
            rows += """
                <tr><td>\(e(language.date(date)))</td><td>\(e(record.party)) (\(e(record.clientId)))</td><td>\(e(record.purpose))</td>\
                <td>\(e(record.caseReference))</td><td>\(e(record.fields.map { $0.label[language] }.joined(separator: ", ")))</td>\
                <td>\(e(record.outcome.label[language]))</td><td>\(index)</td></tr>

                """
        }
        let proof =
            checkpoint.map {
                t(
                    """
                    Elke regel is opgenomen in het transparantielogboek; de bewijzen gelden tegenover het gesigneerde controlepunt \
                    voor \($0.size) registraties.
                    """,
                    """
                    Chaque ligne est inscrite dans le journal de transparence ; les preuves valent par rapport au point de contrôle \
                    signé couvrant \($0.size) inscriptions.
                    """
                )
            } ?? t("Er zijn nog geen registraties.", "Il n'y a pas encore d'inscriptions.")
        let nobody = t("Er werden geen gegevens over u opgevraagd.", "Aucune donnée vous concernant n'a été demandée.")
        let title = t("Wie heeft uw inburgeringsgegevens ontvangen?", "Qui a reçu vos données d'intégration civique ?")
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8"><title>\(title)</title>
            <style>body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;width:100%}td,th{border:1px solid \
            #999;padding:.3em;text-align:left;vertical-align:top}@media print{body{margin:0}}</style>
            </head><body>
            <h1>\(title)</h1>
            <p>\(t(
                "Dit overzicht toont elke vraag naar uw gegevens uit de Vlaamse integratiedatabank: wie vroeg, "
                + "waarvoor, in welk dossier, welke gegevens en of ze verstrekt werden.",
                "Cet aperçu montre chaque demande de vos données dans la banque de données flamande "
                + "d'intégration civique : qui a demandé, dans quel but, dans quel dossier, quelles données et si "
                + "elles ont été communiquées.")) \(e(proof))</p>
            <table><thead><tr><th>\(t("Datum", "Date"))</th><th>\(t("Ontvanger", "Destinataire"))</th><th>\
            \(t("Doel", "Finalité"))</th><th>\
            \(t("Dossier", "Dossier"))</th><th>\(t("Gegevens", "Données"))</th><th>\(t("Resultaat", "Résultat"))</th><th>\
            \(t("Nummer in het logboek", "Numéro dans le journal"))</th></tr></thead>
            <tbody>
            \(rows.isEmpty ? "<tr><td colspan=\"7\">\(nobody)</td></tr>" : rows)</tbody></table>
            </body></html>

            """
    }
}
