import Crypto
import Foundation
public import Hummingbird
import KoppelingCore
public import KoppelingStore

/// The recipients' follow lists: enrolling a person (checked as a lookup is), listing the
/// client's follows with their state today, and ending one.
public struct FollowController<Context: ClientRequestContext>: Sendable {
    /// The context of the routes behind the access middleware.
    public typealias Authenticated = AuthenticatedRequestContext<Context>
    public let exchange: ExchangeService
    /// Validates an enrolment's person, purpose and case reference as a lookup's.
    let lookups: LookupController<Context>

    public init(exchange: ExchangeService, lookups: LookupController<Context>) {
        self.exchange = exchange
        self.lookups = lookups
    }

    /// Adds `follows`, `follows` (list) and `follows/{id}/end` to the recipients' group.
    public func addRoutes(to recipients: RouterGroup<Authenticated>) {
        recipients.post("follows", use: enrol)
        recipients.get("follows", use: listFollows)
        recipients.post("follows/:id/end", use: endFollow)
    }

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
        let input = try await request.decodeJSON(
            FollowRequest.self, upTo: 64 * 1024, expected: "expected a JSON object with insz, purpose, caseReference and until (YYYY-MM-DD)"
        )
        let lookup = try lookups.validate(
            LookupController<Context>.LookupRequest(
                insz: input.insz, purpose: input.purpose, caseReference: input.caseReference, referenceDate: nil))
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
            throw Problem.unknownPurpose
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
}
