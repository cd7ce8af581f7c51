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

    /// The purpose codes of every protocol version that was ever published: a purpose outside this
    /// set names no protocol at all, and a request for it is refused before any decision is recorded.
    public var knownPurposes: Set<String> {
        Set(protocols.filter { $0.publishedOn != nil }.flatMap { $0.document.purposes.map(\.code) })
    }

    /// Decides one disclosure.
    ///
    /// For each protocol that names the party and the purpose, its newest version that was ever
    /// published governs, whatever its state: a newer version that is suspended or revoked never lets
    /// an older one, with other fields, authorise again. Without a published version, the newest
    /// version says why nothing is authorised.
    /// - Parameters:
    ///   - party: the recipient party the client belongs to.
    ///   - purpose: the purpose code asked for.
    ///   - channel: lookup, follow or batch.
    ///   - fields: the fields wanted; `nil` asks for every field the protocol allows.
    ///   - date: the day of the disclosure (the validity window is in days).
    public func decide(
        party: String, purpose: String, channel: DisclosureChannel, fields: [DisclosureField]?, on date: LocalDate
    ) -> DisclosureDecision {
        let candidates = protocols.filter { record in
            record.document.purposes.contains { $0.code == purpose }
                && record.document.parties.contains { $0.id == party && $0.role == .recipient }
        }
        guard !candidates.isEmpty else { return .denied(.noProtocol) }
        var governing: [ProtocolRecord] = []
        for versions in Dictionary(grouping: candidates, by: \.document.id).values {
            let published = versions.filter { $0.publishedOn != nil }
            governing.append((published.isEmpty ? versions : published).max { $0.document.version < $1.document.version }!)
        }
        let decisions = governing.sorted { ($0.document.id, $0.document.version) < ($1.document.id, $1.document.version) }
            .map { decide($0, channel: channel, fields: fields, on: date) }
        if let allowed = decisions.first(where: { if case .allowed = $0 { true } else { false } }) { return allowed }
        return decisions.first { $0 != .denied(.notPublished) } ?? .denied(.notPublished)
    }

    /// The decision of one governing protocol version.
    func decide(_ record: ProtocolRecord, channel: DisclosureChannel, fields: [DisclosureField]?, on date: LocalDate) -> DisclosureDecision
    {
        switch record.state {
        case .published:
            guard record.document.validFrom <= date else { return .denied(.notYetInForce) }
            guard date <= record.document.validUntil else { return .denied(.expired) }
            guard record.document.channels.contains(where: { $0.channel == channel }) else { return .denied(.channelNotAllowed) }
            let allowed = record.document.fields
            let granted = (fields ?? allowed).filter { allowed.contains($0) }.sorted()
            var unique: [DisclosureField] = []
            for field in granted where !unique.contains(field) { unique.append(field) }
            return .allowed(protocolId: record.document.id, version: record.document.version, fields: unique)
        case .suspended: return .denied(.suspended)
        case .revoked, .superseded: return .denied(.revoked)
        case .draft, .inReview, .advised, .signed: return .denied(.notPublished)
        }
    }
}
