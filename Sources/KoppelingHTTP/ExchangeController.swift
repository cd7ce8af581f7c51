public import Hummingbird
public import KoppelingCore
public import KoppelingStore
import Foundation

/// The OAuth token endpoint and the recipients' exchange. Every exchange request needs a valid
/// Bearer token of a client with the `recipient` role.
public struct ExchangeController<Context: RequestContext>: Sendable {
    public let tokens: TokenService
    public let exchange: ExchangeService

    public init(tokens: TokenService, exchange: ExchangeService) {
        self.tokens = tokens
        self.exchange = exchange
    }

    /// Adds `POST /oauth/token` and `POST /v1/exchange/lookups`.
    public func addRoutes(to router: Router<Context>) {
        router.post("/oauth/token", use: token)
        router.post("/v1/exchange/lookups", use: lookup)
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, type: Problem.typeURI("unauthorized"), title: "Valid client credentials are required", detail: detail)
    }

    /// The form fields of an `application/x-www-form-urlencoded` body.
    static func form(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    @Sendable func token(_ request: Request, context: Context) async throws -> Response {
        let body = String(buffer: try await request.body.collect(upTo: 64 * 1024))
        let form = Self.form(body)
        guard form["grant_type"] == "client_credentials" else {
            throw Problem(status: .badRequest, type: Problem.typeURI("unsupported-grant-type"), title: "Only grant_type=client_credentials is supported")
        }
        guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", let assertion = form["client_assertion"] else {
            throw Self.unauthorized("send client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer and a client_assertion (RFC 7523)")
        }
        do {
            let issued = try await tokens.issue(assertion: assertion)
            let answer: JSONValue = .object([
                "access_token": .string(issued.token), "token_type": .string("Bearer"), "expires_in": .integer(Int64(issued.expiresIn)),
                "scope": .string(issued.client.role.rawValue),
            ])
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: answer.canonicalText)))
        } catch let refusal as TokenService.Refusal {
            throw Self.unauthorized(refusal.message)
        }
    }

    func authenticate(_ request: Request, role: ClientRole) async throws -> RegisteredClient {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw Self.unauthorized("send an access token from POST /oauth/token as Authorization: Bearer")
        }
        let client: RegisteredClient
        do {
            client = try await tokens.authenticate(bearer: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        } catch let refusal as TokenService.Refusal {
            throw Self.unauthorized(refusal.message)
        }
        guard client.role == role else {
            throw Problem(status: .forbidden, type: Problem.typeURI("role-not-allowed"), title: "This client's role may not use this endpoint",
                          detail: "the endpoint needs the role \(role.rawValue)")
        }
        return client
    }

    struct LookupRequest: Decodable {
        var insz: String
        var purpose: String
        var caseReference: String
        var referenceDate: String?
    }

    @Sendable func lookup(_ request: Request, context: Context) async throws -> Response {
        let client = try await authenticate(request, role: .recipient)
        let body = try await request.body.collect(upTo: 64 * 1024)
        let input: LookupRequest
        do {
            input = try JSONDecoder().decode(LookupRequest.self, from: Data(body.readableBytesView))
        } catch {
            throw Problem.badRequest("expected a JSON object with insz, purpose, caseReference and referenceDate")
        }
        let insz: NationalNumber
        do {
            insz = try NationalNumber(input.insz, policy: exchange.register.policy)
        } catch {
            throw Problem(status: .unprocessableContent, type: Problem.typeURI("invalid-national-number"), title: "The national number is not valid",
                          detail: error.code, errors: [.init(pointer: "insz", reason: error.code)])
        }
        var referenceDate = exchange.today()
        if let text = input.referenceDate {
            guard let date = LocalDate(text) else {
                throw Problem(status: .unprocessableContent, type: Problem.typeURI("invalid-date"), title: "The reference date is not valid",
                              errors: [.init(pointer: "referenceDate", reason: "expected YYYY-MM-DD")])
            }
            referenceDate = date
        }
        guard !input.caseReference.isEmpty, input.caseReference.utf8.count <= 100 else {
            throw Problem.badRequest("caseReference must hold 1 to 100 characters", errors: [.init(pointer: "caseReference", reason: "length")])
        }
        let requestId = request.headers[.init("X-Request-Id")!] ?? UUID().uuidString.lowercased()
        let traceparent = request.headers[.init("traceparent")!]
        let outcome: ExchangeService.Outcome
        do {
            outcome = try await exchange.lookup(
                .init(insz: insz, purpose: input.purpose, caseReference: input.caseReference, referenceDate: referenceDate),
                client: client, requestId: requestId, traceparent: traceparent)
        } catch is ExchangeService.RecordNotStored {
            throw Problem(status: .serviceUnavailable, type: Problem.typeURI("disclosure-not-recorded"),
                          title: "The disclosure could not be recorded, so nothing is disclosed")
        }
        switch outcome {
        case .denied(let id, let reason):
            throw Problem(status: .forbidden, type: Problem.typeURI("no-protocol-authorises"), title: "No protocol authorises this disclosure now",
                          detail: "\(reason.rawValue) (disclosure record \(id.lowercasedString))")
        case .allowed(let id, let protocolId, let version, let result):
            var output = "{\"disclosureId\":\"\(id.lowercasedString)\",\"protocol\":{\"id\":"
            JSONValue.writeString(protocolId, to: &output)
            output += ",\"version\":\(version)},\"referenceDate\":\"\(referenceDate)\",\"result\":{"
            for (index, item) in result.enumerated() {
                if index > 0 { output += "," }
                output += "\"\(item.field.rawValue)\":"
                item.value.write(to: &output)
            }
            output += "}}"
            var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
            headers[.init("X-Request-Id")!] = requestId
            if let traceparent { headers[.init("traceparent")!] = traceparent }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: output)))
        }
    }
}
