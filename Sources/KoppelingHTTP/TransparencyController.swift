import Foundation
public import Hummingbird
public import KoppelingCore
public import KoppelingStore

/// The transparency log over HTTP: public checkpoints, proofs and key; entries for staff (DPOs,
/// auditors); the disclosures about one person for a citizen portal; the DPO's search.
public struct TransparencyController<Context: ClientRequestContext>: Sendable {
    /// The context of the routes behind the access middleware.
    public typealias Authenticated = AuthenticatedRequestContext<Context>

    public let log: TransparencyLog
    public let pseudonymizer: Pseudonymizer
    /// Records each citizen report as an access.
    public let exchange: ExchangeService
    /// The most entries or records one answer holds.
    public static var maxPage: Int { 1000 }

    public init(log: TransparencyLog, pseudonymizer: Pseudonymizer, exchange: ExchangeService) {
        self.log = log
        self.pseudonymizer = pseudonymizer
        self.exchange = exchange
    }

    /// Adds the routes: the public ones under `/v1/transparency`, the entries (a group with its
    /// access rule), the DPO's search under `/v1/audit` and the citizen portal's under `/v1/citizen`.
    public func addRoutes(
        public group: RouterGroup<Context>, entries: RouterGroup<Authenticated>, audit: RouterGroup<Authenticated>,
        citizen: RouterGroup<Authenticated>
    ) {
        group.get("checkpoint", use: latestCheckpoint)
        group.get("checkpoints", use: checkpoint)
        group.get("key", use: key)
        group.get("proofs/inclusion", use: inclusion)
        group.get("proofs/consistency", use: consistency)
        entries.get("entries", use: listEntries)
        audit.post("disclosures/search", use: search)
        citizen.post("disclosures", use: citizenDisclosures)
    }

    static func text(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func notFound(_ title: String) -> Problem {
        Problem(status: .notFound, type: Problem.typeURI("log-not-found"), title: title)
    }

    /// A required non-negative integer query parameter.
    static func integer(_ request: Request, _ name: String) throws -> Int {
        guard let text = request.uri.queryParameters[name[...]], let value = Int(String(text)), value >= 0 else {
            throw Problem.badRequest("\(name) must be a whole number ≥ 0", errors: [.init(pointer: name, reason: "required")])
        }
        return value
    }

    static func base64(_ hashes: [[UInt8]]) -> JSONValue {
        .array(hashes.map { .string(Data($0).base64EncodedString()) })
    }

    /// Maps a request beyond the log to 404.
    func orNotFound<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError where error.isNotFound {
            throw Self.notFound(error.description)
        }
    }

    @Sendable func latestCheckpoint(_ request: Request, context: Context) async throws -> Response {
        guard let checkpoint = try await log.store.latestCheckpoint() else { throw Self.notFound("The log has no checkpoint yet") }
        return Self.text(checkpoint.note)
    }

    @Sendable func checkpoint(_ request: Request, context: Context) async throws -> Response {
        let size = try Self.integer(request, "size")
        guard let checkpoint = try await log.store.checkpoint(size: size) else {
            throw Self.notFound("No checkpoint was issued for this size")
        }
        return Self.text(checkpoint.note)
    }

    @Sendable func key(_ request: Request, context: Context) async throws -> Response {
        Self.text(([log.verifier] + log.retiredVerifiers).map { $0.verifierKey + "\n" }.joined())
    }

    @Sendable func inclusion(_ request: Request, context: Context) async throws -> Response {
        let index = try Self.integer(request, "index")
        let size = try Self.integer(request, "size")
        let proof = try await orNotFound { try await log.store.inclusionProof(index: index, size: size) }
        return Response.json(
            JSONValue.object(["index": .integer(Int64(index)), "size": .integer(Int64(size)), "proof": Self.base64(proof)]).canonicalText)
    }

    @Sendable func consistency(_ request: Request, context: Context) async throws -> Response {
        let from = try Self.integer(request, "from")
        let to = try Self.integer(request, "to")
        let proof = try await orNotFound { try await log.store.consistencyProof(from: from, to: to) }
        return Response.json(
            JSONValue.object(["from": .integer(Int64(from)), "to": .integer(Int64(to)), "proof": Self.base64(proof)]).canonicalText)
    }

    @Sendable func listEntries(_ request: Request, context: Authenticated) async throws -> Response {
        let start = try Self.integer(request, "start")
        let end = try Self.integer(request, "end")
        guard start <= end, end - start <= Self.maxPage else {
            throw Problem(
                status: .unprocessableContent, type: Problem.typeURI("invalid-range"), title: "The range of entries is not valid",
                detail: "0 ≤ start ≤ end and at most \(Self.maxPage) entries per request")
        }
        let entries = try await log.store.logEntries(start: start, end: end)
        let items: [JSONValue] = entries.map {
            .object([
                "index": .integer(Int64($0.index)), "entry": .string($0.entry),
                "leafHash": .string(Data($0.leafHash).base64EncodedString()),
            ])
        }
        return Response.json(JSONValue.object(["entries": .array(items)]).canonicalText, noStore: true)
    }

    // MARK: - The DPO's search

    struct SearchRequest: Decodable {
        var clientId: String?
        var party: String?
        var purpose: String?
        var outcome: String?
        var from: String?
        var to: String?
        var after: Int?
        var limit: Int?
    }

    static func recordValue(_ index: Int, _ record: DisclosureRecord) throws -> JSONValue {
        var value = try JSONValue.parse(record.canonicalJSON)
        if case .object(var members) = value {
            members["index"] = .integer(Int64(index))
            value = .object(members)
        }
        return value
    }

    @Sendable func search(_ request: Request, context: Authenticated) async throws -> Response {
        let input = try await request.decodeJSON(
            SearchRequest.self, upTo: 64 * 1024,
            expected: "expected a JSON object with clientId, party, purpose, outcome, from, to, after, limit (all optional)",
            empty: SearchRequest())
        func instant(_ text: String?, _ name: String) throws -> Instant? {
            guard let text else { return nil }
            if let instant = Instant(text) { return instant }
            if let date = LocalDate(text) { return Instant(microsecondsSinceEpoch: Int64(date.daysSinceEpoch) * 86_400_000_000) }
            throw Problem.badRequest(
                "\(name) must be a date YYYY-MM-DD or an ISO 8601 instant", errors: [.init(pointer: name, reason: "format")])
        }
        if let after = input.after, after < 0 {
            throw Problem.badRequest("after must be a log index ≥ 0", errors: [.init(pointer: "after", reason: "range")])
        }
        let limit = input.limit ?? 100
        guard (1...Self.maxPage).contains(limit) else {
            throw Problem.badRequest("limit must be 1 to \(Self.maxPage)", errors: [.init(pointer: "limit", reason: "range")])
        }
        let filter = DisclosureFilter(
            clientId: input.clientId, party: input.party, purpose: input.purpose, outcome: input.outcome,
            from: try instant(input.from, "from"), to: try instant(input.to, "to"))
        let found = try await log.store.searchDisclosures(filter, after: input.after, limit: limit)
        let next: JSONValue = found.count == limit ? .integer(Int64(found.last!.index)) : .null
        let answer = JSONValue.object(["disclosures": .array(try found.map { try Self.recordValue($0.index, $0.record) }), "next": next])
        return Response.json(answer.canonicalText, noStore: true)
    }

    // MARK: - The person concerned

    struct CitizenRequest: Decodable {
        var insz: String
        /// The portal's reference of the session or request, recorded with the access.
        var reference: String?
    }

    /// The purpose recorded for a person's own report.
    static var citizenPurpose: String { "CITIZEN_TRANSPARENCY" }

    @Sendable func citizenDisclosures(_ request: Request, context: Authenticated) async throws -> Response {
        let format = request.uri.queryParameters["format"].map(String.init) ?? "json"
        guard format == "json" || format == "html" else {
            throw Problem.badRequest("format must be json or html", errors: [.init(pointer: "format", reason: "enum")])
        }
        let input = try await request.decodeJSON(CitizenRequest.self, upTo: 16 * 1024, expected: "expected a JSON object with insz")
        let insz = try Problem.nationalNumber(input.insz, policy: exchange.register.policy)
        let reference = input.reference ?? "citizen-portal"
        if let problem = Problem.reference(reference, member: "reference") { throw problem }
        let found = try await log.store.disclosures(subject: pseudonymizer.pseudonym(of: insz))
        // The report is itself an access to what the register holds about the person: recorded
        // before it is answered (it lists what came before it).
        do {
            _ = try await exchange.recordAccess(
                client: context.client, channel: .citizen, outcome: .read, purpose: Self.citizenPurpose,
                caseReference: reference,
                subject: insz, requestId: context.requestId, traceparent: context.traceparent)
        } catch is ExchangeService.RecordNotStored {
            throw Problem(
                status: .serviceUnavailable, type: Problem.typeURI("disclosure-not-recorded"),
                title: "The access could not be recorded, so nothing is shown")
        }
        // Every answer is proven against one checkpoint that covers all of them.
        let checkpoint = try await log.issueCheckpoint()
        var items: [(index: Int, record: DisclosureRecord, entry: String, proof: [[UInt8]])] = []
        if let checkpoint {
            for (index, record, entry) in found where index < checkpoint.size {
                let proof = try await log.store.inclusionProof(index: index, size: checkpoint.size)
                items.append((index, record, entry, proof))
            }
        }
        if format == "html" {
            let language = Language.preferred(acceptLanguage: request.headers[.acceptLanguage])
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentLanguage: language.rawValue,
                    .vary: "Accept-Language",
                ],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: CitizenReportPage.render(items.map { ($0.index, $0.record) }, checkpoint: checkpoint, language: language))))
        }
        let disclosures: [JSONValue] = items.map { item in
            let record = item.record
            return .object([
                "index": .integer(Int64(item.index)),
                "disclosedAt": .string(record.at.description),
                "recipient": .object(["party": .string(record.party), "client": .string(record.clientId)]),
                "purpose": .string(record.purpose),
                "caseReference": .string(record.caseReference),
                "referenceDate": .string(record.referenceDate.description),
                "fields": .array(record.fields.map { .string($0.rawValue) }),
                "outcome": .string(record.outcome.rawValue),
                "entry": .string(item.entry),
                "inclusionProof": Self.base64(item.proof),
            ])
        }
        let answer = JSONValue.object([
            "checkpoint": checkpoint.map { .string($0.note) } ?? .null,
            "treeSize": .integer(Int64(checkpoint?.size ?? 0)),
            "logKey": .string(log.verifier.verifierKey),
            "retiredLogKeys": .array(log.retiredVerifiers.map { .string($0.verifierKey) }),
            "disclosures": .array(disclosures),
        ])
        return Response.json(answer.canonicalText, noStore: true)
    }
}
