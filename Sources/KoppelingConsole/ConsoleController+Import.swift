import Foundation
import Hummingbird
import KoppelingCore
import KoppelingKBI
import KoppelingStore
import MultipartKit

/// KBI-import: a case officer uploads one or more MAGDA `GeefDossierKBI` answers; each file is
/// imported on its own, all or nothing, and the report says per file what was stored (events per
/// type), what could not be mapped, the warnings, or why the file was refused. The history lists
/// the latest imported files with who imported them. Persons are shown masked.
extension ConsoleController {
    func addImportRoutes(to group: RouterGroup<Context>) {
        group.get("kbi-import", use: importForm)
        group.post("kbi-import", use: importFiles)
    }

    /// The most files and bytes one upload may carry.
    static var importFileLimit: Int { 50 }
    static var importByteLimit: Int { 32 * 1024 * 1024 }

    @Sendable func importForm(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .kbiImport)
        return try await importPage(user, session, reports: nil)
    }

    func importPage(
        _ user: ConsoleUser, _ session: ConsoleSession, reports: [[String: Any]]?, error: String? = nil
    ) async throws -> Response {
        var values = signedInValues(user, session, title: "KBI-import")
        values["verslagen"] = reports as Any
        values["fout"] = error as Any
        let files = try await access.register.store.recentImports(files: 25, scanning: 2_000)
        values["geschiedenis"] = files.map { file -> [String: Any] in
            [
                "wanneer": access.dutch(file.at), "wie": file.recordedBy, "gebeurtenissen": DutchFormat.number(file.events),
                "personen": DutchFormat.number(file.persons.count), "vingerafdruk": String(file.digest.prefix(16)),
            ]
        }
        values["geengeschiedenis"] = files.isEmpty
        return page("kbiimport", values, status: error == nil ? .ok : .unprocessableContent)
    }

    /// One part of the upload: a form field or a file.
    struct UploadPart {
        var name = ""
        var fileName: String?
        var body = ByteBuffer()
    }

    /// The parts of a multipart/form-data body, or nil when it is not one.
    static func parts(of body: ByteBuffer, contentType: String?) -> [UploadPart]? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundary = contentType.split(separator: ";").lazy.map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })
                .map({ String($0.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) })
        else { return nil }
        var parts: [UploadPart] = []
        var current = UploadPart()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { field, value in
            guard field.lowercased() == "content-disposition" else { return }
            for parameter in value.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                let text = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                if pair[0] == "name" { current.name = text }
                if pair[0] == "filename" { current.fileName = text }
            }
        }
        parser.onBody = { chunk in current.body.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append(current)
            current = UploadPart()
        }
        do {
            try parser.execute(body)
        } catch {
            return nil
        }
        return parts
    }

    @Sendable func importFiles(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .kbiImport)
        let body = try await request.body.collect(upTo: Self.importByteLimit)
        guard let parts = Self.parts(of: body, contentType: request.headers[.contentType]),
            tokensEqual(parts.first { $0.name == "csrf" }.map { String(buffer: $0.body) }, session.csrfToken)
        else { return expiredForm() }
        let files = parts.filter { $0.name == "bestanden" && $0.fileName.map { !$0.isEmpty } == true }
        guard !files.isEmpty else { return try await importPage(user, session, reports: nil, error: "Kies een of meer bestanden.") }
        guard files.count <= Self.importFileLimit else {
            return try await importPage(
                user, session, reports: nil, error: "Kies hoogstens \(Self.importFileLimit) bestanden tegelijk; er is niets ingelezen.")
        }
        var reports: [[String: Any]] = []
        for file in files {
            let name = file.fileName ?? "?"
            do {
                let report = try await access.register.importKBI(
                    Data(file.body.readableBytesView), by: WriteProvenance(recordedBy: "console:\(user.name)"))
                reports.append([
                    "bestand": name, "persoon": report.insz.masked, "versie": report.version,
                    "indossier": DutchFormat.number(report.eventsInDossier), "nieuw": DutchFormat.number(report.summary.stored),
                    "alaanwezig": DutchFormat.number(report.summary.alreadyPresent),
                    "persoort": report.eventsPerType.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                        ["soort": Self.eventName($0.key), "aantal": DutchFormat.number($0.value)]
                    },
                    "nietgekoppeld": report.unmapped.map { ["pad": $0.path, "waarde": $0.value, "uitleg": $0.note] },
                    "waarschuwingen": report.warnings.map { ["pad": $0.path, "regel": $0.line, "tekst": $0.message] },
                    "genegeerd": report.ignoredSections.joined(separator: ", "),
                    "heeftnietgekoppeld": !report.unmapped.isEmpty, "heeftwaarschuwingen": !report.warnings.isEmpty,
                ])
            } catch let error as KBIImportError {
                reports.append(["bestand": name, "geweigerd": Self.refusal(error)])
            }
        }
        return try await importPage(user, session, reports: reports)
    }

    /// Why a file was refused, in Dutch, with MAGDA's or the parser's words after it.
    static func refusal(_ error: KBIImportError) -> String {
        let reason: String
        switch error {
        case .malformedXML: reason = "Het bestand is geen leesbare XML."
        case .magdaException(let code, _):
            reason =
                code == "30001" ? "MAGDA kent geen dossier voor deze persoon." : "MAGDA antwoordde met een fout in plaats van een dossier."
        case .notADossier: reason = "Het bestand is geen GeefDossierKBI-antwoord."
        case .invalidNationalNumber: reason = "Het rijksregisternummer in het antwoord is niet geldig."
        case .invalidValue: reason = "Een waarde in het antwoord is niet geldig."
        }
        return "\(reason) Er is niets van dit bestand opgeslagen. (\(error.description))"
    }
}
