import struct Foundation.UUID

extension Event {
    /// An event the register already holds, from the columns it was stored in: the members are
    /// decoded, and none of the rules an incoming event must keep is checked again. Those rules
    /// were checked when the event was accepted, and some were added later: an event must stay
    /// readable as it was accepted. What does not decode (a missing member, a value of the wrong
    /// JSON type, a national number that is not eleven digits) is the error.
    ///
    /// - Parameters:
    ///   - insz: the eleven digits as stored; test numbers included.
    ///   - data: the stored `data` object (``canonicalData``).
    public init(
        storedId id: String, insz: String, type: String, effectiveDate: String, source: String, data: String
    ) throws(EventValidationError) {
        guard let eventId = UUID.parse(id) else { throw EventValidationError(path: "eventId", message: "expected a UUID") }
        let number: NationalNumber
        do {
            number = try NationalNumber(insz, policy: .stored)
        } catch {
            throw EventValidationError(path: "insz", message: "invalid national number (\(error.code))")
        }
        guard let type = EventType(rawValue: type) else {
            throw EventValidationError(path: "type", message: "unknown event type \"\(type)\"")
        }
        guard let date = LocalDate(effectiveDate) else {
            throw EventValidationError(path: "effectiveDate", message: "expected a date YYYY-MM-DD")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(data)
        } catch {
            throw EventValidationError(path: "data", message: error.description)
        }
        guard case .object(let members) = value else { throw EventValidationError(path: "data", message: "expected a JSON object") }
        var reader = MemberReader(members: members, path: "data.")
        let payload = try EventPayload.decode(type: type, from: &reader)
        self.init(
            eventId: eventId, insz: number, effectiveDate: date, recordedAt: nil, source: source, payload: payload,
            verbatim: try reader.verbatim())
    }
}

extension NationalNumber.Policy {
    /// The policy a national number read back from the register is parsed with: it was checked
    /// against the policy in force when it was stored, test numbers included when they were allowed.
    public static let stored = NationalNumber.Policy(allowsTestNumbers: true, currentYear: 9999)
}
