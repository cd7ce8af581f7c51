/// The JSON answer for a status question, the same for the command line and HTTP:
/// `{"insz":…,"referenceDate":…,"status":…,"since":…,"reasons":[…],"flags":{…}}`.
public struct StatusAnswer: Sendable, Hashable, Encodable {
    public var insz: String
    public var referenceDate: LocalDate
    public var status: StatusCode
    public var since: LocalDate?
    public var reasons: [StatusReason]
    public var flags: StatusFlags

    public init(insz: NationalNumber, referenceDate: LocalDate, status: PersonStatus) {
        self.insz = insz.digits
        self.referenceDate = referenceDate
        self.status = status.status
        self.since = status.since
        self.reasons = status.reasons
        self.flags = status.flags
    }

    enum CodingKeys: String, CodingKey {
        case insz, referenceDate, status, since, reasons, flags
    }

    /// The answer as JSON with its members in the documented order (JSONEncoder does not keep
    /// the order of keyed containers).
    public var jsonText: String {
        func date(_ value: LocalDate?) -> String { value.map { "\"\($0)\"" } ?? "null" }
        var output = "{\"insz\":\"\(insz)\",\"referenceDate\":\"\(referenceDate)\",\"status\":\"\(status.rawValue)\",\"since\":\(date(since)),\"reasons\":["
        for (index, reason) in reasons.enumerated() {
            if index > 0 { output += "," }
            output += "{\"code\":"
            JSONValue.writeString(reason.code, to: &output)
            output += ",\"text\":"
            JSONValue.writeString(reason.text, to: &output)
            output += ",\"legalReference\":"
            JSONValue.writeString(reason.legalReference, to: &output)
            output += "}"
        }
        output += "],\"flags\":{\"infringementClosedWithoutFollowUp\":\(flags.infringementClosedWithoutFollowUp),\"openInfringement\":\(flags.openInfringement)"
        output += ",\"finesDecided\":\(flags.finesDecided),\"lastFineDecidedOn\":\(date(flags.lastFineDecidedOn)),\"postponed\":\(flags.postponed)}}"
        return output
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(insz, forKey: .insz)
        try container.encode(referenceDate, forKey: .referenceDate)
        try container.encode(status, forKey: .status)
        try container.encode(since, forKey: .since)
        try container.encode(reasons, forKey: .reasons)
        try container.encode(flags, forKey: .flags)
    }
}
