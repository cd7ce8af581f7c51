import Foundation
public import Hummingbird
public import KoppelingCore
public import KoppelingStore

/// Staff administration over HTTP: registering a recipient's webhook (the secret is shown once)
/// and the operators' view of every endpoint's delivery state.
public struct StaffController<Context: ClientRequestContext>: Sendable {
    /// The context of the routes behind the access middleware.
    public typealias Authenticated = AuthenticatedRequestContext<Context>

    public let webhooks: any WebhookStore
    public let registrar: WebhookRegistrar

    public init(exchange: ExchangeService, webhooks: any WebhookStore, policy: WebhookAddressPolicy) {
        self.webhooks = webhooks
        self.registrar = WebhookRegistrar(exchange: exchange, webhooks: webhooks, policy: policy)
    }

    /// Adds `POST clients/:id/webhook` and `GET webhooks` to a staff-only group under `/v1/staff`.
    public func addRoutes(to group: RouterGroup<Authenticated>) {
        group.post("clients/:id/webhook", use: registerWebhook)
        group.get("webhooks", use: listWebhooks)
    }

    struct WebhookRequest: Decodable {
        var url: String
        var overlapHours: Int?
    }

    @Sendable func registerWebhook(_ request: Request, context: Authenticated) async throws -> Response {
        let clientId = try context.parameters.require("id")
        let input = try await request.decodeJSON(
            WebhookRequest.self, upTo: 4096, expected: "expected {\"url\": …, \"overlapHours\": …}")
        let staff = context.client
        let registered: WebhookRegistrar.Registered
        do {
            registered = try await registrar.register(
                clientId: clientId, url: input.url, overlapHours: input.overlapHours ?? 24, actor: staff.id, party: staff.party,
                requestId: context.requestId, traceparent: context.traceparent)
        } catch let refusal as WebhookRegistrar.Refusal {
            switch refusal {
            case .invalidURL(let why):
                throw Problem(
                    status: .unprocessableContent, type: Problem.typeURI("invalid-webhook-url"), title: "The webhook URL is not allowed",
                    detail: why, errors: [.init(pointer: "url", reason: why)])
            case .overlapOutOfRange: throw Problem.badRequest("overlapHours must be 0 to 720")
            case .notARecipient:
                throw Problem(status: .notFound, type: Problem.typeURI("client-not-found"), title: "No recipient client with this id")
            }
        } catch is ExchangeService.RecordNotStored {
            throw Problem(
                status: .serviceUnavailable, type: Problem.typeURI("disclosure-not-recorded"),
                title: "The registration could not be recorded, so nothing was changed")
        }
        let answer = JSONValue.object([
            "clientId": .string(registered.clientId), "url": .string(registered.url), "secret": .string(registered.secret),
            "previousSecretValidUntil": registered.previousSecretValidUntil.map { .string($0.description) } ?? .null,
        ])
        return Response.json(answer.canonicalText, status: .created, noStore: true)
    }

    @Sendable func listWebhooks(_ request: Request, context: Authenticated) async throws -> Response {
        let items: [JSONValue] = try await webhooks.webhooks().map { endpoint in
            .object([
                "clientId": .string(endpoint.clientId), "url": .string(endpoint.url),
                "deliveredSequence": .integer(Int64(endpoint.deliveredSequence)),
                "attempts": .integer(Int64(endpoint.attempts)), "disabled": .bool(endpoint.disabled),
                "nextAttemptAt": endpoint.nextAttemptAt.map { .string($0.description) } ?? .null,
                "failingSince": endpoint.failingSince.map { .string($0.description) } ?? .null,
                "lastError": endpoint.lastError.map { .string($0) } ?? .null,
            ])
        }
        return Response.json(JSONValue.object(["webhooks": .array(items)]).canonicalText, noStore: true)
    }
}
