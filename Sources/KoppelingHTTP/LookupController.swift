import Crypto
import Foundation
public import Hummingbird
import KoppelingCore
public import KoppelingStore

/// The recipients' lookups: one person at a time, or up to ``maxBatch`` in one request, each
/// decided by the protocols in force and recorded in the transparency log before it is answered.
public struct LookupController<Context: ClientRequestContext>: Sendable {
    /// The context of the routes behind the access middleware.
    public typealias Authenticated = AuthenticatedRequestContext<Context>
    public let exchange: ExchangeService
    public let limiter: RateLimiter
    /// The most lookups one batch request may carry.
    public static var maxBatch: Int { 500 }

    public init(exchange: ExchangeService, limiter: RateLimiter) {
        self.exchange = exchange
        self.limiter = limiter
    }

    /// Adds `lookups` and `lookups/batch` to the recipients' group.
    public func addRoutes(to recipients: RouterGroup<Authenticated>) {
        recipients.post("lookups", use: lookup)
        recipients.post("lookups/batch", use: batch)
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

    struct LookupRequest: Decodable {
        var insz: String
        var purpose: String
        var caseReference: String
        var referenceDate: String?
    }

    /// The problem (400) of a lookup that breaks what the OpenAPI document states: a purpose that
    /// is not a purpose code, a case reference of the wrong length, a reference date that is not
    /// a date. Checked before the rules no schema can state, so that the batch can refuse such an
    /// item as the single route does.
    func documentProblem(_ input: LookupRequest) -> Problem? {
        guard Self.isPurposeCode(input.purpose) else {
            return Problem.badRequest(
                "purpose must be a purpose code: 1 to 64 upper-case letters, digits and underscores",
                errors: [.init(pointer: "purpose", reason: "format")])
        }
        if let problem = Problem.reference(input.caseReference, member: "caseReference") { return problem }
        if let text = input.referenceDate, LocalDate(text) == nil { return Problem.notADate(member: "referenceDate") }
        return nil
    }

    /// A lookup as the service takes it, or the problem that refuses it before any decision: 400
    /// for what breaks the document (``documentProblem(_:)``), 422 for a national number whose check
    /// digits do not match or a reference date in the future.
    func validate(_ input: LookupRequest) throws -> ExchangeService.Lookup {
        if let problem = documentProblem(input) { throw problem }
        let insz = try Problem.nationalNumber(input.insz, policy: exchange.register.policy)
        let requested = input.referenceDate.flatMap { LocalDate($0) }
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
        return .init(insz: insz, purpose: input.purpose, caseReference: input.caseReference, referenceDate: referenceDate)
    }

    /// A purpose code as protocols write them (upper-case letters, digits, underscores), bounded.
    static func isPurposeCode(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Decides and records lookups, mapping a record that could not be stored to 503.
    func decideAndRecord(
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

    /// What a lookup answers: its JSON with 200, or the problem that refuses it. A value, so that
    /// the single lookup throws the problem and the batch lists it, without catching anything.
    enum Answer {
        case disclosed(String)
        case refused(Problem)
    }

    /// One lookup's answer.
    func answer(_ outcome: ExchangeService.Outcome, referenceDate: LocalDate) -> Answer {
        switch outcome {
        case .denied(let id, let reason):
            return .refused(
                Problem(
                    status: .forbidden, type: Problem.typeURI("no-protocol-authorises"),
                    title: "No protocol authorises this disclosure now",
                    detail: "\(reason.rawValue) (disclosure record \(id.lowercasedString))"))
        case .unknownPurpose:
            return .refused(Problem.unknownPurpose)
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
            return .disclosed(output)
        }
    }

    @Sendable func lookup(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        try await limit(client, count: 1)
        let input = try await request.decodeJSON(
            LookupRequest.self, upTo: 64 * 1024, expected: "expected a JSON object with insz, purpose, caseReference and referenceDate")
        let (requestId, traceparent) = (context.requestId, context.traceparent)
        let lookup = try validate(input)
        let outcome = try await decideAndRecord([(lookup, requestId)], client: client, traceparent: traceparent)[0]
        switch answer(outcome, referenceDate: lookup.referenceDate) {
        case .disclosed(let output): return Response.json(output, noStore: true)
        case .refused(let problem): throw problem
        }
    }

    struct BatchRequest: Decodable {
        var lookups: [LookupRequest]
    }

    /// Up to 500 lookups in one request, each answered and recorded as a single lookup; the
    /// answer lists, per index, the HTTP status a single lookup would have had and its body.
    @Sendable func batch(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        let input = try await request.decodeJSON(
            BatchRequest.self, upTo: 4 * 1024 * 1024, expected: "expected {\"lookups\":[…]} with at most \(Self.maxBatch) lookups")
        guard !input.lookups.isEmpty, input.lookups.count <= Self.maxBatch else {
            throw Problem(
                status: .contentTooLarge, type: Problem.typeURI("batch-too-large"), title: "A batch holds 1 to \(Self.maxBatch) lookups",
                detail: "got \(input.lookups.count)")
        }
        // An item that breaks the document refuses the whole batch, as it would the single route.
        for (index, item) in input.lookups.enumerated() {
            guard let problem = documentProblem(item) else { continue }
            throw Problem.badRequest(
                "lookup \(index): \(problem.detail ?? problem.title)",
                errors: problem.errors.map { .init(index: index, pointer: $0.pointer, reason: $0.reason) })
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
        let outcomes = try await decideAndRecord(
            valid.map { ($0.lookup, "\(requestId)/\($0.index)") }, client: client, traceparent: traceparent)
        for (item, outcome) in zip(valid, outcomes) {
            switch answer(outcome, referenceDate: item.lookup.referenceDate) {
            case .disclosed(let output):
                answers[item.index] = "{\"index\":\(item.index),\"status\":200,\"body\":\(output)}"
            case .refused(let problem):
                answers[item.index] = "{\"index\":\(item.index),\"status\":\(problem.status.code),\"body\":\(try problemText(problem))}"
            }
        }
        var output = "{\"answers\":[" + answers.joined(separator: ",")
        output += "]}"
        return Response.json(output, noStore: true)
    }
}

extension Problem {
    /// The refusal of a purpose no protocol names; such a request leaves no record in the log.
    static let unknownPurpose = Problem(
        status: .forbidden, type: Problem.typeURI("unknown-purpose"), title: "No published protocol names this purpose",
        detail: "the purpose is none of the purpose codes of the published protocols; nothing was recorded")
}
