public import KoppelingCore
import struct Foundation.UUID

/// The exchange for recipients: one lookup is decided by the protocols, answered with the granted
/// fields only, and recorded (allowed or refused) before anything is returned.
public struct ExchangeService: Sendable {
    public let register: Register
    public let protocols: ProtocolRegistry
    public let store: any ExchangeStore
    public let pseudonymizer: Pseudonymizer
    public let clock: @Sendable () -> Instant
    public let today: @Sendable () -> LocalDate
    /// Disclosure records from concurrent lookups share one durable transaction.
    private let recorder: GroupCommit<DisclosureRecord>

    public init(
        register: Register, protocols: ProtocolRegistry, store: any ExchangeStore, pseudonymizer: Pseudonymizer,
        clock: @escaping @Sendable () -> Instant, today: @escaping @Sendable () -> LocalDate
    ) {
        self.register = register
        self.protocols = protocols
        self.store = store
        self.pseudonymizer = pseudonymizer
        self.clock = clock
        self.today = today
        self.recorder = GroupCommit { [store] records in try await store.appendDisclosures(records) }
    }

    /// A lookup as the recipient asks it.
    public struct Lookup: Sendable {
        public var insz: NationalNumber
        public var purpose: String
        public var caseReference: String
        public var referenceDate: LocalDate

        public init(insz: NationalNumber, purpose: String, caseReference: String, referenceDate: LocalDate) {
            self.insz = insz
            self.purpose = purpose
            self.caseReference = caseReference
            self.referenceDate = referenceDate
        }
    }

    /// The answer to a lookup.
    public enum Outcome: Sendable {
        case allowed(disclosureId: UUID, protocolId: String, version: Int, result: [(field: DisclosureField, value: JSONValue)])
        case denied(disclosureId: UUID, reason: DisclosureDecision.DenialReason)
    }

    /// A disclosure record that could not be stored: nothing may be disclosed.
    public struct RecordNotStored: Error, Sendable {
        public var underlying: String
    }

    /// Decides, records and answers one lookup.
    public func lookup(_ lookup: Lookup, client: RegisteredClient, requestId: String, traceparent: String?) async throws -> Outcome {
        try await lookups([(lookup, requestId)], client: client, traceparent: traceparent)[0]
    }

    /// Decides and answers lookups, recording every decision in one durable step before any
    /// answer is returned; if the records cannot be stored, nothing is answered.
    public func lookups(_ lookups: [(lookup: Lookup, requestId: String)], client: RegisteredClient, traceparent: String?) async throws -> [Outcome] {
        let policy = try await protocols.policy()
        let day = today()
        var records: [DisclosureRecord] = []
        var outcomes: [Outcome] = []
        records.reserveCapacity(lookups.count)
        outcomes.reserveCapacity(lookups.count)
        for (lookup, requestId) in lookups {
            let decision = policy.decide(party: client.party, purpose: lookup.purpose, channel: .lookup, fields: nil, on: day)
            let id = UUID()
            var record = DisclosureRecord(
                disclosureId: id, at: clock(), clientId: client.id, party: client.party, purpose: lookup.purpose, channel: .lookup,
                caseReference: lookup.caseReference, protocolId: nil, protocolVersion: nil, fields: [], outcome: "",
                referenceDate: lookup.referenceDate, subjectPseudonym: pseudonymizer.pseudonym(of: lookup.insz), requestId: requestId,
                traceparent: traceparent)
            switch decision {
            case .denied(let reason):
                record.outcome = reason.rawValue
                outcomes.append(.denied(disclosureId: id, reason: reason))
            case .allowed(let protocolId, let version, let fields):
                let events = try await register.store.events(of: lookup.insz)
                let result = DisclosureProjection(engine: register.engine).project(events, insz: lookup.insz, on: lookup.referenceDate, fields: fields)
                record.protocolId = protocolId
                record.protocolVersion = version
                record.fields = result.map(\.field)
                record.outcome = "allowed"
                outcomes.append(.allowed(disclosureId: id, protocolId: protocolId, version: version, result: result))
            }
            records.append(record)
        }
        do {
            try await recorder.submit(records)
        } catch {
            throw RecordNotStored(underlying: "\(type(of: error))")
        }
        return outcomes
    }
}
