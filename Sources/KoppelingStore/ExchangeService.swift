public import KoppelingCore

public import struct Foundation.UUID

/// The exchange for recipients: one lookup is decided by the protocols, answered with the granted
/// fields only, and recorded (allowed or refused) before anything is returned.
public struct ExchangeService: Sendable {
    public let register: Register
    public let protocols: ProtocolRegistry
    public let store: any ExchangeStore & FollowStore
    public let pseudonymizer: Pseudonymizer
    public let clock: @Sendable () -> Instant
    public let today: @Sendable () -> LocalDate
    /// Disclosure records from concurrent lookups share one durable transaction.
    private let recorder: GroupCommit<DisclosureRecord>
    /// Told of every record this service has stored (for the metrics).
    let recorded: @Sendable ([DisclosureRecord]) -> Void
    /// Told of every request refused for a purpose no protocol names, by party (for a bounded
    /// counter: such requests leave no record, or anyone could grow the log at will).
    let unknownPurpose: @Sendable (String) -> Void

    public init(
        register: Register, protocols: ProtocolRegistry, store: any ExchangeStore & FollowStore, pseudonymizer: Pseudonymizer,
        clock: @escaping @Sendable () -> Instant, today: @escaping @Sendable () -> LocalDate,
        recorded: @escaping @Sendable ([DisclosureRecord]) -> Void = { _ in },
        unknownPurpose: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.recorded = recorded
        self.unknownPurpose = unknownPurpose
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
        /// No protocol ever published names the purpose: refused, and not recorded.
        case unknownPurpose
    }

    /// A disclosure record that could not be stored: nothing may be disclosed.
    public struct RecordNotStored: Error, Sendable {
        public var underlying: String
    }

    /// Decides and answers lookups, recording every decision in one durable step before any
    /// answer is returned; if the records cannot be stored, nothing is answered.
    public func lookups(
        _ lookups: [(lookup: Lookup, requestId: String)], client: RegisteredClient, traceparent: String?
    ) async throws -> [Outcome] {
        let policy = try await protocols.policy()
        let day = today()
        var records: [DisclosureRecord] = []
        var outcomes: [Outcome] = []
        records.reserveCapacity(lookups.count)
        outcomes.reserveCapacity(lookups.count)
        let purposes = policy.knownPurposes
        for (lookup, requestId) in lookups {
            guard purposes.contains(lookup.purpose) else {
                unknownPurpose(client.party)
                outcomes.append(.unknownPurpose)
                continue
            }
            let decision = policy.decide(party: client.party, purpose: lookup.purpose, channel: .lookup, fields: nil, on: day)
            let id = UUID()
            var record = DisclosureRecord(
                disclosureId: id, at: clock(), clientId: client.id, party: client.party, purpose: lookup.purpose, channel: .lookup,
                caseReference: lookup.caseReference, protocolId: nil, protocolVersion: nil, fields: [], outcome: .allowed,
                referenceDate: lookup.referenceDate, subjectPseudonym: pseudonymizer.pseudonym(of: lookup.insz), requestId: requestId,
                traceparent: traceparent)
            switch decision {
            case .denied(let reason):
                record.outcome = .denied(reason)
                outcomes.append(.denied(disclosureId: id, reason: reason))
            case .allowed(let protocolId, let version, let fields):
                let events = try await register.store.events(of: lookup.insz)
                let result = register.projection.project(events, insz: lookup.insz, on: lookup.referenceDate, fields: fields)
                record.protocolId = protocolId
                record.protocolVersion = version
                record.fields = result.map(\.field)
                record.outcome = .allowed
                outcomes.append(.allowed(disclosureId: id, protocolId: protocolId, version: version, result: result))
            }
            records.append(record)
        }
        if !records.isEmpty { try await append(records) }
        return outcomes
    }

    /// Records an access that is not a protocol disclosure (a register read, a citizen report, a
    /// webhook set), durably, before the caller answers: who (`client`), what person (as pseudonym,
    /// if one), why (`purpose`) and for which case or work reference.
    public func recordAccess(
        client: RegisteredClient, channel: DisclosureChannel, outcome: DisclosureOutcome, purpose: String, caseReference: String,
        subject: NationalNumber?, requestId: String, traceparent: String?, protocol governing: (id: String, version: Int)? = nil
    ) async throws -> DisclosureRecord {
        try await recordAccess(
            actor: client.id, party: client.party, channel: channel, outcome: outcome, purpose: purpose, caseReference: caseReference,
            subject: subject, requestId: requestId, traceparent: traceparent, protocol: governing)
    }

    /// Records reads of several persons by one client for one purpose, in one durable step (a page
    /// of a work list): nothing is shown unless all are recorded.
    public func recordAccesses(
        client: RegisteredClient, channel: DisclosureChannel, purpose: String, caseReference: String, subjects: [NationalNumber],
        requestId: String, traceparent: String?
    ) async throws {
        guard !subjects.isEmpty else { return }
        let at = clock()
        try await append(
            subjects.map { subject in
                DisclosureRecord(
                    disclosureId: UUID(), at: at, clientId: client.id, party: client.party, purpose: purpose, channel: channel,
                    caseReference: caseReference, protocolId: nil, protocolVersion: nil, fields: [], outcome: .read, referenceDate: today(),
                    subjectPseudonym: pseudonymizer.pseudonym(of: subject), requestId: requestId, traceparent: traceparent)
            })
    }

    /// Records an access or administrative act by `actor` (a client id, or `operator:ACCOUNT` for
    /// the command line) of `party`.
    public func recordAccess(
        actor: String, party: String, channel: DisclosureChannel, outcome: DisclosureOutcome, purpose: String, caseReference: String,
        subject: NationalNumber?, requestId: String, traceparent: String?, protocol governing: (id: String, version: Int)? = nil
    ) async throws -> DisclosureRecord {
        let record = DisclosureRecord(
            disclosureId: UUID(), at: clock(), clientId: actor, party: party, purpose: purpose, channel: channel,
            caseReference: caseReference, protocolId: governing?.id, protocolVersion: governing?.version, fields: [], outcome: outcome,
            referenceDate: today(),
            subjectPseudonym: subject.map { pseudonymizer.pseudonym(of: $0) } ?? "", requestId: requestId, traceparent: traceparent)
        try await append([record])
        return record
    }

    /// Screens stored change notices at delivery time (``NoticeDelivery``).
    public var noticeScreen: NoticeScreen { NoticeScreen(protocols: protocols, clients: store, today: today) }

    // MARK: - Follow lists

    /// The answer to an enrolment.
    public enum Enrolment: Sendable {
        case enrolled(Follow, disclosureId: UUID)
        case denied(disclosureId: UUID, reason: DisclosureDecision.DenialReason)
        /// `until` lies beyond the longest period the protocol allows; nothing was stored.
        case tooLong(maxDays: Int)
        /// No protocol ever published names the purpose: refused, and not recorded.
        case unknownPurpose
    }

    func record(
        _ client: RegisteredClient, purpose: String, caseReference: String, subject: String, outcome: DisclosureOutcome,
        protocol: (String, Int)?,
        requestId: String, traceparent: String?
    ) -> DisclosureRecord {
        DisclosureRecord(
            disclosureId: UUID(), at: clock(), clientId: client.id, party: client.party, purpose: purpose, channel: .follow,
            caseReference: caseReference, protocolId: `protocol`?.0, protocolVersion: `protocol`?.1, fields: [], outcome: outcome,
            referenceDate: today(), subjectPseudonym: subject, requestId: requestId, traceparent: traceparent)
    }

    /// Enrols a person on a client's follow list, if a protocol in force allows the follow channel
    /// for its party and the purpose, until at most the protocol's longest follow period. The
    /// enrolment, or its refusal, is a disclosure record.
    public func enrol(
        insz: NationalNumber, purpose: String, caseReference: String, until: LocalDate, client: RegisteredClient, requestId: String,
        traceparent: String?
    ) async throws -> Enrolment {
        let policy = try await protocols.policy()
        guard policy.knownPurposes.contains(purpose) else {
            unknownPurpose(client.party)
            return .unknownPurpose
        }
        let day = today()
        let subject = pseudonymizer.pseudonym(of: insz)
        switch policy.decide(party: client.party, purpose: purpose, channel: .follow, fields: nil, on: day) {
        case .denied(let reason):
            let record = record(
                client, purpose: purpose, caseReference: caseReference, subject: subject, outcome: .denied(reason), protocol: nil,
                requestId: requestId, traceparent: traceparent)
            try await append([record])
            return .denied(disclosureId: record.disclosureId, reason: reason)
        case .allowed(let protocolId, let version, _):
            let document = policy.protocols.first { $0.document.id == protocolId && $0.document.version == version }?.document
            let maxDays = document?.channels.first { $0.channel == .follow }?.maxFollowDays ?? 365
            guard until <= day.adding(days: maxDays) else { return .tooLong(maxDays: maxDays) }
            let follow = Follow(
                id: UUID(), clientId: client.id, party: client.party, purpose: purpose, caseReference: caseReference, insz: insz.digits,
                subjectPseudonym: subject, protocolId: protocolId, protocolVersion: version, createdAt: clock(), until: until)
            let record = record(
                client, purpose: purpose, caseReference: caseReference, subject: subject, outcome: .enrolled,
                protocol: (protocolId, version), requestId: requestId, traceparent: traceparent)
            do {
                try await store.insertFollow(follow, record: record)
            } catch {
                throw RecordNotStored(underlying: "\(type(of: error))")
            }
            recorded([record])
            return .enrolled(follow, disclosureId: record.disclosureId)
        }
    }

    /// Ends one of a client's follows, recording the ending as a disclosure; nil when the client has
    /// no such follow, `ended == false` when it had ended already.
    public func endFollow(
        id: UUID, client: RegisteredClient, requestId: String, traceparent: String?
    ) async throws -> (follow: Follow, ended: Bool)? {
        guard let current = try await store.follow(id: id, clientId: client.id) else { return nil }
        let record = record(
            client, purpose: current.purpose, caseReference: current.caseReference, subject: current.subjectPseudonym, outcome: .ended,
            protocol: (current.protocolId, current.protocolVersion), requestId: requestId, traceparent: traceparent)
        let result = try await store.endFollow(id: id, clientId: client.id, at: clock(), record: record)
        if result?.ended == true { recorded([record]) }
        return result
    }

    /// A client's follows with their state today, after a cursor.
    public func follows(
        client: RegisteredClient, after cursor: Int?, limit: Int
    ) async throws -> [(position: Int, follow: Follow, state: Follow.State)] {
        let policy = try await protocols.policy()
        let day = today()
        return try await store.follows(clientId: client.id, after: cursor, limit: limit).map { position, follow in
            let inForce: Bool
            if case .allowed = policy.decide(party: follow.party, purpose: follow.purpose, channel: .follow, fields: nil, on: day) {
                inForce = true
            } else {
                inForce = false
            }
            return (position, follow, follow.state(on: day, protocolInForce: inForce))
        }
    }

    private func append(_ records: [DisclosureRecord]) async throws {
        do {
            try await recorder.submit(records)
        } catch {
            throw RecordNotStored(underlying: "\(type(of: error))")
        }
        recorded(records)
    }
}
