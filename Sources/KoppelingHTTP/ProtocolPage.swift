public import KoppelingCore

/// The publication page of a protocol version: a readable HTML page in Dutch, fit to put on the
/// parties' websites, with the whole protocol, the DPO advices and the signature fingerprints.
public enum ProtocolPage {
    /// Renders the page.
    public static func render(_ record: ProtocolRecord) -> String {
        let d = record.document
        var html = """
            <!DOCTYPE html>
            <html lang="nl">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(d.title)) (protocol \(e(d.id)), versie \(d.version))</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
            table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #eee; }
            code { font-size: .85rem; word-break: break-all; } .status { font-weight: bold; }
            </style>
            </head>
            <body>
            <h1>\(e(d.title))</h1>
            <p>Protocol <code>\(e(d.id))</code>, versie \(d.version). Status: <span class="status">\(e(stateLabel(record.state)))</span>\(record.publishedOn.map { ", bekendgemaakt op \(dutchDate($0))" } ?? "").
            Geldig van \(dutchDate(d.validFrom)) tot en met \(dutchDate(d.validUntil)).</p>
            <p>Dit protocol regelt de systematische elektronische mededeling van persoonsgegevens (artikel 8 van het decreet van 18 juli 2008 betreffende het elektronische bestuurlijke gegevensverkeer; artikel 20 van de wet van 30 juli 2018).</p>

            <h2>Partijen</h2>
            <table>
            <tr><th>Rol</th><th>Organisatie</th><th>Ondernemingsnummer</th><th>Verwerkingsverantwoordelijke</th><th>Functionaris voor gegevensbescherming</th></tr>

            """
        for party in d.parties {
            html += "<tr><td>\(party.role == .provider ? "verstrekker" : "ontvanger")</td><td>\(e(party.name))</td><td>\(e(party.enterpriseNumber))</td>"
                + "<td>\(contact(party.controller))</td><td>\(contact(party.dpo))</td></tr>\n"
        }
        html += "</table>\n\n<h2>Rechtsgrond</h2>\n<ul>\n" + d.legalBasis.map { "<li>\(e($0))</li>" }.joined(separator: "\n") + "\n</ul>\n"
        html += "\n<h2>Doeleinden</h2>\n<ul>\n" + d.purposes.map { "<li><code>\(e($0.code))</code>: \(e($0.description))</li>" }.joined(separator: "\n") + "\n</ul>\n"
        html += "\n<h2>Betrokkenen</h2>\n<p>\(e(d.dataSubjects))</p>\n"
        html += "\n<h2>Meegedeelde gegevens</h2>\n<p>Enkel deze gegevens worden meegedeeld; andere gegevens nooit.</p>\n<ul>\n"
            + d.fields.map { "<li><code>\($0.rawValue)</code>: \(e($0.dutchLabel))</li>" }.joined(separator: "\n") + "\n</ul>\n"
        html += "\n<h2>Wijze van mededeling en periodiciteit</h2>\n<ul>\n" + d.channels.map { channel in
            let name = switch channel.channel {
            case .lookup: "opvraging per persoon"
            case .follow: "volglijst met wijzigingsberichten"
            case .batch: "periodiek bestand"
            }
            let days = channel.maxFollowDays.map { "; een persoon blijft ten hoogste \($0) dagen op de volglijst" } ?? ""
            return "<li>\(name): \(e(channel.periodicity))\(days)</li>"
        }.joined(separator: "\n") + "\n</ul>\n"
        html += "\n<h2>Bewaartermijnen</h2>\n<ul>\n<li>bij de ontvanger: \(e(d.retention.recipient))</li>\n<li>toegangslog bij de verstrekker: \(e(d.retention.accessLog))</li>\n</ul>\n"
        html += "\n<h2>Beveiligingsmaatregelen</h2>\n<ul>\n" + d.securityMeasures.map { "<li>\(e($0))</li>" }.joined(separator: "\n") + "\n</ul>\n"
        html += "\n<h2>Rechten van de betrokkenen</h2>\n<p>\(e(d.dataSubjectRights))</p>\n"
        html += "\n<h2>Verbod op verdere verwerking</h2>\n<p>\(e(d.prohibitedFurtherProcessing))</p>\n"
        if let sanctions = d.sanctions { html += "\n<h2>Sancties</h2>\n<p>\(e(sanctions))</p>\n" }
        html += "\n<h2>Adviezen van de functionarissen voor gegevensbescherming</h2>\n"
        if record.advices.isEmpty {
            html += "<p>Nog geen adviezen.</p>\n"
        }
        for advice in record.advices {
            let party = d.parties.first { $0.id == advice.party }?.name ?? advice.party
            html += "<h3>\(e(party))</h3>\n<p>\(e(opinionLabel(advice.opinion))), \(dutchDate(advice.date)), \(e(advice.author))</p>\n<blockquote>\(e(advice.text))</blockquote>\n"
        }
        html += "\n<h2>Ondertekening</h2>\n<p>Elke verwerkingsverantwoordelijke ondertekent met Ed25519 de SHA-256-hash van de canonieke vorm van deze versie: <code>\(d.digestHex)</code>.</p>\n"
        html += "<table>\n<tr><th>Partij</th><th>Vingerafdruk van de sleutel (SHA-256)</th><th>Ondertekend op</th></tr>\n"
        for signature in record.signatures {
            let party = d.parties.first { $0.id == signature.party }?.name ?? signature.party
            html += "<tr><td>\(e(party))</td><td><code>\(signature.keyFingerprint)</code></td><td>\(e(signature.signedAt.description))</td></tr>\n"
        }
        html += "</table>\n</body>\n</html>\n"
        return html
    }

    static func contact(_ contact: ProtocolDocument.Party.Contact) -> String {
        var text = "\(e(contact.name))<br><a href=\"mailto:\(e(contact.email))\">\(e(contact.email))</a>"
        if let phone = contact.phone { text += "<br>\(e(phone))" }
        return text
    }

    static func stateLabel(_ state: ProtocolState) -> String {
        switch state {
        case .draft: "ontwerp"
        case .inReview: "voor advies bij de functionarissen voor gegevensbescherming"
        case .advised: "geadviseerd"
        case .signed: "ondertekend"
        case .published: "bekendgemaakt"
        case .suspended: "geschorst"
        case .revoked: "herroepen"
        }
    }

    static func opinionLabel(_ opinion: DPOAdvice.Opinion) -> String {
        switch opinion {
        case .favourable: "gunstig advies"
        case .conditional: "gunstig advies onder voorwaarden"
        case .unfavourable: "ongunstig advies"
        }
    }

    static let months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]

    static func dutchDate(_ date: LocalDate) -> String {
        let (year, month, day) = date.components
        return "\(day) \(months[month - 1]) \(year)"
    }

    /// Escapes text for HTML.
    static func e(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }
}
