import Crypto
import Foundation
import Hummingbird
import KoppelingCore
import KoppelingStore

/// Beheer, for administrators: the clients (register, disable, enable, rotate the assertion key),
/// the webhooks and their delivery state, the console's users and their roles (add with a
/// one-time enrolment link, disable, reset), and the readiness of every dependency. Every change
/// names `console:USER` and the reason in the client's or user's history.
extension ConsoleController {
    func addAdministrationRoutes(to group: RouterGroup<Context>) {
        group.get("beheer", use: administration)
        group.post("beheer/client", use: registerClient)
        group.post("beheer/client/wijzigen", use: changeClient)
        group.post("beheer/gebruiker", use: addUser)
        group.post("beheer/gebruiker/wijzigen", use: changeUser)
    }

    @Sendable func administration(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request, screen: .administration)
        return try await administrationPage(user, session)
    }

    func administrationPage(
        _ user: ConsoleUser, _ session: ConsoleSession, error: String? = nil, notice: String? = nil, link: String? = nil
    ) async throws -> Response {
        var values = signedInValues(user, session, title: "Beheer")
        let clients = try await access.exchange.store.clients().sorted { $0.id < $1.id }
        values["clients"] = clients.map { client -> [String: Any] in
            [
                "id": client.id, "partij": client.party, "naam": client.name, "rol": client.role.rawValue,
                "status": client.disabledAt.map { "uitgeschakeld sinds \(access.dutch($0))" } ?? "actief",
                "actief": client.disabledAt == nil,
                "sleutel": client.assertionKey.flatMap { Data(base64Encoded: $0) }.map {
                    String(SHA256.hash(data: $0).lowercaseHex.prefix(16))
                }
                    ?? "–",
                "certificaat": client.certificateFingerprint.map { String($0.prefix(16)) } ?? "–",
                "tempo": DutchFormat.number(client.ratePerMinute), "bronnen": client.sources?.joined(separator: ", ") ?? "–",
            ]
        }
        values["rollen"] = ClientRole.allCases.map { ["code": $0.rawValue] }
        values["webhooks"] = try await access.webhooks.webhooks().sorted { $0.clientId < $1.clientId }.map { endpoint -> [String: Any] in
            [
                "client": endpoint.clientId, "adres": endpoint.url, "afgeleverd": DutchFormat.number(endpoint.deliveredSequence),
                "pogingen": DutchFormat.number(endpoint.attempts),
                "toestand": endpoint.disabled
                    ? "uitgeschakeld"
                    : endpoint.failingSince.map { "faalt sinds \(access.dutch($0))" } ?? "in orde",
                "fout": endpoint.lastError ?? "",
            ]
        }
        values["gebruikers"] = try await authenticator.store.consoleUsers().map { person -> [String: Any] in
            [
                "naam": person.name, "rollen": person.roles.map(\.rawValue).joined(separator: ", "),
                "status": Self.stateName(person.state), "actief": person.state != .disabled, "zelf": person.name == user.name,
            ]
        }
        values["gebruikersrollen"] = ConsoleUser.Role.allCases.map { ["code": $0.rawValue, "naam": Self.roleName($0)] }
        values["gereedheid"] = await ReadinessCheck.run(log: access.log, protocols: access.exchange.protocols).map {
            ["naam": $0.nameNL, "ok": $0.ok, "uitleg": $0.detailNL, "toestand": $0.ok ? "in orde" : "NIET IN ORDE"]
        }
        values["fout"] = error as Any
        values["melding"] = notice as Any
        values["koppeling"] = link as Any
        return page("beheer", values, status: error == nil ? .ok : .unprocessableContent)
    }

    static func stateName(_ state: ConsoleUser.State) -> String {
        switch state {
        case .enrolling: "wacht op inschrijving"
        case .active: "actief"
        case .disabled: "uitgeschakeld"
        }
    }

    struct AdministrationForm: Decodable {
        var csrf: String?
        var id: String?
        var partij: String?
        var naam: String?
        var rol: String?
        var sleutel: String?
        var tempo: String?
        var bronnen: String?
        var actie: String?
        var reden: String?
        var rollen: [String]?
    }

    /// An administration form of a signed-in administrator with its CSRF token.
    func administrationForm(_ request: Request) async throws -> (ConsoleUser, ConsoleSession, AdministrationForm) {
        let (user, session) = try await signedIn(request, screen: .administration)
        guard let form = try await decode(AdministrationForm.self, request), tokensEqual(form.csrf, session.csrfToken) else {
            throw PageInstead(response: expiredForm())
        }
        return (user, session, form)
    }

    @Sendable func registerClient(_ request: Request, context: Context) async throws -> Response {
        let (user, session, form) = try await administrationForm(request)
        func again(_ error: String) async throws -> Response { try await administrationPage(user, session, error: error) }
        guard let role = form.rol.flatMap(ClientRole.init(rawValue:)) else { return try await again("Kies de rol van de client.") }
        var key: String?
        if let text = form.sleutel?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let raw = Data(base64Encoded: text), (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil else {
                return try await again(
                    "De publieke sleutel moet een Ed25519-sleutel in base64 zijn (32 bytes), zoals koppeling keys generate ze schrijft.")
            }
            key = text
        }
        guard let rate = Int(form.tempo ?? "600"), (1...1_000_000).contains(rate) else {
            return try await again("Het aantal opvragingen per minuut moet tussen 1 en 1.000.000 liggen.")
        }
        let client: RegisteredClient
        switch Self.newClient(form, role: role, key: key, rate: rate) {
        case .success(let made): client = made
        case .failure(let error): return try await again("De client kan zo niet worden geregistreerd: \(error.dutch).")
        }
        guard try await access.exchange.store.client(id: client.id) == nil else {
            return try await again("Er is al een client \(client.id).")
        }
        try await access.exchange.store.registerClient(client)
        return try await administrationPage(user, session, notice: "Client \(client.id) is geregistreerd.")
    }

    /// The client a registration form describes, by the rules every tool registers with
    /// (`RegisteredClient.registering`).
    static func newClient(
        _ form: AdministrationForm, role: ClientRole, key: String?, rate: Int
    ) -> Result<RegisteredClient, ClientRegistrationError> {
        Result { () throws(ClientRegistrationError) -> RegisteredClient in
            let text = (form.bronnen ?? "").trimmingCharacters(in: .whitespaces)
            return try RegisteredClient.registering(
                id: nil, party: (form.partij ?? "").trimmingCharacters(in: .whitespaces),
                name: (form.naam ?? "").trimmingCharacters(in: .whitespaces), role: role, assertionKey: key, certificateFingerprint: nil,
                ratePerMinute: rate, sources: text.isEmpty ? nil : try RegisteredClient.sources(text))
        }
    }

    @Sendable func changeClient(_ request: Request, context: Context) async throws -> Response {
        let (user, session, form) = try await administrationForm(request)
        func again(_ error: String) async throws -> Response { try await administrationPage(user, session, error: error) }
        guard let id = form.id, let client = try await access.exchange.store.client(id: id) else {
            return try await again("Deze client bestaat niet.")
        }
        let reason = (form.reden ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else { return try await again("Geef de reden van de wijziging (1 tot 500 tekens).") }
        let change: ClientAdministration
        switch form.actie {
        case "uitschakelen": change = .disable
        case "inschakelen": change = .enable
        case "sleutel":
            guard let text = form.sleutel?.trimmingCharacters(in: .whitespaces), let raw = Data(base64Encoded: text),
                (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil
            else { return try await again("De nieuwe publieke sleutel moet een Ed25519-sleutel in base64 zijn (32 bytes).") }
            change = .rotateKey(text)
        default: return try await again("Kies wat er met de client moet gebeuren.")
        }
        let changed = client.applying(change, at: authenticator.clock(), by: "console:\(user.name)", reason: reason)
        try await access.exchange.store.updateClient(changed)
        return try await administrationPage(user, session, notice: "Client \(id): \(change.name) uitgevoerd.")
    }

    @Sendable func addUser(_ request: Request, context: Context) async throws -> Response {
        let (user, session, form) = try await administrationForm(request)
        let roles = (form.rollen ?? []).compactMap(ConsoleUser.Role.init(rawValue:))
        let users = ConsoleUserAdministration(store: authenticator.store, clock: authenticator.clock)
        do {
            let enrolment = try await users.add(name: (form.naam ?? "").trimmingCharacters(in: .whitespaces), roles: roles)
            return try await administrationPage(
                user, session,
                notice: "Gebruiker \(enrolment.user.name) is toegevoegd. Geef deze koppeling (eenmalig, 72 uur geldig) veilig door:",
                link: "/console/inschrijven?token=\(enrolment.token)")
        } catch let refusal as ConsoleUser.Refusal {
            return try await administrationPage(user, session, error: "De gebruiker kan zo niet worden toegevoegd: \(refusal.dutch).")
        } catch let error as ConsoleStoreError {
            return try await administrationPage(user, session, error: "De gebruiker kan niet worden toegevoegd: \(error.dutch).")
        }
    }

    @Sendable func changeUser(_ request: Request, context: Context) async throws -> Response {
        let (user, session, form) = try await administrationForm(request)
        let name = form.naam ?? ""
        let reason = (form.reden ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else {
            return try await administrationPage(user, session, error: "Geef de reden van de wijziging (1 tot 500 tekens).")
        }
        guard name != user.name else {
            return try await administrationPage(user, session, error: "U kunt uw eigen account hier niet uitschakelen of herstellen.")
        }
        let users = ConsoleUserAdministration(store: authenticator.store, clock: authenticator.clock)
        do {
            switch form.actie {
            case "uitschakelen":
                _ = try await users.disable(name: name, by: "console:\(user.name)", reason: reason)
                return try await administrationPage(
                    user, session, notice: "Gebruiker \(name) is uitgeschakeld; zijn sessies zijn beëindigd.")
            case "herstellen":
                let enrolment = try await users.reset(name: name, by: "console:\(user.name)", reason: reason)
                return try await administrationPage(
                    user, session,
                    notice: "Gebruiker \(name) moet opnieuw inschrijven. Geef deze koppeling (eenmalig, 72 uur geldig) veilig door:",
                    link: "/console/inschrijven?token=\(enrolment.token)")
            default:
                return try await administrationPage(user, session, error: "Kies wat er met de gebruiker moet gebeuren.")
            }
        } catch let error as ConsoleStoreError {
            return try await administrationPage(user, session, error: "Dat kan niet: \(error.dutch).")
        }
    }
}
