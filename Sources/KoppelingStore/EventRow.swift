public import KoppelingCore

/// An event rendered as the column values of its stored row (the same columns in every backend).
public struct EventRow: Sendable {
    public var eventId: EventID
    public var id: String
    public var insz: String
    public var type: String
    public var effectiveDate: String
    public var source: String
    public var data: String

    public init(_ event: Event) {
        eventId = event.eventId
        id = event.eventId.lowercasedString
        insz = event.insz.digits
        type = event.type.rawValue
        effectiveDate = event.effectiveDate.description
        source = event.source
        data = event.canonicalData
    }
}
