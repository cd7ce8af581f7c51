import Foundation
public import Hummingbird
public import KoppelingCore
import KoppelingKBI
public import KoppelingStore

/// The register's endpoints for agencies and staff: ingestion, status, dossier and KBI import.
/// National numbers travel in request bodies only, never in paths or query strings.
public struct RegisterController<Context: ClientRequestContext>: Sendable {
    /// The context of the routes behind the access middleware.
    public typealias Authenticated = AuthenticatedRequestContext<Context>

    /// The register.
    public let register: Register
    /// Records every read of a person's status or dossier in the transparency log.
    public let exchange: ExchangeService
    /// Today's date in the register's time zone, for a missing reference date.
    public let today: @Sendable () -> LocalDate
    /// The most events one request may carry.
    public static var maxEventsPerRequest: Int { 1000 }

    public init(register: Register, exchange: ExchangeService, today: @escaping @Sendable () -> LocalDate) {
        self.register = register
        self.exchange = exchange
        self.today = today
    }

    /// Adds the routes under `/v1/register`: the writes (events, KBI imports) to `writes` and the
    /// reads (status, dossier) to `reads`, two groups on that path with their own access rules.
    public func addRoutes(writes: RouterGroup<Authenticated>, reads: RouterGroup<Authenticated>) {
        writes.post("events", use: postEvents)
        writes.post("imports/kbi", use: importKBI)
        reads.post("persons/status", use: status)
        reads.post("persons/dossier", use: dossier)
    }

    struct PersonRequest: Decodable {
        var insz: String
        /// Why the client reads: one of ``RegisterReadPurpose``.
        var purpose: String
        /// The case or work reference the read belongs to.
        var caseReference: String
        var referenceDate: String?
        var knownAt: String?
    }

    struct EventsAnswer: Encodable {
        var received: Int
        var stored: Int
        var alreadyPresent: Int
        var recordedAt: Instant?
    }

    struct ImportAnswer: Encodable {
        var version: String
        var eventsInDossier: Int
        var stored: Int
        var alreadyPresent: Int
        var unmapped: [KBIUnmappedItem]
        var warnings: [KBIImportWarning]
        var ignoredSections: [String]
    }

    @Sendable func postEvents(_ request: Request, context: Authenticated) async throws -> Response {
        let body = try await request.body.collect(upTo: 8 * 1024 * 1024)
        let contentType = request.headers[.contentType]?.lowercased() ?? "application/json"
        let events: [Event]
        if contentType.hasPrefix("application/x-ndjson") {
            events = try parseNDJSON(body)
        } else if contentType.hasPrefix("application/json") {
            events = try parseArray(body)
        } else {
            throw Problem(
                status: .unsupportedMediaType, type: Problem.typeURI("unsupported-media-type"), title: "Unsupported media type",
                detail: "Send a JSON array (application/json) or one event per line (application/x-ndjson).")
        }
        let client = context.client
        let refused = events.indices.filter { !client.mayWrite(source: events[$0].source) }
        guard refused.isEmpty else {
            throw Problem(
                status: .forbidden, type: Problem.typeURI("source-not-allowed"),
                title: "The client may not write events of this source; nothing was stored",
                detail: "this client may write the sources: \((client.sources ?? []).joined(separator: ", "))",
                errors: refused.prefix(100).map { .init(index: $0, pointer: "source", reason: "not a source of this client") })
        }
        let summary: AppendSummary
        do {
            summary = try await register.append(events, by: .client(client.id))
        } catch let error as StoreError {
            if let conflict = error.conflict {
                throw Problem(
                    status: .conflict, type: Problem.typeURI("event-conflict"),
                    title: "An event id is already stored with other content; nothing was stored",
                    errors: [
                        .init(
                            index: conflict.index, pointer: "eventId",
                            reason: "event \(conflict.eventId.lowercasedString) is stored with other content")
                    ])
            }
            throw error
        }
        return try Response.json(
            EventsAnswer(
                received: events.count, stored: summary.stored, alreadyPresent: summary.alreadyPresent, recordedAt: summary.recordedAt))
    }

    func parseArray(_ body: ByteBuffer) throws -> [Event] {
        let value: JSONValue
        do {
            value = try body.withUnsafeReadableBytes { raw in
                try JSONValue.parse(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
            }
        } catch let error as JSONSyntaxError {
            throw Problem.badRequest(error.description)
        }
        guard case .array(let elements) = value else { throw Problem.badRequest("expected a JSON array of events") }
        try checkCount(elements.count)
        var events: [Event] = []
        var errors: [Problem.Item] = []
        for (index, element) in elements.enumerated() {
            do throws(EventValidationError) {
                events.append(try Event(json: element, policy: register.policy))
            } catch {
                errors.append(.init(index: index, pointer: error.path.isEmpty ? nil : error.path, reason: error.message))
            }
        }
        guard errors.isEmpty else { throw Problem.invalidEvents(errors) }
        return events
    }

    func parseNDJSON(_ body: ByteBuffer) throws -> [Event] {
        let parsed = body.withUnsafeReadableBytes { raw in
            NDJSONEvents.parse(
                UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count), policy: register.policy,
                limit: Self.maxEventsPerRequest)
        }
        try checkCount(parsed.lines)
        guard parsed.errors.isEmpty else {
            throw Problem.invalidEvents(
                parsed.errors.map {
                    .init(index: $0.index, line: $0.line, pointer: $0.error.path.isEmpty ? nil : $0.error.path, reason: $0.error.message)
                })
        }
        return parsed.events
    }

    func checkCount(_ count: Int) throws {
        guard count > 0 else { throw Problem.badRequest("the batch holds no events") }
        guard count <= Self.maxEventsPerRequest else {
            throw Problem(
                status: .contentTooLarge, type: Problem.typeURI("batch-too-large"), title: "Too many events in one request",
                detail: "At most \(Self.maxEventsPerRequest) events per request; got \(count).")
        }
    }

    /// A person read as the handlers take it: every member checked, the dates parsed.
    struct PersonRead {
        var insz: NationalNumber
        var purpose: RegisterReadPurpose
        var caseReference: String
        var referenceDate: LocalDate?
        var knownAt: Instant?
    }

    func decodePerson(_ request: Request) async throws -> PersonRead {
        let person = try await request.decodeJSON(
            PersonRequest.self, upTo: 64 * 1024,
            expected: """
                expected a JSON object with insz, purpose, caseReference and optionally referenceDate (YYYY-MM-DD) and knownAt (ISO \
                8601 instant)
                """)
        guard let purpose = RegisterReadPurpose(rawValue: person.purpose) else {
            throw Problem.badRequest(
                "purpose must be one of \(RegisterReadPurpose.allCases.map(\.rawValue).joined(separator: ", "))",
                errors: [.init(pointer: "purpose", reason: "unknown")])
        }
        if let problem = Problem.reference(person.caseReference, member: "caseReference") { throw problem }
        let referenceDate = try Problem.date(person.referenceDate, member: "referenceDate")
        var knownAt: Instant?
        if let text = person.knownAt {
            guard let instant = Instant(text) else {
                throw Problem.badRequest(
                    "knownAt must be an ISO 8601 instant with an offset, such as 2026-11-29T10:15:00Z",
                    errors: [.init(pointer: "knownAt", reason: "expected an ISO 8601 instant")])
            }
            knownAt = instant
        }
        return PersonRead(
            insz: try Problem.nationalNumber(person.insz, policy: register.policy), purpose: purpose, caseReference: person.caseReference,
            referenceDate: referenceDate, knownAt: knownAt)
    }

    /// Records the read in the transparency log before anything is answered; without the record
    /// nothing is shown.
    func recordRead(of insz: NationalNumber, purpose: RegisterReadPurpose, caseReference: String, context: Authenticated) async throws {
        do {
            _ = try await exchange.recordAccess(
                client: context.client, channel: .register, outcome: .read, purpose: purpose.rawValue,
                caseReference: caseReference,
                subject: insz, requestId: context.requestId, traceparent: context.traceparent)
        } catch is ExchangeService.RecordNotStored {
            throw Problem(
                status: .serviceUnavailable, type: Problem.typeURI("disclosure-not-recorded"),
                title: "The read could not be recorded, so nothing is shown")
        }
    }

    @Sendable func status(_ request: Request, context: Authenticated) async throws -> Response {
        let read = try await decodePerson(request)
        // The register's own readers may ask about a day to come.
        let referenceDate = try ReferenceDate.resolve(read.referenceDate, today: today(), allowsFuture: true)
        try await recordRead(of: read.insz, purpose: read.purpose, caseReference: read.caseReference, context: context)
        let status = try await register.status(of: read.insz, on: referenceDate, knownAt: read.knownAt)
        return Response.json(StatusAnswer(insz: read.insz, referenceDate: referenceDate, status: status).jsonText)
    }

    @Sendable func dossier(_ request: Request, context: Authenticated) async throws -> Response {
        let read = try await decodePerson(request)
        try await recordRead(of: read.insz, purpose: read.purpose, caseReference: read.caseReference, context: context)
        // As the register knew the dossier then: the events recorded up to that instant.
        let events = try await register.store.events(of: read.insz).known(at: read.knownAt)
        var output = "{\"insz\":\"\(read.insz.digits)\",\"events\":["
        for (index, event) in events.enumerated() {
            if index > 0 { output += "," }
            output += event.jsonLine
        }
        output += "]}"
        return Response.json(output)
    }

    @Sendable func importKBI(_ request: Request, context: Authenticated) async throws -> Response {
        let client = context.client
        // A KBI answer replaces the person's KBI events (a snapshot), so only a client registered
        // for the source kbi may send one.
        guard client.mayWrite(source: KBIDossierMapper.sourceName) else {
            throw Problem(
                status: .forbidden, type: Problem.typeURI("source-not-allowed"),
                title: "The client may not import KBI answers; nothing was stored",
                detail: "a KBI import needs a client registered for the source kbi")
        }
        let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
        let report: KBIImportReport
        do {
            report = try await register.importKBI(Data(body.readableBytesView), by: .client(client.id))
        } catch let error as KBIImportError {
            let slug: String
            switch error {
            case .malformedXML: slug = "kbi-malformed-xml"
            case .magdaException(let code, _): slug = code == "30001" ? "kbi-not-found" : "kbi-magda-exception"
            case .notADossier: slug = "kbi-not-a-dossier"
            case .invalidNationalNumber, .invalidValue: slug = "kbi-invalid-value"
            }
            throw Problem(
                status: .unprocessableContent, type: Problem.typeURI(slug), title: "The KBI answer was not imported; nothing was stored",
                detail: error.description)
        }
        return try Response.json(
            ImportAnswer(
                version: report.version, eventsInDossier: report.eventsInDossier, stored: report.summary.stored,
                alreadyPresent: report.eventsInDossier - report.summary.stored, unmapped: report.unmapped, warnings: report.warnings,
                ignoredSections: report.ignoredSections))
    }
}
