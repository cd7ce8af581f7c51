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
    /// ABB's own systems: the enforcement work list and its decisions.
    case enforcement
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
    /// For an agency client: the event sources it may write (`kbi` for KBI imports). Nil or
    /// empty: none.
    public var sources: [String]?
    /// When it was disabled; nil while enabled.
    public var disabledAt: Instant?
    /// Access tokens issued before this instant are refused (set by a key rotation or disabling).
    public var tokensValidFrom: Instant?
    /// What operators changed, oldest first (see ``ClientAdministration``).
    public var history: [ClientChange]?

    public init(
        id: String, party: String, name: String, role: ClientRole, assertionKey: String?, certificateFingerprint: String?,
        ratePerMinute: Int,
        sources: [String]? = nil
    ) {
        self.id = id
        self.party = party
        self.name = name
        self.role = role
        self.assertionKey = assertionKey
        self.certificateFingerprint = certificateFingerprint
        self.ratePerMinute = ratePerMinute
        self.sources = sources
        self.disabledAt = nil
        self.tokensValidFrom = nil
        self.history = nil
    }

    /// Whether the client may write events of `source`.
    public func mayWrite(source: String) -> Bool {
        role == .agency && (sources ?? []).contains(source)
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
    /// What became of it: data disclosed, a follow enrolled or ended, or the denial reason.
    public var outcome: DisclosureOutcome
    public var referenceDate: LocalDate
    /// HMAC-SHA-256 of the national number with the server's pseudonym secret, hexadecimal.
    public var subjectPseudonym: String
    public var requestId: String
    public var traceparent: String?

    public init(
        disclosureId: UUID, at: Instant, clientId: String, party: String, purpose: String, channel: DisclosureChannel,
        caseReference: String,
        protocolId: String?, protocolVersion: Int?, fields: [DisclosureField], outcome: DisclosureOutcome, referenceDate: LocalDate,
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

/// What became of a disclosure decision, a closed set: pages, metrics and exports label it from
/// here. Stored and shown as its raw value (`allowed`, `notice`, `batch`, `enrolled`, `ended`, or the
/// denial reason such as `no_protocol`).
public enum DisclosureOutcome: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A lookup answered with data.
    case allowed
    /// A change notice with data, to a follower.
    case notice
    /// A batch file with data, to a recipient.
    case batch
    /// A person put on a follow list.
    case enrolled
    /// A follow ended.
    case ended
    /// A read by a client that is not a recipient: a register read, a citizen report.
    case read
    /// A webhook set or rotated.
    case webhookSet
    /// Change notices or a batch file handed to the recipient when it pulled them.
    case delivered
    /// A webhook's deliveries restarted from an earlier notice, at the recipient's request.
    case replayed
    /// Refused: nothing disclosed.
    case denied(DisclosureDecision.DenialReason)

    /// Every outcome, for closed metric label sets.
    public static let allCases: [DisclosureOutcome] =
        [.allowed, .notice, .batch, .enrolled, .ended, .read, .webhookSet, .delivered, .replayed]
        + [DisclosureDecision.DenialReason.noProtocol, .notPublished, .notYetInForce, .expired, .suspended, .revoked, .channelNotAllowed]
        .map { .denied($0) }

    public init?(rawValue: String) {
        switch rawValue {
        case "allowed": self = .allowed
        case "notice": self = .notice
        case "batch": self = .batch
        case "enrolled": self = .enrolled
        case "ended": self = .ended
        case "read": self = .read
        case "webhook_set": self = .webhookSet
        case "delivered": self = .delivered
        case "replayed": self = .replayed
        default:
            guard let reason = DisclosureDecision.DenialReason(rawValue: rawValue) else { return nil }
            self = .denied(reason)
        }
    }

    public var rawValue: String {
        switch self {
        case .allowed: "allowed"
        case .notice: "notice"
        case .batch: "batch"
        case .enrolled: "enrolled"
        case .ended: "ended"
        case .read: "read"
        case .webhookSet: "webhook_set"
        case .delivered: "delivered"
        case .replayed: "replayed"
        case .denied(let reason): reason.rawValue
        }
    }

    public var description: String { rawValue }

    /// Whether data about the person left the register.
    public var disclosedData: Bool {
        switch self {
        case .allowed, .notice, .batch, .read, .delivered: true
        case .enrolled, .ended, .webhookSet, .replayed, .denied: false
        }
    }

    /// Whether it was a refusal.
    public var isDenial: Bool {
        if case .denied = self { true } else { false }
    }

    /// How a person reads it, in Dutch and French.
    public var label: BilingualText {
        switch self {
        case .allowed: BilingualText(nl: "verstrekt", fr: "communiqué")
        case .notice: BilingualText(nl: "wijzigingsbericht verstrekt", fr: "message de modification communiqué")
        case .batch: BilingualText(nl: "in een periodiek bestand verstrekt", fr: "communiqué dans un fichier périodique")
        case .enrolled: BilingualText(nl: "op de volglijst gezet", fr: "inscrit sur la liste de suivi")
        case .ended: BilingualText(nl: "van de volglijst gehaald", fr: "retiré de la liste de suivi")
        case .read: BilingualText(nl: "ingezien", fr: "consulté")
        case .webhookSet: BilingualText(nl: "webhook ingesteld", fr: "webhook configuré")
        case .delivered: BilingualText(nl: "afgehaald", fr: "retiré")
        case .replayed: BilingualText(nl: "opnieuw verstuurd", fr: "renvoyé")
        case .denied(let reason): BilingualText(nl: "geweigerd (\(reason.rawValue))", fr: "refusé (\(reason.rawValue))")
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let outcome = DisclosureOutcome(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown disclosure outcome \(text)"))
        }
        self = outcome
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
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
            "outcome": .string(outcome.rawValue),
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
