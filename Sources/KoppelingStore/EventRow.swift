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

extension EventRow {
    /// The columns every backend selects to read an event back, in the order of
    /// ``event(id:insz:type:effectiveDate:recordedAt:source:data:recordedBy:importDigest:)``.
    public static let selectedColumns = "event_id, insz, type, effective_date, recorded_at, source, data, recorded_by, import_digest"

    /// An event read back from its stored columns, decoded without checking the input rules again
    /// (``Event/init(storedId:insz:type:effectiveDate:source:data:)``); a row that does not decode is
    /// ``StoreError/corrupt(_:)``.
    /// `recordedBy` is empty for rows stored before the register kept provenance.
    public static func event(
        id: String, insz: String, type: String, effectiveDate: String, recordedAt: Int64, source: String, data: String,
        recordedBy: String, importDigest: String?
    ) throws -> Event {
        do {
            var event = try Event(storedId: id, insz: insz, type: type, effectiveDate: effectiveDate, source: source, data: data)
            event.recordedAt = Instant(microsecondsSinceEpoch: recordedAt)
            if !recordedBy.isEmpty { event.provenance = WriteProvenance(recordedBy: recordedBy, importDigest: importDigest) }
            return event
        } catch {
            throw StoreError.corrupt("event \(id): \(error)")
        }
    }
}
