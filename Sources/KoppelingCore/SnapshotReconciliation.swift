import Crypto

public import struct Foundation.UUID

/// Reconciles a source's snapshot of one person (a KBI dossier) with what the register holds.
///
/// A dossier is the source's whole current view of a person. Events of the snapshot that the
/// register lacks are added; events the register holds from that source that the snapshot no
/// longer contains are retracted (never deleted), so that "what did we know on date K" stays
/// answerable. Retraction ids are derived from the retracted event, so a repeated import adds
/// nothing.
public enum SnapshotReconciliation {
    /// The events to append so that the register reflects `snapshot`.
    /// - Parameters:
    ///   - existing: the person's stored events, in recording order.
    ///   - snapshot: the events the snapshot yields, all from `source`.
    ///   - source: the source whose events the snapshot replaces.
    ///   - reason: the text of any retraction.
    public static func plan(existing: [Event], snapshot: [Event], source: String, reason: String) -> [Event] {
        var retracted = Set<EventID>()
        var held = Set<EventID>()
        for event in existing {
            held.insert(event.eventId)
            if case .eventRetracted(let retraction) = event.payload {
                retracted.insert(retraction.retractedEventId)
            }
        }
        let wanted = Set(snapshot.map(\.eventId))
        var additions: [Event] = []
        for event in snapshot where !held.contains(event.eventId) || retracted.contains(event.eventId) {
            if retracted.contains(event.eventId) {
                // A fact retracted earlier reappears: it cannot be un-retracted, so it is recorded anew.
                var again = event
                again.eventId = derivedId(["reinstated", event.eventId.lowercasedString, String(retracted.count)])
                if !held.contains(again.eventId) { additions.append(again) }
            } else {
                additions.append(event)
            }
        }
        for event in existing where event.source == source && !wanted.contains(event.eventId) && !retracted.contains(event.eventId) {
            if case .eventRetracted = event.payload { continue }
            let retraction = Event(
                eventId: derivedId(["retracted", event.eventId.lowercasedString]), insz: event.insz,
                effectiveDate: event.effectiveDate, source: source,
                payload: .eventRetracted(.init(retractedEventId: event.eventId, reason: reason)))
            if !held.contains(retraction.eventId) { additions.append(retraction) }
        }
        return additions
    }

    /// A name-based UUID (version 8, RFC 9562) from SHA-256 of the parts.
    public static func derivedId(_ parts: [String]) -> EventID {
        let key = (["koppeling-v1"] + parts).joined(separator: "\u{1F}")
        var bytes = Array(SHA256.hash(data: Array(key.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(bytes: bytes)
    }
}
