import Crypto
import Foundation
public import Hummingbird
import KoppelingCore
public import KoppelingStore

/// The recipients' change notices: the pull feed, and a replay of webhook deliveries.
public struct NoticeFeedController<Context: ClientRequestContext>: Sendable {
    /// The context of the routes behind the access middleware.
    public typealias Authenticated = AuthenticatedRequestContext<Context>
    public let exchange: ExchangeService
    public let webhooks: any WebhookStore

    public init(exchange: ExchangeService, webhooks: any WebhookStore) {
        self.exchange = exchange
        self.webhooks = webhooks
    }

    /// Adds `changes` and `webhook/replay` to the recipients' group.
    public func addRoutes(to recipients: RouterGroup<Authenticated>) {
        recipients.get("changes", use: changes)
        recipients.post("webhook/replay", use: replayWebhook)
    }

    /// `GET /v1/exchange/changes?after=SEQ&limit=N`: the client's change notices in sequence order,
    /// resumable from the last sequence number seen.
    @Sendable func changes(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        var after = 0
        if let text = request.uri.queryParameters["after"] {
            guard let value = Int(String(text)), value >= 0 else { throw Problem.badRequest("after must be a sequence number ≥ 0") }
            after = value
        }
        var limit = 100
        if let text = request.uri.queryParameters["limit"] {
            guard let value = Int(String(text)), (1...1000).contains(value) else { throw Problem.badRequest("limit must be 1 to 1000") }
            limit = value
        }
        let notices = try await exchange.register.store.notices(clientId: client.id, after: after, limit: limit)
        // Only what the protocols allow now goes out: a notice held back stops the page (order is
        // kept), one that may never go out is passed over.
        let plan = try await exchange.noticeScreen.plan(clientId: client.id, notices: notices, channel: .follow)
        let delivered = plan.deliver.map { notices[$0] }
        if let first = delivered.first, let last = delivered.last {
            do {
                _ = try await exchange.recordAccess(
                    client: client, channel: .follow, outcome: .delivered, purpose: "",
                    caseReference: "changes:\(first.sequence)-\(last.sequence)",
                    subject: nil, requestId: context.requestId, traceparent: context.traceparent)
            } catch is ExchangeService.RecordNotStored {
                throw Problem(
                    status: .serviceUnavailable, type: Problem.typeURI("disclosure-not-recorded"),
                    title: "The pull could not be recorded, so nothing is handed out")
            }
        }
        let last = plan.lastSettled.map(String.init) ?? "null"
        var held = ""
        if let stop = plan.held {
            held = ",\"held\":{\"sequence\":\(stop.sequence),\"reason\":\"\(stop.reason)\"}"
        }
        return Response.json(
            "{\"notices\":[" + delivered.map(\.body).joined(separator: ",") + "],\"last\":" + last + held + "}", noStore: true)
    }

    struct ReplayRequest: Decodable {
        var from: Int
    }

    /// `POST /v1/exchange/webhook/replay` with `{"from":N}`: delivers the client's notices again
    /// from sequence N on (and enables a disabled endpoint).
    @Sendable func replayWebhook(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        let expected = "expected {\"from\": N} with N ≥ 1"
        let input = try await request.decodeJSON(ReplayRequest.self, upTo: 4096, expected: expected)
        guard input.from >= 1 else { throw Problem.badRequest(expected) }
        guard try await webhooks.webhook(clientId: client.id) != nil else {
            throw Problem(status: .notFound, type: Problem.typeURI("webhook-not-found"), title: "This client has no webhook endpoint")
        }
        do {
            _ = try await exchange.recordAccess(
                client: client, channel: .administration, outcome: .replayed, purpose: "", caseReference: "replay:from=\(input.from)",
                subject: nil, requestId: context.requestId, traceparent: context.traceparent)
        } catch is ExchangeService.RecordNotStored {
            throw Problem(
                status: .serviceUnavailable, type: Problem.typeURI("disclosure-not-recorded"),
                title: "The replay could not be recorded, so it was not started")
        }
        guard try await webhooks.replayWebhook(clientId: client.id, from: input.from) else {
            throw Problem(status: .notFound, type: Problem.typeURI("webhook-not-found"), title: "This client has no webhook endpoint")
        }
        return Response.json(#"{"replayFrom":\#(input.from)}"#)
    }
}
