import Foundation
public import Hummingbird
public import KoppelingCore
public import KoppelingStore

/// ABB's enforcement work list over HTTP, for its own systems (role `enforcement`): the queues,
/// recording a decision about an open infringement, and a second officer's approval of a fine
/// above the approval amount. National numbers travel in bodies only; every item a page shows is
/// a read recorded in the transparency log before the page is answered.
public struct EnforcementController<Context: ClientRequestContext>: Sendable {
    /// The context of the routes behind the access middleware.
    public typealias Authenticated = AuthenticatedRequestContext<Context>

    public let workList: WorkListService
    public let exchange: ExchangeService

    public init(workList: WorkListService, exchange: ExchangeService) {
        self.workList = workList
        self.exchange = exchange
    }

    /// Adds `GET queues/:queue`, `POST decisions`, `GET approvals` and `POST approvals/:id`.
    public func addRoutes(to group: RouterGroup<Authenticated>) {
        group.get("queues/:queue", use: queue)
        group.post("decisions", use: decide)
        group.get("approvals", use: approvals)
        group.post("approvals/:id", use: approve)
    }

    @Sendable func queue(_ request: Request, context: Authenticated) async throws -> Response {
        let name = try context.parameters.require("queue")
        guard let queue = WorkListQueue(rawValue: name) else {
            throw Problem(
                status: .notFound, type: Problem.typeURI("queue-not-found"), title: "No such queue",
                detail: "one of " + WorkListQueue.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let query = try Self.query(queue, request.uri.queryParameters)
        let page = try await workList.page(query)
        try await record(page.items.map(\.insz), caseReference: "work-list:\(queue.rawValue)", context: context)
        let items = page.items.map { item -> JSONValue in
            var members: [String: JSONValue] = [
                "insz": .string(item.insz.digits), "status": .string(item.row.status.rawValue),
                "since": item.row.since.map { .string($0.description) } ?? .null,
                "daysOpen": item.daysOpen.map { .integer(Int64($0)) } ?? .null,
                "deadline": item.row.termEndsOn.map { .string($0.description) } ?? .null,
                "agency": item.row.agency.map(JSONValue.string) ?? .null,
                "municipality": item.row.municipality.map(JSONValue.string) ?? .null,
                "province": item.row.municipality.flatMap(Province.init(nisCode:)).map { .string($0.rawValue) } ?? .null,
            ]
            members["openInfringements"] = .array(
                item.facts.openInfringements.map {
                    .object([
                        "id": .string($0.id), "kind": .string($0.kind.rawValue), "establishedOn": .string($0.establishedOn.description),
                        "noticeOfDefaultOn": $0.noticeOfDefaultOn.map { .string($0.description) } ?? .null,
                        "termEndsOn": .string($0.termEndsOn.description),
                    ])
                })
            members["fines"] = .array(
                item.facts.fines.map {
                    .object([
                        "infringementId": .string($0.infringementId), "decidedOn": .string($0.decidedOn.description),
                        "amountEUR": $0.amountEUR.map { .integer(Int64($0)) } ?? .null,
                    ])
                })
            return .object(members)
        }
        let answer = JSONValue.object([
            "queue": .string(queue.rawValue), "today": .string(page.today.description), "total": .integer(Int64(page.total)),
            "offset": .integer(Int64(query.offset)), "items": .array(items),
        ])
        return Response.json(answer.canonicalText, noStore: true)
    }

    /// The query of a queue page from its parameters; a value out of its domain is a 400.
    static func query(_ queue: WorkListQueue, _ parameters: Parameters) throws -> WorkListQuery {
        var query = WorkListQuery(queue: queue)
        func value(_ name: String) -> String? { parameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        func number(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let number = Int(text), range.contains(number) else {
                throw Problem.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        query.agency = value("agency").map { String($0.prefix(100)) }
        if let text = value("province") {
            guard let province = Province(rawValue: text) else {
                throw Problem.badRequest("province must be one of " + Province.allCases.map(\.rawValue).joined(separator: ", "))
            }
            query.province = province
        }
        if let text = value("municipality") {
            guard text.count == 5, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
                throw Problem.badRequest("municipality must be a NIS code of 5 digits")
            }
            query.municipality = text
        }
        if let text = value("kind") {
            guard let kind = EventPayload.InfringementRecorded.Kind(rawValue: text) else {
                throw Problem.badRequest(
                    "kind must be one of " + EventPayload.InfringementRecorded.Kind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            query.kind = kind
        }
        query.minimumAgeDays = try number("minimumAgeDays", 0...36_500)
        switch value("order") {
        case nil, "oldest": break
        case "newest": query.newestFirst = true
        default: throw Problem.badRequest("order must be oldest or newest")
        }
        query.offset = try number("offset", 0...10_000_000) ?? 0
        query.limit = try number("limit", 1...500) ?? 50
        return query
    }

    /// Records reads before anything is answered; without the records nothing is shown.
    func record(_ persons: [NationalNumber], caseReference: String, context: Authenticated) async throws {
        do {
            try await exchange.recordAccesses(
                client: context.client, channel: .register, purpose: RegisterReadPurpose.enforcement.rawValue, caseReference: caseReference,
                subjects: persons, requestId: context.requestId, traceparent: context.traceparent)
        } catch is ExchangeService.RecordNotStored {
            throw Problem(
                status: .serviceUnavailable, type: Problem.typeURI("disclosure-not-recorded"),
                title: "The reads could not be recorded, so nothing is shown")
        }
    }

    struct DecisionRequest: Decodable {
        var insz: String
        var infringementId: String
        /// `fine`, `no_follow_up` or `rectified`.
        var decision: String
        var amountEUR: Int?
        /// The officer who decides, as ABB's system knows them.
        var officer: String
    }

    /// The author of an act by an officer through a client: `client:ID/OFFICER`.
    static func author(_ officer: String, _ context: Authenticated) throws -> String {
        let name = officer.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(name.count) else { throw Problem.badRequest("officer must hold 1 to 100 characters") }
        return "client:\(context.client.id)/\(name)"
    }

    static func refusal(_ refusal: WorkListService.Refusal) -> Problem {
        switch refusal {
        case .notOpen:
            Problem(
                status: .unprocessableContent, type: Problem.typeURI("infringement-not-open"), title: "No such open infringement",
                detail: refusal.english)
        case .amountOutOfRange:
            Problem(
                status: .unprocessableContent, type: Problem.typeURI("fine-out-of-range"), title: "The amount is outside the legal range",
                detail: refusal.english, errors: [.init(pointer: "amountEUR", reason: refusal.english)])
        case .noSuchApproval:
            Problem(status: .notFound, type: Problem.typeURI("approval-not-found"), title: "No decision awaits approval with this id")
        case .sameOfficer:
            Problem(
                status: .conflict, type: Problem.typeURI("second-officer-required"), title: "A second officer must approve",
                detail: refusal.english)
        case .alreadyDecided:
            Problem(status: .conflict, type: Problem.typeURI("approval-settled"), title: "Already approved or refused")
        }
    }

    @Sendable func decide(_ request: Request, context: Authenticated) async throws -> Response {
        let input = try await request.decodeJSON(
            DecisionRequest.self, upTo: 4096,
            expected: "expected {\"insz\": …, \"infringementId\": …, \"decision\": …, \"amountEUR\": …, \"officer\": …}")
        let insz = try Problem.nationalNumber(input.insz, policy: workList.register.policy)
        let decision: WorkListService.Decision
        switch (input.decision, input.amountEUR) {
        case ("fine", let amount?): decision = .fine(amountEUR: amount)
        case ("no_follow_up", nil): decision = .noFollowUp
        case ("rectified", nil): decision = .rectified
        default: throw Problem.badRequest("decision must be fine with amountEUR, or no_follow_up or rectified without it")
        }
        let author = try Self.author(input.officer, context)
        try await record([insz], caseReference: "decision:\(input.infringementId.prefix(100))", context: context)
        do {
            switch try await workList.decide(insz: insz, infringementId: input.infringementId, decision, by: author) {
            case .stored(let id):
                return Response.json(
                    JSONValue.object(["state": .string("stored"), "eventId": .string(id.lowercasedString)]).canonicalText, status: .created)
            case .awaitingApproval(let pending):
                return Response.json(Self.json(pending).canonicalText, status: .accepted)
            }
        } catch let refusal as WorkListService.Refusal {
            throw Self.refusal(refusal)
        }
    }

    static func json(_ pending: PendingDecision) -> JSONValue {
        .object([
            "state": .string(pending.state == .pending ? "awaiting_approval" : pending.state.rawValue),
            "approvalId": .string(pending.id.lowercasedString), "insz": .string(pending.insz),
            "infringementId": .string(pending.infringementId), "amountEUR": .integer(Int64(pending.amountEUR)),
            "proposedBy": .string(pending.proposedBy), "proposedAt": .string(pending.proposedAt.description),
            "decidedBy": pending.decidedBy.map(JSONValue.string) ?? .null,
        ])
    }

    @Sendable func approvals(_ request: Request, context: Authenticated) async throws -> Response {
        let pending = try await workList.approvals.pendingDecisions()
        try await record(
            pending.compactMap { try? NationalNumber($0.insz, policy: .stored) }, caseReference: "approvals", context: context)
        return Response.json(JSONValue.object(["approvals": .array(pending.map(Self.json))]).canonicalText, noStore: true)
    }

    struct ApprovalRequest: Decodable {
        var approve: Bool
        var officer: String
    }

    @Sendable func approve(_ request: Request, context: Authenticated) async throws -> Response {
        guard let id = UUID(uuidString: try context.parameters.require("id")) else {
            throw Problem(status: .notFound, type: Problem.typeURI("approval-not-found"), title: "No decision awaits approval with this id")
        }
        let input = try await request.decodeJSON(
            ApprovalRequest.self, upTo: 1024, expected: "expected {\"approve\": …, \"officer\": …}")
        let author = try Self.author(input.officer, context)
        do {
            let settled = try await workList.approve(id, approve: input.approve, by: author)
            return Response.json(Self.json(settled).canonicalText)
        } catch let refusal as WorkListService.Refusal {
            throw Self.refusal(refusal)
        }
    }
}
