public import KoppelingCore

/// The publication page of a protocol version: a readable HTML page, fit to put on the parties'
/// websites, with the whole protocol, the DPO advices and the signature fingerprints. Its headings
/// are in Dutch or French (the protocol's own text is Dutch, which is authoritative).
public enum ProtocolPage {
    /// Renders the page in a language.
    public static func render(_ record: ProtocolRecord, language: Language = .nl) -> String {
        let d = record.document
        let fr = language == .fr
        func t(_ nl: String, _ french: String) -> String { fr ? french : nl }
        let published = record.publishedOn.map { t(", bekendgemaakt op ", ", publié le ") + date($0, language) } ?? ""
        var html = """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(d.title)) (\(t("protocol", "protocole")) \(e(d.id)), \(t("versie", "version")) \(d.version))</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: \
            #1a1a1a; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
            table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; \
            border-bottom: 1px solid #eee; }
            code { font-size: .85rem; word-break: break-all; } .status { font-weight: bold; }
            </style>
            </head>
            <body>
            <h1>\(e(d.title))</h1>
            <p>\(t("Protocol", "Protocole")) <code>\(e(d.id))</code>, \(t("versie", "version")) \(d.version). \(t("Status", "Statut")): \
            <span class="status">\(e(stateLabel(record.state, language)))</span>\(published).
            \(t(
                "Geldig van \(date(d.validFrom, language)) tot en met \(date(d.validUntil, language)).",
                "Valable du \(date(d.validFrom, language)) au \(date(d.validUntil, language)) inclus."))</p>
            <p>\(t(
                "Dit protocol regelt de systematische elektronische mededeling van persoonsgegevens (artikel 8 "
                + "van het decreet van 18 juli 2008 betreffende het elektronische bestuurlijke gegevensverkeer; "
                + "artikel 20 van de wet van 30 juli 2018).",
                "Ce protocole règle la communication électronique systématique de données à caractère personnel "
                + "(article 8 du décret flamand du 18 juillet 2008 relatif à l'échange électronique de données "
                + "administratives ; article 20 de la loi du 30 juillet 2018). Le texte du protocole, en "
                + "néerlandais, fait foi ; cette page en traduit les intitulés."))</p>

            <h2>\(t("Partijen", "Parties"))</h2>
            <table>
            <tr><th>\(t("Rol", "Rôle"))</th><th>\(t("Organisatie", "Organisation"))</th><th>\
            \(t("Ondernemingsnummer", "Numéro d'entreprise"))</th><th>\
            \(t("Verwerkingsverantwoordelijke", "Responsable du traitement"))</th><th>\
            \(t("Functionaris voor gegevensbescherming", "Délégué à la protection des données"))</th></tr>

            """
        for party in d.parties {
            let role = party.role == .provider ? t("verstrekker", "fournisseur") : t("ontvanger", "destinataire")
            html +=
                "<tr><td>\(role)</td><td>\(e(party.name))</td><td>\(e(party.enterpriseNumber))</td>"
                + "<td>\(contact(party.controller))</td><td>\(contact(party.dpo))</td></tr>\n"
        }
        html +=
            "</table>\n\n<h2>\(t("Rechtsgrond", "Base légale"))</h2>\n<ul>\n"
            + d.legalBasis.map { "<li>\(e($0))</li>" }.joined(separator: "\n") + "\n</ul>\n"
        html +=
            "\n<h2>\(t("Doeleinden", "Finalités"))</h2>\n<ul>\n"
            + d.purposes.map { "<li><code>\(e($0.code))</code>: \(e($0.description))</li>" }.joined(separator: "\n") + "\n</ul>\n"
        html += "\n<h2>\(t("Betrokkenen", "Personnes concernées"))</h2>\n<p>\(e(d.dataSubjects))</p>\n"
        html +=
            "\n<h2>\(t("Meegedeelde gegevens", "Données communiquées"))</h2>\n<p>"
            + t(
                "Enkel deze gegevens worden meegedeeld; andere gegevens nooit. Waar het register niets weet, is "
                    + "de waarde leeg (null): voor een persoon zonder dossier (status unknown) geldt dat voor alle "
                    + "gegevens behalve het rijksregisternummer en de status.",
                "Seules ces données sont communiquées, jamais d'autres. Là où le registre ne sait rien, la "
                    + "valeur est vide (null) : pour une personne sans dossier (statut unknown), c'est le cas de "
                    + "toutes les données sauf le numéro de registre national et le statut.") + "</p>\n<ul>\n"
            + d.fields.map { field in
                let note = d.fieldNotes?[field.rawValue].map { "<br><small>\(e($0))</small>" } ?? ""
                return "<li><code>\(field.rawValue)</code>: \(e(field.label[language]))\(note)</li>"
            }.joined(separator: "\n") + "\n</ul>\n"
        if d.fields.contains(.status) {
            html += "\n<h3>\(t("Mogelijke waarden van de inburgeringsstatus", "Valeurs possibles du statut d'intégration civique"))</h3>\n"
            html +=
                """
                <table>\n<tr><th>\(t("Code", "Code"))</th><th>\(t("Nederlands", "Néerlandais"))</th><th>\(t("Frans", "Français"))</th>\
                </tr>\n
                """
            for code in StatusCode.allCases {
                html += "<tr><td><code>\(code.rawValue)</code></td><td>\(e(code.term.nl))</td><td>\(e(code.term.fr))</td></tr>\n"
            }
            html += "</table>\n"
        }
        html +=
            "\n<h2>\(t("Wijze van mededeling en periodiciteit", "Mode de communication et périodicité"))</h2>\n<ul>\n"
            + d.channels.map { channel in
                let name =
                    switch channel.channel {
                    case .lookup: t("opvraging per persoon", "consultation par personne")
                    case .follow: t("volglijst met wijzigingsberichten", "liste de suivi avec messages de modification")
                    case .batch: t("periodiek bestand", "fichier périodique")
                    // Never in a protocol (the reader refuses them); named for completeness.
                    case .register, .citizen, .administration, .console: channel.channel.rawValue
                    }
                let days =
                    channel.maxFollowDays.map {
                        t(
                            "; een persoon blijft ten hoogste \($0) dagen op de volglijst",
                            " ; une personne reste au plus \($0) jours sur la liste de suivi")
                    } ?? ""
                return "<li>\(name): \(e(channel.periodicity))\(days)</li>"
            }.joined(separator: "\n") + "\n</ul>\n"
        html +=
            """
            \n<h2>\(t("Bewaartermijnen", "Délais de conservation"))</h2>\n<ul>\n<li>\(t("bij de ontvanger", "chez le destinataire")): \
            \(e(d.retention.recipient))</li>\n<li>\(t("toegangslog bij de verstrekker", "journal des accès chez le fournisseur")): \
            \(e(d.retention.accessLog))</li>\n</ul>\n
            """
        html +=
            "\n<h2>\(t("Beveiligingsmaatregelen", "Mesures de sécurité"))</h2>\n<ul>\n"
            + d.securityMeasures.map { "<li>\(e($0))</li>" }.joined(separator: "\n") + "\n</ul>\n"
        html += "\n<h2>\(t("Rechten van de betrokkenen", "Droits des personnes concernées"))</h2>\n<p>\(e(d.dataSubjectRights))</p>\n"
        html +=
            """
            \n<h2>\(t("Verbod op verdere verwerking", "Interdiction de traitement ultérieur"))</h2>\n<p>\
            \(e(d.prohibitedFurtherProcessing))</p>\n
            """
        if let sanctions = d.sanctions { html += "\n<h2>\(t("Sancties", "Sanctions"))</h2>\n<p>\(e(sanctions))</p>\n" }
        html +=
            "\n<h2>"
            + t("Adviezen van de functionarissen voor gegevensbescherming", "Avis des délégués à la protection des données")
            + "</h2>\n"
        // Only advice the DPO signed with their own registered key is shown (the register refuses
        // any other since advice is signed; older unsigned records are left out).
        let signedAdvices = record.advices.filter { $0.signature != nil && $0.keyFingerprint != nil }
        if signedAdvices.isEmpty {
            html += "<p>\(t("Nog geen adviezen.", "Pas encore d'avis."))</p>\n"
        }
        for advice in signedAdvices {
            let party = d.parties.first { $0.id == advice.party }?.name ?? advice.party
            html +=
                """
                <h3>\(e(party))</h3>\n<p>\(e(opinionLabel(advice.opinion, language))), \(date(advice.date, language)), \
                \(e(advice.author))</p>\n<blockquote>\(e(advice.text))</blockquote>\n
                """
            html +=
                """
                <p>\(t("Ondertekend door de functionaris met de sleutel", "Signé par le délégué avec la clé")) \
                <code>\(advice.keyFingerprint ?? "")</code></p>\n
                """
        }
        html +=
            "\n<h2>\(t("Ondertekening", "Signature"))</h2>\n<p>"
            + t(
                "Elke verwerkingsverantwoordelijke ondertekent met Ed25519 de SHA-256-hash van de canonieke vorm van deze versie:",
                "Chaque responsable du traitement signe avec Ed25519 le hachage SHA-256 de la forme canonique de cette version :")
            + " <code>\(d.digestHex)</code>.</p>\n"
        html +=
            """
            <table>\n<tr><th>\(t("Partij", "Partie"))</th><th>\
            \(t("Vingerafdruk van de sleutel (SHA-256)", "Empreinte de la clé (SHA-256)"))</th><th>\(t("Ondertekend op", "Signé le"))<\
            /th></tr>\n
            """
        for signature in record.signatures {
            let party = d.parties.first { $0.id == signature.party }?.name ?? signature.party
            html +=
                """
                <tr><td>\(e(party))</td><td><code>\(signature.keyFingerprint)</code></td><td>\(e(signature.signedAt.description))</td>\
                </tr>\n
                """
        }
        html += "</table>\n</body>\n</html>\n"
        return html
    }

    static func contact(_ contact: ProtocolDocument.Party.Contact) -> String {
        var text = "\(e(contact.name))<br><a href=\"mailto:\(e(contact.email))\">\(e(contact.email))</a>"
        if let phone = contact.phone { text += "<br>\(e(phone))" }
        return text
    }

    static func stateLabel(_ state: ProtocolState, _ language: Language = .nl) -> String { state.label[language] }

    static func opinionLabel(_ opinion: DPOAdvice.Opinion, _ language: Language = .nl) -> String { opinion.label[language] }

    static func dutchDate(_ date: LocalDate) -> String {
        Language.nl.date(date)
    }

    static func date(_ date: LocalDate, _ language: Language) -> String {
        language.date(date)
    }

    /// Escapes text for HTML.
    static func e(_ text: String) -> String { HTML.escape(text) }
}
