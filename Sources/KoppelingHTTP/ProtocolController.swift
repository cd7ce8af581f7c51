import Crypto
import Foundation
public import Hummingbird
public import KoppelingCore
public import KoppelingStore

/// The protocol endpoints: public reading (the law wants publication) and the staff workflow.
public struct ProtocolController<Context: ClientRequestContext>: Sendable {
    /// The context of the routes behind the access middleware.
    public typealias Authenticated = AuthenticatedRequestContext<Context>

    public let registry: ProtocolRegistry
    public let today: @Sendable () -> LocalDate

    public init(registry: ProtocolRegistry, today: @escaping @Sendable () -> LocalDate) {
        self.registry = registry
        self.today = today
    }

    /// Adds the routes under `/v1/protocols`: public reading of published versions to `public`,
    /// the workflow to `staff`, two groups on that path with their own access rules.
    public func addRoutes(public group: RouterGroup<Context>, staff: RouterGroup<Authenticated>) {
        group.get(use: list)
        group.get(":id/versions/:version", use: show)
        group.get(":id/versions/:version/document", use: document)
        staff.post(use: submit)
        staff.post(":id/versions/:version/advices", use: advise)
        staff.post(":id/versions/:version/signatures", use: sign)
        staff.post(":id/versions/:version/publish", use: publish)
        staff.post(":id/versions/:version/suspend", use: suspend)
        staff.post(":id/versions/:version/reinstate", use: reinstate)
        staff.post(":id/versions/:version/revoke", use: revoke)
    }

    /// Who did a step, for the protocol's history: the authenticated client, and the person the
    /// request names, if any.
    func actorName(_ named: String?, _ context: Authenticated) throws -> String {
        let client = context.client.id
        guard let named, !named.isEmpty else { return client }
        return "\(named) (via \(client))"
    }

    struct Summary: Encodable {
        var id: String
        var version: Int
        var title: String
        var state: ProtocolState
        var inForce: Bool
        var publishedOn: LocalDate?
        var validFrom: LocalDate
        var validUntil: LocalDate
        var digest: String
        var href: String
        var documentHref: String
    }

    struct SignatureAnswer: Encodable {
        var party: String
        var publicKeyFingerprint: String
        var signature: String
        var signedAt: Instant
    }

    struct VersionAnswer: Encodable {
        var id: String
        var version: Int
        var state: ProtocolState
        var inForce: Bool
        var publishedOn: LocalDate?
        var digest: String
        var allowedActions: [String]
        var advices: [DPOAdvice]
        var signatures: [SignatureAnswer]
        var history: [ProtocolTransition]
        var document: ProtocolDocument
    }

    func isInForce(_ record: ProtocolRecord) -> Bool {
        let day = today()
        return record.state == .published && record.document.validFrom <= day && day <= record.document.validUntil
    }

    func summary(_ record: ProtocolRecord) -> Summary {
        let d = record.document
        let href = "/v1/protocols/\(d.id)/versions/\(d.version)"
        return Summary(
            id: d.id, version: d.version, title: d.title, state: record.state, inForce: isInForce(record), publishedOn: record.publishedOn,
            validFrom: d.validFrom, validUntil: d.validUntil, digest: d.digestHex, href: href, documentHref: href + "/document")
    }

    func answer(_ record: ProtocolRecord) -> VersionAnswer {
        VersionAnswer(
            id: record.document.id, version: record.document.version, state: record.state, inForce: isInForce(record),
            publishedOn: record.publishedOn, digest: record.document.digestHex, allowedActions: record.allowedActions,
            advices: record.advices,
            signatures: record.signatures.map {
                SignatureAnswer(party: $0.party, publicKeyFingerprint: $0.keyFingerprint, signature: $0.signature, signedAt: $0.signedAt)
            },
            history: record.history, document: record.document)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let records = try await registry.store.protocolRecords().filter { $0.publishedOn != nil }
        return try Response.json(records.map(summary))
    }

    func published(_ context: Context) async throws -> ProtocolRecord {
        let id = try context.parameters.require("id")
        let version = try context.parameters.require("version", as: Int.self)
        guard let record = try await registry.store.protocolRecord(id: id, version: version), record.publishedOn != nil else {
            throw Problem(
                status: .notFound, type: Problem.typeURI("protocol-not-found"), title: "No published protocol with this id and version")
        }
        return record
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        try Response.json(answer(try await published(context)))
    }

    @Sendable func document(_ request: Request, context: Context) async throws -> Response {
        let record = try await published(context)
        let language = Language.preferred(acceptLanguage: request.headers[.acceptLanguage])
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .contentLanguage: language.rawValue, .vary: "Accept-Language"],
            body: .init(byteBuffer: ByteBuffer(string: ProtocolPage.render(record, language: language))))
    }

    // MARK: - Staff workflow

    struct ActionRequest: Decodable {
        var actor: String?
        var reason: String?
        var date: String?
        // Advice
        var party: String?
        var opinion: String?
        var text: String?
        var author: String?
        // Signature (and the advice's DPO signature)
        var publicKey: String?
        var signature: String?
        // Reinstatement: every party's signature over the reinstatement statement
        var signatures: [PartySignature]?
    }

    struct PartySignature: Decodable {
        var party: String
        var publicKey: String
        var signature: String
    }

    func decode(_ request: Request) async throws -> ActionRequest {
        try await request.decodeJSON(ActionRequest.self, upTo: 256 * 1024, expected: "expected a JSON object", empty: ActionRequest())
    }

    func versionKey(_ context: some RequestContext) throws -> (String, Int) {
        (try context.parameters.require("id"), try context.parameters.require("version", as: Int.self))
    }

    /// Runs a workflow step, mapping its refusals to problems.
    func step(_ body: () async throws -> ProtocolRecord) async throws -> Response {
        do {
            return try Response.json(answer(try await body()))
        } catch let error as ProtocolTransitionError {
            throw Problem(
                status: .conflict, type: Problem.typeURI("protocol-transition-refused"), title: "This transition is not allowed now",
                detail: error.description, errors: error.allowed.map { .init(reason: "allowed: \($0)") })
        } catch let error as ProtocolStoreError {
            switch error {
            case .notFound: throw Problem(status: .notFound, type: Problem.typeURI("protocol-not-found"), title: error.description)
            case .versionExists:
                throw Problem(status: .conflict, type: Problem.typeURI("protocol-version-exists"), title: error.description)
            case .unknownParty:
                throw Problem(status: .unprocessableContent, type: Problem.typeURI("unknown-party"), title: error.description)
            }
        }
    }

    func required(_ value: String?, _ name: String) throws -> String {
        guard let value, !value.isEmpty else {
            throw Problem.badRequest("\(name) is required", errors: [.init(pointer: name, reason: "required")])
        }
        return value
    }

    @Sendable func submit(_ request: Request, context: Authenticated) async throws -> Response {
        let body = try await request.body.collect(upTo: 1024 * 1024)
        let text = String(buffer: body)
        let document: ProtocolDocument
        do {
            document = try ProtocolDocument.parse(yaml: text)
        } catch {
            throw Problem(
                status: .unprocessableContent, type: Problem.typeURI("invalid-protocol"), title: "The protocol document breaks rules",
                detail: "\(error.issues.count) rule(s) broken.",
                errors: error.issues.map { .init(line: $0.line, pointer: $0.path, reason: "\($0.message) [\($0.rule)]") })
        }
        let who = try actorName(request.headers[.init("X-Koppeling-Actor")!], context)
        var response = try await step { try await registry.submit(document, actor: who) }
        response.status = .created
        return response
    }

    @Sendable func advise(_ request: Request, context: Authenticated) async throws -> Response {
        let (id, version) = try versionKey(context)
        let input = try await decode(request)
        let party = try required(input.party, "party")
        let opinionText = try required(input.opinion, "opinion")
        let opinion: DPOAdvice.Opinion
        switch opinionText {
        case "favourable": opinion = .favourable
        case "conditional", "favourable_with_conditions": opinion = .conditional
        case "unfavourable": opinion = .unfavourable
        default:
            throw Problem.badRequest(
                "opinion must be favourable, conditional or unfavourable", errors: [.init(pointer: "opinion", reason: "enum")])
        }
        guard let dateText = input.date, let date = LocalDate(dateText) else {
            throw Problem.badRequest(
                "date must be the advice's date, YYYY-MM-DD (it is part of what the DPO signs)",
                errors: [.init(pointer: "date", reason: "format")])
        }
        // The DPO signs the advice with their own registered key; staff only carry it.
        let advice = DPOAdvice(
            party: party, opinion: opinion, text: try required(input.text, "text"), date: date,
            author: try required(input.author, "author"),
            publicKey: try required(input.publicKey, "publicKey"), signature: try required(input.signature, "signature"))
        return try await step {
            try await registry.advise(id: id, version: version, advice: advice, actor: try actorName(input.actor ?? input.author, context))
        }
    }

    @Sendable func sign(_ request: Request, context: Authenticated) async throws -> Response {
        let (id, version) = try versionKey(context)
        let input = try await decode(request)
        let party = try required(input.party, "party")
        guard let keyData = Data(base64Encoded: try required(input.publicKey, "publicKey")),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyData)
        else {
            throw Problem.badRequest(
                "publicKey must be a base64 Ed25519 public key (32 bytes)", errors: [.init(pointer: "publicKey", reason: "format")])
        }
        guard let signature = Data(base64Encoded: try required(input.signature, "signature")) else {
            throw Problem.badRequest("signature must be base64", errors: [.init(pointer: "signature", reason: "format")])
        }
        return try await step {
            try await registry.sign(
                id: id, version: version, party: party, publicKey: key, signature: signature, actor: try actorName(input.actor, context))
        }
    }

    @Sendable func publish(_ request: Request, context: Authenticated) async throws -> Response {
        let (id, version) = try versionKey(context)
        let input = try await decode(request)
        let date = try Problem.date(input.date, member: "date") ?? today()
        return try await step { try await registry.publish(id: id, version: version, on: date, actor: try actorName(input.actor, context)) }
    }

    @Sendable func suspend(_ request: Request, context: Authenticated) async throws -> Response {
        let (id, version) = try versionKey(context)
        let input = try await decode(request)
        let reason = try required(input.reason, "reason")
        return try await step {
            try await registry.suspend(id: id, version: version, reason: reason, actor: try actorName(input.actor, context))
        }
    }

    @Sendable func reinstate(_ request: Request, context: Authenticated) async throws -> Response {
        let (id, version) = try versionKey(context)
        let input = try await decode(request)
        let reason = try required(input.reason, "reason")
        guard let given = input.signatures, !given.isEmpty else {
            throw Problem.badRequest(
                "signatures must hold every party's signature over the reinstatement statement",
                errors: [.init(pointer: "signatures", reason: "missing")])
        }
        let signatures = given.map {
            ProtocolSignature(
                party: $0.party, publicKey: $0.publicKey, signature: $0.signature, signedAt: Instant(microsecondsSinceEpoch: 0))
        }
        return try await step {
            try await registry.reinstate(
                id: id, version: version, reason: reason, signatures: signatures, actor: try actorName(input.actor, context))
        }
    }

    @Sendable func revoke(_ request: Request, context: Authenticated) async throws -> Response {
        let (id, version) = try versionKey(context)
        let input = try await decode(request)
        let reason = try required(input.reason, "reason")
        return try await step {
            try await registry.revoke(id: id, version: version, reason: reason, actor: try actorName(input.actor, context))
        }
    }
}
