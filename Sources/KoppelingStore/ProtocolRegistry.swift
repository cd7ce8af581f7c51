public import Crypto
public import KoppelingCore

public import struct Foundation.Data

/// The protocol workflow over a store: drafting, DPO advice, signatures, publication, suspension
/// and revocation, each recorded with who, when and why; and the disclosure decision.
public struct ProtocolRegistry: Sendable {
    public let store: any ProtocolStore
    /// The clock, for the instant of every transition.
    public let clock: @Sendable () -> Instant
    /// The protocol set every lookup decides on; cleared by every step taken here, and read again
    /// at least every second for steps taken elsewhere (the command line, another instance).
    private let policies = ExpiringCache<Int, DisclosurePolicy>(lifetime: .seconds(1))

    public init(store: any ProtocolStore, clock: @escaping @Sendable () -> Instant) {
        self.store = store
        self.clock = clock
    }

    /// Runs a workflow step and forgets the cached protocol set.
    private func step(_ body: () async throws -> ProtocolRecord) async throws -> ProtocolRecord {
        defer { policies.removeAll() }
        return try await body()
    }

    /// Stores a validated document as a draft and submits it for DPO advice.
    public func submit(_ document: ProtocolDocument, actor: String) async throws -> ProtocolRecord {
        let now = clock()
        let record = try ProtocolRecord(draft: document, actor: actor, at: now).submitted(actor: actor, at: now)
        try await store.insertProtocol(record)
        policies.removeAll()
        return record
    }

    /// Records a DPO's advice, signed with a DPO key registered for its party.
    public func advise(id: String, version: Int, advice: DPOAdvice, actor: String) async throws -> ProtocolRecord {
        guard let registered = try await store.party(id: advice.party) else { throw ProtocolStoreError.unknownParty(advice.party) }
        let keys = registered.dpoPublicKeys
        let now = clock()
        return try await step {
            try await store.updateProtocol(id: id, version: version) { try $0.advised(advice, dpoKeys: keys, actor: actor, at: now) }
        }
    }

    /// Adds a controller's signature, verified against the party's registered keys.
    public func sign(
        id: String, version: Int, party: String, publicKey: Curve25519.Signing.PublicKey, signature: Data, actor: String
    ) async throws -> ProtocolRecord {
        guard let registered = try await store.party(id: party) else { throw ProtocolStoreError.unknownParty(party) }
        let keys = registered.controllerKeys
        let now = clock()
        return try await step {
            try await store.updateProtocol(id: id, version: version) {
                try $0.signed(party: party, publicKey: publicKey, signature: signature, registeredKeys: keys, actor: actor, at: now)
            }
        }
    }

    /// Publishes a signed version.
    /// Publishes a signed version; the earlier versions of the protocol that were published become
    /// `superseded`. (The decision already lets only the newest published version govern, so a
    /// failure between the two steps authorises nothing it should not.)
    public func publish(id: String, version: Int, on date: LocalDate, actor: String) async throws -> ProtocolRecord {
        let now = clock()
        let published = try await step {
            try await store.updateProtocol(id: id, version: version) { try $0.published(on: date, actor: actor, at: now) }
        }
        for older in try await store.protocolRecords()
        where older.document.id == id && older.document.version < version && (older.state == .published || older.state == .suspended) {
            _ = try await step {
                try await store.updateProtocol(id: id, version: older.document.version) {
                    try $0.superseded(by: version, actor: actor, at: now)
                }
            }
        }
        return published
    }

    /// Suspends a published version.
    public func suspend(id: String, version: Int, reason: String, actor: String) async throws -> ProtocolRecord {
        let now = clock()
        return try await step {
            try await store.updateProtocol(id: id, version: version) { try $0.suspended(reason: reason, actor: actor, at: now) }
        }
    }

    /// Lifts a suspension, with every party's controller's signature over the version's
    /// reinstatement statement (``ProtocolRecord/reinstatementStatement(reason:)``).
    public func reinstate(
        id: String, version: Int, reason: String, signatures: [ProtocolSignature], actor: String
    ) async throws -> ProtocolRecord {
        guard let record = try await store.protocolRecord(id: id, version: version) else {
            throw ProtocolStoreError.notFound(id: id, version: version)
        }
        var keys: [String: [Curve25519.Signing.PublicKey]] = [:]
        for party in record.document.parties {
            keys[party.id] = try await store.party(id: party.id)?.controllerKeys ?? []
        }
        let now = clock()
        return try await step {
            try await store.updateProtocol(id: id, version: version) { [keys] in
                try $0.reinstated(reason: reason, signatures: signatures, registeredKeys: keys, actor: actor, at: now)
            }
        }
    }

    /// Revokes a version for good.
    public func revoke(id: String, version: Int, reason: String, actor: String) async throws -> ProtocolRecord {
        let now = clock()
        return try await step {
            try await store.updateProtocol(id: id, version: version) { try $0.revoked(reason: reason, actor: actor, at: now) }
        }
    }

    /// The disclosure decision over every stored version.
    public func policy() async throws -> DisclosurePolicy {
        try await policies.value(for: 0) { DisclosurePolicy(protocols: try await store.protocolRecords()) }
    }
}
