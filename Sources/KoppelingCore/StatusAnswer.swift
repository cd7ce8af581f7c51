/// The JSON answer for a status question, the same for the command line and HTTP:
/// `{"insz":…,"referenceDate":…,"status":…,"statusTerm":{…},"since":…,"reasons":[…],"flags":{…}}`.
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
        case insz, referenceDate, status, statusTerm, since, reasons, flags
    }

    /// The answer as JSON with its members in the documented order (JSONEncoder does not keep
    /// the order of keyed containers):
    /// `{"insz","referenceDate","status","statusTerm":{"nl","fr"},"since",`
    /// `"reasons":[{"code","text":{"nl","fr"},"legalReference"}],"flags"}`.
    public var jsonText: String {
        func date(_ value: LocalDate?) -> String { value.map { "\"\($0)\"" } ?? "null" }
        var output = "{\"insz\":\"\(insz)\",\"referenceDate\":\"\(referenceDate)\",\"status\":\"\(status.rawValue)\",\"statusTerm\":"
        status.term.writeJSON(to: &output)
        output += ",\"since\":\(date(since)),\"reasons\":["
        for (index, reason) in reasons.enumerated() {
            if index > 0 { output += "," }
            output += "{\"code\":"
            JSONValue.writeString(reason.code, to: &output)
            output += ",\"text\":"
            reason.text.writeJSON(to: &output)
            output += ",\"legalReference\":"
            JSONValue.writeString(reason.legalReference, to: &output)
            output += "}"
        }
        output += "],\"flags\":"
        flags.writeJSON(to: &output)
        output += "}"
        return output
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(insz, forKey: .insz)
        try container.encode(referenceDate, forKey: .referenceDate)
        try container.encode(status, forKey: .status)
        try container.encode(status.term, forKey: .statusTerm)
        try container.encode(since, forKey: .since)
        try container.encode(reasons, forKey: .reasons)
        try container.encode(flags, forKey: .flags)
    }
}
