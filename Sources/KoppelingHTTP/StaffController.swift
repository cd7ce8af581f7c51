public import Hummingbird
public import KoppelingCore
public import KoppelingStore
import Foundation

/// Staff administration over HTTP: registering a recipient's webhook (the secret is shown once)
/// and the operators' view of every endpoint's delivery state.
public struct StaffController<Context: ClientRequestContext>: Sendable {
    public let clients: any ExchangeStore
    public let webhooks: any WebhookStore
    public let clock: @Sendable () -> Instant

    public init(clients: any ExchangeStore, webhooks: any WebhookStore, clock: @escaping @Sendable () -> Instant) {
        self.clients = clients
        self.webhooks = webhooks
        self.clock = clock
    }

    /// Adds `POST clients/:id/webhook` and `GET webhooks` to a staff-only group under `/v1/staff`.
    public func addRoutes(to group: RouterGroup<Context>) {
        group.post("clients/:id/webhook", use: registerWebhook)
        group.get("webhooks", use: listWebhooks)
    }

    struct WebhookRequest: Decodable {
        var url: String
        var overlapHours: Int?
    }

    @Sendable func registerWebhook(_ request: Request, context: Context) async throws -> Response {
        let clientId = try context.parameters.require("id")
        let body = try await request.body.collect(upTo: 4096)
        guard let input = try? JSONDecoder().decode(WebhookRequest.self, from: Data(body.readableBytesView)) else {
            throw Problem.badRequest("expected {\"url\": …, \"overlapHours\": …}")
        }
        guard WebhookEndpoint.isAcceptable(url: input.url) else {
            throw Problem(status: .unprocessableContent, type: Problem.typeURI("invalid-webhook-url"), title: "The webhook URL must be an http(s) URL",
                          errors: [.init(pointer: "url", reason: "format")])
        }
        let overlapHours = input.overlapHours ?? 24
        guard (0...720).contains(overlapHours) else { throw Problem.badRequest("overlapHours must be 0 to 720") }
        guard let client = try await clients.client(id: clientId), client.role == .recipient else {
            throw Problem(status: .notFound, type: Problem.typeURI("client-not-found"), title: "No recipient client with this id")
        }
        let existing = try await webhooks.webhook(clientId: client.id)
        let now = clock()
        let overlap = existing == nil ? nil : Instant(microsecondsSinceEpoch: now.microsecondsSinceEpoch + Int64(overlapHours) * 3_600_000_000)
        let secret = StandardWebhooks.newSecret()
        try await webhooks.setWebhook(clientId: client.id, url: input.url, secret: secret, overlapUntil: overlap)
        let answer = JSONValue.object([
            "clientId": .string(client.id), "url": .string(input.url), "secret": .string(secret),
            "previousSecretValidUntil": overlap.map { .string($0.description) } ?? .null,
        ])
        return Response.json(answer.canonicalText, status: .created, noStore: true)
    }

    @Sendable func listWebhooks(_ request: Request, context: Context) async throws -> Response {
        let items: [JSONValue] = try await webhooks.webhooks().map { endpoint in
            .object([
                "clientId": .string(endpoint.clientId), "url": .string(endpoint.url), "deliveredSequence": .integer(Int64(endpoint.deliveredSequence)),
                "attempts": .integer(Int64(endpoint.attempts)), "disabled": .bool(endpoint.disabled),
                "nextAttemptAt": endpoint.nextAttemptAt.map { .string($0.description) } ?? .null,
                "failingSince": endpoint.failingSince.map { .string($0.description) } ?? .null,
                "lastError": endpoint.lastError.map { .string($0) } ?? .null,
            ])
        }
        return Response.json(JSONValue.object(["webhooks": .array(items)]).canonicalText, noStore: true)
    }
}
