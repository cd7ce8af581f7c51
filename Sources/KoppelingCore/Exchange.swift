import Crypto
public import struct Foundation.UUID

/// The role of a client system: what it may do.
public enum ClientRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// The exchange (lookups, follows, batches) of a recipient party.
    case recipient
    /// Sending events and imports, reading dossiers.
    case agency
    /// The protocol workflow and administration.
    case staff
    /// The transparency answers for the person concerned.
    case citizenPortal = "citizen-portal"
}

/// A registered client system of a party.
public struct RegisteredClient: Sendable, Hashable, Codable {
    public var id: String
    public var party: String
    public var name: String
    public var role: ClientRole
    /// The Ed25519 public key its token assertions are signed with, base64 of the raw 32 bytes.
    public var assertionKey: String?
    /// The SHA-256 fingerprint of its mutual-TLS certificate, hexadecimal.
    public var certificateFingerprint: String?
    /// Lookups per minute it may make.
    public var ratePerMinute: Int

    public init(id: String, party: String, name: String, role: ClientRole, assertionKey: String?, certificateFingerprint: String?, ratePerMinute: Int) {
        self.id = id
        self.party = party
        self.name = name
        self.role = role
        self.assertionKey = assertionKey
        self.certificateFingerprint = certificateFingerprint
        self.ratePerMinute = ratePerMinute
    }
}

/// The record of one disclosure decision, allowed or refused. It holds no national number: only
/// its keyed pseudonym, so that records can be shared with auditors.
public struct DisclosureRecord: Sendable, Hashable, Codable {
    public var disclosureId: UUID
    public var at: Instant
    public var clientId: String
    public var party: String
    public var purpose: String
    public var channel: DisclosureChannel
    public var caseReference: String
    public var protocolId: String?
    public var protocolVersion: Int?
    /// The field names returned (none when refused).
    public var fields: [DisclosureField]
    /// `allowed`, or the denial reason.
    public var outcome: String
    public var referenceDate: LocalDate
    /// HMAC-SHA-256 of the national number with the server's pseudonym secret, hexadecimal.
    public var subjectPseudonym: String
    public var requestId: String
    public var traceparent: String?

    public init(
        disclosureId: UUID, at: Instant, clientId: String, party: String, purpose: String, channel: DisclosureChannel, caseReference: String,
        protocolId: String?, protocolVersion: Int?, fields: [DisclosureField], outcome: String, referenceDate: LocalDate,
        subjectPseudonym: String, requestId: String, traceparent: String?
    ) {
        self.disclosureId = disclosureId
        self.at = at
        self.clientId = clientId
        self.party = party
        self.purpose = purpose
        self.channel = channel
        self.caseReference = caseReference
        self.protocolId = protocolId
        self.protocolVersion = protocolVersion
        self.fields = fields
        self.outcome = outcome
        self.referenceDate = referenceDate
        self.subjectPseudonym = subjectPseudonym
        self.requestId = requestId
        self.traceparent = traceparent
    }
}

/// Keyed pseudonyms of national numbers (HMAC-SHA-256 with a server secret).
public struct Pseudonymizer: Sendable {
    private let key: SymmetricKey

    public init(secret: [UInt8]) {
        key = SymmetricKey(data: secret)
    }

    /// The pseudonym of a national number, lowercase hexadecimal.
    public func pseudonym(of insz: NationalNumber) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(insz.digits.utf8), using: key).lowercaseHex
    }
}

extension DisclosureRecord {
    /// The record as canonical JSON: members sorted by name, no white space, absent optionals
    /// left out. This is what the register stores, and it decodes with `Codable`.
    public var canonicalJSON: String {
        var members: [String: JSONValue] = [
            "disclosureId": .string(disclosureId.lowercasedString),
            "at": .string(at.description),
            "clientId": .string(clientId),
            "party": .string(party),
            "purpose": .string(purpose),
            "channel": .string(channel.rawValue),
            "caseReference": .string(caseReference),
            "fields": .array(fields.map { .string($0.rawValue) }),
            "outcome": .string(outcome),
            "referenceDate": .string(referenceDate.description),
            "subjectPseudonym": .string(subjectPseudonym),
            "requestId": .string(requestId),
        ]
        if let protocolId { members["protocolId"] = .string(protocolId) }
        if let protocolVersion { members["protocolVersion"] = .integer(Int64(protocolVersion)) }
        if let traceparent { members["traceparent"] = .string(traceparent) }
        return JSONValue.object(members).canonicalText
    }
}
