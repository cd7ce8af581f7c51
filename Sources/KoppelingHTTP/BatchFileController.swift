import Crypto
import Foundation
public import Hummingbird
import KoppelingCore
public import KoppelingStore

/// The recipients' batch files: the list with the key that verifies their manifests, each file
/// (when the protocols still allow it; every download recorded) and its signed manifest.
public struct BatchFileController<Context: ClientRequestContext>: Sendable {
    /// The context of the routes behind the access middleware.
    public typealias Authenticated = AuthenticatedRequestContext<Context>
    public let exchange: ExchangeService
    public let batches: BatchWriter

    public init(exchange: ExchangeService, batches: BatchWriter) {
        self.exchange = exchange
        self.batches = batches
    }

    /// Adds `batches`, `batches/{id}` and `batches/{id}/manifest` to the recipients' group.
    public func addRoutes(to recipients: RouterGroup<Authenticated>) {
        recipients.get("batches", use: listBatches)
        recipients.get("batches/:id", use: batchFile)
        recipients.get("batches/:id/manifest", use: batchManifest)
    }

    /// `GET /v1/exchange/batches`: the client's batch files and the key that verifies their manifests.
    @Sendable func listBatches(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        let items: [JSONValue] = try await batches.store.batches(clientId: client.id).map { batch in
            .object([
                "id": .string(batch.id), "createdAt": .string(batch.createdAt.description),
                "firstSequence": .integer(Int64(batch.firstSequence)),
                "lastSequence": .integer(Int64(batch.lastSequence)), "recordCount": .integer(Int64(batch.recordCount)),
                "href": .string("/v1/exchange/batches/\(batch.id)"), "manifestHref": .string("/v1/exchange/batches/\(batch.id)/manifest"),
            ])
        }
        let answer = JSONValue.object([
            "batches": .array(items), "manifestKey": .string(batches.publicKey.rawRepresentation.base64EncodedString()),
            "retiredManifestKeys": .array(batches.retiredKeys.map { .string($0.rawRepresentation.base64EncodedString()) }),
        ])
        return Response.json(answer.canonicalText, noStore: true)
    }

    func ownBatch(_ context: Authenticated) async throws -> (batch: StoredBatch, file: String) {
        let client = context.client
        guard let found = try await batches.store.batch(id: try context.parameters.require("id"), clientId: client.id) else {
            throw Problem(status: .notFound, type: Problem.typeURI("batch-not-found"), title: "No such batch for this client")
        }
        return found
    }

    /// `GET /v1/exchange/batches/{id}`: the batch file (NDJSON, one change notice per line), when
    /// every notice in it may still go out through the batch channel now; each download is recorded.
    @Sendable func batchFile(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        let found = try await ownBatch(context)
        let lines = found.file.split(separator: "\n").enumerated().map { (sequence: $0.offset, body: String($0.element)) }
        let plan = try await exchange.noticeScreen.plan(clientId: client.id, notices: lines, channel: .batch)
        guard plan.deliver.count == lines.count else {
            let reason = plan.held?.reason ?? plan.dropped.first?.reason ?? "not_allowed"
            throw Problem(
                status: .forbidden, type: Problem.typeURI("no-protocol-authorises"),
                title: "No protocol authorises handing out this batch now", detail: reason)
        }
        do {
            _ = try await exchange.recordAccess(
                client: client, channel: .batch, outcome: .delivered, purpose: "", caseReference: "batch:\(found.batch.id)",
                subject: nil, requestId: context.requestId, traceparent: context.traceparent)
        } catch is ExchangeService.RecordNotStored {
            throw Problem(
                status: .serviceUnavailable, type: Problem.typeURI("disclosure-not-recorded"),
                title: "The download could not be recorded, so nothing is handed out")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: found.file)))
    }

    /// `GET /v1/exchange/batches/{id}/manifest`: its signed manifest.
    @Sendable func batchManifest(_ request: Request, context: Authenticated) async throws -> Response {
        Response.json(try await ownBatch(context).batch.signedManifest, noStore: true)
    }
}
