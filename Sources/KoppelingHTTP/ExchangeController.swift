public import Hummingbird
public import KoppelingCore
public import KoppelingStore
import Crypto
import Foundation
import NIOCore
import NIOSSL

/// The OAuth token endpoint and the recipients' exchange. Every exchange request needs a valid
/// Bearer token of a client with the `recipient` role.
public struct ExchangeController: Sendable {
    public typealias Context = KoppelingRequestContext
    public let tokens: TokenService
    public let exchange: ExchangeService
    public let limiter: RateLimiter
    /// The most lookups one batch request may carry.
    public static var maxBatch: Int { 500 }

    public init(tokens: TokenService, exchange: ExchangeService, limiter: RateLimiter = RateLimiter()) {
        self.tokens = tokens
        self.exchange = exchange
        self.limiter = limiter
    }

    /// Adds `POST /oauth/token`, `POST /v1/exchange/lookups` and `POST /v1/exchange/lookups/batch`.
    public func addRoutes(to router: Router<Context>) {
        router.post("/oauth/token", use: token)
        router.post("/v1/exchange/lookups", use: lookup)
        router.post("/v1/exchange/lookups/batch", use: batch)
    }

    func limit(_ client: RegisteredClient, count: Int) async throws {
        if let wait = await limiter.take(client: client.id, ratePerMinute: client.ratePerMinute, count: count) {
            throw RateLimited(seconds: wait, limit: client.ratePerMinute)
        }
    }

    /// A client above its rate: 429 with `Retry-After`.
    struct RateLimited: HTTPResponseError {
        var seconds: Int
        var limit: Int
        var status: HTTPResponse.Status { .tooManyRequests }

        func response(from request: Request, context: some RequestContext) throws -> Response {
            var response = try Problem(
                status: .tooManyRequests, type: Problem.typeURI("rate-limited"), title: "Too many lookups",
                detail: "this client may make \(limit) lookups a minute; retry after \(seconds) s").response(from: request, context: context)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
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
            return Response.json(answer.canonicalText, noStore: true)
        } catch let refusal as TokenService.Refusal {
            throw Self.unauthorized(refusal.message)
        }
    }

    /// The SHA-256 fingerprint of the client certificate of a mutual-TLS connection, if any.
    static func peerCertificateFingerprint(_ channel: any Channel) async -> String? {
        // The handler is read on the channel's event loop, where it lives; only the channel crosses.
        let der: [UInt8]? = try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).peerCertificate?.toDERBytes()
        }.get() ?? nil
        guard let der else { return nil }
        return SHA256.hash(data: der).lowercaseHex
    }

    /// The client of a request: by its Bearer token, else by the certificate of its mutual-TLS connection.
    func authenticate(_ request: Request, context: Context, role: ClientRole) async throws -> RegisteredClient {
        let client: RegisteredClient
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            do {
                client = try await tokens.authenticate(bearer: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
            } catch let refusal as TokenService.Refusal {
                throw Self.unauthorized(refusal.message)
            }
        } else if let fingerprint = await Self.peerCertificateFingerprint(context.channel) {
            guard let registered = try await exchange.store.client(certificateFingerprint: fingerprint) else {
                throw Self.unauthorized("the client certificate is not registered for any client")
            }
            client = registered
        } else {
            throw Self.unauthorized("send an access token from POST /oauth/token as Authorization: Bearer, or use a registered client certificate")
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

    /// One lookup's answer as JSON text, or the problem that refuses it.
    func perform(_ input: LookupRequest, client: RegisteredClient, requestId: String, traceparent: String?) async throws -> String {
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
            return output
        }
    }

    func requestIds(_ request: Request) -> (String, String?) {
        (request.headers[.init("X-Request-Id")!] ?? UUID().uuidString.lowercased(), request.headers[.init("traceparent")!])
    }

    @Sendable func lookup(_ request: Request, context: Context) async throws -> Response {
        let client = try await authenticate(request, context: context, role: .recipient)
        try await limit(client, count: 1)
        let body = try await request.body.collect(upTo: 64 * 1024)
        let input: LookupRequest
        do {
            input = try JSONDecoder().decode(LookupRequest.self, from: Data(body.readableBytesView))
        } catch {
            throw Problem.badRequest("expected a JSON object with insz, purpose, caseReference and referenceDate")
        }
        let (requestId, traceparent) = requestIds(request)
        let output = try await perform(input, client: client, requestId: requestId, traceparent: traceparent)
        var response = Response.json(output, noStore: true)
        response.headers[.init("X-Request-Id")!] = requestId
        if let traceparent { response.headers[.init("traceparent")!] = traceparent }
        return response
    }

    struct BatchRequest: Decodable {
        var lookups: [LookupRequest]
    }

    /// Up to 500 lookups in one request, each answered and recorded as a single lookup; the
    /// answer lists, per index, the HTTP status a single lookup would have had and its body.
    @Sendable func batch(_ request: Request, context: Context) async throws -> Response {
        let client = try await authenticate(request, context: context, role: .recipient)
        let body = try await request.body.collect(upTo: 4 * 1024 * 1024)
        let input: BatchRequest
        do {
            input = try JSONDecoder().decode(BatchRequest.self, from: Data(body.readableBytesView))
        } catch {
            throw Problem.badRequest("expected {\"lookups\":[…]} with at most \(Self.maxBatch) lookups")
        }
        guard !input.lookups.isEmpty, input.lookups.count <= Self.maxBatch else {
            throw Problem(status: .contentTooLarge, type: Problem.typeURI("batch-too-large"), title: "A batch holds 1 to \(Self.maxBatch) lookups",
                          detail: "got \(input.lookups.count)")
        }
        try await limit(client, count: input.lookups.count)
        let (requestId, traceparent) = requestIds(request)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var output = "{\"answers\":["
        for (index, lookup) in input.lookups.enumerated() {
            if index > 0 { output += "," }
            do {
                let answer = try await perform(lookup, client: client, requestId: "\(requestId)/\(index)", traceparent: traceparent)
                output += "{\"index\":\(index),\"status\":200,\"body\":\(answer)}"
            } catch let problem as Problem {
                let document = Problem.Body(type: problem.type, title: problem.title, status: Int(problem.status.code), detail: problem.detail,
                                            instance: nil, errors: problem.errors.isEmpty ? nil : problem.errors)
                output += "{\"index\":\(index),\"status\":\(problem.status.code),\"body\":\(String(decoding: try encoder.encode(document), as: UTF8.self))}"
            }
        }
        output += "]}"
        return Response.json(output, noStore: true)
    }
}
