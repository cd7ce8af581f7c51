import Foundation
public import Hummingbird
import KoppelingCore

/// The OAuth token endpoint, `POST /oauth/token`: a client credentials grant with a
/// `private_key_jwt` client assertion (RFC 7523), answered with a short-lived access token.
public struct TokenController<Context: ClientRequestContext>: Sendable {
    public let tokens: TokenService

    public init(tokens: TokenService) {
        self.tokens = tokens
    }

    /// Adds the public token route.
    public func addRoutes(to router: Router<Context>) {
        router.post("/oauth/token", use: token)
    }

    /// The form fields of an `application/x-www-form-urlencoded` body.
    static func form(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    @Sendable func token(_ request: Request, context: Context) async throws -> Response {
        let body = String(buffer: try await request.body.collect(upTo: 64 * 1024))
        let form = Self.form(body)
        guard form["grant_type"] == "client_credentials" else {
            throw Problem(
                status: .badRequest, type: Problem.typeURI("unsupported-grant-type"),
                title: "Only grant_type=client_credentials is supported")
        }
        guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            let assertion = form["client_assertion"]
        else {
            throw Problem.unauthorized(
                "send client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer and a client_assertion (RFC 7523)")
        }
        do {
            let issued = try await tokens.issue(assertion: assertion)
            let answer: JSONValue = .object([
                "access_token": .string(issued.token), "token_type": .string("Bearer"), "expires_in": .integer(Int64(issued.expiresIn)),
                "scope": .string(issued.client.role.rawValue),
            ])
            return Response.json(answer.canonicalText, noStore: true)
        } catch let refusal as TokenService.Refusal {
            throw Problem.unauthorized(refusal.message)
        }
    }
}
