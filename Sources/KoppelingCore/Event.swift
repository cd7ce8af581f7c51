public import struct Foundation.UUID

/// The identity of an event, and its idempotency key.
public typealias EventID = UUID

/// One immutable fact in a person's integration file.
///
/// `recordedAt` is set by the register when the event is stored and is `nil` before.
/// `verbatim` keeps source codes that an importer could not map (written as `data.verbatim`).
public struct Event: Sendable, Hashable {
    public var eventId: EventID
    public var insz: NationalNumber
    public var effectiveDate: LocalDate
    public var recordedAt: Instant?
    public var source: String
    public var payload: EventPayload
    public var verbatim: [String: String]

    /// Creates an event.
    public init(
        eventId: EventID, insz: NationalNumber, effectiveDate: LocalDate, recordedAt: Instant? = nil,
        source: String, payload: EventPayload, verbatim: [String: String] = [:]
    ) {
        self.eventId = eventId
        self.insz = insz
        self.effectiveDate = effectiveDate
        self.recordedAt = recordedAt
        self.source = source
        self.payload = payload
        self.verbatim = verbatim
    }

    /// The event's type.
    public var type: EventType { payload.type }

    /// Whether another event with the same id carries the same fact (the idempotency rule);
    /// `recordedAt` does not count.
    public func hasSameContent(as other: Event) -> Bool {
        eventId == other.eventId && insz == other.insz && effectiveDate == other.effectiveDate && source == other.source
            && payload == other.payload && verbatim == other.verbatim
    }
}

extension UUID {
    /// The lowercase hyphenated form the register writes.
    public var lowercasedString: String { uuidString.lowercased() }
}
