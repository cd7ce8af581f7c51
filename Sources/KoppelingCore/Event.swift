public import struct Foundation.UUID

/// The identity of an event, and its idempotency key.
public typealias EventID = UUID

/// One immutable fact in a person's integration file.
///
/// `recordedAt` and `provenance` are set by the register when the event is stored and are `nil`
/// before (and `provenance` is nil for events stored before the register kept it).
/// `verbatim` keeps source codes that an importer could not map (written as `data.verbatim`).
public struct Event: Sendable, Hashable {
    public var eventId: EventID
    public var insz: NationalNumber
    public var effectiveDate: LocalDate
    public var recordedAt: Instant?
    /// Who stored the event, and from which file.
    public var provenance: WriteProvenance?
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
        self.provenance = nil
        self.source = source
        self.payload = payload
        self.verbatim = verbatim
    }

    /// The event's type.
    public var type: EventType { payload.type }

    /// Whether another event with the same id carries the same fact (the idempotency rule);
    /// `recordedAt` and `provenance` do not count.
    public func hasSameContent(as other: Event) -> Bool {
        eventId == other.eventId && insz == other.insz && effectiveDate == other.effectiveDate && source == other.source
            && payload == other.payload && verbatim == other.verbatim
    }
}

extension UUID {
    /// Parses the hyphenated form `8-4-4-4-12` (either case) without going through `sscanf`,
    /// which dominates `UUID(uuidString:)` on the import path.
    public static func parse(_ text: String) -> UUID? {
        var bytes = [UInt8](repeating: 0, count: 16)
        var index = 0
        var high: UInt8?
        var position = 0
        for byte in text.utf8 {
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                position += 1
                continue
            }
            let value: UInt8
            switch byte {
            case 48...57: value = byte - 48
            case 97...102: value = byte - 87
            case 65...70: value = byte - 55
            default: return nil
            }
            position += 1
            if let first = high {
                guard index < 16 else { return nil }
                bytes[index] = first << 4 | value
                index += 1
                high = nil
            } else {
                high = value
            }
        }
        guard position == 36, index == 16 else { return nil }
        return UUID(bytes: bytes)
    }

    /// The lowercase hyphenated form the register writes.
    public var lowercasedString: String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { output in
                var position = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        output[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    output[position] = hex[Int(byte >> 4)]
                    output[position + 1] = hex[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }
}
