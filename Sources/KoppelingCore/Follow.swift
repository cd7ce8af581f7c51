public import struct Foundation.UUID

/// A person on a recipient client's follow list: the client learns of changes to the fields its
/// protocol allows until `until`, or until the follow is ended or its protocol stops being in force.
public struct Follow: Sendable, Hashable, Codable {
    public var id: UUID
    public var clientId: String
    public var party: String
    public var purpose: String
    public var caseReference: String
    /// The person, kept by the register to produce change notices; never listed or logged.
    public var insz: String
    /// The keyed pseudonym of the national number, the person's id in listings and in the log.
    public var subjectPseudonym: String
    public var protocolId: String
    public var protocolVersion: Int
    public var createdAt: Instant
    /// The last day the follow runs.
    public var until: LocalDate
    public var endedAt: Instant?

    public init(
        id: UUID, clientId: String, party: String, purpose: String, caseReference: String, insz: String, subjectPseudonym: String,
        protocolId: String, protocolVersion: Int, createdAt: Instant, until: LocalDate, endedAt: Instant? = nil
    ) {
        self.id = id
        self.clientId = clientId
        self.party = party
        self.purpose = purpose
        self.caseReference = caseReference
        self.insz = insz
        self.subjectPseudonym = subjectPseudonym
        self.protocolId = protocolId
        self.protocolVersion = protocolVersion
        self.createdAt = createdAt
        self.until = until
        self.endedAt = endedAt
    }

    /// The follow ended at an instant; nil when it had ended already, so that ending it again
    /// changes nothing and records nothing.
    public func ending(at instant: Instant) -> Follow? {
        guard endedAt == nil else { return nil }
        var ended = self
        ended.endedAt = instant
        return ended
    }

    /// Where a follow stands on a day.
    public enum State: String, Sendable, Hashable {
        case active
        /// Ended by the client.
        case ended
        /// Past its `until`.
        case expired
        /// Its protocol is not in force (suspended, revoked, expired): it produces nothing.
        case protocolNotInForce = "protocol_not_in_force"
    }

    /// The state on a day, given whether its protocol authorises the follow channel that day.
    public func state(on day: LocalDate, protocolInForce: Bool) -> State {
        if endedAt != nil { return .ended }
        if day > until { return .expired }
        return protocolInForce ? .active : .protocolNotInForce
    }
}
