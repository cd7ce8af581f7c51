import Crypto
import HTTPTypes
public import Hummingbird
import KoppelingCore
import KoppelingStore
import Mustache

/// The console's sign-in pages, in Dutch: enrolment from an operator's link, sign-in with name,
/// password and TOTP code, the start page, sign-out. Every page is server-rendered HTML that works
/// without JavaScript, with a strict Content-Security-Policy (no script at all, styles from the
/// server only), `no-store`, `no-referrer`, `nosniff`, and no framing.
///
/// Forms before sign-in carry a form token that must equal the one in a `SameSite=Strict` cookie
/// (double submit); forms after it carry the session's CSRF token. The session cookie is
/// `HttpOnly; SameSite=Strict; Path=/console`, and `Secure` unless the server is plain HTTP on the
/// loopback.
public struct ConsoleController<Context: ConsoleRequestContext>: Sendable {
    let authenticator: ConsoleAuthenticator
    let access: ConsoleRegisterAccess
    /// Sign-in through the organisation's OpenID Connect provider, when one is set.
    let oidc: OIDCSignIn?
    let secureCookies: Bool
    let library: MustacheLibrary

    static var sessionCookie: String { "koppeling_sessie" }
    static var formCookie: String { "koppeling_formulier" }

    public init(authenticator: ConsoleAuthenticator, access: ConsoleRegisterAccess, oidc: OIDCSignIn? = nil, secureCookies: Bool) {
        self.authenticator = authenticator
        self.access = access
        self.oidc = oidc
        self.secureCookies = secureCookies
        self.library = ConsoleTemplates.parsed
    }

    /// Adds the pages to the `console` group.
    public func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: start)
        group.get("stijl.css") { _, _ in
            var response = Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: ConsoleTemplates.stylesheet)))
            response.headers[.cacheControl] = "max-age=3600"
            return response
        }
        group.get("aanmelden", use: signInForm)
        group.post("aanmelden", use: signIn)
        group.get("inschrijven", use: enrolForm)
        group.post("inschrijven", use: enrol)
        group.post("afmelden", use: signOut)
        group.post("overal-afmelden", use: signOutEverywhere)
        addPersonRoutes(to: group)
        addProtocolRoutes(to: group)
        addAuditRoutes(to: group)
        addEnforcementRoutes(to: group)
        addImportRoutes(to: group)
        addAdministrationRoutes(to: group)
        if oidc != nil {
            group.get("aanmelden/oidc", use: beginProviderSignIn)
            group.get("oidc/terug", use: finishProviderSignIn)
        }
    }

    /// The Dutch name of a role.
    static func roleName(_ role: ConsoleUser.Role) -> String {
        switch role {
        case .caseOfficer: "Dossierbehandelaar (register en dossiers)"
        case .enforcementOfficer: "Handhaver (werklijst van ABB)"
        case .dpo: "Functionaris voor gegevensbescherming (audit en adviezen)"
        case .protocolAdmin: "Protocolbeheerder"
        case .administrator: "Beheerder (gebruikers, clients, instellingen)"
        }
    }

    // MARK: - Pages

    @Sendable func start(_ request: Request, context: Context) async throws -> Response {
        let (user, session) = try await signedIn(request)
        var values = signedInValues(user, session, title: "Startpagina")
        values["rollen"] = user.roles.map(Self.roleName)
        return page("start", values)
    }

    /// A page that answers instead of the one asked for: the sign-in page for a request without a
    /// valid session, the page that says which role a screen needs.
    struct PageInstead: HTTPResponseError {
        let response: Response
        var status: HTTPResponse.Status { response.status }

        func response(from request: Request, context: some RequestContext) throws -> Response { response }
    }

    /// The user and session of a request, who may open `screen`; otherwise the page instead.
    func signedIn(_ request: Request, screen: ConsoleScreen? = nil) async throws -> (ConsoleUser, ConsoleSession) {
        guard let token = request.cookies[Self.sessionCookie]?.value, let (user, session) = try await authenticator.session(token: token)
        else { throw PageInstead(response: Self.redirect("/console/aanmelden")) }
        if let screen, !user.may(open: screen) {
            var values = signedInValues(user, session, title: "Geen toegang")
            let roles = screen.roles.sorted().map { Self.roleName($0).lowercased() }.joined(separator: " of ")
            values["uitleg"] =
                """
                Het scherm \u{201C}\(screen.title)\u{201D} is er voor wie een van deze rollen heeft: \(roles). U hebt er geen van. \
                Hebt u dit scherm nodig voor uw werk, vraag de rol dan aan de beheerder.
                """
            throw PageInstead(response: page("geentoegang", values, status: .forbidden))
        }
        return (user, session)
    }

    /// What every page after sign-in shows: the user, the menu of the screens the user may open,
    /// the session's CSRF token for its forms.
    func signedInValues(_ user: ConsoleUser, _ session: ConsoleSession, title: String) -> [String: Any] {
        [
            "titel": title, "gebruiker": ["naam": user.name], "csrf": session.csrfToken,
            "menu": user.screens.map { ["titel": $0.title, "adres": $0.path] }, "heeftMenu": !user.screens.isEmpty,
        ]
    }

    @Sendable func signInForm(_ request: Request, context: Context) async throws -> Response {
        let melding = request.uri.queryParameters["ingeschreven"] != nil ? "U bent ingeschreven. Meld u nu aan." : nil
        return formPage("aanmelden", ["titel": "Aanmelden", "melding": melding as Any, "organisatie": oidc != nil])
    }

    struct SignInForm: Decodable {
        var formulier: String?
        var naam: String?
        var wachtwoord: String?
        var code: String?
    }

    @Sendable func signIn(_ request: Request, context: Context) async throws -> Response {
        guard let form = try await decode(SignInForm.self, request), formTokenMatches(form.formulier, request) else {
            return expiredForm()
        }
        do {
            let (token, _) = try await authenticator.signIn(name: form.naam ?? "", password: form.wachtwoord ?? "", code: form.code ?? "")
            var response = Self.redirect("/console")
            response.setCookie(cookie(Self.sessionCookie, token))
            response.setCookie(cookie(Self.formCookie, "", maxAge: 0))
            return response
        } catch is ConsoleAuthenticator.Refusal {
            return formPage(
                "aanmelden",
                [
                    "titel": "Aanmelden", "naam": form.naam ?? "", "organisatie": oidc != nil,
                    "fout":
                        """
                    De gebruikersnaam, het wachtwoord of de code klopt niet. Probeer het opnieuw met een nieuwe code. Na vijf \
                    mislukte pogingen na elkaar kunt u zich een kwartier niet aanmelden; lukt het daarna nog niet, vraag de \
                    beheerder om een nieuwe inschrijvingskoppeling.
                    """,
                ], status: .unauthorized)
        }
    }

    @Sendable func enrolForm(_ request: Request, context: Context) async throws -> Response {
        guard let token = request.uri.queryParameters["token"].map(String.init), let user = try await authenticator.enrolling(token: token)
        else { return linkNotValid() }
        let secret = ConsoleAuthenticator.newTOTPSecret()
        return formPage("inschrijven", enrolValues(user: user.name, token: token, secret: secret))
    }

    func enrolValues(user: String, token: String, secret: String, error: String? = nil) -> [String: Any] {
        [
            "titel": "Inschrijven", "naam": user, "token": token, "sleutel": secret,
            "appsleutel": ConsoleAuthenticator.appKey(secret: secret),
            "adres": ConsoleAuthenticator.authenticatorURL(secret: secret, user: user), "fout": error as Any,
        ]
    }

    struct EnrolForm: Decodable {
        var formulier: String?
        var token: String?
        var sleutel: String?
        var wachtwoord: String?
        var herhaling: String?
        var code: String?
    }

    @Sendable func enrol(_ request: Request, context: Context) async throws -> Response {
        guard let form = try await decode(EnrolForm.self, request), formTokenMatches(form.formulier, request) else {
            return expiredForm()
        }
        guard let token = form.token, let user = try await authenticator.enrolling(token: token) else { return linkNotValid() }
        let secret = form.sleutel ?? ""
        func again(_ error: String) -> Response {
            formPage("inschrijven", enrolValues(user: user.name, token: token, secret: secret, error: error), status: .unprocessableContent)
        }
        guard form.wachtwoord == form.herhaling else { return again("De twee wachtwoorden verschillen. Vul ze opnieuw in.") }
        do {
            _ = try await authenticator.enrol(token: token, password: form.wachtwoord ?? "", totpSecret: secret, code: form.code ?? "")
        } catch let refusal as ConsoleAuthenticator.Refusal {
            switch refusal {
            case .passwordNotAllowed:
                return again("Het wachtwoord moet 12 tot 72 tekens lang zijn en meer dan spaties bevatten.")
            case .codeNotValid:
                return again("De code klopt niet. Controleer de sleutel in uw app en vul de code in die de app nu toont.")
            case .enrolmentLinkNotValid, .signInRefused:
                return linkNotValid()
            }
        }
        return Self.redirect("/console/aanmelden?ingeschreven=1")
    }

    struct SignOutForm: Decodable {
        var csrf: String?
    }

    @Sendable func signOut(_ request: Request, context: Context) async throws -> Response {
        try await signingOut(request) { token, _ in try await authenticator.signOut(token: token) }
    }

    /// Ends every session of the user, on every device (a lost laptop, a shared computer).
    @Sendable func signOutEverywhere(_ request: Request, context: Context) async throws -> Response {
        try await signingOut(request) { _, user in try await authenticator.signOutEverywhere(user: user.name) }
    }

    /// A sign-out form: with the session's CSRF token, `end` runs and the cookie is cleared.
    func signingOut(_ request: Request, end: (String, ConsoleUser) async throws -> Void) async throws -> Response {
        let (user, session) = try await signedIn(request)
        let token = request.cookies[Self.sessionCookie]?.value ?? ""
        guard let form = try await decode(SignOutForm.self, request), tokensEqual(form.csrf, session.csrfToken) else {
            return expiredForm()
        }
        try await end(token, user)
        var response = Self.redirect("/console/aanmelden")
        response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
        return response
    }

    // MARK: - Helpers

    func linkNotValid() -> Response {
        page(
            "bericht",
            [
                "titel": "Inschrijving niet mogelijk",
                "uitleg":
                    """
                Deze inschrijvingskoppeling werkt niet (meer): ze is al gebruikt, verlopen of onvolledig. Vraag de beheerder \
                om een nieuwe.
                """,
            ], status: .notFound)
    }

    /// A form without its token, or with another one: refused, nothing done.
    func expiredForm() -> Response {
        page(
            "bericht",
            [
                "titel": "Formulier verlopen",
                "uitleg":
                    """
                Dit formulier kon niet worden verwerkt: het was verlopen of kwam niet van deze pagina. Er is niets gewijzigd. \
                Open de pagina opnieuw en probeer het nog eens.
                """,
            ], status: .forbidden)
    }

    /// A page with a new form token, in the page and in its cookie.
    func formPage(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let formToken = ConsoleUserAdministration.newToken()
        var values = values
        values["formulier"] = formToken
        var response = page(template, values, status: status)
        response.setCookie(cookie(Self.formCookie, formToken, maxAge: 3600))
        return response
    }

    func page(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(Self.withoutAbsent(values), withTemplate: template) ?? ""
        var response = Response(status: status, headers: Self.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.contentType] = "text/html; charset=utf-8"
        return response
    }

    /// The values without the optionals that hold nothing, at any depth: Mustache would render
    /// an absent value put in `Any` as the text `nil` instead of leaving its section out.
    static func withoutAbsent(_ values: [String: Any]) -> [String: Any] {
        values.compactMapValues(present)
    }

    static func present(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return present(wrapped)
        }
        if let dictionary = value as? [String: Any] { return withoutAbsent(dictionary) }
        if let array = value as? [[String: Any]] { return array.map(withoutAbsent) }
        return value
    }

    /// The headers of every page.
    static var pageHeaders: HTTPFields {
        [
            .contentSecurityPolicy:
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .xContentTypeOptions: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer", .cacheControl: "no-store",
            HTTPField.Name("X-Frame-Options")!: "DENY",
        ]
    }

    static func redirect(_ location: String) -> Response {
        var response = Response(status: .seeOther, headers: pageHeaders)
        response.headers[.location] = location
        return response
    }

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/console", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    func formTokenMatches(_ given: String?, _ request: Request) -> Bool {
        tokensEqual(given, request.cookies[Self.formCookie]?.value)
    }

    /// A URL-encoded form of at most `limit` bytes (16 KiB), or nil when the body is not one.
    func decode<T: Decodable>(_ type: T.Type, _ request: Request, upTo limit: Int = 16 * 1024) async throws -> T? {
        let body = try await request.body.collect(upTo: limit)
        return try? URLEncodedFormDecoder().decode(type, from: String(buffer: body))
    }
}
