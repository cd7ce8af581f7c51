import Hummingbird
import KoppelingCore
import Logging

/// Sign-in through the OpenID Connect provider: a link on the sign-in page starts it, the
/// provider sends the browser back to `/console/oidc/terug`.
extension ConsoleController {
    /// The cookie that carries a begun sign-in to the provider and back. `SameSite=Lax`, because
    /// the browser comes back from the provider's site; only for the return path, ten minutes.
    static var transactionCookie: String { "koppeling_oidc" }

    @Sendable func beginProviderSignIn(_ request: Request, context: Context) async throws -> Response {
        guard let oidc else { return Self.redirect("/console/aanmelden") }
        let begun: (location: String, transaction: String)
        do {
            begun = try await oidc.begin()
        } catch {
            context.logger.error("the OpenID Connect provider could not be reached", metadata: ["error": "\(error)"])
            return providerProblem(
                """
                De aanmeldingsdienst van uw organisatie is nu niet bereikbaar. Probeer het over enkele minuten opnieuw, of meld u \
                aan met een lokaal account.
                """,
                status: .badGateway)
        }
        var response = Self.redirect(begun.location)
        response.setCookie(
            Cookie(
                name: Self.transactionCookie, value: begun.transaction, maxAge: Int(OIDCSignIn.transactionSeconds),
                path: "/console/oidc", secure: secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    @Sendable func finishProviderSignIn(_ request: Request, context: Context) async throws -> Response {
        guard let oidc else { return Self.redirect("/console/aanmelden") }
        let query = request.uri.queryParameters
        var failed: Response {
            providerProblem(
                """
                De aanmelding via uw organisatie is niet gelukt. Begin opnieuw vanaf de aanmeldpagina; lukt het dan nog niet, \
                meld het aan de beheerder.
                """, status: .unauthorized)
        }
        guard query["error"] == nil, let code = query["code"].map(String.init), let state = query["state"].map(String.init),
            let transaction = request.cookies[Self.transactionCookie]?.value
        else { return failed }
        let signedIn: (token: String, session: ConsoleSession)
        do {
            signedIn = try await oidc.finish(code: code, state: state, transaction: transaction)
        } catch OIDCSignIn.Refusal.noRole {
            return providerProblem(
                """
                U bent aangemeld bij uw organisatie, maar uw account heeft daar geen rol voor Koppeling. Vraag de beheerder \
                van uw organisatie om de rol die u voor uw werk nodig hebt.
                """, status: .forbidden)
        } catch OIDCSignIn.Refusal.disabled {
            return providerProblem(
                "Uw account voor Koppeling is uitgeschakeld. Neem contact op met de beheerder.", status: .forbidden)
        } catch {
            context.logger.warning("a sign-in through the OpenID Connect provider was refused", metadata: ["error": "\(error)"])
            return failed
        }
        var response = page("aangemeld", [:])
        response.setCookie(cookie(Self.sessionCookie, signedIn.token))
        response.setCookie(
            Cookie(
                name: Self.transactionCookie, value: "", maxAge: 0, path: "/console/oidc", secure: secureCookies, httpOnly: true,
                sameSite: .lax))
        return response
    }

    func providerProblem(_ explanation: String, status: HTTPResponse.Status) -> Response {
        page("bericht", ["titel": "Aanmelden via uw organisatie", "uitleg": explanation], status: status)
    }
}
