/// What the register may disclose to whom: the one decision every disclosure goes through.
public enum DisclosureDecision: Sendable, Hashable {
    /// Allowed under a protocol version, for the fields it lists (never more than asked, never
    /// more than listed).
    case allowed(protocolId: String, version: Int, fields: [DisclosureField])
    /// Refused, with the reason.
    case denied(DenialReason)

    /// Why a disclosure is refused.
    public enum DenialReason: String, Sendable, Hashable, Codable {
        case noProtocol = "no_protocol"
        case notPublished = "not_published"
        case notYetInForce = "not_yet_in_force"
        case expired
        case suspended
        case revoked
        case channelNotAllowed = "channel_not_allowed"
    }
}

/// Decides disclosures from the protocols. Pure: the caller passes the protocol versions and the
/// instant; nothing else counts.
public struct DisclosurePolicy: Sendable {
    /// Every stored protocol version, in any state.
    public var protocols: [ProtocolRecord]

    public init(protocols: [ProtocolRecord]) {
        self.protocols = protocols
    }

    /// The days between two batch files for a recipient party: the most frequent schedule among
    /// the published protocols in force that give it the batch channel; nil without one.
    public func batchIntervalDays(party: String, on date: LocalDate) -> Int? {
        protocols.filter { record in
            record.state == .published && record.document.validFrom <= date && date <= record.document.validUntil
                && record.document.parties.contains { $0.id == party && $0.role == .recipient }
        }
        .compactMap { record in record.document.channels.first { $0.channel == .batch }.map { $0.batchIntervalDays ?? 1 } }
        .min()
    }

    /// Decides one disclosure.
    /// - Parameters:
    ///   - party: the recipient party the client belongs to.
    ///   - purpose: the purpose code asked for.
    ///   - channel: lookup, follow or batch.
    ///   - fields: the fields wanted; `nil` asks for every field the protocol allows.
    ///   - date: the day of the disclosure (the validity window is in days).
    public func decide(party: String, purpose: String, channel: DisclosureChannel, fields: [DisclosureField]?, on date: LocalDate) -> DisclosureDecision {
        let candidates = protocols.filter { record in
            record.document.purposes.contains { $0.code == purpose }
                && record.document.parties.contains { $0.id == party && $0.role == .recipient }
        }
        guard !candidates.isEmpty else { return .denied(.noProtocol) }
        // Among the versions for this party and purpose, a published one in force decides; otherwise
        // the most telling reason of the newest version is given.
        let inForce = candidates.filter { $0.state == .published && $0.document.validFrom <= date && date <= $0.document.validUntil }
        if let record = inForce.max(by: { $0.document.version < $1.document.version }) {
            guard record.document.channels.contains(where: { $0.channel == channel }) else { return .denied(.channelNotAllowed) }
            let allowed = record.document.fields
            let granted = (fields ?? allowed).filter { allowed.contains($0) }.sorted()
            var unique: [DisclosureField] = []
            for field in granted where !unique.contains(field) { unique.append(field) }
            return .allowed(protocolId: record.document.id, version: record.document.version, fields: unique)
        }
        let newest = candidates.max(by: { $0.document.version < $1.document.version })!
        switch newest.state {
        case .revoked: return .denied(.revoked)
        case .suspended: return .denied(.suspended)
        case .published:
            return .denied(date < newest.document.validFrom ? .notYetInForce : .expired)
        case .draft, .inReview, .advised, .signed:
            return .denied(.notPublished)
        }
    }
}
