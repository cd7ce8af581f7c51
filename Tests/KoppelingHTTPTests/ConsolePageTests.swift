import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KoppelingApp
import KoppelingCore
import KoppelingStore
import KoppelingStoreSQLite
import KoppelingTestSupport
import Testing

/// The console's sign-in pages over HTTP, in process: enrolment, sign-in, the start page and
/// sign-out, with their cookies, form tokens and headers. (The browser tests of issue 15 come
/// with the screens.)
@Suite(
    "Console pages: enrolment, sign-in, start page, sign-out",
    .enabled(
        if: TestEnvironment.pythonWithStdnum != nil || TestEnvironment.requireAll,
        "skipped: no .venv with pyotp; scripts/test creates it"))
struct ConsolePageTests {
    /// The value of a hidden field or element of a page.
    static func field(_ name: String, in html: String) throws -> String {
        let pattern = try Regex(#"name="\#(name)" value="([^"]*)""#)
        return try #require(html.firstMatch(of: pattern)?.output[1].substring.map(String.init), "no field \(name)")
    }

    /// A cookie's value from a response's Set-Cookie headers.
    static func cookie(_ name: String, in response: TestResponse) -> String? {
        response.headers[values: .setCookie].lazy.compactMap { header -> String? in
            guard header.hasPrefix(name + "=") else { return nil }
            return String(header.dropFirst(name.count + 1).prefix { $0 != ";" })
        }.first
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(
            string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&"))
    }

    static let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func headers(cookies: [String: String]) -> HTTPFields {
        var headers = formType
        headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        return headers
    }

    @Test(
        """
        a user enrols from the link, signs in with password and a current code, sees the start page with their roles, and signs \
        out; forms without their token are refused and change nothing; every page is no-store under a strict CSP
        """)
    func signInFlow() async throws {
        let store = try SQLiteRegisterStore()
        let services = try await KoppelingApp.services(store: store, configuration: .forTests, today: { LocalDate("2026-12-01")! })
        let enrolment = try await services.consoleUsers.add(name: "jan.peeters", roles: [.dpo, .caseOfficer])
        let router = KoppelingApp.buildRouter(services: services, today: { LocalDate("2026-12-01")! })
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/console", method: .get) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/console/aanmelden")
            }
            try await client.execute(uri: "/console/inschrijven?token=nope", method: .get) { response in
                #expect(response.status == .notFound && String(buffer: response.body).contains("Inschrijving niet mogelijk"))
            }
            // The enrolment page: the key for the app, a form token in the page and in a cookie.
            let (secret, formToken, formCookie) = try await client.execute(
                uri: "/console/inschrijven?token=\(enrolment.token)", method: .get
            ) { response in
                #expect(response.status == .ok)
                #expect(
                    response.headers[.contentSecurityPolicy]
                        == """
                        default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri \
                        'none'
                        """)
                #expect(response.headers[.cacheControl] == "no-store" && response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                let html = String(buffer: response.body)
                #expect(html.contains("<html lang=\"nl\">") && !html.contains("<script"))
                let setCookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("koppeling_formulier=") })
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/console"))
                return (
                    try Self.field("sleutel", in: html), try Self.field("formulier", in: html),
                    try #require(Self.cookie("koppeling_formulier", in: response))
                )
            }
            #expect(formToken == formCookie)
            let now = Instant.systemNow()
            let code = try ConsoleAuthenticatorTests.code(secret: secret, at: now)
            let enrolFields = [
                ("token", enrolment.token), ("sleutel", secret), ("wachtwoord", "correct horse battery"),
                ("herhaling", "correct horse battery"), ("code", code),
            ]
            // Without the form cookie: refused, nothing changed.
            try await client.execute(
                uri: "/console/inschrijven", method: .post, headers: Self.formType,
                body: Self.form([("formulier", formToken)] + enrolFields)
            ) { response in
                #expect(response.status == .forbidden && String(buffer: response.body).contains("Formulier verlopen"))
            }
            #expect(try await store.consoleUser(name: "jan.peeters")?.state == .enrolling)
            // Two passwords that differ: the page again, with what to do.
            try await client.execute(
                uri: "/console/inschrijven", method: .post, headers: Self.headers(cookies: ["koppeling_formulier": formCookie]),
                body: Self.form(
                    [
                        ("formulier", formToken), ("token", enrolment.token), ("sleutel", secret), ("wachtwoord", "correct horse battery"),
                        ("herhaling", "correct horse batterY"), ("code", code),
                    ])
            ) { response in
                #expect(
                    response.status == .unprocessableContent && String(buffer: response.body).contains("De twee wachtwoorden verschillen"))
            }
            try await client.execute(
                uri: "/console/inschrijven", method: .post, headers: Self.headers(cookies: ["koppeling_formulier": formCookie]),
                body: Self.form([("formulier", formToken)] + enrolFields)
            ) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/console/aanmelden?ingeschreven=1")
            }
            #expect(try await store.consoleUser(name: "jan.peeters")?.state == .active)

            // Sign-in: a wrong password is refused in Dutch; the right one with the next step's code
            // (the enrolment's code is spent) gives the session cookie.
            let (signInToken, signInCookie) = try await client.execute(uri: "/console/aanmelden?ingeschreven=1", method: .get) { response in
                #expect(String(buffer: response.body).contains("U bent ingeschreven"))
                return (
                    try Self.field("formulier", in: String(buffer: response.body)),
                    try #require(Self.cookie("koppeling_formulier", in: response))
                )
            }
            let next = try ConsoleAuthenticatorTests.code(
                secret: secret, at: Instant(microsecondsSinceEpoch: now.microsecondsSinceEpoch + 30_000_000))
            try await client.execute(
                uri: "/console/aanmelden", method: .post, headers: Self.headers(cookies: ["koppeling_formulier": signInCookie]),
                body: Self.form([("formulier", signInToken), ("naam", "jan.peeters"), ("wachtwoord", "wrong password!!"), ("code", next)])
            ) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("De gebruikersnaam, het wachtwoord of de code klopt niet."))
                #expect(Self.cookie("koppeling_sessie", in: response) == nil)
            }
            let session = try await client.execute(
                uri: "/console/aanmelden", method: .post, headers: Self.headers(cookies: ["koppeling_formulier": signInCookie]),
                body: Self.form([
                    ("formulier", signInToken), ("naam", "jan.peeters"), ("wachtwoord", "correct horse battery"), ("code", next),
                ])
            ) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/console")
                let setCookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("koppeling_sessie=") })
                #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/console"))
                #expect(!setCookie.contains("Secure"), "plain HTTP on the loopback: a browser would not send a Secure cookie back")
                return try #require(Self.cookie("koppeling_sessie", in: response))
            }
            // The register keeps only the session token's digest.
            #expect(try await store.consoleSession(digest: session) == nil)
            #expect(try await store.consoleSession(digest: ConsoleUserAdministration.digest(session))?.user == "jan.peeters")

            let csrf = try await client.execute(uri: "/console", method: .get, headers: [.cookie: "koppeling_sessie=\(session)"]) {
                response in
                #expect(response.status == .ok && response.headers[.cacheControl] == "no-store")
                let html = String(buffer: response.body)
                #expect(html.contains("Aangemeld als <strong>jan.peeters</strong>"))
                #expect(
                    html.contains("Dossierbehandelaar (register en dossiers)") && html.contains("Functionaris voor gegevensbescherming"))
                #expect(!html.contains("Beheerder (gebruikers"))
                return try Self.field("csrf", in: html)
            }
            // Sign-out needs the session's CSRF token.
            try await client.execute(
                uri: "/console/afmelden", method: .post, headers: Self.headers(cookies: ["koppeling_sessie": session]),
                body: Self.form([("csrf", "forged")])
            ) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/console", method: .get, headers: [.cookie: "koppeling_sessie=\(session)"]) { response in
                #expect(response.status == .ok, "a refused sign-out leaves the session")
            }
            try await client.execute(
                uri: "/console/afmelden", method: .post, headers: Self.headers(cookies: ["koppeling_sessie": session]),
                body: Self.form([("csrf", csrf)])
            ) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/console/aanmelden")
                #expect(Self.cookie("koppeling_sessie", in: response) == "")
            }
            try await client.execute(uri: "/console", method: .get, headers: [.cookie: "koppeling_sessie=\(session)"]) { response in
                #expect(response.status == .seeOther, "the session has ended")
            }
            // Signing out everywhere ends the user's sessions on other devices too.
            let devices = ["laptop", "phone"].map { _ in ConsoleUserAdministration.newToken() }
            for token in devices {
                let at = Instant.systemNow()
                try await store.addConsoleSession(
                    ConsoleSession(
                        digest: ConsoleUserAdministration.digest(token), user: "jan.peeters", createdAt: at, lastSeenAt: at,
                        csrfToken: "c-" + token))
            }
            try await client.execute(
                uri: "/console/overal-afmelden", method: .post, headers: Self.headers(cookies: ["koppeling_sessie": devices[0]]),
                body: Self.form([("csrf", "c-" + devices[0])])
            ) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/console/aanmelden")
            }
            for token in devices {
                try await client.execute(uri: "/console", method: .get, headers: [.cookie: "koppeling_sessie=\(token)"]) { response in
                    #expect(response.status == .seeOther, "every session of the user has ended")
                }
            }
        }
    }

    @Test("the console's cookies are Secure except on plain HTTP on the loopback")
    func secureCookies() {
        var configuration = KoppelingConfiguration.forTests
        configuration.host = "127.0.0.1"
        #expect(!KoppelingApp.secureCookies(configuration))
        configuration.host = "0.0.0.0"
        #expect(KoppelingApp.secureCookies(configuration))
        configuration.host = "127.0.0.1"
        configuration.tlsCertificatePath = "/etc/koppeling/cert.pem"
        #expect(KoppelingApp.secureCookies(configuration))
    }
}
