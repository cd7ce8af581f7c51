import Crypto
import Foundation
public import Hummingbird
import KoppelingCore
public import KoppelingStore

/// The OAuth token endpoint and the recipients' exchange. Every exchange request comes through
/// ``ClientAccessMiddleware`` with the `recipient` role.
public struct ExchangeController: Sendable {
    public typealias Context = KoppelingRequestContext
    /// The context of the routes behind the access middleware.
    public typealias Authenticated = AuthenticatedRequestContext<Context>

    public let tokens: TokenService
    public let exchange: ExchangeService
    public let limiter: RateLimiter
    public let webhooks: any WebhookStore
    public let batches: BatchWriter
    /// The most lookups one batch request may carry.
    public static var maxBatch: Int { 500 }

    public init(
        tokens: TokenService, exchange: ExchangeService, webhooks: any WebhookStore, batches: BatchWriter,
        limiter: RateLimiter = RateLimiter()
    ) {
        self.batches = batches
        self.tokens = tokens
        self.exchange = exchange
        self.webhooks = webhooks
        self.limiter = limiter
    }

    /// Adds the public `POST /oauth/token` to `public`, and `lookups` and `lookups/batch` to
    /// `recipients`, a group under `/v1/exchange` that only lets recipient clients through.
    public func addRoutes(public router: Router<Context>, recipients: RouterGroup<Authenticated>) {
        router.post("/oauth/token", use: token)
        recipients.post("lookups", use: lookup)
        recipients.post("lookups/batch", use: batch)
        recipients.post("follows", use: enrol)
        recipients.get("follows", use: listFollows)
        recipients.post("follows/:id/end", use: endFollow)
        recipients.get("changes", use: changes)
        recipients.post("webhook/replay", use: replayWebhook)
        recipients.get("batches", use: listBatches)
        recipients.get("batches/:id", use: batchFile)
        recipients.get("batches/:id/manifest", use: batchManifest)
    }

    /// Refuses a client above its rate: 429 with `Retry-After`.
    func limit(_ client: RegisteredClient, count: Int) async throws {
        if let wait = await limiter.take(client: client.id, ratePerMinute: client.ratePerMinute, count: count) {
            throw Problem(
                status: .tooManyRequests, type: Problem.typeURI("rate-limited"), title: "Too many lookups",
                detail: "this client may make \(client.ratePerMinute) lookups a minute; retry after \(wait) s",
                headers: [.retryAfter: String(wait)])
        }
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

    struct LookupRequest: Decodable {
        var insz: String
        var purpose: String
        var caseReference: String
        var referenceDate: String?
    }

    /// A lookup as the service takes it, or the problem (422, 400) that refuses it before any decision.
    func validate(_ input: LookupRequest) throws -> ExchangeService.Lookup {
        let insz: NationalNumber
        do {
            insz = try NationalNumber(input.insz, policy: exchange.register.policy)
        } catch {
            throw Problem(
                status: .unprocessableContent, type: Problem.typeURI("invalid-national-number"), title: "The national number is not valid",
                detail: error.code, errors: [.init(pointer: "insz", reason: error.code)])
        }
        var requested: LocalDate?
        if let text = input.referenceDate {
            guard let date = LocalDate(text) else {
                throw Problem(
                    status: .unprocessableContent, type: Problem.typeURI("invalid-date"), title: "The reference date is not valid",
                    errors: [.init(pointer: "referenceDate", reason: "expected YYYY-MM-DD")])
            }
            requested = date
        }
        let referenceDate: LocalDate
        do throws(ReferenceDate.Refusal) {
            referenceDate = try ReferenceDate.resolve(requested, today: exchange.today(), allowsFuture: false)
        } catch {
            switch error {
            case .inFuture(let date, let today):
                throw Problem(
                    status: .unprocessableContent, type: Problem.typeURI("reference-date-in-future"),
                    title: "The reference date lies in the future",
                    detail: "A status can only be disclosed for today or an earlier day; \(date) is after today, \(today).",
                    errors: [.init(pointer: "referenceDate", reason: "after today")])
            }
        }
        guard Self.isPurposeCode(input.purpose) else {
            throw Problem.badRequest(
                "purpose must be a purpose code: 1 to 64 upper-case letters, digits and underscores",
                errors: [.init(pointer: "purpose", reason: "format")])
        }
        guard !input.caseReference.isEmpty, input.caseReference.utf8.count <= 100 else {
            throw Problem.badRequest(
                "caseReference must hold 1 to 100 characters", errors: [.init(pointer: "caseReference", reason: "length")])
        }
        return .init(insz: insz, purpose: input.purpose, caseReference: input.caseReference, referenceDate: referenceDate)
    }

    /// The refusal of a purpose no protocol names; such a request leaves no record in the log.
    static let unknownPurpose = Problem(
        status: .forbidden, type: Problem.typeURI("unknown-purpose"), title: "No published protocol names this purpose",
        detail: "the purpose is none of the purpose codes of the published protocols; nothing was recorded")

    /// A purpose code as protocols write them (upper-case letters, digits, underscores), bounded.
    static func isPurposeCode(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Decides and records lookups, mapping a record that could not be stored to 503.
    func decide(
        _ lookups: [(lookup: ExchangeService.Lookup, requestId: String)], client: RegisteredClient, traceparent: String?
    ) async throws
        -> [ExchangeService.Outcome]
    {
        do {
            return try await exchange.lookups(lookups, client: client, traceparent: traceparent)
        } catch is ExchangeService.RecordNotStored {
            throw Problem(
                status: .serviceUnavailable, type: Problem.typeURI("disclosure-not-recorded"),
                title: "The disclosure could not be recorded, so nothing is disclosed")
        }
    }

    /// One lookup's answer as JSON text, or the problem that refuses it.
    func render(_ outcome: ExchangeService.Outcome, referenceDate: LocalDate) throws -> String {
        switch outcome {
        case .denied(let id, let reason):
            throw Problem(
                status: .forbidden, type: Problem.typeURI("no-protocol-authorises"), title: "No protocol authorises this disclosure now",
                detail: "\(reason.rawValue) (disclosure record \(id.lowercasedString))")
        case .unknownPurpose:
            throw Self.unknownPurpose
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

    @Sendable func lookup(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        try await limit(client, count: 1)
        let body = try await request.body.collect(upTo: 64 * 1024)
        let input: LookupRequest
        do {
            input = try JSONDecoder().decode(LookupRequest.self, from: Data(body.readableBytesView))
        } catch {
            throw Problem.badRequest("expected a JSON object with insz, purpose, caseReference and referenceDate")
        }
        let (requestId, traceparent) = (context.requestId, context.traceparent)
        let lookup = try validate(input)
        let outcome = try await decide([(lookup, requestId)], client: client, traceparent: traceparent)[0]
        let output = try render(outcome, referenceDate: lookup.referenceDate)
        return Response.json(output, noStore: true)
    }

    struct BatchRequest: Decodable {
        var lookups: [LookupRequest]
    }

    /// Up to 500 lookups in one request, each answered and recorded as a single lookup; the
    /// answer lists, per index, the HTTP status a single lookup would have had and its body.
    @Sendable func batch(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        let body = try await request.body.collect(upTo: 4 * 1024 * 1024)
        let input: BatchRequest
        do {
            input = try JSONDecoder().decode(BatchRequest.self, from: Data(body.readableBytesView))
        } catch {
            throw Problem.badRequest("expected {\"lookups\":[…]} with at most \(Self.maxBatch) lookups")
        }
        guard !input.lookups.isEmpty, input.lookups.count <= Self.maxBatch else {
            throw Problem(
                status: .contentTooLarge, type: Problem.typeURI("batch-too-large"), title: "A batch holds 1 to \(Self.maxBatch) lookups",
                detail: "got \(input.lookups.count)")
        }
        try await limit(client, count: input.lookups.count)
        let (requestId, traceparent) = (context.requestId, context.traceparent)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func problemText(_ problem: Problem) throws -> String {
            let document = Problem.Body(
                type: problem.type, title: problem.title, status: Int(problem.status.code), detail: problem.detail,
                instance: nil, errors: problem.errors.isEmpty ? nil : problem.errors)
            return String(decoding: try encoder.encode(document), as: UTF8.self)
        }
        // Invalid items are refused alone; the others are decided and recorded in one durable step.
        var answers = [String](repeating: "", count: input.lookups.count)
        var valid: [(index: Int, lookup: ExchangeService.Lookup)] = []
        for (index, item) in input.lookups.enumerated() {
            do {
                valid.append((index, try validate(item)))
            } catch let problem as Problem {
                answers[index] = "{\"index\":\(index),\"status\":\(problem.status.code),\"body\":\(try problemText(problem))}"
            }
        }
        let outcomes = try await decide(valid.map { ($0.lookup, "\(requestId)/\($0.index)") }, client: client, traceparent: traceparent)
        for (item, outcome) in zip(valid, outcomes) {
            do {
                answers[item.index] =
                    "{\"index\":\(item.index),\"status\":200,\"body\":\(try render(outcome, referenceDate: item.lookup.referenceDate))}"
            } catch let problem as Problem {
                answers[item.index] = "{\"index\":\(item.index),\"status\":\(problem.status.code),\"body\":\(try problemText(problem))}"
            }
        }
        var output = "{\"answers\":[" + answers.joined(separator: ",")
        output += "]}"
        return Response.json(output, noStore: true)
    }

    // MARK: - Follow lists

    struct FollowRequest: Decodable {
        var insz: String
        var purpose: String
        var caseReference: String
        var until: String
    }

    static func followValue(_ follow: Follow, state: Follow.State) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(follow.id.lowercasedString), "subject": .string(follow.subjectPseudonym), "purpose": .string(follow.purpose),
            "caseReference": .string(follow.caseReference), "until": .string(follow.until.description), "state": .string(state.rawValue),
            "protocol": .object(["id": .string(follow.protocolId), "version": .integer(Int64(follow.protocolVersion))]),
            "createdAt": .string(follow.createdAt.description),
        ]
        members["endedAt"] = follow.endedAt.map { .string($0.description) } ?? .null
        return .object(members)
    }

    /// `POST /v1/exchange/follows`: enrols a person; 201 with the follow (never the national number).
    @Sendable func enrol(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        let body = try await request.body.collect(upTo: 64 * 1024)
        let input: FollowRequest
        do {
            input = try JSONDecoder().decode(FollowRequest.self, from: Data(body.readableBytesView))
        } catch {
            throw Problem.badRequest("expected a JSON object with insz, purpose, caseReference and until (YYYY-MM-DD)")
        }
        let lookup = try validate(
            LookupRequest(insz: input.insz, purpose: input.purpose, caseReference: input.caseReference, referenceDate: nil))
        guard let until = LocalDate(input.until) else {
            throw Problem(
                status: .unprocessableContent, type: Problem.typeURI("invalid-date"), title: "until is not a date",
                errors: [.init(pointer: "until", reason: "expected YYYY-MM-DD")])
        }
        guard until >= exchange.today() else {
            throw Problem(
                status: .unprocessableContent, type: Problem.typeURI("invalid-date"), title: "until lies in the past",
                errors: [.init(pointer: "until", reason: "not before today")])
        }
        let (requestId, traceparent) = (context.requestId, context.traceparent)
        let outcome: ExchangeService.Enrolment
        do {
            outcome = try await exchange.enrol(
                insz: lookup.insz, purpose: lookup.purpose, caseReference: lookup.caseReference, until: until, client: client,
                requestId: requestId,
                traceparent: traceparent)
        } catch is ExchangeService.RecordNotStored {
            throw Problem(
                status: .serviceUnavailable, type: Problem.typeURI("disclosure-not-recorded"),
                title: "The enrolment could not be recorded, so nothing is stored")
        }
        switch outcome {
        case .denied(let id, let reason):
            throw Problem(
                status: .forbidden, type: Problem.typeURI("no-protocol-authorises"),
                title: "No protocol authorises following this person now",
                detail: "\(reason.rawValue) (disclosure record \(id.lowercasedString))")
        case .unknownPurpose:
            throw Self.unknownPurpose
        case .tooLong(let maxDays):
            throw Problem(
                status: .unprocessableContent, type: Problem.typeURI("follow-too-long"),
                title: "until lies beyond what the protocol allows",
                detail: "the protocol allows following a person for at most \(maxDays) days",
                errors: [.init(pointer: "until", reason: "too far")])
        case .enrolled(let follow, let disclosureId):
            var value = Self.followValue(follow, state: .active)
            if case .object(var members) = value {
                members["disclosureId"] = .string(disclosureId.lowercasedString)
                value = .object(members)
            }
            return Response.json(value.canonicalText, status: .created, noStore: true)
        }
    }

    /// `GET /v1/exchange/follows?cursor=…&limit=…`: the client's follows with their state today.
    @Sendable func listFollows(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        var cursor: Int?
        if let text = request.uri.queryParameters["cursor"] {
            guard let value = Int(String(text)), value >= 0 else {
                throw Problem.badRequest("cursor must be a number from a previous answer")
            }
            cursor = value
        }
        var limit = 100
        if let text = request.uri.queryParameters["limit"] {
            guard let value = Int(String(text)), (1...1000).contains(value) else { throw Problem.badRequest("limit must be 1 to 1000") }
            limit = value
        }
        let page = try await exchange.follows(client: client, after: cursor, limit: limit)
        let next: JSONValue = page.count == limit ? .string(String(page.last!.position)) : .null
        let answer = JSONValue.object(["follows": .array(page.map { Self.followValue($0.follow, state: $0.state) }), "next": next])
        return Response.json(answer.canonicalText, noStore: true)
    }

    /// `POST /v1/exchange/follows/{id}/end`: ends a follow; 404 for another client's or an unknown
    /// follow, 409 when it had ended already.
    @Sendable func endFollow(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        guard let id = UUID(uuidString: try context.parameters.require("id")) else {
            throw Problem(status: .notFound, type: Problem.typeURI("follow-not-found"), title: "No such follow for this client")
        }
        let (requestId, traceparent) = (context.requestId, context.traceparent)
        guard let result = try await exchange.endFollow(id: id, client: client, requestId: requestId, traceparent: traceparent) else {
            throw Problem(status: .notFound, type: Problem.typeURI("follow-not-found"), title: "No such follow for this client")
        }
        guard result.ended else {
            throw Problem(status: .conflict, type: Problem.typeURI("follow-already-ended"), title: "This follow has ended already")
        }
        return Response.json(Self.followValue(result.follow, state: .ended).canonicalText, noStore: true)
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
        let body = try await request.body.collect(upTo: 4096)
        guard let input = try? JSONDecoder().decode(ReplayRequest.self, from: Data(body.readableBytesView)), input.from >= 1 else {
            throw Problem.badRequest("expected {\"from\": N} with N ≥ 1")
        }
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

    // MARK: - Batch files

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
